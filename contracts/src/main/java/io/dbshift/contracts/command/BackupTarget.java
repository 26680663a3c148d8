package io.dbshift.contracts.command;

/**
 * Backs the target up before it is changed ({@code pg_dump -Fc} of the whole database), and proves the backup: the
 * archive lists, and a test restore into a scratch database holds the same rows.
 */
public record BackupTarget(String commandId, String migrationId, String stepId, String target) implements Command {}
