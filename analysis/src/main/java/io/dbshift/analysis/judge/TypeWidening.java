package io.dbshift.analysis.judge;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a type change only widens, so every value old code writes or reads still fits: the workflow's "widen a
 * type", non-breaking. Types are compared as {@code format_type} prints them.
 */
final class TypeWidening {
    private static final Pattern VARCHAR = Pattern.compile("character varying(?:\\((\\d+)\\))?");
    private static final Pattern NUMERIC = Pattern.compile("numeric(?:\\((\\d+),(\\d+)\\))?");
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");

    private TypeWidening() {}

    static boolean widens(String from, String to) {
        if (from.equals(to)) {
            return true;
        }
        Matcher fv = VARCHAR.matcher(from);
        if (fv.matches()) {
            if (to.equals("text")) {
                return true;
            }
            Matcher tv = VARCHAR.matcher(to);
            return tv.matches()
                    && (tv.group(1) == null || (fv.group(1) != null && length(tv) >= Integer.parseInt(fv.group(1))));
        }
        int fi = INTEGERS.indexOf(from);
        if (fi >= 0) {
            int ti = INTEGERS.indexOf(to);
            if (ti >= 0) {
                return ti >= fi;
            }
            Matcher tn = NUMERIC.matcher(to);
            // numeric(p, s) holds every bigint when it has at least 19 digits before the point.
            return tn.matches() && (tn.group(1) == null || digitsBeforePoint(tn) >= new int[] {5, 10, 19}[fi]);
        }
        Matcher fn = NUMERIC.matcher(from);
        Matcher tn = NUMERIC.matcher(to);
        if (fn.matches() && tn.matches()) {
            if (tn.group(1) == null) {
                return true;
            }
            return fn.group(1) != null
                    && Integer.parseInt(tn.group(2)) >= Integer.parseInt(fn.group(2))
                    && digitsBeforePoint(tn) >= digitsBeforePoint(fn);
        }
        return from.equals("real") && to.equals("double precision");
    }

    private static int length(Matcher varchar) {
        return Integer.parseInt(varchar.group(1));
    }

    private static int digitsBeforePoint(Matcher numeric) {
        return Integer.parseInt(numeric.group(1)) - Integer.parseInt(numeric.group(2));
    }
}
