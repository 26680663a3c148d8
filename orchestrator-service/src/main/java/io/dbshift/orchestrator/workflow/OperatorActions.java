package io.dbshift.orchestrator.workflow;

import io.dbshift.contracts.Phase;
import io.dbshift.contracts.command.Command;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MigrationEvent;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationHeld;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.OperatorDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What operators do to a running migration: approve it, reject it, tell it to go on when its window closed, mark a
 * checkpoint that needs a person. Pure functions, like {@link Transition}: a refusal is an unchanged decision whose
 * note says why.
 */
public final class OperatorActions {
    /** Checkpoints that flip only on evidence the system collects; no operator can mark them. */
    static final Map<String, String> EVIDENCE_ONLY = Map.of(
            Checkpoints.MIGRATION_REHEARSED, "staging.verify passing on the migrated staging",
            Checkpoints.DATA_INTEGRITY_CHECKS_PASSING, "production.verify passing",
            Checkpoints.BACKUP_VERIFIED,
                    "production.backup writing, listing, checksumming and test-restoring the backup",
            Checkpoints.ROLLBACK_TESTED, "staging.rollback finding the rollback REVERSIBLE",
            Checkpoints.TEAM_NOTIFIED, "the notifier delivering the plan to every required recipient");

    private OperatorActions() {}

    /** An approval. The requester cannot approve their own migration, nor anyone twice. */
    public static Decision approve(MigrationState state, String by, String reason, Instant now, ApprovalPolicy policy) {
        String refusal = refuseOnceProductionStarted(state, "approve");
        if (refusal != null) {
            return Decision.unchanged(state, refusal);
        }
        if (state.evidence().riskLevel == null) {
            return Decision.unchanged(
                    state,
                    "the migration has no plan yet: approve it once its risk is assessed and its plan published");
        }
        if (sameIdentity(by, state.request().requestedBy())) {
            return Decision.unchanged(
                    state, by + " requested this migration and cannot approve it; another approver must");
        }
        Evidence evidence = state.evidence().copy();
        if (evidence.approvals.stream().anyMatch(a -> sameIdentity(a.by(), by))) {
            return Decision.unchanged(state, by + " approved this migration already");
        }
        evidence.approvals.add(new Evidence.Approval(by, reason, now));
        List<MigrationEvent> events = new ArrayList<>();
        events.add(new OperatorDecision(state.id(), Transition.name(state), "approve", by, reason, null));
        return resume(state, evidence, now, policy, events);
    }

    /** A rejection: the migration fails before production is touched, or where it waits after its window closed. */
    public static Decision reject(MigrationState state, String by, String reason, Instant now) {
        // Waiting for an operator after the window closed, a migration that changed production may still be stopped:
        // it fails there, and a rollback can be asked for as after any failure.
        Evidence.Hold hold = state.evidence().hold;
        boolean windowClosed = hold != null
                && hold.waitingFor().equals(MigrationHeld.OPERATOR)
                && !hold.reason().startsWith(Transition.MANUAL);
        String refusal =
                windowClosed && !state.phase().isTerminal() ? null : refuseOnceProductionStarted(state, "reject");
        if (refusal != null) {
            return Decision.unchanged(state, refusal + "; ask for a rollback instead");
        }
        Evidence evidence = state.evidence().copy();
        evidence.hold = null;
        evidence.failure = "rejected by " + by + ": " + reason;
        List<MigrationEvent> events = List.of(
                new OperatorDecision(state.id(), Transition.name(state), "reject", by, reason, null),
                new MigrationPhaseChanged(
                        state.id(), Transition.name(state), state.phase(), Phase.FAILED, "rejected by " + by),
                new MigrationFailed(
                        state.id(),
                        Transition.name(state),
                        hold != null
                                ? hold.stepId()
                                : state.currentStep() == null
                                        ? "approval"
                                        : state.currentStep().id(),
                        evidence.failure));
        return new Decision(true, Phase.FAILED, state.stepIndex(), evidence, List.of(), events, null);
    }

    /**
     * Go on: in manual mode, into the phase that waits; or although the window closed. Approvals and a window not yet
     * open still hold.
     */
    public static Decision next(MigrationState state, String by, String reason, Instant now, ApprovalPolicy policy) {
        Evidence.Hold hold = state.evidence().hold;
        if (state.phase().isTerminal() || hold == null) {
            return Decision.unchanged(
                    state, "the migration is " + state.phase() + " and waits for nobody; next has nothing to do");
        }
        if (hold.waitingFor().equals(MigrationHeld.SWITCH)) {
            Evidence evidence = state.evidence().copy();
            evidence.switched = switchedBy(by, "dbshift next", reason, now);
            List<MigrationEvent> events = new ArrayList<>();
            events.add(new OperatorDecision(state.id(), Transition.name(state), "next", by, reason, null));
            return resume(state, evidence, now, policy, events);
        }
        if (!hold.waitingFor().equals(MigrationHeld.OPERATOR)) {
            return Decision.unchanged(state, "it waits for " + describe(hold) + ", which next cannot give");
        }
        Evidence evidence = state.evidence().copy();
        if (hold.reason().startsWith(Transition.MANUAL)) {
            evidence.manualGo.add(hold.stepId());
        } else {
            Map<String, Object> override = new LinkedHashMap<>();
            override.put("by", by);
            override.put("reason", reason);
            override.put("at", now.toString());
            evidence.windowOverride = override;
        }
        List<MigrationEvent> events = new ArrayList<>();
        events.add(new OperatorDecision(state.id(), Transition.name(state), "next", by, reason, null));
        return resume(state, evidence, now, policy, events);
    }

    /**
     * An application's deploy says it runs on the new shape everywhere ({@code ApplicationSwitched}): production's
     * contract may go on. Taken once production's new schema is ready, whether or not the migration waits yet.
     */
    public static Decision switched(
            MigrationState state, String application, String version, Instant now, ApprovalPolicy policy) {
        return switched(state, application, version, null, now, policy);
    }

    /**
     * @param event the id of the event that said so, or null: an event taken once (a Kafka redelivery, say) is not
     *     taken again, not even after a contract that did not happen asks for the switch anew
     */
    public static Decision switched(
            MigrationState state,
            String application,
            String version,
            String event,
            Instant now,
            ApprovalPolicy policy) {
        if (event != null && switchEvents(state.evidence()).contains(event)) {
            return Decision.unchanged(state, "this ApplicationSwitched (" + event + ") was taken already");
        }
        if (state.phase().isTerminal()) {
            return Decision.unchanged(state, "the migration is " + state.phase() + "; the switch changes nothing");
        }
        if (state.request().operations().isEmpty()) {
            return Decision.unchanged(state, "the migration has no expand/contract operations to switch to");
        }
        if (state.phase() == io.dbshift.contracts.Phase.ROLLING_BACK) {
            return Decision.unchanged(state, "the migration is being rolled back: its new shape is going away");
        }
        if (!io.dbshift.contracts.schema.ReshapeStage.READY
                .name()
                .equals(state.evidence().reshapes.get(state.request().target()))) {
            return Decision.unchanged(
                    state,
                    "the new schema is not ready on " + state.request().target() + " yet: an application cannot have"
                            + " switched to it; publish ApplicationSwitched after SchemaStageReached READY");
        }
        if (state.evidence().switched != null) {
            return Decision.unchanged(state, "the switch was recorded already");
        }
        Evidence evidence = state.evidence().copy();
        String by = application == null || application.isBlank() ? "an application" : application;
        evidence.switched = switchedBy(by, "ApplicationSwitched", version == null ? null : "version " + version, now);
        if (event != null) {
            evidence.switched.put("event", event);
        }
        List<MigrationEvent> events = new ArrayList<>();
        events.add(new OperatorDecision(
                state.id(),
                Transition.name(state),
                "switched",
                by,
                version == null ? null : "version " + version,
                null));
        Evidence.Hold hold = state.evidence().hold;
        if (hold == null || !hold.waitingFor().equals(MigrationHeld.SWITCH)) {
            // Not waiting yet (production's checks still run): the contract will not wait when it comes.
            return new Decision(true, state.phase(), state.stepIndex(), evidence, List.of(), events, null);
        }
        return resume(state, evidence, now, policy, events);
    }

    /** The events of every switch taken so far: the present one and those a contract that did not happen followed. */
    private static Set<Object> switchEvents(Evidence evidence) {
        List<Object> switches = new ArrayList<>();
        switches.add(evidence.switched);
        evidence.contractRefusals.forEach(refusal -> switches.add(refusal.get("switched")));
        Set<Object> events = new java.util.HashSet<>();
        for (Object taken : switches) {
            if (taken instanceof Map<?, ?> m && m.get("event") != null) {
                events.add(m.get("event"));
            }
        }
        return events;
    }

    private static Map<String, Object> switchedBy(String by, String via, String note, Instant now) {
        Map<String, Object> switched = new LinkedHashMap<>();
        switched.put("by", by);
        switched.put("via", via);
        if (note != null) {
            switched.put("note", note);
        }
        switched.put("at", now.toString());
        return switched;
    }

    /** The clock moved: a migration waiting for its window goes on once it opens. */
    public static Decision clock(MigrationState state, Instant now, ApprovalPolicy policy) {
        Evidence.Hold hold = state.evidence().hold;
        if (state.phase().isTerminal() || hold == null || hold.until() == null || now.isBefore(hold.until())) {
            return Decision.unchanged(state, "nothing to release");
        }
        return resume(state, state.evidence().copy(), now, policy, new ArrayList<>());
    }

    /**
     * A checkpoint a person vouches for, such as "Monitoring dashboards open". The evidence-backed ones are refused,
     * with what flips them.
     */
    public static Decision checkpoint(MigrationState state, String by, String checkpoint, String note, Instant now) {
        String name = checkpoint == null ? "" : checkpoint.strip();
        if (name.isEmpty()) {
            return Decision.unchanged(state, "name the checkpoint, e.g. \"Monitoring dashboards open\"");
        }
        for (Map.Entry<String, String> backed : EVIDENCE_ONLY.entrySet()) {
            if (backed.getKey().equalsIgnoreCase(name)) {
                return Decision.unchanged(
                        state,
                        "\"" + backed.getKey() + "\" flips only on evidence the system collects itself ("
                                + backed.getValue() + "); it cannot be marked by hand");
            }
        }
        if (state.evidence().checkpoints.containsKey(name)) {
            return Decision.unchanged(state, "\"" + name + "\" was marked already");
        }
        Evidence evidence = state.evidence().copy();
        Map<String, Object> proof = new LinkedHashMap<>();
        proof.put("markedBy", by);
        proof.put("manual", true);
        if (note != null && !note.isBlank()) {
            proof.put("note", note);
        }
        evidence.checkpoints.put(name, new Evidence.Checkpoint(name, now, proof));
        List<MigrationEvent> events = List.of(
                new OperatorDecision(state.id(), Transition.name(state), "checkpoint", by, note, name),
                new CheckpointReached(state.id(), name, proof));
        return new Decision(true, state.phase(), state.stepIndex(), evidence, List.of(), events, null);
    }

    private static Decision resume(
            MigrationState state, Evidence evidence, Instant now, ApprovalPolicy policy, List<MigrationEvent> events) {
        List<Command> commands = new ArrayList<>();
        if (evidence.hold != null) {
            MigrationState held = new MigrationState(
                    state.id(), state.request(), state.phase(), state.stepIndex(), evidence, state.createdAt());
            Transition.holdOrBegin(held, evidence, now, policy, commands, events);
        }
        return new Decision(true, state.phase(), state.stepIndex(), evidence, commands, events, null);
    }

    /** Null while approving or rejecting still means something: before any production step ran. */
    private static String refuseOnceProductionStarted(MigrationState state, String verb) {
        if (state.phase().isTerminal()) {
            return "the migration is " + state.phase() + "; there is nothing to " + verb;
        }
        boolean productionStarted =
                state.evidence().steps.stream().anyMatch(s -> s.stepId().startsWith("production."));
        if (productionStarted) {
            return "production is being changed already; it is too late to " + verb;
        }
        return null;
    }

    private static String describe(Evidence.Hold hold) {
        return switch (hold.waitingFor()) {
            case MigrationHeld.APPROVAL -> "approval (" + hold.reason() + ")";
            case MigrationHeld.WINDOW -> "its window (" + hold.reason() + ")";
            default -> hold.reason();
        };
    }

    private static boolean sameIdentity(String a, String b) {
        return a != null
                && b != null
                && a.strip().toLowerCase(Locale.ROOT).equals(b.strip().toLowerCase(Locale.ROOT));
    }

    /** The names of the evidence-backed checkpoints, for help texts. */
    public static Set<String> evidenceOnly() {
        return EVIDENCE_ONLY.keySet();
    }
}
