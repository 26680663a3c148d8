package io.dbshift.analysis.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * A database the analysis creates next to the target, on the same server (so on the target's own PostgreSQL version),
 * fills with a schema-only copy of the target or a schema file, replays the migration on, and drops, whatever happens.
 */
public final class ScratchDatabase implements AutoCloseable {
    private final Server admin;
    private final Server scratch;
    private final int serverMajor;
    private final Thread dropOnExit = new Thread(this::close, "dbshift-scratch-drop");
    private boolean dropped;

    private ScratchDatabase(Server admin, Server scratch, int serverMajor) {
        this.admin = admin;
        this.scratch = scratch;
        this.serverMajor = serverMajor;
    }

    /** Creates an empty scratch database on {@code server}'s PostgreSQL. */
    public static ScratchDatabase create(Server server) {
        return create(server, "template0");
    }

    /** Creates a scratch database as a copy of another one (which no session may be using). */
    public static ScratchDatabase copyOf(ScratchDatabase template) {
        return create(template.admin, template.name());
    }

    private static ScratchDatabase create(Server server, String template) {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String name = "dbshift_scratch_" + HexFormat.of().formatHex(random);
        int major;
        try (Connection c = connectOrExplain(server);
                Statement s = c.createStatement()) {
            major = c.getMetaData().getDatabaseMajorVersion();
            String like = "";
            if (template.equals("template0")) {
                // The copy sorts and compares text as the target does.
                try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_encoding_to_char(encoding), datcollate, datctype"
                        + " FROM pg_database WHERE datname = current_database()")) {
                    rs.next();
                    like = " ENCODING '" + rs.getString(1) + "' LC_COLLATE '"
                            + rs.getString(2).replace("'", "''") + "' LC_CTYPE '"
                            + rs.getString(3).replace("'", "''") + "'";
                }
            }
            s.execute("CREATE DATABASE " + name + " TEMPLATE " + template + like);
        } catch (SQLException e) {
            throw new AnalysisException(
                    "cannot create a scratch database on " + server.withDatabase("postgres") + ": " + e.getMessage()
                            + " (the analysis needs the CREATEDB privilege there)",
                    e);
        }
        ScratchDatabase db = new ScratchDatabase(server, server.withDatabase(name), major);
        Runtime.getRuntime().addShutdownHook(db.dropOnExit);
        return db;
    }

    static Connection connectOrExplain(Server server) {
        try {
            return server.connect();
        } catch (SQLException e) {
            throw new AnalysisException.Unreachable("cannot reach " + server + ": " + e.getMessage(), e);
        }
    }

    public String name() {
        return scratch.database();
    }

    public int serverMajor() {
        return serverMajor;
    }

    /** Copies the target's schema (no rows) with pg_dump and psql. */
    public void copySchemaOf(Server target) {
        Path dump = null;
        try {
            dump = Files.createTempFile("dbshift-schema", ".sql");
            PgTools.run(
                    List.of(
                            PgTools.locate("pg_dump", serverMajor).toString(),
                            "--schema-only",
                            "--no-owner",
                            "--no-privileges",
                            "--file",
                            dump.toString()),
                    target.environment(),
                    "pg_dump of " + target);
            loadSchemaFile(dump);
        } catch (IOException e) {
            throw new AnalysisException("cannot write the schema dump: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dump);
        }
    }

    /** Loads a schema file (plain SQL, as pg_dump writes it) with psql, stopping at the first error. */
    public void loadSchemaFile(Path schema) {
        PgTools.run(
                List.of(
                        PgTools.locate("psql", serverMajor).toString(),
                        "-X",
                        "-q",
                        "-v",
                        "ON_ERROR_STOP=1",
                        "-f",
                        schema.toString()),
                scratch.environment(),
                "loading " + schema.getFileName() + " into the scratch database");
        populateMaterializedViews();
    }

    /**
     * A schema-only dump creates materialized views WITH NO DATA; on the target they are populated, and REFRESH …
     * CONCURRENTLY refuses an unpopulated one. Refreshing them over empty tables costs nothing.
     */
    private void populateMaterializedViews() {
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            List<String> views = new java.util.ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery("SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm' AND NOT c.relispopulated"
                    + " ORDER BY c.oid")) {
                while (rs.next()) {
                    views.add(rs.getString(1));
                }
            }
            for (String view : views) {
                s.execute("REFRESH MATERIALIZED VIEW " + view);
            }
        } catch (SQLException e) {
            throw new AnalysisException("cannot populate the scratch copy's materialized views: " + e.getMessage(), e);
        }
    }

    public Connection connect() throws SQLException {
        return scratch.connect();
    }

    /** Where the scratch database is, for PostgreSQL's own programs (pg_restore, psql). */
    public Server server() {
        return scratch;
    }

    /** Drops the database, closing any session still in it. */
    @Override
    public synchronized void close() {
        if (dropped) {
            return;
        }
        dropped = true;
        if (Thread.currentThread() != dropOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(dropOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it finds the database dropped
            }
        }
        try (Connection c = admin.connect();
                Statement s = c.createStatement()) {
            if (serverMajor >= 13) {
                s.execute("DROP DATABASE IF EXISTS " + scratch.database() + " WITH (FORCE)");
            } else {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                        + scratch.database() + "'");
                s.execute("DROP DATABASE IF EXISTS " + scratch.database());
            }
        } catch (SQLException e) {
            System.err.println("dbshift: could not drop scratch database " + scratch.database() + " on " + admin + ": "
                    + e.getMessage() + "; drop it by hand");
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // a temporary file; the OS cleans it up
            }
        }
    }
}
