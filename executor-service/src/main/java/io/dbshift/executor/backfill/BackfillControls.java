package io.dbshift.executor.backfill;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Operators' hold on the backfills running in this executor, by migration: pause, resume, cancel, re-rate. A running
 * backfill registers itself and looks here between batches; its cursor makes every one of these safe, since nothing
 * between two batches is half done.
 */
public final class BackfillControls {
    /** No operator: for tests and benchmarks. */
    public static final BackfillControls NONE = new BackfillControls();

    private final Map<String, Handle> running = new ConcurrentHashMap<>();

    /** What an operator has asked of one migration's backfill, and what it last reported. */
    public static final class Handle {
        final String backfillId;
        volatile boolean paused;
        /** The backfill is standing still between two batches because it was paused: no batch is in flight. */
        volatile boolean holding;

        volatile boolean cancelled;
        volatile Integer batchSize;
        volatile Integer pauseMillis;
        volatile String requestedBy;
        volatile KeysetBackfill.Progress last;

        Handle(String backfillId) {
            this.backfillId = backfillId;
        }

        public String backfillId() {
            return backfillId;
        }

        public boolean paused() {
            return paused;
        }

        public boolean holding() {
            return holding;
        }

        public Optional<KeysetBackfill.Progress> last() {
            return Optional.ofNullable(last);
        }
    }

    /** The backfill was cancelled by an operator; its cursor is kept, and running the step again resumes it. */
    public static final class Cancelled extends KeysetBackfill.BatchFailedException {
        Cancelled(String message) {
            super(message, null, null);
        }
    }

    static String migrationOf(String backfillId) {
        int slash = backfillId.indexOf('/');
        return slash < 0 ? backfillId : backfillId.substring(0, slash);
    }

    Handle register(String backfillId) {
        Handle h = new Handle(backfillId);
        running.put(migrationOf(backfillId), h);
        return h;
    }

    void unregister(Handle h) {
        running.remove(migrationOf(h.backfillId), h);
    }

    public Map<String, Handle> running() {
        return Map.copyOf(running);
    }

    /**
     * Applies an operator's action to the migration's running backfill.
     *
     * @return false when no backfill of that migration runs here
     */
    public boolean apply(String migrationId, String action, Integer batchSize, Integer pauseMillis, String by) {
        Handle h = running.get(migrationId);
        if (h == null) {
            return false;
        }
        h.requestedBy = by;
        switch (action) {
            case "pause" -> h.paused = true;
            case "resume" -> h.paused = false;
            case "cancel" -> h.cancelled = true;
            case "rate" -> {
                if (batchSize != null) {
                    h.batchSize = batchSize;
                }
                if (pauseMillis != null) {
                    h.pauseMillis = pauseMillis;
                }
            }
            default ->
                throw new IllegalArgumentException("unknown action \"" + action + "\": pause, resume, cancel or rate");
        }
        return true;
    }

    /**
     * Between two batches: waits while the backfill is paused (reporting so every few seconds), and throws
     * {@link Cancelled} when it was cancelled.
     */
    void between(Handle h, String table, long rowsUpdated, Consumer<String> pausedReport) {
        long lastReport = 0;
        h.holding = h.paused && !h.cancelled;
        while (h.paused && !h.cancelled) {
            long now = System.nanoTime();
            if (now - lastReport > 5_000_000_000L) {
                lastReport = now;
                pausedReport.accept("paused by " + (h.requestedBy == null ? "an operator" : h.requestedBy));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while paused", e);
            }
        }
        h.holding = false;
        if (h.cancelled) {
            throw new Cancelled("backfill of " + table + " cancelled by "
                    + (h.requestedBy == null ? "an operator" : h.requestedBy) + " after " + rowsUpdated
                    + " rows in this run; its cursor is kept: running the step again resumes after the last batch");
        }
    }
}
