package io.dbshift.analysis.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The keywords and names of a statement outside literals and comments, upper-cased; only used to name it. */
final class Words {
    private Words() {}

    static List<String> of(String sql) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n && words.size() < 8) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int eol = sql.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                words.add(sql.substring(start, i).toUpperCase(Locale.ROOT));
            } else {
                // Quoted names, literals and punctuation end the leading keywords.
                words.add(String.valueOf(c));
                break;
            }
            while (i < n && Character.isWhitespace(sql.charAt(i))) {
                i++;
            }
        }
        return words;
    }
}
