package io.dbshift.notifier.testsupport;

import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

/** Reading received mails in assertions. */
public final class Mails {
    private Mails() {}

    /** Subject and raw body (both MIME parts) of a mail. */
    public static String content(MimeMessage mail) {
        try {
            return mail.getSubject() + "\n" + GreenMailUtil.getBody(mail);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String subject(MimeMessage mail) {
        try {
            return mail.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
