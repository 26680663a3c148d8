package io.dbshift.notifier.testsupport;

import io.dbshift.localstack.LocalPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** A throwaway PostgreSQL (or {@code DBSHIFT_PG_HOST}'s) with a fresh notifier database. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    static final String DATABASE = "dbshift_notifier_test";

    private static LocalPostgres postgres;

    @Override
    public Map<String, String> start() {
        postgres = LocalPostgres.startOrConnect();
        postgres.recreateDatabase(DATABASE);
        return Map.of(
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(DATABASE),
                "quarkus.datasource.reactive.url", postgres.reactiveUrl(DATABASE),
                "quarkus.datasource.username", postgres.user(),
                "quarkus.datasource.password", postgres.password());
    }

    @Override
    public void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    /** A JDBC connection to the notifier's database, for assertions on what the service stored. */
    public static Connection connect() throws SQLException {
        return postgres.connect(DATABASE);
    }
}
