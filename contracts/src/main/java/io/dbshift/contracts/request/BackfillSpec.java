package io.dbshift.contracts.request;

/**
 * A batched data change: {@code UPDATE table SET set WHERE where}, in keyset batches on {@code key}.
 *
 * @param table the table to update
 * @param key its primary key, one column or several separated by commas (default {@code id})
 * @param set the SET clause, e.g. {@code avatar_url = md5(email)}
 * @param where which rows need it (optional), e.g. {@code avatar_url IS NULL}
 * @param batchSize rows per batch, fixed; when absent the size adapts toward {@code targetBatchMillis}
 * @param targetBatchMillis how long one batch should take (default 200 ms): short enough that the rows it locks are
 *     released quickly, long enough that the round trips do not dominate
 * @param pauseMillis a pause after every batch (default none), to leave the database room
 * @param transformer instead of {@code set}: a named Java transformer for changes SQL cannot express; it is given the
 *     key and {@code columns} of each row and returns the new values of the columns it writes
 * @param columns the columns the transformer reads
 */
public record BackfillSpec(
        String table,
        String key,
        String set,
        String where,
        Integer batchSize,
        Integer targetBatchMillis,
        Integer pauseMillis,
        String transformer,
        java.util.List<String> columns) {

    /** The first batch's size when the size adapts. */
    public static final int DEFAULT_BATCH_SIZE = 1000;

    public static final int DEFAULT_TARGET_BATCH_MILLIS = 200;

    public BackfillSpec(String table, String key, String set, String where, Integer batchSize) {
        this(table, key, set, where, batchSize, null, null, null, null);
    }

    public BackfillSpec(
            String table,
            String key,
            String set,
            String where,
            Integer batchSize,
            Integer targetBatchMillis,
            Integer pauseMillis) {
        this(table, key, set, where, batchSize, targetBatchMillis, pauseMillis, null, null);
    }

    public java.util.List<String> columnsOrEmpty() {
        return columns == null ? java.util.List.of() : columns;
    }

    public String keyOrDefault() {
        return key == null || key.isBlank() ? "id" : key;
    }

    public int batchSizeOrDefault() {
        return batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
    }

    /** The batch size is the operator's, not adapted. */
    public boolean fixedBatchSize() {
        return batchSize != null;
    }

    public int targetBatchMillisOrDefault() {
        return targetBatchMillis == null ? DEFAULT_TARGET_BATCH_MILLIS : targetBatchMillis;
    }

    public int pauseMillisOrDefault() {
        return pauseMillis == null ? 0 : pauseMillis;
    }
}
