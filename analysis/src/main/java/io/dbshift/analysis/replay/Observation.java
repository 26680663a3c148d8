package io.dbshift.analysis.replay;

import io.dbshift.analysis.Script;
import io.dbshift.analysis.catalog.Catalog;
import io.dbshift.analysis.catalog.Change;
import io.dbshift.analysis.sql.Shape;
import io.dbshift.analysis.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What replaying one statement on the scratch database showed.
 *
 * @param replayed false for a statement that acts on the whole server (roles, databases, tablespaces, system
 *     settings): it is never run on the target's server, so nothing was observed
 * @param inTransaction it ran inside a transaction, so its locks were read from {@code pg_locks}; false for the
 *     statements PostgreSQL refuses to run in one (CONCURRENTLY), whose locks are the documented ones
 * @param locks the strongest mode held on each relation (oid), tables and indexes
 * @param rewritten relations whose file was replaced
 * @param scanned tables read in full ({@code pg_stat_xact_user_tables.seq_scan} rose)
 * @param createdInScript relations an earlier statement of the same script created: new and empty when this one runs
 * @param lockTimeout the session's {@code lock_timeout} while the statement ran ({@code 0} is none)
 */
public record Observation(
        Script script,
        Statement statement,
        Shape shape,
        boolean replayed,
        boolean inTransaction,
        Map<Long, String> locks,
        Set<Long> rewritten,
        Set<Long> scanned,
        List<Change> changes,
        Catalog before,
        Catalog after,
        Set<Long> createdInScript,
        String lockTimeout,
        long micros) {}
