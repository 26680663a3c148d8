package io.dbshift.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.ext.mail.SMTPException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailChannelTest {

    @Test
    void aPermanentSmtpRefusalIsNotRetriedAndATransientOneIs() {
        SendFailedException noSuchUser = EmailChannel.classify(
                new SMTPException("550 5.1.1 no such user", 550, List.of("5.1.1 no such user"), false));
        SendFailedException busy =
                EmailChannel.classify(new SMTPException("451 4.3.0 try later", 451, List.of("4.3.0 try later"), false));
        SendFailedException unreachable = EmailChannel.classify(new IOException("Connection refused"));

        assertFalse(noSuchUser.isRetryable(), "asking again cannot create the mailbox");
        assertTrue(busy.isRetryable());
        assertTrue(unreachable.isRetryable());
        assertTrue(noSuchUser.getMessage().contains("550 5.1.1 no such user"), noSuchUser.getMessage());
    }
}
