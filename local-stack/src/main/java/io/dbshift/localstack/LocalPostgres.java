package io.dbshift.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A PostgreSQL server for the local stack and the tests: the one named by {@code DBSHIFT_PG_HOST}
 * (with {@code DBSHIFT_PG_PORT}, {@code DBSHIFT_PG_USER}, {@code DBSHIFT_PG_PASSWORD}) when set,
 * otherwise a throwaway cluster created from the system's PostgreSQL binaries on a free port and
 * removed on close. As root, the cluster runs as the {@code postgres} user, since initdb refuses root.
 */
public final class LocalPostgres implements AutoCloseable {
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final Path dataDir;
    private final Path binDir;

    /** A server someone else runs, described but not contacted (for configuration only). */
    public static LocalPostgres describing(String host, int port, String user, String password) {
        return new LocalPostgres(host, port, user, password, null, null);
    }

    private LocalPostgres(String host, int port, String user, String password, Path dataDir, Path binDir) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.dataDir = dataDir;
        this.binDir = binDir;
    }

    private static LocalPostgres shared;

    /**
     * One server for every test class of a JVM: started on first use, stopped when the JVM exits.
     * Tests take databases of their own from it ({@link #recreateDatabase}).
     */
    public static synchronized LocalPostgres shared() {
        if (shared == null) {
            shared = startOrConnect();
        }
        return shared;
    }

    /** Connects to the configured server, or starts a throwaway cluster. */
    public static LocalPostgres startOrConnect() {
        String configuredHost = System.getenv("DBSHIFT_PG_HOST");
        if (configuredHost != null && !configuredHost.isBlank()) {
            LocalPostgres external = new LocalPostgres(
                    configuredHost,
                    Integer.parseInt(env("DBSHIFT_PG_PORT", "5432")),
                    env("DBSHIFT_PG_USER", "postgres"),
                    env("DBSHIFT_PG_PASSWORD", ""),
                    null,
                    null);
            external.awaitConnectable();
            return external;
        }
        return startThrowaway();
    }

    private static LocalPostgres startThrowaway() {
        Path bin = findBinDir();
        int port = Ports.free();
        Path dir;
        try {
            dir = Files.createTempDirectory("dbshift-pg-");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "could not create a directory for a throwaway PostgreSQL cluster: " + e.getMessage(), e);
        }
        // Registered before anything starts, so a failed or interrupted start leaves nothing behind.
        LocalPostgres pg = new LocalPostgres("127.0.0.1", port, "dbshift", "", dir, bin);
        Thread cleanup = new Thread(pg::close);
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) {
                Processes.run(List.of("chown", "postgres:postgres", dir.toString()), null);
            }
            Path data = dir.resolve("data");
            Processes.run(
                    asOwner(
                            root,
                            List.of(
                                    bin.resolve("initdb").toString(),
                                    "-D",
                                    data.toString(),
                                    "-U",
                                    "dbshift",
                                    "--auth=trust",
                                    "-E",
                                    "UTF8",
                                    "--locale=C",
                                    "--no-sync")),
                    null);
            Processes.run(
                    asOwner(
                            root,
                            List.of(
                                    bin.resolve("pg_ctl").toString(),
                                    "-D",
                                    data.toString(),
                                    "-l",
                                    dir.resolve("postgres.log").toString(),
                                    "-w",
                                    "-t",
                                    "60",
                                    "-o",
                                    "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir
                                            + " -c max_connections=300"
                                            + " -c shared_buffers=256MB -c max_wal_size=2GB",
                                    "start")),
                    null);
            pg.awaitConnectable();
            return pg;
        } catch (RuntimeException e) {
            pg.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
            throw new IllegalStateException("could not start a throwaway PostgreSQL cluster: " + e.getMessage(), e);
        }
    }

    private static List<String> asOwner(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static Path findBinDir() {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                var newest = versions.filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(
                                p -> parseIntOr(p.getFileName().toString(), 0)));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException ignored) {
                // fall through to the error below
            }
        }
        throw new IllegalStateException("no PostgreSQL server binaries found under /usr/lib/postgresql. Install them "
                + "(Debian: apt-get install postgresql) or point dbshift at a running server with "
                + "DBSHIFT_PG_HOST, DBSHIFT_PG_PORT, DBSHIFT_PG_USER and DBSHIFT_PG_PASSWORD.");
    }

    private void awaitConnectable() {
        long deadline = System.nanoTime() + 60_000_000_000L;
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection ignored = connect("postgres")) {
                return;
            } catch (SQLException e) {
                last = e;
                Processes.pause(200);
            }
        }
        throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " is not reachable: "
                + (last == null ? "timed out" : last.getMessage()));
    }

    /**
     * Runs one SQL file through psql as an operator would ({@code -X -q -v ON_ERROR_STOP=1}, and {@code -1} for one
     * transaction); false when psql stopped on an error.
     */
    public boolean runFile(String database, Path file, boolean singleTransaction)
            throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                (binDir != null ? binDir : findBinDir()).resolve("psql").toString(),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                host,
                "-p",
                String.valueOf(port),
                "-U",
                user,
                "-d",
                database,
                "-f",
                file.toString()));
        if (singleTransaction) {
            command.add(1, "-1");
        }
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("PGPASSWORD", password);
        return pb.start().waitFor() == 0;
    }

    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /** Drops and creates a database. */
    public void recreateDatabase(String name) {
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            s.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The Vert.x reactive client's URL form. */
    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The postmaster's process id of a throwaway cluster; -1 for a server that is not ours. */
    public long pid() {
        if (dataDir == null) {
            return -1;
        }
        try {
            return Long.parseLong(Files.readAllLines(dataDir.resolve("data/postmaster.pid"))
                    .get(0)
                    .trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The server's log of a throwaway cluster; null for a server that is not ours. */
    public Path serverLog() {
        return dataDir == null ? null : dataDir.resolve("postgres.log");
    }

    public boolean isThrowaway() {
        return dataDir != null;
    }

    @Override
    public synchronized void close() {
        if (dataDir == null || !Files.exists(dataDir)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            Processes.run(
                    asOwner(
                            root,
                            List.of(
                                    binDir.resolve("pg_ctl").toString(),
                                    "-D",
                                    dataDir.resolve("data").toString(),
                                    "-m",
                                    "immediate",
                                    "-w",
                                    "stop")),
                    null);
        } catch (RuntimeException ignored) {
            // already stopped
        }
        Processes.deleteRecursively(dataDir);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static int parseIntOr(String s, int fallback) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
