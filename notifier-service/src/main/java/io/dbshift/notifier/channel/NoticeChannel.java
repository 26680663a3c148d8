package io.dbshift.notifier.channel;

import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;

/** One destination: a Slack webhook, a list of e-mail addresses, a signed HTTP webhook, the log. */
public interface NoticeChannel {

    /** The destination's name: the {@code channel} column of the delivery log. Never renamed. */
    String name();

    /** {@code slack}, {@code email}, {@code webhook} or {@code log}. */
    String type();

    /** Where notices go, safe to log and to show over REST: secrets masked. */
    String destination();

    /** Whether a delivery here tells a person: false for the log, so it never counts as the team being told. */
    default boolean reachesPeople() {
        return true;
    }

    /**
     * Sends one notice once. Retrying is the caller's business, so a failure says whether another
     * attempt could help ({@link SendFailedException#isRetryable()}).
     *
     * @param deliveryId the same on every attempt and redelivery of this notice to this destination, so that a
     *     receiver can drop a copy it already has (a webhook header, an e-mail's Message-ID)
     */
    Uni<Void> send(Notice notice, String deliveryId);

    /** Frees the channel's client, if it has one. */
    default void close() {}
}
