package io.dbshift.contracts.schema;

/**
 * How far an expand/contract change has gone on a target. Up to {@link #READY} the old shape is intact and kept in sync,
 * and a rollback is instant; after {@link #CONTRACTED} the old shape is gone.
 */
public enum ReshapeStage {
    /** Nothing done yet. */
    NONE,
    /** The new shape exists beside the old one; triggers keep them in sync both ways; the application uses the old. */
    EXPANDED,
    /** Every row's new shape is filled, its indexes built and its constraints validated. */
    BACKFILLED,
    /** The new shape is in place under its final names: the application can be deployed on it. */
    READY,
    /** The old shape, the triggers and the helper functions are gone. */
    CONTRACTED,
    /** The new shape was removed; the old one is as it was, with every write made through either shape. */
    ROLLED_BACK;

    /** True while a rollback loses nothing and needs no backup. */
    public boolean canRollBack() {
        return this != CONTRACTED;
    }
}
