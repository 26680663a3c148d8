package io.dbshift.analysis.replay;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The versions a migration tool has already applied to the target, from its history table: Flyway's (dbshift's own
 * {@code dbshift_schema_history} or {@code flyway_schema_history}) and Diesel's {@code __diesel_schema_migrations}.
 * A script already applied is part of the target's schema; replaying it again would only fail.
 */
public final class AppliedVersions {
    private AppliedVersions() {}

    public static Set<String> of(Connection target) throws SQLException {
        Set<String> versions = new HashSet<>();
        for (String table : new String[] {"dbshift_schema_history", "flyway_schema_history"}) {
            if (exists(target, table)) {
                read(target, "SELECT version FROM " + table + " WHERE success AND version IS NOT NULL", versions);
            }
        }
        if (exists(target, "__diesel_schema_migrations")) {
            read(target, "SELECT version FROM __diesel_schema_migrations", versions);
        }
        return versions;
    }

    /** Flyway's {@code 1_5} is {@code 1.5}; Diesel stores {@code 2016-09-12-221302} as {@code 20160912221302}. */
    public static String normalize(String version) {
        return version.replace('_', '.').replace("-", "").toLowerCase(Locale.ROOT);
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void read(Connection c, String sql, Set<String> versions) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                versions.add(normalize(rs.getString(1)));
            }
        }
    }
}
