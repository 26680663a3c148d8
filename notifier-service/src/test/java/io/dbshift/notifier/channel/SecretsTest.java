package io.dbshift.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final String WEBHOOK = "https://hooks.slack.com/services/T000/B000/s3cr3tT0k3n";

    @Test
    void webhookUrlKeepsOnlySchemeAndHost() {
        assertEquals("https://hooks.slack.com/***", Secrets.maskUrl(WEBHOOK));
    }

    @Test
    void portIsKeptSoThatALocalWebhookCanBeTold() {
        assertEquals("http://127.0.0.1:8099/***", Secrets.maskUrl("http://127.0.0.1:8099/hook/abc"));
    }

    @Test
    void somethingThatIsNotAUrlIsMaskedWhole() {
        assertEquals("***", Secrets.maskUrl("s3cr3tT0k3n"));
        assertEquals("***", Secrets.maskUrl("https://bad host/x"));
    }

    @Test
    void clientErrorsQuotingTheSecretPathAreScrubbed() {
        String timeout = "The timeout period of 10000ms has been exceeded while executing POST "
                + "/services/T000/B000/s3cr3tT0k3n for server hooks.slack.com:443";

        String scrubbed = Secrets.scrub(timeout, WEBHOOK);

        assertFalse(scrubbed.contains("s3cr3tT0k3n"), scrubbed);
        assertEquals(
                "The timeout period of 10000ms has been exceeded while executing POST /*** for server hooks.slack.com:443",
                scrubbed);
        assertEquals("failed: https://hooks.slack.com/***", Secrets.scrub("failed: " + WEBHOOK, WEBHOOK));
    }
}
