package io.dbshift.analysis.judge;

import io.dbshift.analysis.catalog.Catalog;
import io.dbshift.analysis.catalog.CatalogDiff;
import io.dbshift.analysis.catalog.Change;
import io.dbshift.analysis.replay.LockModes;
import io.dbshift.analysis.replay.Observation;
import io.dbshift.contracts.schema.ChangeClass;
import io.dbshift.contracts.schema.StatementAnalysis;
import io.dbshift.contracts.schema.TableLock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns what a replayed statement did into the analysis: the workflow's class with the reason, the lock on each
 * existing table with what it blocks and for about how long on the target, what old code it breaks, the safe
 * alternative, and whether it is unsafe.
 *
 * <p>Unsafe means one of two things. Either the statement holds a lock that blocks the application's reads or writes
 * on an existing table for a time that grows with the table: it rewrites or scans it, builds an index on it, or
 * changes many of its rows in one statement. Or it certainly breaks old code: something old code names disappears or
 * changes type or name, or inserts that omit a new NOT NULL column fail. A tightened constraint (NOT NULL, CHECK,
 * foreign key, unique) is breaking after the workflow's table, since old code that writes violating rows fails, but
 * added the safe way (NOT VALID, CONCURRENTLY) it is not unsafe: that is the recommended path, not a hazard.
 */
public final class Judge {
    /**
     * An UPDATE or DELETE expected to touch more rows than one backfill batch holds them all locked for longer than a
     * batched backfill would.
     */
    public static final long LARGE_DATA_CHANGE_ROWS = 1_000;

    private final Map<String, TableStats> stats;
    private final Rates rates;
    private final boolean targetKnown;

    /**
     * @param stats the target's tables, by qualified name
     * @param targetKnown the stats describe a live target, so a table they lack was created by this migration
     */
    public Judge(Map<String, TableStats> stats, Rates rates, boolean targetKnown) {
        this.stats = stats;
        this.rates = rates;
        this.targetKnown = targetKnown;
    }

    /**
     * A table this migration created: earlier in the same script, or (against a live target) in an earlier script,
     * since the target does not have it. It is new and empty; nothing uses it yet.
     */
    private boolean isNew(Observation o, long oid) {
        if (o.createdInScript().contains(oid)) {
            return true;
        }
        return targetKnown
                && o.before()
                        .relation(oid)
                        .filter(Catalog.Relation::isTable)
                        .map(r -> !stats.containsKey(r.qualified()))
                        .orElse(false);
    }

    /** @param rowsEstimate for a data change, the rows the target's planner expects it to touch; null if unknown */
    public StatementAnalysis judge(Observation o, Long rowsEstimate) {
        if (!o.replayed()) {
            return new StatementAnalysis(
                    o.script().version(),
                    o.statement().index(),
                    o.statement().line(),
                    o.statement().sql(),
                    ChangeClass.NON_BREAKING,
                    o.shape().kind() + " acts on the whole server (roles, databases, tablespaces or system settings):"
                            + " not replayed, so not judged; review it by hand",
                    List.of(),
                    o.shape().kind(),
                    List.of(),
                    List.of(),
                    List.of(),
                    false,
                    null);
        }
        Verdict v = new Verdict();
        for (Change c : o.changes()) {
            boolean detachedHere = o.changes().stream()
                    .anyMatch(d -> d.what() == Change.What.PARTITION_DETACHED && d.relation() == c.relation());
            if (c.what() == Change.What.CONSTRAINT_ADDED && detachedHere) {
                v.add(
                        ChangeClass.NON_BREAKING,
                        "keeps the partition bound of " + o.before().nameOf(c.relation()) + " as constraint "
                                + c.object());
            } else if (isNew(o, c.relation())) {
                v.add(
                        ChangeClass.NON_BREAKING,
                        "shapes " + o.before().nameOf(c.relation())
                                + ", which this migration created: nothing uses it yet");
            } else {
                change(o, c, v);
            }
        }
        Set<Long> existingTables = new LinkedHashSet<>();
        o.locks().keySet().stream()
                .filter(oid ->
                        o.before().relation(oid).map(r -> r.kind() != 'S').orElse(false))
                .filter(oid -> !isNew(o, oid))
                .forEach(existingTables::add);
        if (o.shape().isDataChange()) {
            dataChange(o, rowsEstimate, v);
        } else if (o.shape().kind().equals("REFRESH")) {
            v.add(ChangeClass.DATA_MIGRATION, "recomputes the rows of " + names(o, existingTables));
        } else if (o.changes().isEmpty()) {
            boolean writesRows =
                    existingTables.stream().anyMatch(oid -> o.locks().get(oid).equals("RowExclusiveLock"));
            if (writesRows) {
                v.add(
                        ChangeClass.DATA_MIGRATION,
                        o.shape().kind() + " writes rows of " + names(o, existingTables)
                                + " (it holds ROW EXCLUSIVE and changes no schema object)");
            } else {
                v.add(ChangeClass.NON_BREAKING, o.shape().kind() + " changes no schema object");
            }
        }
        Map<Long, String> held = new java.util.LinkedHashMap<>();
        existingTables.forEach(oid -> held.put(oid, o.locks().get(oid)));
        if (o.shape().isDataChange()) {
            keyCheckLocks(o, held);
        }
        List<TableLock> locks = new ArrayList<>();
        for (Map.Entry<Long, String> lock : held.entrySet()) {
            long oid = lock.getKey();
            Catalog.Relation table = o.before().relations().get(oid);
            String mode = lock.getValue();
            boolean rewrite = o.rewritten().contains(oid);
            // A data change's plan on the scratch copy's empty tables says nothing about the target's.
            boolean scan = o.scanned().contains(oid) && !o.shape().isDataChange();
            boolean indexBuilt = o.changes().stream()
                    .anyMatch(c -> c.relation() == oid
                            && (c.what() == Change.What.INDEX_ADDED || c.what() == Change.What.INDEX_REBUILT));
            String blocked = blocks(mode, table.kind());
            boolean rowsChanged =
                    o.shape().isDataChange() && !o.shape().dataChange().equals("INSERT");
            // TRUNCATE gives the table a new, empty file: a rewrite in the catalog's eyes, instant in fact.
            boolean copied = rewrite && !"TRUNCATE".equals(o.shape().dataChange());
            Double seconds = estimate(table.qualified(), copied, scan, indexBuilt, rowsChanged ? rowsEstimate : null);
            locks.add(new TableLock(table.qualified(), mode, blocked, rewrite, scan, seconds));
            if (!blocked.equals("nothing") && (rewrite || scan || indexBuilt)) {
                v.unsafe = true;
                String work = rewrite ? "rewrites" : indexBuilt ? "builds an index on" : "scans";
                v.hazards.add(work + " " + table.qualified() + " under " + LockModes.display(mode) + ", blocking "
                        + blocked + (seconds == null ? "" : " for ~" + Seconds.format(seconds)));
            }
        }
        List<String> tables =
                new ArrayList<>(locks.stream().map(TableLock::table).toList());
        if (o.shape().table() != null && tables.isEmpty()) {
            tables.add(o.shape().table());
        }
        List<String> reasons = new ArrayList<>(v.reasons);
        reasons.addAll(v.hazards);
        return new StatementAnalysis(
                o.script().version(),
                o.statement().index(),
                o.statement().line(),
                o.statement().sql(),
                v.changeClass == null ? ChangeClass.NON_BREAKING : v.changeClass,
                String.join("; ", new LinkedHashSet<>(reasons)),
                tables,
                o.shape().kind(),
                locks,
                List.copyOf(new LinkedHashSet<>(v.breaks)),
                List.copyOf(new LinkedHashSet<>(v.alternatives)),
                v.unsafe || v.certainBreak,
                rowsEstimate);
    }

    /**
     * What the application is kept from doing by a lock on a relation of this kind: a materialized view cannot be
     * written, so only ACCESS EXCLUSIVE (which stops its reads) holds the application up there.
     */
    static String blocks(String mode, char kind) {
        if (kind == 'm') {
            return mode.equals("AccessExclusiveLock") ? "reads" : "nothing";
        }
        return LockModes.blocks(mode);
    }

    /**
     * The foreign-key checks a data change makes on the target's rows, which the scratch copy's empty tables never
     * trigger: an INSERT locks the referenced rows FOR KEY SHARE (ROW SHARE on the referenced table); a DELETE checks
     * the referencing table the same way, or changes its rows for ON DELETE CASCADE / SET NULL / SET DEFAULT (ROW
     * EXCLUSIVE). PostgreSQL's referential-integrity triggers do exactly this.
     */
    private void keyCheckLocks(Observation o, Map<Long, String> held) {
        String verb = o.shape().dataChange();
        for (Map.Entry<Long, String> lock : o.locks().entrySet()) {
            if (!lock.getValue().equals("RowExclusiveLock")
                    || !o.before().relations().containsKey(lock.getKey())) {
                continue;
            }
            long table = lock.getKey();
            for (Catalog.Constraint fk : o.after().constraints().values()) {
                if (fk.type() != 'f') {
                    continue;
                }
                if (verb.equals("INSERT") && fk.relation() == table && fk.referenced() != table) {
                    held.merge(fk.referenced(), "RowShareLock", LockModes::stronger);
                } else if (verb.equals("DELETE") && fk.referenced() == table && fk.relation() != table) {
                    String mode = "cnd".indexOf(fk.onDelete()) >= 0 ? "RowExclusiveLock" : "RowShareLock";
                    held.merge(fk.relation(), mode, LockModes::stronger);
                }
            }
        }
        held.keySet().removeIf(oid -> !o.before().relations().containsKey(oid) || isNew(o, oid));
    }

    private void dataChange(Observation o, Long rows, Verdict v) {
        String verb = o.shape().dataChange();
        String table = o.shape().table() == null ? "a table" : o.shape().table();
        String what = switch (verb) {
            case "INSERT", "COPY" -> "adds rows to " + table;
            case "UPDATE" -> "changes rows of " + table;
            case "DELETE" -> "removes rows of " + table;
            case "TRUNCATE" -> "empties " + table;
            default -> "merges rows into " + table;
        };
        String size = rows == null ? "" : " (~" + rows + " rows by the target's planner)";
        v.add(ChangeClass.DATA_MIGRATION, verb + " " + what + size);
        boolean existing = o.locks().keySet().stream()
                .anyMatch(oid -> o.before().relations().containsKey(oid) && !isNew(o, oid));
        boolean large = rows == null || rows >= LARGE_DATA_CHANGE_ROWS;
        if (existing && large && Set.of("UPDATE", "DELETE", "MERGE").contains(verb)) {
            v.unsafe = true;
            v.hazards.add("one statement locks every row it changes until the transaction commits, blocking writes to"
                    + " them" + (rows == null ? " (the target could not estimate how many)" : ""));
            v.alternatives.add("a batched backfill: keyset batches of a few thousand rows, one short transaction each"
                    + " (dbshift's backfill step)");
        }
    }

    private void change(Observation o, Change c, Verdict v) {
        String kind = o.before()
                .relation(c.relation())
                .map(r -> CatalogDiff.kindName(r.kind()))
                .orElse("relation");
        boolean rewrote = o.rewritten().contains(c.relation());
        switch (c.what()) {
            case RELATION_ADDED -> v.add(ChangeClass.NON_BREAKING, "adds " + c.after() + " " + c.object());
            case RELATION_DROPPED -> {
                v.breakCertainly("drops " + c.before() + " " + c.object() + ": old code that uses it fails");
                v.breaks.add(c.before() + " " + c.object() + " disappears");
                v.alternatives.add("contract last: remove every use of " + c.object() + " from the application, deploy,"
                        + " then drop it in a later migration");
            }
            case RELATION_RENAMED -> {
                v.breakCertainly("renames " + kind + " " + c.before() + " to " + c.after()
                        + ": old code that uses the old name fails");
                v.breaks.add(kind + " " + c.before() + " is now called " + c.after());
                v.alternatives.add("expand/contract: keep the old name working (a view " + c.before()
                        + " over the renamed table), switch the code to " + c.after() + ", then drop the view");
            }
            case VIEW_CHANGED -> v.add(ChangeClass.NON_BREAKING, "redefines " + kind + " " + c.object());
            case PARTITION_DETACHED -> {
                v.breakCertainly("detaches " + c.object() + " from " + c.before() + ": old code reading " + c.before()
                        + " no longer sees its rows");
                v.breaks.add("rows of " + c.object() + " disappear from " + c.before());
            }
            case PARTITION_ATTACHED ->
                v.add(ChangeClass.NON_BREAKING, "attaches " + c.object() + " to " + c.after() + " as a partition");
            case PERSISTENCE_CHANGED ->
                v.add(
                        ChangeClass.NON_BREAKING,
                        "makes " + c.object() + (c.after().equals("u") ? " unlogged" : " logged"));
            case COLUMN_ADDED -> columnAdded(c, rewrote, v);
            case COLUMN_DROPPED -> {
                v.breakCertainly("drops column " + c.object() + ": old code that reads or writes it fails");
                v.breaks.add("column " + c.object() + " disappears");
                v.alternatives.add("contract last: stop reading and writing " + c.object()
                        + " in the application, deploy, then drop it in a later migration");
            }
            case COLUMN_RENAMED -> {
                v.breakCertainly("renames column " + c.object() + " to " + c.after()
                        + ": old code that uses the old name fails");
                v.breaks.add("column " + c.object() + " is now called " + c.after());
                v.alternatives.add(expandContract(c.object(), "a column " + c.after()));
            }
            case COLUMN_TYPE_CHANGED -> {
                if (TypeWidening.widens(c.before(), c.after())) {
                    v.add(
                            ChangeClass.NON_BREAKING,
                            "widens " + c.object() + " from " + c.before() + " to " + c.after());
                } else {
                    v.breakCertainly("changes " + c.object() + " from " + c.before() + " to " + c.after()
                            + ": old code may read or write values it cannot handle");
                    v.breaks.add(c.object() + " changes type: " + c.before() + " → " + c.after());
                }
                if (rewrote || !TypeWidening.widens(c.before(), c.after())) {
                    v.alternatives.add(expandContract(c.object(), "a column of type " + c.after()));
                }
            }
            case NOT_NULL_ADDED -> {
                v.add(ChangeClass.BREAKING, "makes " + c.object() + " NOT NULL: old code that writes NULL fails");
                v.breaks.add(c.object() + " no longer accepts NULL");
                if (o.scanned().contains(c.relation())) {
                    String column = c.column().name();
                    v.alternatives.add("ADD CONSTRAINT " + column + "_not_null CHECK (" + column
                            + " IS NOT NULL) NOT VALID; then VALIDATE CONSTRAINT " + column
                            + "_not_null; then SET NOT NULL (PostgreSQL 12+ trusts the valid check and skips the scan);"
                            + " then DROP CONSTRAINT " + column + "_not_null");
                }
            }
            case NOT_NULL_DROPPED -> v.add(ChangeClass.NON_BREAKING, "lets " + c.object() + " be NULL");
            case DEFAULT_CHANGED -> {
                Catalog.Column col = c.column();
                if (c.after() == null && col.notNull() && !col.identity() && !col.generated()) {
                    v.breakCertainly("drops the default of NOT NULL column " + c.object()
                            + ": old code that inserts rows without it fails");
                    v.breaks.add("inserts that leave out " + c.object() + " fail");
                } else {
                    v.add(
                            ChangeClass.NON_BREAKING,
                            (c.after() == null ? "drops the default of " : "sets the default of ")
                                    + c.object()
                                    + (c.after() == null ? "" : " to " + c.after()));
                }
            }
            case CONSTRAINT_ADDED -> constraintAdded(o, c, v);
            case CONSTRAINT_VALIDATED ->
                v.add(
                        ChangeClass.NON_BREAKING,
                        "validates " + c.object()
                                + " (new writes were already checked; existing rows are read under "
                                + "SHARE UPDATE EXCLUSIVE, which lets reads and writes go on)");
            case CONSTRAINT_DROPPED -> v.add(ChangeClass.NON_BREAKING, "drops constraint " + c.object());
            case CONSTRAINT_RENAMED, INDEX_RENAMED ->
                v.add(ChangeClass.NON_BREAKING, "renames " + c.before() + " to " + c.after());
            case INDEX_ADDED -> indexAdded(o, c, v);
            case INDEX_DROPPED -> {
                v.add(ChangeClass.NON_BREAKING, "drops index " + c.object() + ": queries that used it get slower");
                if (o.inTransaction()) {
                    v.alternatives.add("DROP INDEX CONCURRENTLY " + c.object() + " (outside a transaction)");
                }
            }
            case INDEX_REBUILT -> {
                if (!rewrote) {
                    v.add(ChangeClass.NON_BREAKING, "rebuilds index " + c.object());
                }
            }
            case TRIGGER_ADDED -> v.add(ChangeClass.NON_BREAKING, "adds trigger " + c.object());
            case TRIGGER_DROPPED -> v.add(ChangeClass.NON_BREAKING, "drops trigger " + c.object());
            case TRIGGER_CHANGED -> v.add(ChangeClass.NON_BREAKING, "changes trigger " + c.object());
            case FUNCTION_ADDED -> v.add(ChangeClass.NON_BREAKING, "adds function " + c.object());
            case FUNCTION_CHANGED -> v.add(ChangeClass.NON_BREAKING, "replaces function " + c.object());
            case FUNCTION_DROPPED -> {
                v.breakCertainly("drops function " + c.object() + ": old code that calls it fails");
                v.breaks.add("function " + c.object() + " disappears");
            }
            case TYPE_ADDED -> v.add(ChangeClass.NON_BREAKING, "adds type " + c.object());
            case TYPE_CHANGED -> {
                List<String> old = labels(c.before());
                List<String> now = labels(c.after());
                List<String> gone = old.stream().filter(l -> !now.contains(l)).toList();
                if (gone.isEmpty()) {
                    v.add(ChangeClass.NON_BREAKING, "adds values to type " + c.object());
                } else {
                    v.breakCertainly("removes or renames value " + String.join(", ", gone) + " of type " + c.object()
                            + ": old code that writes it fails");
                    v.breaks.add("value " + String.join(", ", gone) + " of " + c.object() + " disappears");
                }
            }
            case TYPE_DROPPED -> {
                v.breakCertainly("drops type " + c.object() + ": old code that uses it fails");
                v.breaks.add("type " + c.object() + " disappears");
            }
        }
    }

    private static void columnAdded(Change c, boolean rewrote, Verdict v) {
        Catalog.Column col = c.column();
        if (col.notNull() && col.defaultValue() == null && !col.generated() && !col.identity()) {
            v.breakCertainly("adds NOT NULL column " + c.object() + " without a default: old code that inserts rows"
                    + " without it fails");
            v.breaks.add("inserts that leave out " + c.object() + " fail");
            v.alternatives.add("add " + c.object() + " nullable or with a default, backfill it, then make it NOT NULL"
                    + " the safe way (CHECK … NOT VALID, VALIDATE, SET NOT NULL)");
            return;
        }
        v.add(
                ChangeClass.NON_BREAKING,
                "adds column " + c.object() + " " + col.type()
                        + (col.defaultValue() != null
                                ? " with default " + col.defaultValue()
                                : col.notNull() ? "" : " (nullable)"));
        if (rewrote) {
            v.alternatives.add("add " + c.object() + " without a default, SET DEFAULT for new rows, then fill existing"
                    + " rows with a batched backfill (a volatile or generated default rewrites the whole table)");
        }
    }

    private static void constraintAdded(Observation o, Change c, Verdict v) {
        Catalog.Constraint k = c.constraint();
        String table = o.before().nameOf(k.relation());
        List<Integer> added = o.changes().stream()
                .filter(x -> x.what() == Change.What.COLUMN_ADDED && x.relation() == k.relation())
                .map(x -> x.column().number())
                .toList();
        if (!k.columns().isEmpty() && added.containsAll(k.columns())) {
            v.add(
                    ChangeClass.NON_BREAKING,
                    "adds constraint " + k.name() + " on the new column of " + table + ": old code does not write it");
            return;
        }
        boolean newIndex =
                o.changes().stream().anyMatch(x -> x.what() == Change.What.INDEX_ADDED && x.relation() == k.relation());
        if ((k.type() == 'p' || k.type() == 'u') && !newIndex) {
            v.add(
                    ChangeClass.NON_BREAKING,
                    "makes an existing unique index constraint " + k.name() + " on " + table + ": no new restriction");
            return;
        }
        switch (k.type()) {
            case 'p', 'u' -> {
                v.add(
                        ChangeClass.BREAKING,
                        "adds " + (k.type() == 'p' ? "primary key " : "unique constraint ") + k.name() + " on " + table
                                + ": old code that writes duplicates fails");
                v.breaks.add("writes that duplicate " + k.definition() + " on " + table + " fail");
                if (o.changes().stream().anyMatch(x -> x.what() == Change.What.INDEX_ADDED)) {
                    v.alternatives.add("CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT " + k.name() + " "
                            + (k.type() == 'p' ? "PRIMARY KEY" : "UNIQUE") + " USING INDEX");
                }
            }
            case 'f', 'c', 'x' -> {
                String what = k.type() == 'f' ? "foreign key " : k.type() == 'c' ? "check " : "exclusion constraint ";
                v.add(
                        ChangeClass.BREAKING,
                        "adds " + what + k.name() + " on " + table
                                + (k.validated() ? "" : " NOT VALID") + ": old code that writes rows violating "
                                + k.definition() + " fails");
                v.breaks.add("writes to " + table + " that violate " + k.definition() + " fail");
                if (k.validated() && k.type() != 'x') {
                    v.alternatives.add("ADD CONSTRAINT " + k.name() + " … NOT VALID, then VALIDATE CONSTRAINT "
                            + k.name() + " in its own transaction (it reads the table under SHARE UPDATE EXCLUSIVE)");
                }
            }
            default -> v.add(ChangeClass.BREAKING, "adds constraint " + k.name() + " on " + table);
        }
    }

    private static void indexAdded(Observation o, Change c, Verdict v) {
        Catalog.Index index = c.index();
        String table = o.before().nameOf(index.relation());
        if (index.unique()) {
            v.add(
                    ChangeClass.BREAKING,
                    "adds unique index " + c.object() + " on " + table + ": old code that writes duplicates fails");
            v.breaks.add("writes that duplicate a key of " + c.object() + " fail");
        } else {
            v.add(ChangeClass.NON_BREAKING, "adds index " + c.object() + " on " + table);
        }
        boolean constraintIndex = o.changes().stream().anyMatch(x -> x.what() == Change.What.CONSTRAINT_ADDED);
        if (o.inTransaction() && !constraintIndex) {
            v.alternatives.add("CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX CONCURRENTLY, in a file or step"
                    + " of its own outside a transaction (it lets writes go on while it builds)");
        }
    }

    /** An enum's labels from its catalog identity, {@code schema.name:a,b,c}. */
    private static List<String> labels(String identity) {
        return identity == null || identity.indexOf(':') < 0
                ? List.of()
                : List.of(identity.substring(identity.indexOf(':') + 1).split(","));
    }

    private Double estimate(String table, boolean rewrite, boolean scan, boolean indexBuilt, Long rowsChanged) {
        TableStats s = stats.get(table);
        if (s == null) {
            return null;
        }
        double seconds = 0;
        if (rewrite) {
            seconds += s.totalBytes() / rates.rewriteBytesPerSecond();
        } else if (scan) {
            seconds += s.heapBytes() / rates.scanBytesPerSecond();
        }
        if (indexBuilt && !rewrite) {
            seconds += s.heapBytes() / rates.indexBytesPerSecond();
        }
        if (rowsChanged != null) {
            seconds += rowsChanged / rates.rowsPerSecond();
        }
        return seconds;
    }

    private static String expandContract(String column, String replacement) {
        return "expand/contract: add " + replacement + " next to " + column + ", keep both in sync with a trigger,"
                + " backfill it in batches, switch the code, then drop " + column;
    }

    private static String names(Observation o, Set<Long> oids) {
        return String.join(", ", oids.stream().map(o.before()::nameOf).toList());
    }

    /** The class, worst first: breaking over data migration over non-breaking. */
    private static final class Verdict {
        ChangeClass changeClass = null;
        final List<String> reasons = new ArrayList<>();
        final List<String> hazards = new ArrayList<>();
        final List<String> breaks = new ArrayList<>();
        final List<String> alternatives = new ArrayList<>();
        boolean unsafe;
        boolean certainBreak;

        void add(ChangeClass c, String reason) {
            reasons.add(reason);
            if (changeClass == null || rank(c) > rank(changeClass)) {
                changeClass = c;
            }
        }

        void breakCertainly(String reason) {
            add(ChangeClass.BREAKING, reason);
            certainBreak = true;
        }

        private static int rank(ChangeClass c) {
            return switch (c) {
                case NON_BREAKING -> 0;
                case DATA_MIGRATION -> 1;
                case BREAKING -> 2;
            };
        }
    }
}
