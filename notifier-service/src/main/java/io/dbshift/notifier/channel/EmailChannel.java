package io.dbshift.notifier.channel;

import io.dbshift.notifier.config.NotifierConfig;
import io.dbshift.notifier.notice.Notice;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Sends notices by e-mail through the Quarkus reactive mailer (SMTP server: {@code quarkus.mailer.*}). */
@ApplicationScoped
public class EmailChannel implements NoticeChannel {
    public static final String NAME = "email";

    private final ReactiveMailer mailer;
    private final List<String> recipients;
    private final String from;
    private final String subjectPrefix;

    EmailChannel(ReactiveMailer mailer, NotifierConfig config) {
        this.mailer = mailer;
        this.recipients = config.email().to().orElse(List.of()).stream()
                .map(String::strip)
                .filter(address -> !address.isEmpty())
                .toList();
        this.from = config.email().from();
        this.subjectPrefix = config.email().subjectPrefix();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isConfigured() {
        return !recipients.isEmpty();
    }

    @Override
    public String destination() {
        return "e-mail to " + String.join(", ", recipients);
    }

    @Override
    public Uni<Void> send(Notice notice) {
        EmailMessage message = EmailMessage.render(notice, subjectPrefix);
        Mail mail = new Mail()
                .setTo(recipients)
                .setFrom(from)
                .setSubject(message.subject())
                .setText(message.text())
                .setHtml(message.html());
        return mailer.send(mail)
                .onFailure()
                .transform(
                        e -> new SendFailedException("the SMTP server did not take the e-mail: " + e.getMessage(), e));
    }
}
