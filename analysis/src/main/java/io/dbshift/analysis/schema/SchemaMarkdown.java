package io.dbshift.analysis.schema;

import io.dbshift.contracts.schema.SchemaSnapshot;
import io.dbshift.contracts.schema.SchemaSnapshot.ColumnInfo;
import io.dbshift.contracts.schema.SchemaSnapshot.SequenceInfo;
import io.dbshift.contracts.schema.SchemaSnapshot.TableInfo;
import io.dbshift.contracts.schema.SchemaSnapshot.ViewInfo;
import java.util.List;
import java.util.Locale;

/** A schema snapshot as a person reads it ({@code dbshift schema}): one section per table, then views, sequences, functions. */
public final class SchemaMarkdown {
    private SchemaMarkdown() {}

    public static String render(SchemaSnapshot snapshot) {
        StringBuilder md = new StringBuilder();
        md.append("# Schema\n\nPostgreSQL ")
                .append(snapshot.serverVersion())
                .append(", taken ")
                .append(snapshot.takenAt())
                .append(". ")
                .append(snapshot.tables().size())
                .append(" tables, ")
                .append(snapshot.views().size())
                .append(" views, ")
                .append(snapshot.sequences().size())
                .append(" sequences, ")
                .append(snapshot.functions().size())
                .append(" functions.\n");
        for (TableInfo t : snapshot.tables()) {
            md.append("\n## ")
                    .append(qualified(t.schema(), t.name()))
                    .append("\n\n")
                    .append(t.rowEstimate() < 0 ? "rows unknown (never analysed)" : "~" + t.rowEstimate() + " rows")
                    .append(", ")
                    .append(bytes(t.sizeBytes()))
                    .append(" on disk\n\n| Column | Type | Nullable | Default |\n|---|---|---|---|\n");
            for (ColumnInfo c : t.columns()) {
                md.append("| ")
                        .append(c.name())
                        .append(" | ")
                        .append(c.type())
                        .append(" | ")
                        .append(c.nullable() ? "yes" : "no")
                        .append(" | ")
                        .append(
                                c.defaultValue() == null
                                        ? ""
                                        : "`" + c.defaultValue().replace("|", "\\|") + "`")
                        .append(" |\n");
            }
            list(md, "Constraints", t.constraints());
            list(md, "Indexes", t.indexes());
            list(md, "Triggers", t.triggers());
        }
        if (!snapshot.views().isEmpty()) {
            md.append("\n## Views\n\n");
            for (ViewInfo v : snapshot.views()) {
                md.append("- ")
                        .append(qualified(v.schema(), v.name()))
                        .append(v.materialized() ? " (materialized)" : "")
                        .append(": `")
                        .append(v.definition().replaceAll("\\s+", " "))
                        .append("`\n");
            }
        }
        if (!snapshot.sequences().isEmpty()) {
            md.append("\n## Sequences\n\n");
            for (SequenceInfo s : snapshot.sequences()) {
                md.append("- ")
                        .append(qualified(s.schema(), s.name()))
                        .append(" (")
                        .append(s.dataType())
                        .append(s.ownedBy() == null ? "" : ", owned by " + s.ownedBy())
                        .append(")\n");
            }
        }
        list(md, "Functions", snapshot.functions());
        return md.toString();
    }

    private static void list(StringBuilder md, String title, List<String> items) {
        if (!items.isEmpty()) {
            md.append("\n").append(title).append(":\n");
            items.forEach(i -> md.append("- `").append(i).append("`\n"));
        }
    }

    static String qualified(String schema, String name) {
        return schema.equals("public") ? name : schema + "." + name;
    }

    static String bytes(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f kB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024);
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1024.0 / 1024 / 1024);
    }
}
