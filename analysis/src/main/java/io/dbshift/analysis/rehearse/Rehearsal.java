package io.dbshift.analysis.rehearse;

import io.dbshift.analysis.Script;
import io.dbshift.analysis.replay.AnalysisException;
import io.dbshift.analysis.replay.AppliedVersions;
import io.dbshift.analysis.replay.ScratchDatabase;
import io.dbshift.analysis.replay.Server;
import io.dbshift.analysis.schema.SchemaDiff;
import io.dbshift.analysis.schema.SchemaSnapshotter;
import io.dbshift.analysis.sql.ScriptSplitter;
import io.dbshift.analysis.sql.Statement;
import io.dbshift.contracts.schema.SchemaSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Proves each migration reversible on a scratch database: up, then down, then the schema compared with the one before
 * up, then up again and its schema compared with the first up's. Every migration is rehearsed in order, each on the
 * state the previous one left, as a rollback in production would meet it.
 *
 * <p>A script runs in one transaction, like the tool that owns it runs it (Diesel and Flyway do, unless told not to);
 * a script marked non-transactional runs statement by statement. A down script PostgreSQL refuses is named with the
 * statement's line and PostgreSQL's own message; the rehearsal goes on from the migration's up state when its scripts
 * run in transactions, from what was left otherwise. Only a refused up stops it: nothing after it could be applied as
 * written.
 */
public final class Rehearsal {
    /** What the rehearsal found about one migration. */
    public enum Verdict {
        /** Down restored the schema exactly and up applied again to the same schema. */
        REVERSIBLE,
        /** No down script, or an empty one: declared irreversible. */
        IRREVERSIBLE,
        /** PostgreSQL refused the down script. */
        DOWN_FAILED,
        /** Down ran but the schema is not what it was before up. */
        DOWN_INCOMPLETE,
        /** Up, run again after down, was refused or produced another schema. */
        REDO_FAILED,
        /** PostgreSQL refused the up script: the rehearsal stopped here. */
        UP_FAILED
    }

    /** PostgreSQL's refusal of one statement. */
    public record Refusal(String script, int line, String sqlState, String message, String statement) {
        @Override
        public String toString() {
            return script + ":" + line + ": " + message + " (SQLSTATE " + sqlState + ")";
        }
    }

    /**
     * @param differences for {@code DOWN_INCOMPLETE}: what down left different from before up; for {@code REDO_FAILED}
     *     without a refusal: how the second up's schema differs from the first's
     */
    public record Outcome(
            String version,
            String name,
            Verdict verdict,
            Refusal refusal,
            List<String> differences,
            long upMillis,
            long downMillis,
            long redoMillis) {}

    public record Report(List<Outcome> outcomes, long millis, boolean stopped) {
        public long count(Verdict verdict) {
            return outcomes.stream().filter(o -> o.verdict() == verdict).count();
        }

        /** Every migration reversible (irreversible ones are allowed only when the caller accepts them). */
        public boolean allReversible(boolean acceptIrreversible) {
            return !stopped
                    && outcomes.stream()
                            .allMatch(o -> o.verdict() == Verdict.REVERSIBLE
                                    || (acceptIrreversible && o.verdict() == Verdict.IRREVERSIBLE));
        }
    }

    private Rehearsal() {}

    /**
     * Rehearses on a scratch database created on the target's server and always dropped: empty, or a copy of the
     * target's schema with the migrations its history records as applied left out.
     */
    public static Report onScratch(
            Server target, List<Reversible> migrations, boolean fromEmpty, Consumer<String> progress) {
        List<Reversible> pending = migrations;
        if (!fromEmpty) {
            java.util.Set<String> applied;
            try (Connection c = target.connect()) {
                applied = AppliedVersions.of(c);
            } catch (SQLException e) {
                throw new AnalysisException.Unreachable("cannot reach " + target + ": " + e.getMessage(), e);
            }
            pending = migrations.stream()
                    .filter(m -> !applied.contains(AppliedVersions.normalize(m.up().version())))
                    .toList();
        }
        try (ScratchDatabase scratch = ScratchDatabase.create(target)) {
            if (!fromEmpty) {
                progress.accept("copying the schema of " + target + " into scratch database " + scratch.name());
                scratch.copySchemaOf(target);
            }
            try (Connection c = scratch.connect()) {
                return run(c, pending, progress);
            } catch (SQLException e) {
                throw new AnalysisException.Unreachable(
                        "the rehearsal lost its scratch database " + scratch.name() + ": " + e.getMessage(), e);
            }
        }
    }

    public static Report run(Connection connection, List<Reversible> migrations, Consumer<String> progress)
            throws SQLException {
        long started = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>();
        SchemaSnapshot before = SchemaSnapshotter.take(connection);
        boolean stopped = false;
        for (Reversible m : migrations) {
            Script up = m.up();
            long t0 = System.nanoTime();
            Refusal refused = apply(connection, up);
            long upMillis = millis(t0);
            if (refused != null) {
                outcomes.add(
                        new Outcome(up.version(), up.name(), Verdict.UP_FAILED, refused, List.of(), upMillis, 0, 0));
                progress.accept(up.name() + ": up refused: " + refused.message());
                stopped = true;
                break;
            }
            SchemaSnapshot afterUp = SchemaSnapshotter.take(connection);
            Outcome outcome;
            if (m.irreversible()) {
                outcome = new Outcome(up.version(), up.name(), Verdict.IRREVERSIBLE, null, List.of(), upMillis, 0, 0);
            } else {
                outcome = reverse(connection, m, before, afterUp, upMillis);
            }
            outcomes.add(outcome);
            if (outcome.verdict() != Verdict.REVERSIBLE) {
                progress.accept(up.name() + ": " + outcome.verdict()
                        + (outcome.refusal() == null
                                ? ""
                                : ": " + outcome.refusal().message()));
            }
            // What the next migration starts from: whatever this one left, as production would have it.
            before = outcome.verdict() == Verdict.REVERSIBLE || outcome.verdict() == Verdict.IRREVERSIBLE
                    ? afterUp
                    : SchemaSnapshotter.take(connection);
        }
        return new Report(outcomes, millis(started), stopped);
    }

    /**
     * Down, the comparison, and up again. When both scripts run in a transaction, they run in one: a refused down or
     * a refused second up rolls back to the state after the first up, so the next migration is rehearsed on the state
     * production would have. Non-transactional scripts leave what they did.
     */
    private static Outcome reverse(
            Connection connection, Reversible m, SchemaSnapshot before, SchemaSnapshot afterUp, long upMillis)
            throws SQLException {
        Script up = m.up();
        boolean atomic = up.transactional() && m.down().transactional();
        connection.setAutoCommit(!atomic);
        try {
            long t1 = System.nanoTime();
            Refusal downRefused = statements(connection, m.down());
            long downMillis = millis(t1);
            if (downRefused != null) {
                return new Outcome(
                        up.version(), up.name(), Verdict.DOWN_FAILED, downRefused, List.of(), upMillis, downMillis, 0);
            }
            List<String> left = SchemaDiff.between(before, SchemaSnapshotter.take(connection)).stream()
                    .map(SchemaDiff.Entry::toString)
                    .toList();
            long t2 = System.nanoTime();
            Refusal redoRefused = statements(connection, up);
            long redoMillis = millis(t2);
            if (redoRefused == null && atomic) {
                connection.commit();
            }
            if (!left.isEmpty()) {
                return new Outcome(
                        up.version(),
                        up.name(),
                        Verdict.DOWN_INCOMPLETE,
                        redoRefused,
                        left,
                        upMillis,
                        downMillis,
                        redoMillis);
            }
            if (redoRefused != null) {
                return new Outcome(
                        up.version(),
                        up.name(),
                        Verdict.REDO_FAILED,
                        redoRefused,
                        List.of(),
                        upMillis,
                        downMillis,
                        redoMillis);
            }
            List<String> redoDiffers = SchemaDiff.between(afterUp, SchemaSnapshotter.take(connection)).stream()
                    .map(SchemaDiff.Entry::toString)
                    .toList();
            return new Outcome(
                    up.version(),
                    up.name(),
                    redoDiffers.isEmpty() ? Verdict.REVERSIBLE : Verdict.REDO_FAILED,
                    null,
                    redoDiffers,
                    upMillis,
                    downMillis,
                    redoMillis);
        } finally {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // nothing to undo after a commit; everything after a refusal
            }
            connection.setAutoCommit(true);
        }
    }

    /**
     * Runs a script as its tool would: in one transaction unless it is marked otherwise. Returns PostgreSQL's refusal,
     * or null.
     */
    static Refusal apply(Connection connection, Script script) throws SQLException {
        connection.setAutoCommit(!script.transactional());
        try {
            Refusal refused = statements(connection, script);
            if (!connection.getAutoCommit()) {
                if (refused == null) {
                    connection.commit();
                } else {
                    connection.rollback();
                }
            }
            return refused;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The script's statements, in the connection's current transaction mode; stops at the first refusal. */
    static Refusal statements(Connection connection, Script script) throws SQLException {
        try (java.sql.Statement s = connection.createStatement()) {
            for (Statement statement : ScriptSplitter.split(script.sql())) {
                try {
                    s.execute(statement.sql());
                } catch (PSQLException e) {
                    return refusal(script, statement, e);
                }
            }
            return null;
        }
    }

    static Refusal refusal(Script script, Statement statement, PSQLException e) {
        ServerErrorMessage server = e.getServerErrorMessage();
        int line = statement.line();
        String message = e.getMessage();
        if (server != null) {
            message = server.getMessage();
            if (server.getPosition() > 0) {
                line = statement.lineAndColumnOf(server.getPosition())[0];
            }
        }
        return new Refusal(script.name(), line, e.getSQLState(), message, statement.sql());
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
