package io.dbshift.analysis;

/**
 * One migration file.
 *
 * @param version its version ({@code 2}, {@code 2016-09-12-221302}); the file name when it has none
 * @param name where it came from, for messages ({@code migrations/2016-..._add_index/up.sql})
 * @param transactional the tool that runs it wraps it in one transaction (Flyway and Diesel do unless told not to)
 * @param runner the tool that runs it, which decides what happens to statements that cannot run in a transaction
 */
public record Script(String version, String name, String sql, boolean transactional, Runner runner) {

    /** Migration tools, for what they do with a file's transaction. */
    public enum Runner {
        /** Runs a file of only non-transactional statements outside a transaction; refuses a mix (mixed = false). */
        FLYWAY,
        /** Wraps each file in a transaction unless metadata.toml says run_in_transaction = false. */
        DIESEL,
        /** Prisma, golang-migrate, psql -1 or anything else: the file is taken as given. */
        OTHER
    }

    public Script(String version, String name, String sql, boolean transactional) {
        this(version, name, sql, transactional, Runner.OTHER);
    }
}
