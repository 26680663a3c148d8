package io.dbshift.executor.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PostgreSQL script into statements the way the server's lexer sees them: semicolons
 * inside quotes, quoted identifiers, dollar-quoted bodies and comments do not end a statement.
 */
public final class StatementSplitter {
    private StatementSplitter() {}

    public static List<SqlStatement> split(String script) {
        List<SqlStatement> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int line = 1;
        int startLine = -1;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = blockCommentEnd(script, i);
                line += count(script, i, end, '\n');
                i = end;
                continue;
            }
            if (c == ';') {
                addIfNotBlank(statements, current, startLine);
                current.setLength(0);
                startLine = -1;
                i++;
                continue;
            }
            if (!Character.isWhitespace(c) && startLine < 0) {
                startLine = line;
            }
            int end = i + 1;
            if (c == '\'' || c == '"') {
                end = quotedEnd(script, i, c);
            } else if (c == '$') {
                String tag = dollarTag(script, i);
                if (tag != null) {
                    int close = script.indexOf(tag, i + tag.length());
                    end = close < 0 ? n : close + tag.length();
                }
            }
            String token = script.substring(i, end);
            current.append(token);
            line += count(token, 0, token.length(), '\n');
            i = end;
        }
        addIfNotBlank(statements, current, startLine);
        return statements;
    }

    private static void addIfNotBlank(List<SqlStatement> statements, StringBuilder sql, int line) {
        String text = sql.toString().strip();
        if (!text.isEmpty()) {
            statements.add(new SqlStatement(statements.size() + 1, line, text));
        }
    }

    /** End (exclusive) of a quoted string or identifier; a doubled quote is an escaped quote. */
    private static int quotedEnd(String s, int start, char quote) {
        int i = start + 1;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            if (quote == '\''
                    && s.charAt(i) == '\\'
                    && start > 0
                    && Character.toUpperCase(s.charAt(start - 1)) == 'E') {
                i += 2;
                continue;
            }
            i++;
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

    /** {@code $$} or {@code $tag$} at {@code i}, or null when the dollar is something else ($1, a name). */
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

    private static int count(String s, int from, int to, char c) {
        int count = 0;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == c) {
                count++;
            }
        }
        return count;
    }
}
