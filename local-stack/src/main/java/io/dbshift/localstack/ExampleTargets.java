package io.dbshift.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The workflow document's example database, seeded from {@code example-targets.sql}: the same
 * script docker-compose's PostgreSQL runs at its first start.
 */
public final class ExampleTargets {
    private ExampleTargets() {}

    public static void create(LocalPostgres postgres, String database, int users) {
        postgres.recreateDatabase(database);
        String script = template().replace(":users", String.valueOf(users));
        try (Connection c = postgres.connect(database);
                Statement s = c.createStatement()) {
            for (String statement : script.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not seed " + database + ": " + e.getMessage(), e);
        }
    }

    static String template() {
        try (InputStream in = ExampleTargets.class.getResourceAsStream("/example-targets.sql")) {
            if (in == null) {
                throw new IllegalStateException("example-targets.sql is missing from the local-stack classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read example-targets.sql", e);
        }
    }
}
