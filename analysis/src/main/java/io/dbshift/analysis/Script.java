package io.dbshift.analysis;

/**
 * One migration file.
 *
 * @param version its version ({@code 2}, {@code 2016-09-12-221302}); the file name when it has none
 * @param name where it came from, for messages ({@code migrations/2016-..._add_index/up.sql})
 * @param transactional the tool that runs it wraps it in one transaction (Flyway and Diesel do unless told not to)
 */
public record Script(String version, String name, String sql, boolean transactional) {}
