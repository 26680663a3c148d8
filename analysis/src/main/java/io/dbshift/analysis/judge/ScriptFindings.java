package io.dbshift.analysis.judge;

import io.dbshift.analysis.Script;
import io.dbshift.analysis.replay.LockModes;
import io.dbshift.analysis.replay.Observation;
import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.Finding;
import io.dbshift.contracts.schema.StatementAnalysis;
import io.dbshift.contracts.schema.TableLock;
import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with a script as a whole, given how its tool runs it: a CONCURRENTLY statement in a file that runs in
 * one transaction, schema changes and a large data change sharing one transaction (the DDL's lock is held until the
 * data change commits), and blocking locks taken with no {@code lock_timeout}.
 */
public final class ScriptFindings {
    private ScriptFindings() {}

    /** @param judged the script's statements, each with the observation it was judged from, in order */
    public static List<Finding> of(Script script, List<Observation> observations, List<StatementAnalysis> judged) {
        List<Finding> findings = new ArrayList<>();
        List<Integer> outside = new ArrayList<>();
        List<Integer> unguarded = new ArrayList<>();
        List<Integer> blockingDdl = new ArrayList<>();
        List<Integer> largeData = new ArrayList<>();
        String unguardedLock = null;
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            StatementAnalysis a = judged.get(i);
            int index = o.statement().index();
            if (!o.inTransaction()) {
                outside.add(index);
            }
            TableLock strongest = a.locks().stream()
                    .filter(l -> !l.blocks().equals("nothing"))
                    .max((x, y) ->
                            Integer.compare(LockModes.ORDER.indexOf(x.mode()), LockModes.ORDER.indexOf(y.mode())))
                    .orElse(null);
            if (strongest != null && isUnset(o.lockTimeout())) {
                unguarded.add(index);
                if (unguardedLock == null) {
                    unguardedLock = LockModes.display(strongest.mode()) + " on " + strongest.table();
                }
            }
            if (strongest != null && !o.changes().isEmpty()) {
                blockingDdl.add(index);
            }
            if (a.classification() == ChangeClass.DATA_MIGRATION && a.unsafe()) {
                largeData.add(index);
            }
        }
        if (script.runner() == Script.Runner.FLYWAY && !outside.isEmpty() && outside.size() < observations.size()) {
            findings.add(new Finding(
                    script.version(),
                    "concurrently-in-transaction",
                    script.name() + ": statement " + join(outside) + " cannot run inside a transaction block and the"
                            + " others must: Flyway refuses such a file unless mixed = true, and then runs it all"
                            + " outside a transaction; put statement " + join(outside) + " in a file of its own",
                    outside));
        } else if (script.runner() != Script.Runner.FLYWAY && script.transactional() && !outside.isEmpty()) {
            findings.add(new Finding(
                    script.version(),
                    "concurrently-in-transaction",
                    script.name() + ": statement " + join(outside) + " cannot run inside a transaction block, but the"
                            + " file runs in one: put it in a file of its own that runs outside a transaction"
                            + " (Diesel: run_in_transaction = false in metadata.toml; Flyway runs a file of only such"
                            + " statements outside a transaction by itself)",
                    outside));
        }
        if (script.transactional() && !blockingDdl.isEmpty() && !largeData.isEmpty()) {
            List<Integer> both = new ArrayList<>(blockingDdl);
            both.addAll(largeData);
            findings.add(new Finding(
                    script.version(),
                    "ddl-and-dml-in-one-transaction",
                    script.name() + ": the lock taken by statement " + join(blockingDdl) + " is held until the whole"
                            + " file commits, so also while statement " + join(largeData) + " changes rows: move the"
                            + " data change to a batched backfill after the schema change",
                    both));
        }
        List<Integer> serverWide = observations.stream()
                .filter(o -> !o.replayed())
                .map(o -> o.statement().index())
                .toList();
        if (!serverWide.isEmpty()) {
            findings.add(new Finding(
                    script.version(),
                    "server-wide-statement",
                    script.name() + ": statement " + join(serverWide) + " changes roles, databases, tablespaces or"
                            + " system settings, which belong to the whole server: it was not replayed and is not"
                            + " judged; review it by hand, and know that the migration's rollback will not undo it",
                    serverWide));
        }
        if (!unguarded.isEmpty()) {
            findings.add(new Finding(
                    script.version(),
                    "no-lock-timeout",
                    script.name() + ": statement " + join(unguarded) + " waits for " + unguardedLock + " with no"
                            + " lock_timeout; behind a long transaction it queues every later read and write of the"
                            + " table: begin the file with SET lock_timeout = '2s' and retry when it times out",
                    unguarded));
        }
        return findings;
    }

    private static boolean isUnset(String lockTimeout) {
        return lockTimeout == null || lockTimeout.equals("0") || lockTimeout.equals("0ms");
    }

    private static String join(List<Integer> indexes) {
        return String.join(", ", indexes.stream().map(String::valueOf).toList());
    }
}
