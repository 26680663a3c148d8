package io.dbshift.cli;

import io.dbshift.analysis.replay.Server;
import picocli.CommandLine.Option;

/** The database a verb works on directly, without the services: {@code --against}, {@code --user}, {@code --password}. */
final class TargetOptions {
    @Option(
            names = "--against",
            required = true,
            paramLabel = "JDBC-URL",
            description = "The database, e.g. jdbc:postgresql://host:5432/db. Where the verb works from a schema file"
                    + " or an empty database, only its server is used.")
    String against;

    @Option(names = "--user", description = "User to connect as (else the URL's user=, else PGUSER, else postgres).")
    String user;

    @Option(
            names = "--password",
            description = "Password (else the URL's password=, else PGPASSWORD). Prefer PGPASSWORD: a command line is"
                    + " visible to other users.")
    String password;

    /** The parsed target; a URL that is not one is bad usage. */
    Server server() {
        try {
            return Server.parse(against, user, password);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.INVALID, e.getMessage());
        }
    }
}
