package io.dbshift.contracts;

/** Kafka topic names. Every record is keyed by migration id, so one migration's messages stay in order. */
public final class Topics {
    /** Migration requests published by operators (REST is the other way in). */
    public static final String REQUESTS = "dbshift.requests";
    /** Commands from the orchestrator to the executor. */
    public static final String EXECUTOR_COMMANDS = "dbshift.executor.commands";
    /** Commands from the orchestrator to the verifier. */
    public static final String VERIFIER_COMMANDS = "dbshift.verifier.commands";
    /** Results of commands, from executor and verifier back to the orchestrator. */
    public static final String RESULTS = "dbshift.results";
    /** Migration events: the public facts that the notifier and outside services consume. */
    public static final String EVENTS = "dbshift.events";
    /** Operators' pause, resume, cancel and re-rate of running backfills, heard by every executor. */
    public static final String BACKFILL_CONTROL = "dbshift.backfill.control";
    /** Notices the notifier gave up on, each a {@code NotificationFailed} with the original event, for replay. */
    public static final String NOTIFICATIONS_DEAD_LETTER = "dbshift.notifications.dlq";

    private Topics() {}

    /** The dead-letter topic of a consumed topic. */
    public static String deadLetter(String topic) {
        return topic + ".dlq";
    }

    /** Every topic the system uses, dead-letter topics included. */
    public static java.util.List<String> all() {
        return java.util.List.of(
                REQUESTS,
                EXECUTOR_COMMANDS,
                VERIFIER_COMMANDS,
                RESULTS,
                EVENTS,
                BACKFILL_CONTROL,
                NOTIFICATIONS_DEAD_LETTER,
                deadLetter(REQUESTS),
                deadLetter(EXECUTOR_COMMANDS),
                deadLetter(VERIFIER_COMMANDS),
                deadLetter(RESULTS),
                deadLetter(EVENTS));
    }
}
