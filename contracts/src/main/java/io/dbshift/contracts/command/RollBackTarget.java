package io.dbshift.contracts.command;

import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.contracts.schema.SchemaSnapshot;
import java.util.List;
import java.util.Map;

/**
 * Rolls the target back after its verification failed, and verifies the rollback: the schema must equal the one
 * before the migration, and the row counts the expected ones.
 *
 * @param method {@code down}: the down scripts of {@code migrations}, newest first, in one transaction, and their
 *     versions removed from the migration history; {@code restore}: the database restored from {@code archive}
 * @param migrations the scripts this migration applied on the target, with their down scripts
 * @param schemaBefore the target's schema before the migration
 * @param expectedRowCounts for {@code down}, the baseline; for {@code restore}, the backup's row counts
 * @param archive the verified backup, for {@code restore}
 * @param sha256 the archive's recorded SHA-256: a different file is not restored
 */
public record RollBackTarget(
        String commandId,
        String migrationId,
        String stepId,
        String target,
        String method,
        List<MigrationScript> migrations,
        SchemaSnapshot schemaBefore,
        Map<String, Long> expectedRowCounts,
        String archive,
        String sha256)
        implements Command {}
