package io.dbshift.analysis.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PostgreSQL script into statements the way the server's lexer sees them: semicolons inside quotes, quoted
 * identifiers, dollar-quoted bodies and comments do not end a statement. Each statement keeps its place in the script
 * so an error the server reports at a position can be named by line and column.
 */
public final class ScriptSplitter {
    private ScriptSplitter() {}

    public static List<Statement> split(String script) {
        List<Statement> statements = new ArrayList<>();
        int n = script.length();
        int start = -1;
        int i = 0;
        while (i < n) {
            char c = script.charAt(i);
            int end;
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int eol = script.indexOf('\n', i);
                i = eol < 0 ? n : eol;
                continue;
            } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                i = blockCommentEnd(script, i);
                continue;
            } else if (c == ';') {
                add(statements, script, start, i);
                start = -1;
                i++;
                continue;
            } else if (Character.isWhitespace(c)) {
                i++;
                continue;
            } else if (c == '\'' || c == '"') {
                end = quotedEnd(script, i, c);
            } else if (c == '$') {
                String tag = dollarTag(script, i);
                int close = tag == null ? -1 : script.indexOf(tag, i + tag.length());
                end = tag == null ? i + 1 : close < 0 ? n : close + tag.length();
            } else {
                end = i + 1;
            }
            if (start < 0) {
                start = i;
            }
            i = end;
        }
        add(statements, script, start, n);
        return statements;
    }

    private static void add(List<Statement> statements, String script, int start, int end) {
        if (start < 0) {
            return;
        }
        String text = script.substring(start, end).stripTrailing();
        int line = 1;
        int lineStart = 0;
        for (int k = 0; k < start; k++) {
            if (script.charAt(k) == '\n') {
                line++;
                lineStart = k + 1;
            }
        }
        statements.add(new Statement(statements.size() + 1, line, start - lineStart + 1, start, text));
    }

    /** End (exclusive) of a quoted string or identifier; a doubled quote is an escaped quote. */
    private static int quotedEnd(String s, int start, char quote) {
        boolean escapes = quote == '\'' && start > 0 && Character.toUpperCase(s.charAt(start - 1)) == 'E';
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i += escapes && c == '\\' ? 2 : 1;
        }
        return s.length();
    }

    /** PostgreSQL block comments nest. */
    private static int blockCommentEnd(String s, int start) {
        int depth = 0;
        int i = start;
        while (i < s.length() - 1) {
            if (s.charAt(i) == '/' && s.charAt(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (s.charAt(i) == '*' && s.charAt(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** {@code $$} or {@code $tag$} at {@code i}, or null when the dollar is something else ($1, part of a name). */
    private static String dollarTag(String s, int i) {
        if (i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)) || s.charAt(i - 1) == '_')) {
            return null;
        }
        int j = i + 1;
        while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
            if (j == i + 1 && Character.isDigit(s.charAt(j))) {
                return null;
            }
            j++;
        }
        return j < s.length() && s.charAt(j) == '$' ? s.substring(i, j + 1) : null;
    }
}
