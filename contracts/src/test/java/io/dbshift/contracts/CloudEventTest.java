package io.dbshift.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.command.RunBackfill;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.request.BackfillSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class CloudEventTest {

    @Test
    void aPayloadRoundTripsThroughTheStructuredEnvelope() {
        RunBackfill command = new RunBackfill(
                "m1/staging.backfill",
                "m1",
                "staging.backfill",
                "staging",
                List.of(new BackfillSpec("users", "id", "a = b", null, 500)));
        String json = CloudEvent.of("m1/staging.backfill", "/test", command).toJson();
        CloudEvent parsed = CloudEvent.parse(json);
        assertEquals("1.0", parsed.specversion());
        assertEquals("io.dbshift.RunBackfill", parsed.type());
        assertEquals("m1", parsed.subject());
        assertEquals("m1/staging.backfill", parsed.id());
        assertEquals(command, parsed.payload());
    }

    @Test
    void unknownFieldsAreIgnoredSoProducersCanAddThem() {
        String json =
                "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"/x\",\"type\":\"io.dbshift.MigrationCompleted\","
                        + "\"subject\":\"m1\",\"data\":{\"migrationId\":\"m1\",\"name\":\"n\",\"durationMs\":5,\"addedLater\":true}}";
        assertInstanceOf(MigrationCompleted.class, CloudEvent.parse(json).payload());
    }

    @Test
    void garbageIsRefusedWithTheReason() {
        assertTrue(assertThrows(WireFormatException.class, () -> CloudEvent.parse("not json"))
                .getMessage()
                .contains("not JSON"));
        assertTrue(assertThrows(WireFormatException.class, () -> CloudEvent.parse("{\"id\":\"x\"}"))
                .getMessage()
                .contains("specversion"));
        assertTrue(assertThrows(
                        WireFormatException.class,
                        () -> CloudEvent.parse(
                                "{\"specversion\":\"1.0\",\"id\":\"e\",\"source\":\"/x\",\"type\":\"com.example.Other\"}"))
                .getMessage()
                .contains("unknown event type"));
        assertTrue(assertThrows(
                        WireFormatException.class,
                        () -> CloudEvent.parse(
                                "{\"specversion\":\"0.3\",\"id\":\"e\",\"source\":\"/x\",\"type\":\"io.dbshift.MigrationCompleted\"}"))
                .getMessage()
                .contains("0.3"));
    }

    @Test
    void everyPayloadTypeIsNamedAfterItsClass() {
        MessageTypes.all().forEach((type, cls) -> assertEquals("io.dbshift." + cls.getSimpleName(), type));
    }
}
