package io.dbshift.executor.messaging;

import io.dbshift.analysis.Analysis;
import io.dbshift.analysis.Analyzer;
import io.dbshift.analysis.Script;
import io.dbshift.analysis.backup.Backup;
import io.dbshift.analysis.judge.Rates;
import io.dbshift.analysis.rehearse.Reversible;
import io.dbshift.analysis.rehearse.RollbackRehearsal;
import io.dbshift.analysis.replay.AnalysisException;
import io.dbshift.analysis.replay.ReplayFailure;
import io.dbshift.analysis.replay.Server;
import io.dbshift.analysis.schema.SchemaDiff;
import io.dbshift.analysis.schema.SchemaSnapshotter;
import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.command.AnalyzeSchema;
import io.dbshift.contracts.command.ApplyMigration;
import io.dbshift.contracts.command.BackupTarget;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.command.RehearseRollback;
import io.dbshift.contracts.command.ReshapeSchema;
import io.dbshift.contracts.command.RollBackTarget;
import io.dbshift.contracts.command.RunBackfill;
import io.dbshift.contracts.event.BackfillProgressed;
import io.dbshift.contracts.request.BackfillSpec;
import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.request.SchemaOperation;
import io.dbshift.contracts.result.BackfillCompleted;
import io.dbshift.contracts.result.BackupVerified;
import io.dbshift.contracts.result.MigrationApplied;
import io.dbshift.contracts.result.RollbackRehearsed;
import io.dbshift.contracts.result.SchemaAnalyzed;
import io.dbshift.contracts.result.SchemaReshaped;
import io.dbshift.contracts.result.StepFailed;
import io.dbshift.contracts.result.StepResult;
import io.dbshift.contracts.result.TargetRolledBack;
import io.dbshift.contracts.schema.ReshapeStage;
import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.executor.ExecutorConfig;
import io.dbshift.executor.TargetLock;
import io.dbshift.executor.TargetRefusedException;
import io.dbshift.executor.apply.FlywayApplier;
import io.dbshift.executor.backfill.BackfillControls;
import io.dbshift.executor.backfill.KeysetBackfill;
import io.dbshift.executor.reshape.Reshaper;
import io.dbshift.support.CommandProcessing;
import io.dbshift.support.target.TargetDatabases;
import io.dbshift.support.target.TargetsConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Executes the orchestrator's commands on targets. The database work is blocking JDBC (Flyway
 * needs it) and runs on worker threads; a refusal by the database, or any other failure of the
 * work, is a {@link StepFailed} result, not an exception. Unreadable messages, and results that
 * cannot be recorded after retries, go to the dead-letter topic.
 */
@ApplicationScoped
public class ExecutorCommandConsumer {
    static final String SOURCE = "/dbshift/executor";
    private static final Logger LOG = Logger.getLogger(ExecutorCommandConsumer.class);

    @Inject
    CommandProcessing processing;

    @Inject
    TargetDatabases targets;

    @Inject
    ExecutorConfig config;

    @Inject
    BackfillControls controls;

    @Inject
    @Channel("progress")
    MutinyEmitter<String> progress;

    @Incoming("executor-commands")
    public Uni<Void> consume(String value) {
        return processing.receive(value, SOURCE, this::execute);
    }

    StepResult execute(Command command) {
        try {
            if (command instanceof AnalyzeSchema c) {
                return analyze(c);
            } else if (command instanceof ApplyMigration c) {
                return apply(c);
            } else if (command instanceof RunBackfill c) {
                return backfill(c);
            } else if (command instanceof BackupTarget c) {
                return backup(c);
            } else if (command instanceof RehearseRollback c) {
                return rehearseRollback(c);
            } else if (command instanceof RollBackTarget c) {
                return rollBack(c);
            } else if (command instanceof ReshapeSchema c) {
                return reshape(c);
            }
            return failed(command, command.getClass().getSimpleName() + " is not an executor command", null);
        } catch (TargetDatabases.UnknownTargetException e) {
            return failed(command, e.getMessage(), null);
        } catch (ReplayFailure e) {
            // A statement PostgreSQL refused on the scratch copy, named by file, line and column.
            return failed(command, e.getMessage(), e.sqlState());
        } catch (AnalysisException e) {
            // No scratch copy could be made, or the target's URL is not one.
            return failed(command, e.getMessage(), null);
        } catch (FlywayApplier.ApplyFailedException e) {
            return failed(command, e.getMessage(), e.sqlState()).withAppliedVersions(e.committed());
        } catch (ReshapeFailedException e) {
            return failed(command, e.getMessage(), e.sqlState()).withReshapeStage(e.stage);
        } catch (TargetRefusedException e) {
            return failed(command, e.getMessage(), e.sqlState());
        } catch (SQLException e) {
            return failed(
                    command,
                    "the database refused: " + e.getMessage() + " (target " + targets.describe(command.target()) + ")",
                    e.getSQLState());
        } catch (RuntimeException e) {
            // A defect, not the database's answer: the step fails visibly instead of retrying and vanishing.
            return failed(command, "the executor failed unexpectedly: " + e, null);
        }
    }

    /**
     * Documents the target's schema, then replays the migration on a scratch copy of it (a database created next to
     * the target and dropped after) to judge every statement by what PostgreSQL really does.
     */
    private SchemaAnalyzed analyze(AnalyzeSchema command) throws SQLException {
        TargetsConfig.Target target = targets.target(command.target());
        SchemaSnapshot snapshot;
        try (Connection connection = targets.connect(command.target())) {
            connection.setReadOnly(true);
            try (java.sql.Statement s = connection.createStatement()) {
                s.execute("SET statement_timeout = '" + target.statementTimeout() + "'");
            }
            snapshot = SchemaSnapshotter.take(connection);
        }
        Server server = server(command.target());
        List<Script> scripts = command.migrations().stream()
                .map(m -> new Script(
                        m.version(),
                        "V" + m.version() + "__" + m.description() + ".sql",
                        m.up(),
                        true,
                        Script.Runner.FLYWAY))
                .toList();
        // Replayed with the lock_timeout the apply step will set, so the finding about it tells the truth.
        Analysis analysis = new Analyzer(Rates.DEFAULT, line -> {}, config.lockTimeout()).against(server, scripts);
        return new SchemaAnalyzed(
                command.commandId(),
                command.migrationId(),
                command.stepId(),
                command.target(),
                snapshot,
                analysis.statements(),
                analysis.findings(),
                analysis.risk(),
                analysis.alreadyApplied());
    }

    private MigrationApplied apply(ApplyMigration command) throws SQLException {
        long started = System.nanoTime();
        FlywayApplier.Applied applied;
        SchemaSnapshot before;
        try (TargetLock lock = lock(command.target(), command.migrationId(), command.stepId())) {
            // What a rollback must give back: the rollback rehearsal compares with it.
            try (Connection connection = targets.connect(command.target())) {
                before = SchemaSnapshotter.take(connection);
            }
            applied = new FlywayApplier(
                            config.lockTimeout(),
                            config.applyStatementTimeout(),
                            config.lockRetries(),
                            config.lockRetryBackoff())
                    .apply(targets.dataSource(command.target()), command.migrations());
        }
        return new MigrationApplied(
                command.commandId(),
                command.migrationId(),
                command.stepId(),
                command.target(),
                applied.versions(),
                applied.schemaVersion(),
                (System.nanoTime() - started) / 1_000_000,
                before);
    }

    /**
     * Proves the rollback where the migration was applied and verified: downs, comparisons, ups again, in one
     * transaction rolled back at the end, under dbshift's lock on the target.
     */
    private RollbackRehearsed rehearseRollback(RehearseRollback command) throws SQLException {
        List<Reversible> migrations = command.migrations().stream()
                .map(ExecutorCommandConsumer::reversible)
                .toList();
        RollbackRehearsal.Result r;
        try (TargetLock lock = lock(command.target(), command.migrationId(), command.stepId());
                Connection connection = targets.connect(command.target())) {
            try (java.sql.Statement s = connection.createStatement()) {
                s.execute("SET lock_timeout = '" + config.lockTimeout() + "'");
            }
            r = RollbackRehearsal.rehearse(
                    connection, migrations, command.schemaBefore(), command.baseline(), command.unchangedTables());
        }
        return new RollbackRehearsed(
                command.commandId(),
                command.migrationId(),
                command.stepId(),
                command.target(),
                r.verdict().name(),
                r.irreversibleVersions(),
                r.refusal() == null ? null : r.refusal().toString(),
                r.differences(),
                r.rowCounts(),
                r.locks(),
                r.downMillis(),
                r.redoMillis(),
                r.comparedWithBefore(),
                r.tablesChecksummed());
    }

    /**
     * Rolls the target back after its verification failed, by its down scripts or from its verified backup, under
     * dbshift's lock on the target, and verifies the rollback against the schema before the migration and the
     * expected row counts.
     */
    private TargetRolledBack rollBack(RollBackTarget command) throws SQLException {
        long started = System.nanoTime();
        List<String> differences = new ArrayList<>();
        java.util.Map<String, Long> counts;
        String keptAs = null;
        try (TargetLock lock = lock(command.target(), command.migrationId(), command.stepId())) {
            if ("restore".equals(command.method())) {
                Server server = server(command.target());
                Backup.Restored restored = Backup.restore(
                        server,
                        java.nio.file.Path.of(command.archive()),
                        command.sha256(),
                        line -> LOG.infof("%s: %s", command.commandId(), line));
                counts = restored.rowCounts();
                keptAs = restored.keptAs();
                try (Connection connection = targets.connect(command.target())) {
                    SchemaDiff.between(command.schemaBefore(), SchemaSnapshotter.take(connection))
                            .forEach(d -> differences.add(d.toString()));
                }
                command.expectedRowCounts().forEach((table, expected) -> {
                    Long got = counts.get(table);
                    if (!expected.equals(got)) {
                        differences.add(
                                table + " has " + got + " rows after the restore, " + expected + " in the backup");
                    }
                });
            } else {
                // Expand/contract operations not contracted yet: dropping their new shape is their rollback.
                try (Connection connection = targets.connect(command.target())) {
                    reshaper().rollbackAll(connection, command.migrationId() + "/");
                }
                RollbackRehearsal.RolledBack r = downs(command);
                if (r.refusal() != null) {
                    throw new TargetRefusedException(
                            "the down scripts were refused on " + command.target() + ": " + r.refusal()
                                    + "; they ran in one transaction, which was rolled back: " + command.target()
                                    + " is still as the migration left it",
                            r.refusal().sqlState(),
                            null);
                }
                differences.addAll(r.differences());
                java.util.Map<String, Long> after = new java.util.LinkedHashMap<>();
                r.rowCounts().forEach((table, c) -> after.put(table, c[1]));
                counts = after;
            }
        }
        return new TargetRolledBack(
                command.commandId(),
                command.migrationId(),
                command.stepId(),
                command.target(),
                command.method(),
                differences.isEmpty(),
                differences,
                counts,
                (System.nanoTime() - started) / 1_000_000,
                keptAs);
    }

    /**
     * The down scripts in one transaction, run again after a growing pause when a statement's lock_timeout ran out
     * (the transaction was rolled back whole, so nothing of it stayed), as an apply is.
     */
    private RollbackRehearsal.RolledBack downs(RollBackTarget command) throws SQLException {
        long backoff = config.lockRetryBackoff().toMillis();
        for (int attempt = 0; ; attempt++) {
            try (Connection connection = targets.connect(command.target())) {
                try (java.sql.Statement s = connection.createStatement()) {
                    s.execute("SET lock_timeout = '" + config.lockTimeout() + "'");
                }
                RollbackRehearsal.RolledBack r = RollbackRehearsal.rollBack(
                        connection,
                        command.migrations().stream()
                                .map(ExecutorCommandConsumer::reversible)
                                .toList(),
                        command.schemaBefore(),
                        command.expectedRowCounts().keySet(),
                        FlywayApplier.HISTORY_TABLE);
                if (r.refusal() == null || !"55P03".equals(r.refusal().sqlState()) || attempt >= config.lockRetries()) {
                    return r;
                }
            }
            LOG.warnf(
                    "%s: a down statement waited longer than its lock_timeout; trying again in %d ms",
                    command.commandId(), backoff);
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting to retry the rollback", "57014", e);
            }
            backoff *= 2;
        }
    }

    /** A request's script as Flyway names it, with its down script as an undo script. */
    private static Reversible reversible(MigrationScript m) {
        String name =
                m.description() == null ? "migration" : m.description().trim().replaceAll("[^A-Za-z0-9]+", "_");
        return new Reversible(
                new Script(m.version(), "V" + m.version() + "__" + name + ".sql", m.up(), true, Script.Runner.FLYWAY),
                m.down() == null
                        ? null
                        : new Script(
                                m.version(),
                                "U" + m.version() + "__" + name + ".sql",
                                m.down(),
                                true,
                                Script.Runner.FLYWAY));
    }

    /**
     * Backs the target up and proves the archive by restoring it into a scratch database next to the target. Under
     * dbshift's lock on the target, so no other migration changes it while it is dumped.
     */
    private BackupVerified backup(BackupTarget command) throws SQLException {
        Server server = server(command.target());
        java.nio.file.Path archive = config.backupDir()
                .resolve(server.database() + "-" + command.migrationId().replaceAll("[^A-Za-z0-9_.-]", "_") + ".dump");
        Backup.Verified backup;
        try (TargetLock lock = lock(command.target(), command.migrationId(), command.stepId())) {
            backup = Backup.take(
                    server,
                    archive,
                    "tables".equals(config.backupScope()) ? command.affectedTables() : List.of(),
                    line -> LOG.infof("%s: %s", command.commandId(), line));
        }
        return new BackupVerified(
                command.commandId(),
                command.migrationId(),
                command.stepId(),
                command.target(),
                backup.archive().toAbsolutePath().toString(),
                backup.bytes(),
                backup.sha256(),
                backup.entries(),
                backup.rowCounts(),
                backup.databaseBytes(),
                backup.dumpMillis(),
                backup.restoreMillis(),
                backup.restoredInto(),
                backup.wholeDatabase(),
                backup.tables());
    }

    private Server server(String name) {
        TargetsConfig.Target target = targets.target(name);
        try {
            return Server.parse(
                    target.jdbcUrl(), target.username(), target.password().orElse(null));
        } catch (IllegalArgumentException e) {
            throw new AnalysisException("target " + name + ": " + e.getMessage(), e);
        }
    }

    private BackfillCompleted backfill(RunBackfill command) throws SQLException {
        List<BackfillCompleted.BackfillFigures> figures = new ArrayList<>();
        KeysetBackfill engine = new KeysetBackfill(
                config.lockTimeout(), config.batchStatementTimeout(), KeysetBackfill.Health.DEFAULT, controls);
        try (TargetLock lock = lock(command.target(), command.migrationId(), command.stepId());
                Connection connection = targets.connect(command.target())) {
            for (BackfillSpec spec : command.backfills()) {
                // One cursor per migration, step and table: a re-run of the step resumes it.
                String backfillId = command.migrationId() + "/" + command.stepId() + "/" + spec.table();
                figures.add(engine.run(
                        connection,
                        () -> targets.connect(command.target()),
                        backfillId,
                        spec,
                        p -> publish(command.migrationId(), command.stepId(), command.target(), p)));
            }
        }
        return new BackfillCompleted(
                command.commandId(), command.migrationId(), command.stepId(), command.target(), figures);
    }

    private Reshaper reshaper() {
        return new Reshaper(
                config.lockTimeout(),
                config.lockRetries(),
                config.lockRetryBackoff(),
                new KeysetBackfill(
                        config.lockTimeout(), config.batchStatementTimeout(), KeysetBackfill.Health.DEFAULT, controls));
    }

    /**
     * Takes the request's expand/contract operations one stage further on the target, each under the name
     * {@code <migrationId>/<index>}. On staging's expand the rollback is rehearsed: everything expanded is rolled back,
     * the schema compared with before, and expanded again.
     */
    private SchemaReshaped reshape(ReshapeSchema command) throws SQLException {
        try {
            return reshapeOnce(command);
        } catch (RuntimeException | SQLException e) {
            if (!command.rollBackOnFailure() && command.stage() == ReshapeStage.CONTRACTED) {
                // Whether the contract happened decides what the orchestrator may do next: wait and try again, or not.
                throw new ReshapeFailedException(e, stageAfter(command));
            }
            if (!command.rollBackOnFailure()) {
                throw e;
            }
            // Staging: what this migration expanded there is dropped, so that a corrected request finds it as it was.
            List<String> undone;
            try (TargetLock lock = lock(command.target(), command.migrationId(), command.stepId() + " (undo)");
                    Connection connection = targets.connect(command.target())) {
                undone = reshaper().rollbackAll(connection, command.migrationId() + "/");
            } catch (RuntimeException | SQLException undo) {
                e.addSuppressed(undo);
                throw e;
            }
            String note = undone.isEmpty() ? "" : "; its expand on " + command.target() + " was rolled back";
            if (e instanceof SQLException sql) {
                throw new TargetRefusedException(
                        "the database refused: " + sql.getMessage() + note, sql.getSQLState(), sql);
            }
            if (e instanceof TargetRefusedException refused) {
                throw new TargetRefusedException(refused.getMessage() + note, refused.sqlState(), refused);
            }
            throw e;
        }
    }

    /** The stage all of a command's operations are at, read from the target; null when they differ or it cannot say. */
    private ReshapeStage stageAfter(ReshapeSchema command) {
        Reshaper reshaper = reshaper();
        try (Connection connection = targets.connect(command.target())) {
            java.util.Set<ReshapeStage> stages = new java.util.HashSet<>();
            for (String id : byId(command).keySet()) {
                stages.add(reshaper.stage(connection, id));
            }
            return stages.size() == 1 ? stages.iterator().next() : null;
        } catch (RuntimeException | SQLException e) {
            LOG.warnf("%s: the stage after the failure could not be read: %s", command.commandId(), e.toString());
            return null;
        }
    }

    /** A failed expand/contract stage, with the stage its operations were found at afterwards. */
    static final class ReshapeFailedException extends TargetRefusedException {
        final ReshapeStage stage;

        ReshapeFailedException(Exception e, ReshapeStage stage) {
            super(
                    e instanceof SQLException sql
                            ? "the database refused: " + sql.getMessage()
                            : e instanceof TargetRefusedException ? e.getMessage() : "the executor failed: " + e,
                    e instanceof SQLException sql
                            ? sql.getSQLState()
                            : e instanceof TargetRefusedException refused ? refused.sqlState() : null,
                    e);
            this.stage = stage;
        }
    }

    private SchemaReshaped reshapeOnce(ReshapeSchema command) throws SQLException {
        Reshaper reshaper = reshaper();
        List<SchemaReshaped.ShapeChange> changes = new ArrayList<>();
        List<String> rehearsal = null;
        List<SchemaOperation> operations = command.operations();
        try (TargetLock lock = lock(command.target(), command.migrationId(), command.stepId());
                Connection connection = targets.connect(command.target())) {
            if (command.stage() == ReshapeStage.EXPANDED
                    && command.rehearseRollback()
                    && reshaper.stage(connection, command.migrationId() + "/0") == ReshapeStage.NONE) {
                SchemaSnapshot before = SchemaSnapshotter.take(connection);
                reshaper.expandAll(connection, byId(command));
                for (int i = operations.size() - 1; i >= 0; i--) {
                    reshaper.rollback(connection, command.migrationId() + "/" + i);
                }
                rehearsal = new ArrayList<>();
                for (var d : SchemaDiff.between(before, SchemaSnapshotter.take(connection))) {
                    rehearsal.add(d.toString());
                }
                if (!rehearsal.isEmpty()) {
                    return new SchemaReshaped(
                            command.commandId(),
                            command.migrationId(),
                            command.stepId(),
                            command.target(),
                            ReshapeStage.ROLLED_BACK,
                            List.of(),
                            rehearsal);
                }
            }
            if (command.stage() == ReshapeStage.CONTRACTED && command.oldApplication() != null) {
                reshaper.awaitGone(connection, command.oldApplication(), config.oldApplicationWait());
            }
            // Expand, switch and contract take all the operations in one transaction: their tables are locked once,
            // and a contract is all or nothing (a rollback of a half-contracted migration could not give the old
            // shape back). Each operation's figure is then that transaction's time.
            long together = System.nanoTime();
            List<String> ids = List.copyOf(byId(command).keySet());
            switch (command.stage()) {
                case EXPANDED -> reshaper.expandAll(connection, byId(command));
                case READY -> reshaper.readyAll(connection, ids);
                case CONTRACTED -> reshaper.contractAll(connection, ids);
                case BACKFILLED -> {}
                default ->
                    throw new TargetRefusedException("a command cannot ask for stage " + command.stage(), null, null);
            }
            long togetherMs = (System.nanoTime() - together) / 1_000_000;
            for (int i = 0; i < operations.size(); i++) {
                String id = command.migrationId() + "/" + i;
                long started = System.nanoTime();
                long rows = 0;
                if (command.stage() == ReshapeStage.BACKFILLED) {
                    rows = reshaper.backfill(
                                    connection,
                                    () -> targets.connect(command.target()),
                                    id,
                                    p -> publish(command.migrationId(), command.stepId(), command.target(), p))
                            .rowsUpdated();
                }
                var plan = reshaper.plan(connection, id);
                changes.add(new SchemaReshaped.ShapeChange(
                        plan.operation(),
                        operations.get(i).table(),
                        plan.oldColumns(),
                        plan.newColumns(),
                        rows,
                        command.stage() == ReshapeStage.BACKFILLED
                                ? (System.nanoTime() - started) / 1_000_000
                                : togetherMs));
            }
        } catch (IllegalArgumentException e) {
            // The planner's refusal names the operation, what is in the way and what to do.
            throw new TargetRefusedException(e.getMessage() + " (target " + command.target() + ")", null, e);
        }
        return new SchemaReshaped(
                command.commandId(),
                command.migrationId(),
                command.stepId(),
                command.target(),
                command.stage(),
                changes,
                rehearsal);
    }

    /** The command's operations under their names on the target, {@code <migrationId>/<index>}, in order. */
    private static java.util.LinkedHashMap<String, SchemaOperation> byId(ReshapeSchema command) {
        java.util.LinkedHashMap<String, SchemaOperation> byId = new java.util.LinkedHashMap<>();
        for (int i = 0; i < command.operations().size(); i++) {
            byId.put(command.migrationId() + "/" + i, command.operations().get(i));
        }
        return byId;
    }

    /** dbshift's lock on the target database for a step that changes it: one migration at a time per database. */
    private TargetLock lock(String target, String migrationId, String stepId) throws SQLException {
        return TargetLock.acquire(
                targets.connect(target), "migration " + migrationId + " step " + stepId, config.targetLockWait());
    }

    /** Progress is informational and rate-bounded by the engine; a lost progress event loses nothing. */
    private void publish(String migrationId, String stepId, String target, KeysetBackfill.Progress p) {
        BackfillProgressed event = new BackfillProgressed(
                migrationId,
                stepId,
                target,
                p.table(),
                p.rowsUpdated(),
                p.rowsEstimated(),
                p.rowsPerSecond(),
                p.etaSeconds(),
                p.batchSize(),
                p.throttle());
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(migrationId)
                .withTopic(Topics.EVENTS)
                .build();
        progress.sendMessageAndForget(
                Message.of(CloudEvent.of(SOURCE, event).toJson()).addMetadata(key));
    }

    private static StepFailed failed(Command command, String reason, String sqlState) {
        LOG.warnf("%s failed: %s", command.commandId(), reason);
        return StepFailed.of(command, reason, sqlState);
    }
}
