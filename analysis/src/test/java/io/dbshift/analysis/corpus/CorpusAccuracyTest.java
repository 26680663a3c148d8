package io.dbshift.analysis.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.localstack.LocalPostgres;
import org.junit.jupiter.api.Test;

/**
 * The analysis against the measured corpus: lock mode per table and rewrite right for at least 98% of the statements,
 * every unsafe statement flagged and no safe one.
 */
class CorpusAccuracyTest {

    @Test
    void theAnalysisAgreesWithWhatPostgresqlWasSeenToDo() throws Exception {
        Corpus corpus = Corpus.load();
        CorpusScore score = CorpusScore.run(LocalPostgres.shared(), corpus);
        int n = corpus.entries().size();
        String report = String.join("\n", score.mismatches());
        assertTrue(score.count(CorpusScore.Result::locksRight) >= Math.ceil(0.98 * n), report);
        assertTrue(score.count(CorpusScore.Result::rewritesRight) >= Math.ceil(0.98 * n), report);
        long missed = score.count(r -> r.entry().expect().unsafe() && !r.got().unsafe());
        long falseAlarms =
                score.count(r -> !r.entry().expect().unsafe() && r.got().unsafe());
        assertEquals(0, missed, "unsafe statements not flagged:\n" + report);
        assertEquals(0, falseAlarms, "safe statements flagged:\n" + report);
        assertTrue(score.count(CorpusScore.Result::classRight) >= Math.ceil(0.95 * n), report);
    }
}
