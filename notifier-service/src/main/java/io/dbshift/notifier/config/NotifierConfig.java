package io.dbshift.notifier.config;

import io.dbshift.notifier.notice.Severity;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where notices go and how hard the notifier tries. Destinations are named places (a Slack webhook, a list of e-mail
 * addresses, a signed HTTP webhook); routes say which notices go to which destinations. The older single-channel
 * settings ({@code slack.webhook-url}, {@code email.to}) still work: each makes a destination of that name with a
 * route that sends it everything. With no destination at all, notices are only logged.
 */
@ConfigMapping(prefix = "dbshift.notifier")
public interface NotifierConfig {

    /** The Slack incoming webhook of the single-channel settings: destination {@code slack}. */
    Slack slack();

    /** E-mail of the single-channel settings: destination {@code email}. The server is {@code quarkus.mailer.*}. */
    Email email();

    /** Named destinations: {@code dbshift.notifier.destinations.<name>.type=slack|email|webhook} and their settings. */
    Map<String, Destination> destinations();

    /** Named routes: {@code dbshift.notifier.routes.<name>.destinations=alerts,owner} and their filters. */
    Map<String, Route> routes();

    /** How a failed send is retried before its delivery is recorded as failed. */
    Retry retry();

    /**
     * Backfill progress is digested: at most one progress notice per destination and backfill step in this time,
     * counted from the last one queued or sent. The ones in between are dropped, with no row in the delivery log.
     */
    @WithDefault("5m")
    Duration digestInterval();

    /** How often the delivery queue is looked at for retries that came due; new notices are sent at once. */
    @WithDefault("500ms")
    Duration workerInterval();

    /** Reminders before a migration's window and notices when it opens and closes. */
    Windows windows();

    /** Where the orchestrator's REST API is, to attach a migration's report to the e-mail that says it ended. */
    Optional<String> orchestratorUrl();

    /**
     * The orchestrator's address as people reach it (behind a proxy, say); with it, Slack messages and e-mails link to
     * the migration's plan and report.
     */
    Optional<String> publicUrl();

    /** Slack incoming-webhook settings. */
    interface Slack {
        /** The incoming-webhook URL; unset means no Slack notices. A secret: it is never logged in full. */
        Optional<String> webhookUrl();

        /** How long one webhook call may take before it counts as a failed attempt. */
        @WithDefault("10s")
        Duration timeout();

        /** The shortest time between two posts: Slack takes about one message a second per webhook. */
        @WithDefault("1s")
        Duration minInterval();
    }

    /** E-mail settings; {@code from} and {@code subject-prefix} apply to every e-mail destination. */
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

    /** One named destination. */
    interface Destination {
        /** {@code slack}, {@code email} or {@code webhook}. */
        String type();

        /** The URL of a Slack incoming webhook or of an HTTP webhook. A secret: shown only as scheme and host. */
        Optional<String> url();

        /** The addresses of an e-mail destination. */
        Optional<List<String>> to();

        /** The HMAC-SHA256 key a webhook's body is signed with. A secret: never shown. */
        Optional<String> signingKey();

        /** How long one call may take before it counts as a failed attempt. */
        @WithDefault("10s")
        Duration timeout();

        /** The shortest time between two sends to this destination; unset: 1 s for Slack (its limit), none otherwise. */
        Optional<Duration> minInterval();
    }

    /** One named route: the notices it selects go to its destinations. */
    interface Route {
        /** The destinations' names. */
        List<String> destinations();

        /** Event types it selects, by simple name ({@code MigrationFailed}) or in full; unset: every type. */
        Optional<List<String>> events();

        /** The least severity it selects. */
        @WithDefault("info")
        Severity minSeverity();

        /** Whether its destinations must have the plan for the "Team notified" checkpoint to flip. */
        @WithDefault("true")
        boolean required();
    }

    /** Retry settings, shared by every destination. */
    interface Retry {
        /** Attempts after the first failed one; 0 sends once. */
        @WithDefault("3")
        int maxRetries();

        /** The wait before the first retry; it doubles, with jitter, on each further one. */
        @WithDefault("1s")
        Duration initialBackoff();

        /** The longest wait between two attempts, unless the destination asked for longer with Retry-After. */
        @WithDefault("30s")
        Duration maxBackoff();

        /** The longest Retry-After honoured; a destination asking for more is recorded as failed at once. */
        @WithDefault("5m")
        Duration maxRetryAfter();
    }

    /** Migration windows. */
    interface Windows {
        /** How often the windows are looked at for a reminder or an opening that is due. */
        @WithDefault("30s")
        Duration checkEvery();
    }
}
