package io.dbshift.support.target;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * The target databases a service may reach, by name. Credentials live here, in the service's
 * configuration (environment or system properties), never in requests or events.
 */
@ConfigMapping(prefix = "dbshift")
public interface TargetsConfig {
    /** Registered targets by name, e.g. {@code dbshift.targets.production.jdbc-url}. */
    Map<String, Target> targets();

    /** One target database. */
    interface Target {
        /** JDBC URL, e.g. {@code jdbc:postgresql://db:5432/shop}. */
        String jdbcUrl();

        /** User to connect as. */
        @WithDefault("postgres")
        String username();

        /** Password; absent for trust or peer authentication. */
        Optional<String> password();

        /** Statement timeout for the read-only work (snapshots, checks), in PostgreSQL interval syntax. */
        @WithDefault("60s")
        String statementTimeout();
    }
}
