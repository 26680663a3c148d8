package io.dbshift.notifier.channel;

import io.dbshift.notifier.notice.Links;
import io.dbshift.notifier.notice.Notice;
import io.dbshift.notifier.notice.Severity;

/**
 * A notice as an e-mail: a subject, a plain-text body and an HTML body with the same content.
 *
 * @param subject one line; line breaks are removed, since they would start new mail headers
 */
public record EmailMessage(String subject, String text, String html) {

    /** Renders a notice; {@code subjectPrefix} goes first, so that mail filters can pick notices out. */
    public static EmailMessage render(Notice notice, String subjectPrefix) {
        return render(notice, subjectPrefix, null);
    }

    /** Renders a notice with links to the plan and the report when {@code links} is not null. */
    public static EmailMessage render(Notice notice, String subjectPrefix, Links links) {
        String tag = notice.severity() == Severity.ERROR ? "FAILED: " : "";
        String subject = oneLine((subjectPrefix == null || subjectPrefix.isBlank() ? "" : subjectPrefix.strip() + " ")
                + tag
                + notice.headline());
        return new EmailMessage(subject, text(notice, links), html(notice, links));
    }

    /** The notice as plain text alone, for when the full rendering failed. */
    static EmailMessage plain(Notice notice, String subjectPrefix) {
        String text = Rendering.plainText(notice);
        String subject = oneLine((subjectPrefix == null || subjectPrefix.isBlank() ? "" : subjectPrefix.strip() + " ")
                + text.lines().findFirst().orElse(""));
        return new EmailMessage(subject, text, "<html><body><pre>" + escape(text) + "</pre></body></html>\n");
    }

    private static String text(Notice notice, Links links) {
        StringBuilder body = new StringBuilder(notice.headline()).append("\n\n");
        notice.fields()
                .forEach(f ->
                        body.append(f.label()).append(": ").append(f.value()).append('\n'));
        if (!notice.details().isEmpty()) {
            body.append('\n');
            notice.details().forEach(line -> body.append("- ").append(line).append('\n'));
        }
        if (notice.document() != null) {
            body.append("\nPlan:\n\n").append(notice.document()).append('\n');
        }
        if (links != null) {
            body.append("\nPlan: ")
                    .append(links.plan())
                    .append("\nReport: ")
                    .append(links.report())
                    .append('\n');
        }
        return body.append("\n-- \n").append(footer(notice)).append('\n').toString();
    }

    private static String html(Notice notice, Links links) {
        StringBuilder body = new StringBuilder("<html><body>\n<h2>")
                .append(escape(notice.headline()))
                .append("</h2>\n");
        if (!notice.fields().isEmpty()) {
            body.append("<table>\n");
            notice.fields()
                    .forEach(f -> body.append("<tr><th align=\"left\">")
                            .append(escape(f.label()))
                            .append("</th><td>")
                            .append(escape(f.value()))
                            .append("</td></tr>\n"));
            body.append("</table>\n");
        }
        if (!notice.details().isEmpty()) {
            body.append("<ul>\n");
            notice.details()
                    .forEach(line -> body.append("<li>").append(escape(line)).append("</li>\n"));
            body.append("</ul>\n");
        }
        if (notice.document() != null) {
            body.append("<h3>Plan</h3>\n<pre>")
                    .append(escape(notice.document()))
                    .append("</pre>\n");
        }
        if (links != null) {
            body.append("<p><a href=\"")
                    .append(escape(links.plan()))
                    .append("\">Plan</a> · <a href=\"")
                    .append(escape(links.report()))
                    .append("\">Report</a></p>\n");
        }
        return body.append("<p><small>")
                .append(escape(footer(notice)))
                .append("</small></p>\n</body></html>\n")
                .toString();
    }

    private static String footer(Notice notice) {
        return "dbshift notifier · " + notice.eventType() + " · event " + notice.eventId();
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ").strip();
    }

    static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;")
                        .replace("'", "&#39;");
    }
}
