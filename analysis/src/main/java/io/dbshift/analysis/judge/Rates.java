package io.dbshift.analysis.judge;

/**
 * How fast this kind of server does the work a lock is held for; turns a table's size into an estimate of the lock's
 * duration. The defaults were measured on the development machine (docs/benchmarks.md, "Lock-time estimates"); the
 * estimate is an order of magnitude, to tell a blink from a minute, not a promise.
 *
 * @param rewriteBytesPerSecond a table rewrite, indexes rebuilt (ALTER COLUMN TYPE, VACUUM FULL)
 * @param scanBytesPerSecond a full read to validate (SET NOT NULL, a CHECK or foreign key)
 * @param indexBytesPerSecond an index build, counted in table bytes
 * @param rowsPerSecond rows changed by one UPDATE or DELETE
 */
public record Rates(
        double rewriteBytesPerSecond, double scanBytesPerSecond, double indexBytesPerSecond, double rowsPerSecond) {
    public static final Rates DEFAULT = new Rates(150e6, 1e9, 200e6, 200_000);
}
