package io.dbshift.analysis.replay;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where a PostgreSQL database is: parsed from a JDBC URL ({@code jdbc:postgresql://host:port/db?user=..&password=..}),
 * the user and password given apart or in the URL. Printed without its password.
 */
public record Server(
        String host, int port, String database, String user, String password, Map<String, String> parameters) {

    /** libpq's environment variable for each JDBC parameter pg_dump and psql must also honour. */
    private static final Map<String, String> LIBPQ = Map.of(
            "sslmode", "PGSSLMODE",
            "sslrootcert", "PGSSLROOTCERT",
            "sslcert", "PGSSLCERT",
            "sslkey", "PGSSLKEY",
            "options", "PGOPTIONS");

    public Server {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    public static Server parse(String jdbcUrl, String user, String password) {
        String prefix = "jdbc:postgresql://";
        if (jdbcUrl == null || !jdbcUrl.startsWith(prefix)) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + redact(jdbcUrl)
                    + " (expected jdbc:postgresql://host:port/database)");
        }
        String rest = jdbcUrl.substring(prefix.length());
        Map<String, String> query = new LinkedHashMap<>();
        int q = rest.indexOf('?');
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String database = slash < 0 || slash == rest.length() - 1 ? "postgres" : rest.substring(slash + 1);
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        int port = colon < 0 ? 5432 : Integer.parseInt(hostPort.substring(colon + 1));
        String u =
                user != null ? user : query.getOrDefault("user", System.getenv().getOrDefault("PGUSER", "postgres"));
        String p = password != null
                ? password
                : query.getOrDefault("password", System.getenv().get("PGPASSWORD"));
        query.remove("user");
        query.remove("password");
        return new Server(host.isEmpty() ? "localhost" : host, port, database, u, p, query);
    }

    public Server withDatabase(String name) {
        return new Server(host, port, name, user, password, parameters);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** The URL a person can be shown: never the password. */
    public String display() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.putAll(parameters);
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "dbshift-analysis");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    /** Environment for pg_dump and psql: the password never on a command line. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", String.valueOf(port));
        env.put("PGUSER", user);
        env.put("PGDATABASE", database);
        env.put("PGCONNECT_TIMEOUT", "10");
        if (password != null) {
            env.put("PGPASSWORD", password);
        }
        parameters.forEach((key, value) -> {
            if (LIBPQ.containsKey(key)) {
                env.put(LIBPQ.get(key), value);
            }
        });
        return env;
    }

    @Override
    public String toString() {
        return display();
    }

    static String redact(String url) {
        return url == null ? "(none)" : url.replaceAll("password=[^&]*", "password=***");
    }
}
