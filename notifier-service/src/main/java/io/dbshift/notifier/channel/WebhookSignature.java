package io.dbshift.notifier.channel;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook call: HMAC-SHA256, keyed with the destination's signing key, over
 * {@code <timestamp>.<body>}, sent as {@code X-Dbshift-Signature: sha256=<hex>} next to
 * {@code X-Dbshift-Timestamp: <unix seconds>}. Signing the timestamp with the body lets a receiver refuse a
 * replayed call: it checks the signature, then that the timestamp is recent.
 */
public final class WebhookSignature {
    public static final String SIGNATURE_HEADER = "X-Dbshift-Signature";
    public static final String TIMESTAMP_HEADER = "X-Dbshift-Timestamp";
    public static final String DELIVERY_HEADER = "X-Dbshift-Delivery";
    private static final String ALGORITHM = "HmacSHA256";
    private static final String PREFIX = "sha256=";

    private WebhookSignature() {}

    /** The header value for a body sent at {@code epochSeconds}. */
    public static String sign(String key, long epochSeconds, String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            byte[] digest = mac.doFinal((epochSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
        }
    }

    /** What a receiver does: true when the header is the signature of this timestamp and body under this key. */
    public static boolean verify(String key, String timestampHeader, String body, String signatureHeader) {
        if (key == null || timestampHeader == null || body == null || signatureHeader == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.strip());
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] expected = sign(key, timestamp, body).getBytes(StandardCharsets.UTF_8);
        // Constant time, so that the comparison does not tell an attacker how much of a guess was right.
        return MessageDigest.isEqual(expected, signatureHeader.strip().getBytes(StandardCharsets.UTF_8));
    }
}
