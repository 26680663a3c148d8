package io.dbshift.executor.backfill;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The workflow document's backfill, in Java: {@code avatar_url} from the Gravatar hash of {@code email}. */
public final class GravatarTransformer implements RowTransformer {
    @Override
    public String name() {
        return "gravatar";
    }

    @Override
    public List<String> writes() {
        return List.of("avatar_url");
    }

    @Override
    public Map<String, Object> transform(Map<String, Object> row) {
        Object email = row.get("email");
        if (email == null) {
            return java.util.Collections.singletonMap("avatar_url", null);
        }
        try {
            byte[] hash = MessageDigest.getInstance("MD5")
                    .digest(email.toString().strip().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return Map.of(
                    "avatar_url",
                    "https://www.gravatar.com/avatar/" + HexFormat.of().formatHex(hash));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }
}
