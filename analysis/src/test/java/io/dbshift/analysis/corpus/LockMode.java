package io.dbshift.analysis.corpus;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * PostgreSQL's table-level lock modes, weakest first as the server numbers them, named as {@code pg_locks.mode} names
 * them. "Strongest" in the corpus means the highest of these a statement holds on a table.
 */
public enum LockMode {
    ACCESS_SHARE("AccessShareLock"),
    ROW_SHARE("RowShareLock"),
    ROW_EXCLUSIVE("RowExclusiveLock"),
    SHARE_UPDATE_EXCLUSIVE("ShareUpdateExclusiveLock"),
    SHARE("ShareLock"),
    SHARE_ROW_EXCLUSIVE("ShareRowExclusiveLock"),
    EXCLUSIVE("ExclusiveLock"),
    ACCESS_EXCLUSIVE("AccessExclusiveLock");

    private final String pgName;

    LockMode(String pgName) {
        this.pgName = pgName;
    }

    @JsonValue
    public String pgName() {
        return pgName;
    }

    @Override
    public String toString() {
        return pgName;
    }

    public static LockMode fromPgName(String name) {
        return Arrays.stream(values())
                .filter(m -> m.pgName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not a table lock mode: " + name));
    }

    public LockMode max(LockMode other) {
        return compareTo(other) >= 0 ? this : other;
    }

    /** Whether an application's SELECT, which takes ACCESS SHARE, has to wait for this mode. */
    public boolean blocksReads() {
        return this == ACCESS_EXCLUSIVE;
    }

    /** Whether an application's INSERT, UPDATE or DELETE, which take ROW EXCLUSIVE, have to wait for this mode. */
    public boolean blocksWrites() {
        return compareTo(SHARE) >= 0;
    }
}
