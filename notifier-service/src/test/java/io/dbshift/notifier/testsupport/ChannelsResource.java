package io.dbshift.notifier.testsupport;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Both notice channels, real and local: the fake Slack webhook and a GreenMail SMTP server.
 * Retries are made fast so that retry tests take milliseconds, not seconds.
 */
public class ChannelsResource implements QuarkusTestResourceLifecycleManager {
    public static final List<String> RECIPIENTS = List.of("dba@example.test", "oncall@example.test");

    /** Looks like a real webhook path, so that the tests can check it never shows in full. */
    public static final String SLACK_PATH = "/services/T0DBSHIFT/B0NOTIFY/s3cr3tT0k3n";

    private static FakeHttpServer http;
    private static GreenMail smtp;

    @Override
    public Map<String, String> start() {
        try {
            http = new FakeHttpServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        return Map.ofEntries(
                Map.entry("dbshift.notifier.slack.webhook-url", slack().url()),
                // Slack's one message a second would make these tests slow; the rate limit has its own test.
                Map.entry("dbshift.notifier.slack.min-interval", "0s"),
                Map.entry("dbshift.notifier.email.to", String.join(",", RECIPIENTS)),
                Map.entry("dbshift.notifier.email.from", "dbshift@example.test"),
                Map.entry("dbshift.notifier.retry.max-retries", "2"),
                Map.entry("dbshift.notifier.retry.initial-backoff", "20ms"),
                Map.entry("dbshift.notifier.retry.max-backoff", "100ms"),
                Map.entry("quarkus.mailer.host", "127.0.0.1"),
                Map.entry("quarkus.mailer.port", String.valueOf(smtp.getSmtp().getPort())),
                Map.entry("quarkus.mailer.start-tls", "DISABLED"));
    }

    @Override
    public void stop() {
        if (http != null) {
            http.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    /** The local HTTP server every fake endpoint is on. */
    public static FakeHttpServer http() {
        return http;
    }

    public static FakeHttpServer.Endpoint slack() {
        return http.endpoint(SLACK_PATH);
    }

    /** Every e-mail addressed to {@code address} whose subject or body mentions the text. */
    public static List<MimeMessage> mailsTo(String address, String text) {
        return mailsMentioning(text).stream()
                .filter(mail -> Mails.to(mail).contains(address))
                .toList();
    }

    /** Every e-mail received whose subject or body mentions the text. */
    public static List<MimeMessage> mailsMentioning(String text) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(mail -> Mails.content(mail).contains(text))
                .toList();
    }
}
