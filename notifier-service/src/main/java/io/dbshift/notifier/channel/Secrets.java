package io.dbshift.notifier.channel;

import java.net.URI;

/** Masks secrets before they reach a log line or an error message. */
public final class Secrets {
    private Secrets() {}

    /**
     * A URL with everything after the host hidden: for a Slack webhook the path is the secret.
     * {@code https://hooks.slack.com/services/T0/B0/xyz} becomes {@code https://hooks.slack.com/***}.
     */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "***";
            }
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            return uri.getScheme() + "://" + uri.getHost() + port + "/***";
        } catch (IllegalArgumentException e) {
            return "***";
        }
    }

    /**
     * The text with a secret URL, and its path on its own, replaced by the masked URL. HTTP client
     * errors quote the request path (a Vert.x timeout names "POST /services/..."), which for a
     * webhook is the secret itself.
     */
    public static String scrub(String text, String secretUrl) {
        if (text == null || secretUrl == null || secretUrl.isBlank()) {
            return text;
        }
        String masked = maskUrl(secretUrl);
        String scrubbed = text.replace(secretUrl, masked);
        try {
            String path = URI.create(secretUrl.trim()).getRawPath();
            if (path != null && path.length() > 1) {
                scrubbed = scrubbed.replace(path, "/***");
            }
        } catch (IllegalArgumentException ignored) {
            // not a URI: the full-text replacement above is all that can be done
        }
        return scrubbed;
    }
}
