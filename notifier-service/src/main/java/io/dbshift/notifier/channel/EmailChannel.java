package io.dbshift.notifier.channel;

import io.dbshift.contracts.MessageTypes;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRolledBack;
import io.dbshift.notifier.notice.Links;
import io.dbshift.notifier.notice.Notice;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.mail.SMTPException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Sends notices by e-mail through the Quarkus reactive mailer (SMTP server: {@code quarkus.mailer.*}), one message to
 * every recipient of the destination. The plan is attached as Markdown to the e-mail that publishes it, and the
 * report to the one that says the migration ended, when the orchestrator can be asked for it.
 */
public class EmailChannel implements NoticeChannel {
    public static final String TYPE = "email";
    public static final String MARKDOWN = "text/markdown; charset=utf-8";
    private static final Set<String> ENDINGS = Set.of(
            MessageTypes.typeOf(MigrationCompleted.class),
            MessageTypes.typeOf(MigrationFailed.class),
            MessageTypes.typeOf(MigrationRolledBack.class));

    private final String name;
    private final ReactiveMailer mailer;
    private final List<String> recipients;
    private final String from;
    private final String subjectPrefix;
    private final Function<String, Uni<Optional<String>>> reports;
    private final Optional<String> publicUrl;

    /**
     * @param reports a migration's report as Markdown, by migration id; empty when it cannot be had
     * @param publicUrl the orchestrator's public address, for links to the plan and the report
     */
    public EmailChannel(
            String name,
            ReactiveMailer mailer,
            List<String> recipients,
            String from,
            String subjectPrefix,
            Function<String, Uni<Optional<String>>> reports,
            Optional<String> publicUrl) {
        this.name = name;
        this.mailer = mailer;
        this.recipients = List.copyOf(recipients);
        this.from = from;
        this.subjectPrefix = subjectPrefix;
        this.reports = reports;
        this.publicUrl = publicUrl;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String destination() {
        return "e-mail to " + String.join(", ", recipients);
    }

    @Override
    public Uni<Void> send(Notice notice, String deliveryId) {
        EmailMessage message = Rendering.orFallback(
                notice,
                n -> EmailMessage.render(n, subjectPrefix, Links.of(publicUrl, n.migrationId())),
                n -> EmailMessage.plain(n, subjectPrefix));
        Mail mail = new Mail()
                .setTo(recipients)
                .setFrom(from)
                .setSubject(message.subject())
                .setText(message.text())
                .setHtml(message.html())
                // The same on a resend, so that mail clients show one message.
                .addHeader("Message-ID", "<" + deliveryId + "@dbshift>");
        if (MessageTypes.typeOf(MigrationPlanned.class).equals(notice.eventType()) && notice.document() != null) {
            mail.addAttachment(
                    "plan-" + notice.migrationId() + ".md",
                    notice.document().getBytes(StandardCharsets.UTF_8),
                    MARKDOWN);
        }
        Uni<Mail> ready = ENDINGS.contains(notice.eventType()) && notice.migrationId() != null
                ? reports.apply(notice.migrationId()).map(report -> {
                    report.ifPresent(markdown -> mail.addAttachment(
                            "report-" + notice.migrationId() + ".md",
                            markdown.getBytes(StandardCharsets.UTF_8),
                            MARKDOWN));
                    return mail;
                })
                : Uni.createFrom().item(mail);
        return ready.chain(built -> mailer.send(built)).onFailure().transform(EmailChannel::classify);
    }

    /** A permanent SMTP refusal (5xx: no such mailbox, say) is not retried; anything else may pass. */
    static SendFailedException classify(Throwable e) {
        String message = "the SMTP server did not take the e-mail: " + e.getMessage();
        if (e instanceof SMTPException smtp && smtp.isPermanent()) {
            return new SendFailedException(message, false);
        }
        return new SendFailedException(message, e);
    }
}
