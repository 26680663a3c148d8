package io.dbshift.analysis.replay;

import java.util.List;
import java.util.Locale;

/** PostgreSQL's table lock modes, weakest first, and what each keeps the application from doing. */
public final class LockModes {
    public static final List<String> ORDER = List.of(
            "AccessShareLock",
            "RowShareLock",
            "RowExclusiveLock",
            "ShareUpdateExclusiveLock",
            "ShareLock",
            "ShareRowExclusiveLock",
            "ExclusiveLock",
            "AccessExclusiveLock");

    private LockModes() {}

    public static String stronger(String a, String b) {
        return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
    }

    /** {@code reads and writes}, {@code writes} or {@code nothing}: what a session holding the mode blocks. */
    public static String blocks(String mode) {
        return switch (mode) {
            case "AccessExclusiveLock" -> "reads and writes";
            case "ExclusiveLock", "ShareRowExclusiveLock", "ShareLock" -> "writes";
            default -> "nothing";
        };
    }

    public static boolean blocksTheApplication(String mode) {
        return !blocks(mode).equals("nothing");
    }

    /** {@code AccessExclusiveLock} as the documentation writes it: {@code ACCESS EXCLUSIVE}. */
    public static String display(String mode) {
        return mode.replace("Lock", "").replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    }
}
