package io.dbshift.analysis.judge;

import java.util.Locale;

/** Durations as a person reads them: {@code 0.2 s}, {@code 14 s}, {@code 3.5 min}. */
public final class Seconds {
    private Seconds() {}

    public static String format(double seconds) {
        if (seconds < 0.05) {
            return "< 0.1 s";
        }
        if (seconds < 10) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
}
