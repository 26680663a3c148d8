package io.dbshift.analysis.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.analysis.corpus.Corpus.Access;
import io.dbshift.analysis.corpus.Corpus.Classification;
import io.dbshift.analysis.corpus.Corpus.Entry;
import io.dbshift.analysis.corpus.Corpus.Expectation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The corpus is consistent with its own rules, without a database: the judgements ({@code classification},
 * {@code unsafe}) agree with the measured facts ({@code rewrites}, {@code scans}, {@code blocks}) the way the rules say.
 */
class CorpusTest {
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final Corpus corpus = Corpus.load();

    @Test
    void holdsAtLeastSeventyEntriesWithDistinctReadableIds() {
        assertTrue(corpus.entries().size() >= 70, "only " + corpus.entries().size() + " entries");
        Set<String> seen = new HashSet<>();
        for (Entry e : corpus.entries()) {
            assertTrue(ID.matcher(e.id()).matches(), "id is not kebab-case: " + e.id());
            assertTrue(seen.add(e.id()), "id used twice: " + e.id());
            assertTrue(!e.expect().why().isBlank(), e.id() + " does not say why");
        }
    }

    @Test
    void marksAsNonTransactionalOnlyWhatPostgresRefusesInATransactionBlock() {
        for (Entry e : corpus.entries()) {
            String sql = e.sql().toUpperCase(Locale.ROOT);
            if (!e.transactional()) {
                assertTrue(sql.contains("CONCURRENTLY") || sql.startsWith("VACUUM"), e.id());
            }
        }
    }

    /**
     * Unsafe means: certainly breaks old clients, or holds up application reads or writes on a table while reading all
     * of it (a rewrite, a validation, an index build); see docs/decisions/005-analysis-by-replay.md. A breaking change
     * may be a certain break (unsafe) or a constraint tightened the safe way (not unsafe), and a data migration may be
     * unsafe for the number of rows one statement changes: only their {@code why} can tell, so for those two classes
     * the rule only goes one way. A non-breaking statement is unsafe exactly when it blocks while reading.
     */
    @Test
    void unsafeFollowsFromBlockingATableWhileReadingAllOfItOrFromItsWhy() {
        List<String> wrong = new ArrayList<>();
        for (Entry e : corpus.entries()) {
            Expectation x = e.expect();
            Set<String> readInFull = new HashSet<>(x.rewrites());
            readInFull.addAll(x.scans());
            boolean blocksWhileReading = readInFull.stream().anyMatch(x.blocks()::containsKey);
            boolean consistent = x.classification() == Classification.NON_BREAKING
                    ? blocksWhileReading == x.unsafe()
                    : !blocksWhileReading || x.unsafe();
            if (!consistent) {
                wrong.add(e.id() + " (unsafe=" + x.unsafe() + ")");
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyAccessExclusiveLockBlocksReadsOfItsRelation() {
        for (Entry e : corpus.entries()) {
            e.expect().locks().forEach((relation, mode) -> {
                if (mode.blocksReads()) {
                    assertTrue(
                            e.expect().blocks().getOrDefault(relation, Set.of()).contains(Access.READS),
                            e.id() + " holds " + mode + " on " + relation + " but does not block its reads");
                }
            });
        }
    }
}
