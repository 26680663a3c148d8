package io.dbshift.analysis.corpus;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dbshift.analysis.corpus.Corpus.Entry;
import io.dbshift.analysis.corpus.Corpus.Expectation;
import io.dbshift.analysis.corpus.GroundTruth.Measurement;
import io.dbshift.localstack.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proof that statements.json is ground truth: every entry's {@code locks}, {@code rewrites} and {@code blocks} are
 * what PostgreSQL is measured to do when the statement runs on a fresh copy of base.sql. All mismatches are reported
 * together; the measured values of every entry are also written to {@code target/corpus-measured.json}, so a
 * disagreement can be studied — and the corpus corrected only where the measurement shows it wrong.
 */
class CorpusGroundTruthTest {

    @Test
    void everyEntryLocksRewritesAndBlocksWhatPostgresMeasures() throws Exception {
        Corpus corpus = Corpus.load();
        List<String> mismatches = new ArrayList<>();
        Map<String, Measurement> measured = new LinkedHashMap<>();
        try (GroundTruth truth = GroundTruth.prepare(LocalPostgres.shared(), corpus)) {
            for (Entry entry : corpus.entries()) {
                Measurement m;
                try {
                    m = truth.measure(entry);
                } catch (Exception e) {
                    mismatches.add(entry.id() + ": could not be measured: " + e.getMessage());
                    continue;
                }
                measured.put(entry.id(), m);
                compare(entry, m, mismatches);
            }
        }
        Path report = Path.of("target", "corpus-measured.json");
        Files.createDirectories(report.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(report.toFile(), measured);
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " of " + corpus.entries().size()
                    + " corpus entries disagree with PostgreSQL (measured values in " + report.toAbsolutePath()
                    + "):\n  " + String.join("\n  ", mismatches));
        }
    }

    private static void compare(Entry entry, Measurement measured, List<String> mismatches) {
        Expectation expected = entry.expect();
        if (!expected.locks().equals(measured.locks())) {
            mismatches.add(entry.id() + ": locks expected " + expected.locks() + " but measured " + measured.locks());
        }
        if (!expected.rewrites().equals(measured.rewrites())) {
            mismatches.add(
                    entry.id() + ": rewrites expected " + expected.rewrites() + " but measured " + measured.rewrites());
        }
        if (!expected.blocks().equals(measured.blocks())) {
            mismatches.add(
                    entry.id() + ": blocks expected " + expected.blocks() + " but measured " + measured.blocks());
        }
    }
}
