package io.dbshift.contracts.schema;

import java.util.List;

/**
 * One statement of a migration script and what replaying it on a scratch copy of the target showed.
 *
 * @param version the script's version (or its file name when it has none)
 * @param index position of the statement in the script, from 1
 * @param line the line the statement starts on, from 1
 * @param kind what the statement is, as the parser names it ({@code ALTER TABLE}, {@code UPDATE}, ...)
 * @param tables the existing tables it touches
 * @param locks the strongest lock it holds on each existing table, as measured
 * @param breaks what old application code stops working, one entry per object
 * @param alternatives the safe way to reach the same schema, when this one is not
 * @param unsafe blocks reads or writes for a time that grows with the table, or breaks old code
 * @param rowsEstimate for a data change, the rows the target's planner expects it to touch; null when unknown
 */
public record StatementAnalysis(
        String version,
        int index,
        int line,
        String sql,
        ChangeClass classification,
        String reason,
        List<String> tables,
        String kind,
        List<TableLock> locks,
        List<String> breaks,
        List<String> alternatives,
        boolean unsafe,
        Long rowsEstimate) {

    public StatementAnalysis {
        tables = tables == null ? List.of() : List.copyOf(tables);
        locks = locks == null ? List.of() : List.copyOf(locks);
        breaks = breaks == null ? List.of() : List.copyOf(breaks);
        alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
    }

    /** A first classification with no replay evidence. */
    public StatementAnalysis(
            String version,
            int index,
            int line,
            String sql,
            ChangeClass classification,
            String reason,
            List<String> tables) {
        this(version, index, line, sql, classification, reason, tables, null, null, null, null, false, null);
    }
}
