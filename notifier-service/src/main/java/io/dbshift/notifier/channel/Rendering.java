package io.dbshift.notifier.channel;

import io.dbshift.notifier.notice.Notice;
import java.util.function.Function;
import org.jboss.logging.Logger;

/** A template error must not lose a notice: when rendering fails, the channel sends a plain fallback instead. */
final class Rendering {
    private static final Logger LOG = Logger.getLogger(Rendering.class);

    private Rendering() {}

    static <T> T orFallback(Notice notice, Function<Notice, T> render, Function<Notice, T> fallback) {
        try {
            return render.apply(notice);
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not render the notice of event %s; sending the plain fallback", notice.eventId());
            return fallback.apply(notice);
        }
    }

    /** Whatever of the notice can be said without a template: never fails. */
    static String plainText(Notice notice) {
        StringBuilder text = new StringBuilder();
        text.append(notice.headline() == null ? "dbshift: " + notice.simpleType() : notice.headline());
        text.append("\nmigration ")
                .append(notice.migrationId())
                .append(", event ")
                .append(notice.eventId());
        for (Notice.Field field : notice.fields()) {
            if (field != null) {
                text.append('\n').append(field.label()).append(": ").append(field.value());
            }
        }
        for (String line : notice.details()) {
            text.append("\n- ").append(line);
        }
        return text.toString();
    }
}
