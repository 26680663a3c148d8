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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proof that statements.json is ground truth: every entry's {@code locks}, {@code rewrites}, {@code scans} and
 * {@code blocks} are
 * what PostgreSQL is measured to do when the statement runs on a fresh copy of base.sql. All mismatches are reported
 * together; the measured values of every entry are also written to {@code target/corpus-measured.json}, so a
 * disagreement can be studied — and the corpus corrected only where the measurement shows it wrong.
 */
class CorpusGroundTruthTest {

    @Test
    void everyEntryLocksRewritesScansAndBlocksWhatPostgresMeasures() throws Exception {
        Corpus corpus = Corpus.load();
        List<String> mismatches = new ArrayList<>();
        Map<String, Measurement> measured = new LinkedHashMap<>();
        Map<String, Duration> took = new LinkedHashMap<>();
        long start = System.nanoTime();
        try (GroundTruth truth = GroundTruth.prepare(LocalPostgres.shared(), corpus)) {
            for (Entry entry : corpus.entries()) {
                long entryStart = System.nanoTime();
                try {
                    Measurement m = truth.measure(entry);
                    measured.put(entry.id(), m);
                    compare(entry, m, mismatches);
                } catch (Exception e) {
                    mismatches.add(entry.id() + ": could not be measured: " + e.getMessage());
                }
                took.put(entry.id(), Duration.ofNanos(System.nanoTime() - entryStart));
            }
        }
        // The corpus must stay fast enough to run with every build; this says where the time goes.
        System.out.printf(
                "corpus: %d entries measured in %d ms; slowest: %s%n",
                corpus.entries().size(),
                Duration.ofNanos(System.nanoTime() - start).toMillis(),
                took.entrySet().stream()
                        .sorted(Map.Entry.<String, Duration>comparingByValue().reversed())
                        .limit(5)
                        .map(e -> e.getKey() + " " + e.getValue().toMillis() + " ms")
                        .toList());
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
        if (!expected.scans().equals(measured.scans())) {
            mismatches.add(entry.id() + ": scans expected " + expected.scans() + " but measured " + measured.scans());
        }
        if (!expected.blocks().equals(measured.blocks())) {
            mismatches.add(
                    entry.id() + ": blocks expected " + expected.blocks() + " but measured " + measured.blocks());
        }
    }
}
