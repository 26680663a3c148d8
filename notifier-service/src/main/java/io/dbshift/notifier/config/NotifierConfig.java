package io.dbshift.notifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Where notices go and how hard the notifier tries. A channel without its settings is off; with
 * no channel on, notices are only logged.
 */
@ConfigMapping(prefix = "dbshift.notifier")
public interface NotifierConfig {

    /** The Slack incoming webhook. */
    Slack slack();

    /** E-mail over SMTP; the server itself is set with the {@code quarkus.mailer.*} properties. */
    Email email();

    /** How a failed send is retried before its delivery is recorded as failed. */
    Retry retry();

    /** Slack incoming-webhook settings. */
    interface Slack {
        /** The incoming-webhook URL; unset means no Slack notices. A secret: it is never logged in full. */
        Optional<String> webhookUrl();

        /** How long one webhook call may take before it counts as a failed attempt. */
        @WithDefault("10s")
        Duration timeout();
    }

    /** E-mail settings. */
    interface Email {
        /** The recipients; unset or empty means no e-mail notices. */
        Optional<List<String>> to();

        /** The sender address of every notice. */
        @WithDefault("dbshift@localhost")
        String from();

        /** Put before every subject, so that mail filters can pick notices out. */
        @WithDefault("[dbshift]")
        String subjectPrefix();
    }

    /** Retry settings, shared by every channel. */
    interface Retry {
        /** Attempts after the first failed one; 0 sends once. */
        @WithDefault("3")
        int maxRetries();

        /** The wait before the first retry; it doubles, with jitter, on each further one. */
        @WithDefault("1s")
        Duration initialBackoff();

        /** The longest wait between two attempts. */
        @WithDefault("30s")
        Duration maxBackoff();
    }
}
