package io.dbshift.notifier.channel;

import io.dbshift.notifier.notice.Notice;
import io.smallrye.mutiny.Uni;

/** One way of telling people: a Slack webhook, e-mail, the log. */
public interface NoticeChannel {

    /** A stable name: the {@code channel} column of the delivery log. Never renamed. */
    String name();

    /** Whether this deployment configured the channel. */
    boolean isConfigured();

    /** Where notices go, safe to log: secrets masked. */
    String destination();

    /**
     * Sends one notice once. Retrying is the caller's business, so a failure says whether another
     * attempt could help ({@link SendFailedException#isRetryable()}).
     */
    Uni<Void> send(Notice notice);
}
