package io.dbshift.contracts.request;

/**
 * A batched data change: {@code UPDATE table SET set WHERE where}, in keyset batches on {@code key}.
 *
 * @param table the table to update
 * @param key its single-column primary key (default {@code id})
 * @param set the SET clause, e.g. {@code avatar_url = md5(email)}
 * @param where which rows need it (optional), e.g. {@code avatar_url IS NULL}
 * @param batchSize rows per batch (default 1000)
 */
public record BackfillSpec(String table, String key, String set, String where, Integer batchSize) {

    public static final int DEFAULT_BATCH_SIZE = 1000;

    public String keyOrDefault() {
        return key == null || key.isBlank() ? "id" : key;
    }

    public int batchSizeOrDefault() {
        return batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
    }
}
