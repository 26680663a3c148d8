package io.dbshift.executor.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Words of a statement outside literals and comments, upper-cased; identifiers keep their text. */
final class Tokens {
    private Tokens() {}

    static List<String> words(String sql) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                int end = sql.indexOf('\'', i + 1);
                while (end > 0 && end + 1 < n && sql.charAt(end + 1) == '\'') {
                    end = sql.indexOf('\'', end + 2);
                }
                i = end < 0 ? n : end + 1;
                words.add("'…'");
            } else if (c == '"') {
                int end = sql.indexOf('"', i + 1);
                words.add(sql.substring(i + 1, end < 0 ? n : end));
                i = end < 0 ? n : end + 1;
            } else if (c == '$' && i + 1 < n && (sql.charAt(i + 1) == '$' || Character.isLetter(sql.charAt(i + 1)))) {
                int tagEnd = sql.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? "$$" : sql.substring(i, tagEnd + 1);
                int close = tagEnd < 0 ? -1 : sql.indexOf(tag, tagEnd + 1);
                i = close < 0 ? n : close + tag.length();
                words.add("$…$");
            } else if (Character.isLetterOrDigit(c) || c == '_') {
                int start = i;
                while (i < n
                        && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '.')) {
                    i++;
                }
                words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
            } else {
                words.add(String.valueOf(c));
                i++;
            }
        }
        return words;
    }

    /** Splits on commas that are not inside parentheses (ALTER TABLE's action list). */
    static List<List<String>> splitTopLevel(List<String> words) {
        List<List<String>> parts = new ArrayList<>();
        List<String> current = new ArrayList<>();
        int depth = 0;
        for (String w : words) {
            if (w.equals("(")) {
                depth++;
            } else if (w.equals(")")) {
                depth--;
            }
            if (w.equals(",") && depth == 0) {
                parts.add(current);
                current = new ArrayList<>();
            } else {
                current.add(w);
            }
        }
        if (!current.isEmpty()) {
            parts.add(current);
        }
        return parts;
    }

    static boolean containsSequence(List<String> words, String... sequence) {
        outer:
        for (int i = 0; i + sequence.length <= words.size(); i++) {
            for (int j = 0; j < sequence.length; j++) {
                if (!words.get(i + j).equals(sequence[j])) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
