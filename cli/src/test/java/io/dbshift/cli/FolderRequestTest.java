package io.dbshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.MigrationScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests built from migrations laid out as Diesel, Flyway and Prisma lay them out. */
class FolderRequestTest {
    @TempDir
    Path dir;

    void write(String file, String sql) throws Exception {
        Path path = dir.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, sql);
    }

    @Test
    void upAndDownFoldersBecomeScriptsWithTheirDownsInTheirToolsOrder() throws Exception {
        write("migrations/2017-10-01-000000_drop_legacy/up.sql", "DROP TABLE legacy;");
        write("migrations/2017-09-23-182408_add_avatar/up.sql", "ALTER TABLE users ADD COLUMN avatar_url text;");
        write("migrations/2017-09-23-182408_add_avatar/down.sql", "ALTER TABLE users DROP COLUMN avatar_url;");

        MigrationRequest request = FolderRequest.build(
                dir.resolve("migrations"), null, "production", "staging", "dba", List.of("users"), null);

        assertEquals("migrations", request.name());
        assertEquals(
                List.of("20170923182408", "20171001000000"),
                request.migrations().stream().map(MigrationScript::version).toList());
        assertEquals(
                List.of("add_avatar", "drop_legacy"),
                request.migrations().stream().map(MigrationScript::description).toList());
        assertEquals(
                "ALTER TABLE users DROP COLUMN avatar_url;",
                request.migrations().get(0).down());
        assertNull(request.migrations().get(1).down(), "no down script: the rollback rehearsal will say so");
        assertEquals("users", request.checks().get(0).rowCount());
        assertEquals("unchanged", request.checks().get(0).expect());
    }

    @Test
    void flywayFilesKeepTheirVersionsAndTakeTheirUndoScripts() throws Exception {
        write("db/V1__init.sql", "CREATE TABLE users (id bigint PRIMARY KEY);");
        write("db/V2_1__add_email.sql", "ALTER TABLE users ADD COLUMN email text;");
        write("db/U2_1__add_email.sql", "ALTER TABLE users DROP COLUMN email;");
        write("checks.json", "[{\"name\": \"no user lost\", \"sql\": \"SELECT 0\", \"expect\": \"0\"}]");

        MigrationRequest request = FolderRequest.build(
                dir.resolve("db"), "add-email", "production", "staging", "dba", List.of(), dir.resolve("checks.json"));

        assertEquals("add-email", request.name());
        assertEquals(
                List.of("1", "2.1"),
                request.migrations().stream().map(MigrationScript::version).toList());
        assertEquals("add_email", request.migrations().get(1).description());
        assertEquals(
                "ALTER TABLE users DROP COLUMN email;",
                request.migrations().get(1).down());
        assertEquals("no user lost", request.checks().get(0).name());
    }

    @Test
    void prismaFoldersTakeTheirTimestampAsTheVersion() throws Exception {
        write("prisma/migrations/20240101120000_init/migration.sql", "CREATE TABLE t (id int);");
        write("prisma/migrations/20240101120000_init/down.sql", "DROP TABLE t;");

        MigrationRequest request = FolderRequest.build(
                dir.resolve("prisma/migrations"), null, "production", "staging", "dba", List.of("t"), null);

        assertEquals("20240101120000", request.migrations().get(0).version());
        assertEquals("init", request.migrations().get(0).description());
        assertEquals("DROP TABLE t;", request.migrations().get(0).down());
    }

    @Test
    void withoutAnyCheckItSaysWhichOptionsGiveOne() throws Exception {
        write("db/V1__init.sql", "CREATE TABLE users (id bigint PRIMARY KEY);");

        CliException e = assertThrows(
                CliException.class,
                () -> FolderRequest.build(dir.resolve("db"), null, "production", "staging", "dba", List.of(), null));

        assertTrue(e.getMessage().contains("give --unchanged TABLE"), e.getMessage());
    }
}
