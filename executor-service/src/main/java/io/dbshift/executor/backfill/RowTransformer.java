package io.dbshift.executor.backfill;

import java.util.List;
import java.util.Map;

/**
 * A change SQL cannot express, applied row by row in the backfill's batches: parse a JSON blob, call a library, split a
 * name. Found by {@link #name()} with {@link java.util.ServiceLoader} (list the class in
 * {@code META-INF/services/io.dbshift.executor.backfill.RowTransformer} of a jar on the executor's class path).
 * Instances must be thread-safe; one is shared by every backfill.
 */
public interface RowTransformer {
    /** The name a backfill spec gives in {@code "transformer"}. */
    String name();

    /** The columns it writes, in the order {@link #transform} returns them. */
    List<String> writes();

    /**
     * @param row the row's key columns and the columns the spec names in {@code "columns"}, by name, as JDBC reads them
     * @return the new values of {@link #writes()}, by name; a name left out sets that column to NULL
     */
    Map<String, Object> transform(Map<String, Object> row);
}
