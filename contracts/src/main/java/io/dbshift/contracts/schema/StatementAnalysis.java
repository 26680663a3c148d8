package io.dbshift.contracts.schema;

import java.util.List;

/**
 * One statement of a migration script and its classification.
 *
 * @param version the script's version
 * @param index position of the statement in the script, from 1
 * @param line the line the statement starts on, from 1
 * @param tables the tables it touches
 */
public record StatementAnalysis(
        String version,
        int index,
        int line,
        String sql,
        ChangeClass classification,
        String reason,
        List<String> tables) {}
