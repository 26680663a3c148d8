package io.dbshift.orchestrator.plan;

import java.util.List;

/** A migration's risk level and why. */
public record Risk(Level level, List<String> reasons) {
    /** The workflow's risk levels. */
    public enum Level {
        LOW("Low"),
        MEDIUM("Medium"),
        HIGH("High");

        private final String label;

        Level(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        Level atLeast(Level other) {
            return other.ordinal() > ordinal() ? other : this;
        }
    }
}
