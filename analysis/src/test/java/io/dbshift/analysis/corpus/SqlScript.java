package io.dbshift.analysis.corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script into statements for JDBC, which runs one at a time. Kept apart from the engine's own splitter on
 * purpose: the ground truth must not depend on the code it judges. It knows what base.sql uses — quoted strings and
 * identifiers, dollar-quoted bodies, line and (nested) block comments — and nothing of psql's meta-commands.
 */
final class SqlScript {
    private SqlScript() {}

    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            int end;
            if (script.startsWith("--", i)) {
                int eol = script.indexOf('\n', i);
                i = eol < 0 ? n : eol;
                continue;
            } else if (script.startsWith("/*", i)) {
                i = blockCommentEnd(script, i);
                continue;
            } else if (c == ';') {
                add(statements, current);
                i++;
                continue;
            } else if (c == '\'' || c == '"') {
                end = quotedEnd(script, i, c);
            } else if (c == '$' && dollarTag(script, i) != null) {
                String tag = dollarTag(script, i);
                int close = script.indexOf(tag, i + tag.length());
                if (close < 0) {
                    throw new IllegalArgumentException("unterminated " + tag + " body at offset " + i);
                }
                end = close + tag.length();
            } else {
                end = i + 1;
            }
            current.append(script, i, end);
            i = end;
        }
        add(statements, current);
        return statements;
    }

    private static void add(List<String> statements, StringBuilder current) {
        String statement = current.toString().strip();
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        current.setLength(0);
    }

    /** End (exclusive) of a quoted string or identifier; a doubled quote escapes, and so does \ in E'...'. */
    private static int quotedEnd(String s, int start, char quote) {
        boolean backslashEscapes = quote == '\'' && start > 0 && Character.toUpperCase(s.charAt(start - 1)) == 'E';
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == quote && i + 1 < s.length() && s.charAt(i + 1) == quote) {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated " + quote + " quote at offset " + start);
    }

    private static int blockCommentEnd(String s, int start) {
        int depth = 0;
        int i = start;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated comment at offset " + start);
    }

    /** The tag ($$ or $name$) starting at start, or null when the $ is a parameter or part of a name. */
    private static String dollarTag(String s, int start) {
        if (start > 0 && (Character.isLetterOrDigit(s.charAt(start - 1)) || s.charAt(start - 1) == '_')) {
            return null;
        }
        int i = start + 1;
        while (i < s.length() && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return i < s.length() && s.charAt(i) == '$' ? s.substring(start, i + 1) : null;
    }
}
