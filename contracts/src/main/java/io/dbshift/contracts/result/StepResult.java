package io.dbshift.contracts.result;

import io.dbshift.contracts.Payload;

/** The outcome of one command, sent back to the orchestrator on the results topic. */
public interface StepResult extends Payload {
    String commandId();

    String stepId();

    String target();
}
