package io.dbshift.analysis.corpus;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The measured ground-truth corpus: a base schema with data ({@code corpus/base.sql}) and statements
 * ({@code corpus/statements.json}), each judged against a fresh copy of the base. {@link CorpusGroundTruthTest} proves
 * the {@code locks}, {@code rewrites}, {@code scans} and {@code blocks} of every entry on PostgreSQL itself; {@code classification}
 * and {@code unsafe} are judgements that follow the rules written in the entry's {@code why}.
 *
 * <p>Every statement is meant to run in a session whose TimeZone is {@link #TIME_ZONE}: whether timestamp →
 * timestamptz rewrites the table depends on it, and the JDBC driver would otherwise pass on the JVM's zone.
 */
public record Corpus(String baseSql, List<Entry> entries) {
    public static final String TIME_ZONE = "UTC";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public Corpus {
        entries = List.copyOf(entries);
    }

    public static Corpus load() {
        String base = resource("corpus/base.sql");
        try {
            List<Entry> entries = JSON.readValue(resource("corpus/statements.json"), new TypeReference<>() {});
            return new Corpus(base, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("corpus/statements.json is not a valid corpus: " + e.getMessage(), e);
        }
    }

    /** base.sql as statements to run one by one over JDBC, in order. */
    public List<String> baseStatements() {
        return SqlScript.statements(baseSql);
    }

    private static String resource(String name) {
        try (InputStream in = Corpus.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One statement. {@code transactional} false marks statements PostgreSQL refuses inside a transaction block
     * (CONCURRENTLY, VACUUM); the rest are measured inside one.
     */
    public record Entry(String id, String family, String sql, boolean transactional, Expectation expect) {
        public Entry {
            if (id == null || family == null || sql == null || expect == null) {
                throw new IllegalArgumentException("corpus entry " + id + " lacks id, family, sql or expect");
            }
        }
    }

    /**
     * What the statement does to the base schema.
     *
     * @param locks for every table, view or materialized view of base.sql the statement locks, the strongest mode
     * @param rewrites the base relations whose relfilenode changes (their heap is written anew)
     * @param scans the base relations the statement reads from end to end: a sequential scan of its own, or the heap
     *     scan of a rewrite, a validation or an index build (as {@code pg_stat_*_tables.seq_scan} counts them)
     * @param blocks for every base relation an application's read ({@code SELECT}) or write ({@code UPDATE}) cannot
     *     proceed on while the statement holds its locks, which of the two are blocked
     * @param unsafe whether it blocks reads or writes for a time that grows with the table, or breaks old clients
     * @param why the reasoning behind {@code classification} and {@code unsafe}
     */
    public record Expectation(
            Classification classification,
            Map<String, LockMode> locks,
            List<String> rewrites,
            List<String> scans,
            Map<String, Set<Access>> blocks,
            boolean unsafe,
            String why) {
        public Expectation {
            if (classification == null
                    || locks == null
                    || rewrites == null
                    || scans == null
                    || blocks == null
                    || why == null) {
                throw new IllegalArgumentException(
                        "an expectation needs classification, locks, rewrites, scans, blocks and why");
            }
            // Sorted, so that two expectations compare and print the same way whatever the JSON's order.
            locks = Collections.unmodifiableSortedMap(new TreeMap<>(locks));
            rewrites = List.copyOf(new TreeSet<>(rewrites));
            scans = List.copyOf(new TreeSet<>(scans));
            SortedMap<String, Set<Access>> sortedBlocks = new TreeMap<>();
            blocks.forEach((relation, accesses) ->
                    sortedBlocks.put(relation, Collections.unmodifiableSortedSet(new TreeSet<>(accesses))));
            blocks = Collections.unmodifiableSortedMap(sortedBlocks);
        }
    }

    public enum Classification {
        NON_BREAKING,
        BREAKING,
        DATA_MIGRATION
    }

    /** What an application does to a table that a lock can hold up. */
    public enum Access {
        READS,
        WRITES;

        @JsonValue
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return jsonName();
        }
    }
}
