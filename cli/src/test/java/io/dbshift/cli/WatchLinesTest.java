package io.dbshift.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.event.MigrationHeld;
import io.dbshift.contracts.event.OperatorDecision;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What dbshift watch prints for the waits and the operators' decisions. */
class WatchLinesTest {

    private static String line(io.dbshift.contracts.Payload payload) {
        CloudEvent event = CloudEvent.of("test", payload);
        CloudEvent at = new CloudEvent(
                event.specversion(),
                event.id(),
                event.source(),
                event.type(),
                event.subject(),
                Instant.parse("2026-11-25T08:40:00Z"),
                event.datacontenttype(),
                event.data());
        return DbShift.Watch.describe(at);
    }

    @Test
    void aWaitSaysForWhatAndBeforeWhichStep() {
        assertEquals(
                "08:40:00    waiting for approval before production.baseline: 0 of 1 approval(s)",
                line(new MigrationHeld(
                        "m-1", "x", "production.baseline", MigrationHeld.APPROVAL, "0 of 1 approval(s)", null)));
    }

    @Test
    void aDecisionSaysWhoAndWhy() {
        assertEquals(
                "08:40:00    approve by bob: rehearsal clean",
                line(new OperatorDecision("m-1", "x", "approve", "bob", "rehearsal clean", null)));
        assertEquals(
                "08:40:00    checkpoint by ann (\"Monitoring dashboards open\"): grafana 12",
                line(new OperatorDecision(
                        "m-1", "x", "checkpoint", "ann", "grafana 12", "Monitoring dashboards open")));
    }
}
