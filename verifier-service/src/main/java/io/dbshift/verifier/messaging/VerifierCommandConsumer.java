package io.dbshift.verifier.messaging;

import io.dbshift.contracts.command.CaptureBaseline;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.command.RunChecks;
import io.dbshift.contracts.result.BaselineCaptured;
import io.dbshift.contracts.result.ChecksCompleted;
import io.dbshift.contracts.result.ChecksCompleted.CheckResult;
import io.dbshift.contracts.result.StepFailed;
import io.dbshift.contracts.result.StepResult;
import io.dbshift.support.CommandProcessing;
import io.dbshift.support.target.TargetDatabases;
import io.dbshift.verifier.checks.IntegrityChecks;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** Runs the orchestrator's verification commands. A failed check is a result; only unreadable messages are dead-lettered. */
@ApplicationScoped
public class VerifierCommandConsumer {
    static final String SOURCE = "/dbshift/verifier";
    private static final Logger LOG = Logger.getLogger(VerifierCommandConsumer.class);

    @Inject
    CommandProcessing processing;

    @Inject
    TargetDatabases targets;

    @Incoming("verifier-commands")
    public Uni<Void> consume(String value) {
        return processing.receive(value, SOURCE, this::execute);
    }

    StepResult execute(Command command) {
        try (Connection connection = targets.connect(command.target())) {
            IntegrityChecks checks =
                    new IntegrityChecks(targets.target(command.target()).statementTimeout());
            if (command instanceof CaptureBaseline c) {
                return new BaselineCaptured(
                        c.commandId(),
                        c.migrationId(),
                        c.stepId(),
                        c.target(),
                        checks.countRows(connection, c.tables()));
            } else if (command instanceof RunChecks c) {
                List<CheckResult> results = checks.run(connection, c.checks(), c.baseline());
                boolean passed = results.stream().allMatch(CheckResult::passed);
                return new ChecksCompleted(c.commandId(), c.migrationId(), c.stepId(), c.target(), passed, results);
            }
            return failed(command, command.getClass().getSimpleName() + " is not a verifier command", null);
        } catch (TargetDatabases.UnknownTargetException e) {
            return failed(command, e.getMessage(), null);
        } catch (SQLException e) {
            return failed(
                    command,
                    "the database refused: " + e.getMessage() + " (target " + targets.describe(command.target()) + ")",
                    e.getSQLState());
        } catch (RuntimeException e) {
            return failed(command, "the verifier failed unexpectedly: " + e, null);
        }
    }

    private static StepFailed failed(Command command, String reason, String sqlState) {
        LOG.warnf("%s failed: %s", command.commandId(), reason);
        return StepFailed.of(command, reason, sqlState);
    }
}
