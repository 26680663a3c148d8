package io.dbshift.contracts.command;

import io.dbshift.contracts.Payload;

/**
 * An instruction from the orchestrator. The command id is deterministic ({@code migrationId/stepId}),
 * so a redelivered or re-sent command is recognised and changes nothing twice. A production contract tried again
 * after one that did not happen is a new command: its id ends in {@code /try-N}, N being the number of tries that did
 * not happen plus one.
 */
public interface Command extends Payload {
    String commandId();

    String stepId();

    /** The registered target the command acts on. */
    String target();

    static String idFor(String migrationId, String stepId) {
        return migrationId + "/" + stepId;
    }
}
