package io.dbshift.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.SchemaStageReached;
import io.dbshift.contracts.schema.ReshapeStage;
import io.dbshift.localstack.EventFollower;
import io.dbshift.localstack.Stack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rename and an int → bigint change through the whole system while an application writes: the request over REST,
 * staging rehearsing the expand's rollback, production waiting for the application's switch, the old version's
 * sessions holding back the contract until it gives up and waits for the switch again, the switch announced on Kafka as
 * a deploy pipeline would (twice), and every write through either shape kept.
 */
class ExpandContractIT {
    static final int ROWS = 3000;
    static Stack stack;
    static KafkaClient kafka;
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() {
        stack = SystemUnderTest.stack();
        kafka = new KafkaClient(stack.kafka().bootstrapServers());
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    @Test
    void aRenameAndAWideningGoThroughExpandBackfillSwitchAndContractWhileTheApplicationWrites() throws Exception {
        for (String db : List.of(Stack.STAGING_DB, Stack.PRODUCTION_DB)) {
            try (Connection c = stack.postgres().connect(db);
                    Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS ledger");
                s.execute("CREATE TABLE ledger (id bigint PRIMARY KEY, bid int NOT NULL, balance int NOT NULL DEFAULT"
                        + " 0); CREATE INDEX ledger_bid ON ledger (bid)");
                s.execute("INSERT INTO ledger SELECT g, g % 10, g FROM generate_series(1, " + ROWS + ") g");
            }
        }
        ObjectNode request = Json.MAPPER
                .createObjectNode()
                .put("name", "ledger-branch-" + UUID.randomUUID().toString().substring(0, 8))
                .put("target", "production")
                .put("staging", "staging")
                .put("oldApplication", "ledger-v1");
        request.putArray("operations")
                .add(Json.MAPPER
                        .createObjectNode()
                        .put("op", "rename-column")
                        .put("table", "ledger")
                        .put("column", "bid")
                        .put("to", "branch_id"))
                .add(Json.MAPPER
                        .createObjectNode()
                        .put("op", "change-type")
                        .put("table", "ledger")
                        .put("column", "balance")
                        .put("type", "bigint"));
        request.putArray("checks").addObject().put("rowCount", "ledger").put("expect", "unchanged");

        // The old version writes through the old column the whole time, under its own application_name.
        Map<Long, Integer> written = new ConcurrentHashMap<>();
        Map<Long, Integer> increments = new ConcurrentHashMap<>();
        AtomicBoolean stopOld = new AtomicBoolean();
        AtomicInteger oldWrites = new AtomicInteger();
        AtomicReference<Throwable> oldFailed = new AtomicReference<>();
        Properties oldApp = new Properties();
        oldApp.setProperty("ApplicationName", "ledger-v1");
        Connection oldSession = java.sql.DriverManager.getConnection(
                stack.postgres().jdbcUrl(Stack.PRODUCTION_DB), withCredentials(oldApp));
        Thread old = new Thread(() -> {
            java.util.Random random = new java.util.Random(3);
            try (PreparedStatement update =
                    oldSession.prepareStatement("UPDATE ledger SET bid = ?, balance = balance + 1 WHERE id = ?")) {
                while (!stopOld.get()) {
                    long id = 1 + random.nextInt(ROWS);
                    int bid = 100 + random.nextInt(900);
                    update.setInt(1, bid);
                    update.setLong(2, id);
                    update.executeUpdate();
                    written.put(id, bid);
                    increments.merge(id, 1, Integer::sum);
                    oldWrites.incrementAndGet();
                }
            } catch (Throwable t) {
                oldFailed.set(t);
            }
        });
        old.start();

        String id = submit(request.toString());
        JsonNode waiting = await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> Json.MAPPER.readTree(get("/migrations/" + id).body()),
                        m -> "SWITCH".equals(m.path("waitingFor").path("what").asText())
                                || m.path("phase").asText().equals("FAILED"));
        assertEquals("SWITCH", waiting.path("waitingFor").path("what").asText(), waiting.toString());
        assertTrue(
                waiting.toString().contains("Rollback tested"),
                "staging's rehearsed expand rollback flips Rollback tested: " + waiting);
        assertTrue(oldWrites.get() > 0, "the old version wrote while production was expanded and filled");

        // The old version's writes stop (its session stays open); the new version's begin.
        stopOld.set(true);
        old.join();
        assertEquals(null, oldFailed.get(), "the old version's writes never failed");
        // New schema ready on production: both shapes are there and in sync, both ways.
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            assertEquals(0, count(s, "SELECT count(*) FROM ledger WHERE branch_id IS DISTINCT FROM bid"));
            assertEquals(
                    "bigint",
                    one(
                            s,
                            "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid ="
                                    + " 'ledger'::regclass AND attname = 'balance'"));
            // The new version writes through the new column; the old one follows.
            assertEquals(1, s.executeUpdate("UPDATE ledger SET branch_id = 7 WHERE id = 1"));
            written.put(1L, 7);
            assertEquals(7, count(s, "SELECT bid FROM ledger WHERE id = 1"));
        }

        // The deploy says it switched while the old version still has a session open: the contract waits for it.
        kafka.send(
                Topics.REQUESTS,
                id,
                "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/ledger-deploy\","
                        + "\"type\":\"io.dbshift.ApplicationSwitched\",\"data\":{\"migrationId\":\"" + id + "\","
                        + "\"application\":\"ledger\",\"version\":\"2.0.0\"}}");
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> Json.MAPPER.readTree(get("/migrations/" + id).body()),
                        m -> m.path("waitingFor").isMissingNode()
                                || m.path("waitingFor").isNull());
        // The executor is in production.contract (it holds dbshift's lock on the target) and waits there.
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> count(s, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") > 0);
            assertEquals(
                    "production.contract",
                    Json.MAPPER
                            .readTree(get("/migrations/" + id).body())
                            .path("step")
                            .asText());
            assertEquals(
                    1,
                    count(
                            s,
                            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'ledger'"
                                    + " AND column_name = 'bid'"),
                    "the old column stays while its application is connected");
            assertEquals(1, count(s, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ledger-v1'"));
        }
        // The old version stays past the executor's old-application-wait: the contract does not happen, nothing of it
        // is done, and the migration waits for the switch again instead of failing.
        JsonNode again = await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> Json.MAPPER.readTree(get("/migrations/" + id).body()),
                        m -> m.path("waitingFor").path("reason").asText().contains("did not happen"));
        assertEquals("SWITCH", again.path("waitingFor").path("what").asText(), again.toString());
        assertTrue(again.path("waitingFor").path("reason").asText().contains("ledger-v1"), again.toString());
        assertFalse(again.path("phase").asText().equals("FAILED"), again.toString());
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            assertEquals(
                    1,
                    count(
                            s,
                            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'ledger'"
                                    + " AND column_name = 'bid'"),
                    "a contract that did not happen removed nothing");
        }
        try (Statement s = oldSession.createStatement()) {
            // Both shapes are still kept in sync: the old version's write reaches the new column.
            assertEquals(1, s.executeUpdate("UPDATE ledger SET bid = 9 WHERE id = 2"));
            written.put(2L, 9);
        }
        oldSession.close();
        // The old version is gone; the deploy pipeline (or an operator's next) says so again, and the contract runs.
        kafka.send(
                Topics.REQUESTS,
                id,
                "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/ledger-deploy\","
                        + "\"type\":\"io.dbshift.ApplicationSwitched\",\"data\":{\"migrationId\":\"" + id + "\","
                        + "\"application\":\"ledger\",\"version\":\"2.0.1\"}}");

        List<CloudEvent> events;
        try (EventFollower follower = new EventFollower(stack.kafka().bootstrapServers())) {
            events = follower.collectUntil(
                    e -> id.equals(e.subject()),
                    e -> e.payload() instanceof MigrationCompleted || e.payload() instanceof MigrationFailed,
                    Duration.ofMinutes(2));
        }
        assertTrue(events.get(events.size() - 1).payload() instanceof MigrationCompleted, describe(events));
        List<String> productionStages = events.stream()
                .filter(e -> e.payload() instanceof SchemaStageReached r
                        && r.target().equals("production"))
                .map(e -> ((SchemaStageReached) e.payload()).stage().name())
                .toList();
        assertEquals(
                List.of(ReshapeStage.EXPANDED, ReshapeStage.BACKFILLED, ReshapeStage.READY, ReshapeStage.CONTRACTED)
                        .stream()
                        .map(Enum::name)
                        .toList(),
                productionStages);

        // Old schema removed: the final shape, every write kept, nothing of dbshift's left.
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            assertEquals(
                    "id bigint, branch_id integer, balance bigint",
                    one(
                            s,
                            "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)"
                                    + " FROM pg_attribute WHERE attrelid = 'ledger'::regclass AND attnum > 0 AND NOT"
                                    + " attisdropped"));
            for (Map.Entry<Long, Integer> w : written.entrySet()) {
                assertEquals(
                        (long) w.getValue(),
                        count(s, "SELECT branch_id FROM ledger WHERE id = " + w.getKey()),
                        "row " + w.getKey() + " keeps its last write");
            }
            for (Map.Entry<Long, Integer> w : increments.entrySet()) {
                if (w.getKey() != 1L) {
                    assertEquals(
                            w.getKey() + w.getValue(),
                            count(s, "SELECT balance FROM ledger WHERE id = " + w.getKey()),
                            "row " + w.getKey() + " keeps every increment made through the old int column");
                }
            }
            assertEquals(ROWS, count(s, "SELECT count(*) FROM ledger"));
            assertEquals(
                    1,
                    count(
                            s,
                            "SELECT count(*) FROM pg_indexes WHERE indexname = 'ledger_bid' AND indexdef"
                                    + " LIKE '%(branch_id)%'"),
                    "the index follows the rename, under its old name");
            assertEquals(
                    0,
                    count(
                            s,
                            "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'ledger'::regclass AND NOT"
                                    + " tgisinternal"));
            assertEquals(0, count(s, "SELECT count(*) FROM pg_proc WHERE proname LIKE '\\_dbshift%'"));
        }
        assertNotNull(id);
        assertFalse(written.isEmpty());
    }

    static Properties withCredentials(Properties p) {
        p.setProperty("user", stack.postgres().user());
        p.setProperty("password", stack.postgres().password());
        return p;
    }

    static String describe(List<CloudEvent> events) {
        return events.stream().map(e -> e.type() + " " + e.payload()).toList().toString();
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String submit(String request) throws Exception {
        HttpResponse<String> submitted = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.orchestratorUrl() + "/migrations"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(request))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, submitted.statusCode(), submitted.body());
        return Json.MAPPER.readTree(submitted.body()).get("id").asText();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.orchestratorUrl() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
