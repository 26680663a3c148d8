package io.dbshift.contracts.event;

import java.time.Instant;

/**
 * The migration waits before a step: before production for approvals or for its window to open, or for an operator
 * (its window closed, or manual mode before a phase's first step). Nothing is sent for that step until it goes on;
 * {@code StepStarted} says when it does.
 *
 * @param stepId the step that waits to start
 * @param waitingFor {@code APPROVAL}, {@code WINDOW}, {@code OPERATOR} or {@code SWITCH} (an expand/contract change
 *     waits for the application to move to the new shape: an {@code ApplicationSwitched} event or an operator's
 *     {@code next})
 * @param reason what it waits for, in words: "1 approval of 1 needed (risk High)", "the window opens at …"
 * @param until when the wait ends by itself (a window's start), or null when a person must act
 */
public record MigrationHeld(
        String migrationId, String name, String stepId, String waitingFor, String reason, Instant until)
        implements MigrationEvent {
    public static final String APPROVAL = "APPROVAL";
    public static final String WINDOW = "WINDOW";
    public static final String OPERATOR = "OPERATOR";
    /** Before production's contract: the application must switch to the new shape first. */
    public static final String SWITCH = "SWITCH";
}
