package io.dbshift.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final String KEY = "whsec_test";
    private static final String BODY = "{\"specversion\":\"1.0\",\"id\":\"evt-1\"}";

    @Test
    void theSignatureIsHmacSha256OfTimestampDotBody() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256="
                + HexFormat.of().formatHex(mac.doFinal(("1700000000." + BODY).getBytes(StandardCharsets.UTF_8)));

        assertEquals(expected, WebhookSignature.sign(KEY, 1_700_000_000L, BODY));
    }

    @Test
    void aReceiverAcceptsTheSignedCallAndRefusesAnyChange() {
        String signature = WebhookSignature.sign(KEY, 1_700_000_000L, BODY);

        assertTrue(WebhookSignature.verify(KEY, "1700000000", BODY, signature));
        assertFalse(WebhookSignature.verify(KEY, "1700000001", BODY, signature), "a replay with a new timestamp");
        assertFalse(WebhookSignature.verify(KEY, "1700000000", BODY + " ", signature), "a changed body");
        assertFalse(WebhookSignature.verify("another key", "1700000000", BODY, signature), "another key");
        assertFalse(WebhookSignature.verify(KEY, "not a number", BODY, signature));
        assertFalse(WebhookSignature.verify(KEY, "1700000000", BODY, null));
    }
}
