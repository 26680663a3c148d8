package io.dbshift.orchestrator.workflow;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.event.MigrationEvent;
import java.util.List;

/**
 * What to do about an input: the new phase, step and evidence, the commands to send and the
 * events to publish. The adapter persists it and writes the messages to the outbox in one transaction.
 *
 * @param changed false when the input changes nothing (a redelivery, a result for another step)
 * @param note why, when nothing changed
 */
public record Decision(
        boolean changed,
        Phase phase,
        int stepIndex,
        Evidence evidence,
        List<Command> commands,
        List<MigrationEvent> events,
        String note) {

    static Decision unchanged(MigrationState state, String note) {
        return new Decision(false, state.phase(), state.stepIndex(), state.evidence(), List.of(), List.of(), note);
    }
}
