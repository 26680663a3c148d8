package io.dbshift.notifier.notice;

import java.util.Optional;

/**
 * Where people read more about a migration: its plan and its report on the orchestrator, when the deployment gives the
 * orchestrator's public address ({@code dbshift.notifier.public-url}).
 */
public record Links(String plan, String report) {

    /** The links of a migration, or null without a public URL or a migration. */
    public static Links of(Optional<String> publicUrl, String migrationId) {
        if (publicUrl.isEmpty() || migrationId == null || migrationId.isBlank()) {
            return null;
        }
        String base = publicUrl.get().strip().replaceAll("/+$", "") + "/migrations/" + migrationId;
        return new Links(base + "/plan", base + "/report");
    }
}
