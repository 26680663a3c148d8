package io.dbshift.support.target;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Opens JDBC connections to registered targets. Blocking: call from a worker thread
 * ({@link io.dbshift.support.Workers}), never from the event loop.
 */
@ApplicationScoped
public class TargetDatabases {
    @Inject
    TargetsConfig config;

    public TargetsConfig.Target target(String name) {
        TargetsConfig.Target target = config.targets().get(name);
        if (target == null) {
            throw new UnknownTargetException("target \"" + name + "\" is not registered with this service; registered: "
                    + String.join(", ", new TreeSet<>(config.targets().keySet()))
                    + ". Register it with dbshift.targets." + name + ".jdbc-url");
        }
        return target;
    }

    public Connection connect(String name) throws SQLException {
        TargetsConfig.Target target = target(name);
        Properties props = new Properties();
        props.setProperty("user", target.username());
        target.password().ifPresent(password -> props.setProperty("password", password));
        props.setProperty("ApplicationName", "dbshift");
        return DriverManager.getConnection(target.jdbcUrl(), props);
    }

    public DataSource dataSource(String name) {
        TargetsConfig.Target target = target(name);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(target.jdbcUrl());
        dataSource.setUser(target.username());
        target.password().ifPresent(dataSource::setPassword);
        dataSource.setApplicationName("dbshift");
        return dataSource;
    }

    /** The URL without credentials, for messages. */
    public String describe(String name) {
        return target(name).jdbcUrl().replaceAll("password=[^&]*", "password=***");
    }

    /** A target name that is not registered. */
    public static class UnknownTargetException extends RuntimeException {
        public UnknownTargetException(String message) {
            super(message);
        }
    }
}
