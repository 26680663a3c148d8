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

    private static FakeSlackWebhook slack;
    private static GreenMail smtp;

    @Override
    public Map<String, String> start() {
        try {
            slack = new FakeSlackWebhook();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        return Map.ofEntries(
                Map.entry("dbshift.notifier.slack.webhook-url", slack.url()),
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
        if (slack != null) {
            slack.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    public static FakeSlackWebhook slack() {
        return slack;
    }

    /** Every e-mail received whose subject or body mentions the text. */
    public static List<MimeMessage> mailsMentioning(String text) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(mail -> Mails.content(mail).contains(text))
                .toList();
    }
}
