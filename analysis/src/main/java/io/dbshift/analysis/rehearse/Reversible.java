package io.dbshift.analysis.rehearse;

import io.dbshift.analysis.Script;

/**
 * A migration with the script that takes it back.
 *
 * @param up the migration
 * @param down its down or undo script; null when none was supplied
 */
public record Reversible(Script up, Script down) {

    /** No down script, or one with nothing but comments and blanks: the migration is declared irreversible. */
    public boolean irreversible() {
        return down == null
                || io.dbshift.analysis.sql.ScriptSplitter.split(down.sql()).isEmpty();
    }
}
