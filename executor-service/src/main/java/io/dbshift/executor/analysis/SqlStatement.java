package io.dbshift.executor.analysis;

/**
 * One statement of a script.
 *
 * @param index position in the script, from 1
 * @param line the line it starts on, from 1
 * @param sql its text without the terminating semicolon
 */
public record SqlStatement(int index, int line, String sql) {}
