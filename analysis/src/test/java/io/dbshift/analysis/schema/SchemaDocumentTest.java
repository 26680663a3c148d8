package io.dbshift.analysis.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A real catalog documented, rendered and compared with itself after a change. */
class SchemaDocumentTest {

    @Test
    void documentsEveryKindOfObjectAndDiffsTwoSnapshots() throws Exception {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.recreateDatabase("schema_doc");
        try (Connection c = postgres.connect("schema_doc");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE users (id serial PRIMARY KEY, email varchar(100) NOT NULL, name text)");
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, user_id int)");
            s.execute("ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID");
            s.execute("CREATE VIEW active_users AS SELECT id, email FROM users");
            s.execute("CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$");
            s.execute("CREATE TRIGGER users_touch BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()");
            SchemaSnapshot before = SchemaSnapshotter.take(c);

            String md = SchemaMarkdown.render(before);
            assertTrue(md.contains("## users"), md);
            assertTrue(md.contains("| email | character varying(100) | no |"), md);
            assertTrue(md.contains("(not validated)"), "a NOT VALID foreign key says so:\n" + md);
            assertTrue(md.contains("users_touch"), md);
            assertTrue(md.contains("active_users"), md);
            assertTrue(md.contains("users_id_seq (integer, owned by users.id)"), md);
            assertTrue(md.contains("public.touch() returns trigger"), md);

            s.execute("DROP VIEW active_users");
            s.execute("ALTER TABLE users ALTER COLUMN email TYPE text, DROP COLUMN name, ADD COLUMN nick text");
            List<String> diff = SchemaDiff.between(before, SchemaSnapshotter.take(c)).stream()
                    .map(Object::toString)
                    .toList();
            assertTrue(diff.contains("~ column users.email: character varying(100) → text"), diff.toString());
            assertTrue(diff.contains("- column users.name"), diff.toString());
            assertTrue(diff.contains("+ column users.nick: text"), diff.toString());
            assertEquals(
                    1,
                    diff.stream()
                            .filter(d -> d.startsWith("- view active_users"))
                            .count(),
                    diff.toString());
        }
    }
}
