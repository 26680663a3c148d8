package io.dbshift.localstack;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the local stack's notices arrive: a real SMTP server (GreenMail) for e-mail, and an HTTP endpoint standing in
 * for Slack incoming webhooks ({@code /slack/<channel>}). Every notice is also written, one line each, to
 * {@code inbox.log} beside the services' logs. The example asks to tell {@code #db-changes} and an e-mail address; here
 * both arrive, so the plan's "Team notified" checkpoint can flip on a laptop.
 */
public final class LocalInbox implements AutoCloseable {
    private final GreenMail smtp;
    private final HttpServer http;
    private final Path log;
    private final Map<String, List<String>> posts = new ConcurrentHashMap<>();

    private LocalInbox(GreenMail smtp, HttpServer http, Path log) {
        this.smtp = smtp;
        this.http = http;
        this.log = log;
    }

    public static LocalInbox start(Path logDir) {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            smtp.stop();
            throw new UncheckedIOException("cannot open the local inbox's HTTP endpoint", e);
        }
        LocalInbox inbox = new LocalInbox(smtp, http, logDir.resolve("inbox.log"));
        http.createContext("/slack/", inbox::receive);
        http.start();
        return inbox;
    }

    /** The notifier settings that send its e-mail here and make {@code channel} a Slack destination posting here. */
    public Map<String, String> notifierConfig(List<String> slackChannels) {
        Map<String, String> config = new java.util.LinkedHashMap<>();
        config.put("notifier-service:quarkus.mailer.host", "127.0.0.1");
        config.put(
                "notifier-service:quarkus.mailer.port",
                String.valueOf(smtp.getSmtp().getPort()));
        config.put("notifier-service:quarkus.mailer.start-tls", "DISABLED");
        for (String channel : slackChannels) {
            String prefix = "notifier-service:dbshift.notifier.destinations." + channel + ".";
            config.put(prefix + "type", "slack");
            config.put(prefix + "url", slackUrl(channel));
            // The local endpoint takes as much as it is given; Slack's one post a second would only slow the demo.
            config.put(prefix + "min-interval", "0s");
        }
        return config;
    }

    public String slackUrl(String channel) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/slack/" + channel;
    }

    /** The bodies posted to a Slack channel's endpoint. */
    public List<String> posts(String channel) {
        return List.copyOf(posts.getOrDefault(channel, List.of()));
    }

    /** The e-mails received, one per recipient. */
    public List<MimeMessage> mails() {
        return List.of(smtp.getReceivedMessages());
    }

    /** How many notices arrived, by e-mail and by post. */
    public int count() {
        return smtp.getReceivedMessages().length
                + posts.values().stream().mapToInt(List::size).sum();
    }

    public Path log() {
        return log;
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange) {
            String channel = exchange.getRequestURI().getPath().substring("/slack/".length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            posts.computeIfAbsent(channel, key -> new CopyOnWriteArrayList<>()).add(body);
            write("slack #" + channel + ": " + textOf(body));
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
        }
    }

    /** The message's {@code text}, the line a Slack client shows in its preview. */
    private static String textOf(String body) {
        int at = body.indexOf("\"text\":\"");
        if (at < 0) {
            return body;
        }
        int end = body.indexOf('"', at + 8);
        return end < 0 ? body.substring(at + 8) : body.substring(at + 8, end);
    }

    private synchronized void write(String line) {
        try {
            Files.writeString(
                    log,
                    LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  " + line + "\n",
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            // The log is a convenience; the notices are still counted.
        }
    }

    @Override
    public void close() {
        http.stop(0);
        // The SMTP server has no hook for each mail: they go to the log when the stack stops.
        for (MimeMessage mail : smtp.getReceivedMessages()) {
            try {
                write("mail to " + List.of(mail.getAllRecipients()) + ": " + mail.getSubject());
            } catch (MessagingException e) {
                write("mail (unreadable): " + e.getMessage());
            }
        }
        smtp.stop();
    }
}
