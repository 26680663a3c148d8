package io.dbshift.notifier.testsupport;

import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The addresses on the To line. */
    public static List<String> to(MimeMessage mail) {
        try {
            Address[] to = mail.getRecipients(Message.RecipientType.TO);
            return to == null
                    ? List.of()
                    : Arrays.stream(to).map(Address::toString).toList();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The attachments, by file name, decoded as UTF-8 text. */
    public static Map<String, String> attachments(MimeMessage mail) {
        Map<String, String> found = new LinkedHashMap<>();
        try {
            collect(mail, found);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static void collect(Part part, Map<String, String> found) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), found);
            }
        } else if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null) {
            try (InputStream in = part.getInputStream()) {
                found.put(part.getFileName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** The content types of the parts that are not attachments: text/plain and text/html for a notice. */
    public static List<String> bodyTypes(MimeMessage mail) {
        List<String> types = new java.util.ArrayList<>();
        try {
            bodyTypes(mail, types);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
        return types;
    }

    private static void bodyTypes(Part part, List<String> types) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                bodyTypes(multipart.getBodyPart(i), types);
            }
        } else if (part.getFileName() == null) {
            types.add(part.getContentType().split(";")[0].strip().toLowerCase());
        }
    }

    public static String messageId(MimeMessage mail) {
        try {
            return mail.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
