package io.dbshift.analysis.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dbshift.analysis.corpus.Corpus.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The squawk peer runs, and reads its verdicts right; skipped where squawk cannot be installed. */
class SquawkTest {
    private static Squawk squawk;

    @BeforeAll
    static void locate() {
        squawk = Squawk.locate().map(Squawk::new).orElse(null);
    }

    @Test
    void flagsAPlainIndexBuildForBlockingWrites() {
        assumeTrue(squawk != null, "squawk is not installed and scripts/ensure-squawk.sh could not install it");
        assertTrue(squawk.rules("CREATE INDEX i ON users(email)").contains("require-concurrent-index-creation"));
    }

    @Test
    void acceptsTheConcurrentIndexBuild() {
        assumeTrue(squawk != null, "squawk is not installed and scripts/ensure-squawk.sh could not install it");
        assertFalse(squawk.rules("CREATE INDEX CONCURRENTLY i ON users(email)")
                .contains("require-concurrent-index-creation"));
    }

    /**
     * Lints every corpus entry in one run and writes what squawk said to {@code target/squawk-corpus.tsv}, to set
     * beside the analysis. Squawk must at least parse them all, or the comparison would be about its parser.
     */
    @Test
    void parsesEveryCorpusEntryAndReportsItsRules() throws IOException {
        assumeTrue(squawk != null, "squawk is not installed and scripts/ensure-squawk.sh could not install it");
        Map<String, String> sqlById = new LinkedHashMap<>();
        for (Entry e : Corpus.load().entries()) {
            sqlById.put(e.id(), e.sql());
        }
        Map<String, List<String>> rules = squawk.rules(sqlById);
        Path report = Path.of("target", "squawk-corpus.tsv");
        Files.createDirectories(report.getParent());
        Files.writeString(
                report,
                rules.entrySet().stream()
                        .map(e -> e.getKey() + "\t" + String.join(",", e.getValue()))
                        .collect(Collectors.joining("\n", "id\trules\n", "\n")));
        Map<String, List<String>> syntaxErrors = new LinkedHashMap<>(rules);
        syntaxErrors.values().removeIf(r -> !r.contains("syntax-error"));
        assertEquals(Map.of(), syntaxErrors, "squawk could not parse these corpus entries");
    }
}
