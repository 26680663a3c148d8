package io.dbshift.executor.backfill;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The transformers on the class path, by name. */
final class RowTransformers {
    private static final Map<String, RowTransformer> BY_NAME = load();

    private RowTransformers() {}

    static RowTransformer named(String name, String table) {
        RowTransformer t = BY_NAME.get(name);
        if (t == null) {
            throw new KeysetBackfill.BatchFailedException(
                    "backfill of " + table + ": no transformer named \"" + name + "\" on the executor's class path"
                            + " (known: " + String.join(", ", BY_NAME.keySet()) + ")",
                    null,
                    null);
        }
        return t;
    }

    private static Map<String, RowTransformer> load() {
        Map<String, RowTransformer> byName = new TreeMap<>();
        ServiceLoader.load(RowTransformer.class).forEach(t -> byName.put(t.name(), t));
        return byName;
    }
}
