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
import io.dbshift.contracts.command.AnalyzeSchema;
import io.dbshift.contracts.event.BackfillProgressed;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MaintenanceModeChanged;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.MigrationRejected;
import io.dbshift.contracts.event.MigrationRolledBack;
import io.dbshift.contracts.event.StepCompleted;
import io.dbshift.contracts.event.StepStarted;
import io.dbshift.contracts.request.MigrationScript;
import io.dbshift.localstack.EventFollower;
import io.dbshift.localstack.ServiceProcess;
import io.dbshift.localstack.Stack;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The workflow over the real system: four services as built, a Kafka broker, PostgreSQL. Driven
 * as users drive it: REST, a plain Kafka producer, and a plain consumer of the event topic.
 *
 * <p>The targets are shared, so the tests run in order and each applies a higher version than
 * the one before: Flyway refuses a version below the target's current one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationWorkflowIT {
    static Stack stack;
    static KafkaClient kafka;
    /** HTTP/1.1, as curl speaks it: over h2c an oversized body ends in GOAWAY rather than a 413 answer. */
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static String exampleId;

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
    @Order(1)
    void theWorkflowExampleGoesThroughEveryPhaseAndAnOutsideConsumerSeesItInOrder() throws Exception {
        exampleId = submit(Files.readString(stack.home().resolve("examples/add-user-avatar.json")));

        List<CloudEvent> events = followUntilEnd(exampleId, Duration.ofMinutes(3));
        CloudEvent last = events.get(events.size() - 1);
        assertTrue(last.payload() instanceof MigrationCompleted, "the migration did not complete: " + describe(events));

        List<String> phases = events.stream()
                .filter(e -> e.payload() instanceof MigrationPhaseChanged)
                .map(e -> ((MigrationPhaseChanged) e.payload()).to().name())
                .toList();
        assertEquals(List.of("DESIGN", "PLAN", "IMPLEMENT", "VERIFY", "COMPLETED"), phases);
        List<String> steps = events.stream()
                .filter(e -> e.payload() instanceof StepStarted)
                .map(e -> ((StepStarted) e.payload()).stepId())
                .toList();
        assertEquals(
                List.of(
                        "design.analyze",
                        "staging.baseline",
                        "staging.apply",
                        "staging.backfill",
                        "staging.verify",
                        "staging.rollback",
                        "production.baseline",
                        "production.backup",
                        "production.apply",
                        "production.backfill",
                        "production.verify"),
                steps);
        // "Team notified" comes from the notifier, whenever the plan has reached everyone: its place in the order is
        // not the workflow's, and it is checked below.
        List<String> checkpoints = events.stream()
                .filter(e -> e.payload() instanceof CheckpointReached)
                .map(e -> ((CheckpointReached) e.payload()).checkpoint())
                .filter(checkpoint -> !checkpoint.equals("Team notified"))
                .toList();
        // When the command-line test ran the example first, staging had version 2 already: nothing to roll back there.
        boolean appliedOnStaging = events.stream()
                .anyMatch(e -> e.payload() instanceof StepCompleted done
                        && done.stepId().equals("staging.apply")
                        && done.summary().startsWith("applied version(s) 2"));
        assertEquals(
                appliedOnStaging
                        ? List.of(
                                "Migration rehearsed",
                                "Rollback tested",
                                "Backup verified",
                                "Data integrity checks passing")
                        : List.of("Migration rehearsed", "Backup verified", "Data integrity checks passing"),
                checkpoints,
                describe(events));

        // The production target really changed: new columns, and the Gravatar URL computed as the document says.
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            assertEquals(List.of("avatar_url", "last_login_at", "updated_at"), newColumns(c));
            try (ResultSet rs =
                    s.executeQuery("SELECT email, avatar_url FROM users WHERE id IN (1, 7, 49999) ORDER BY id")) {
                int rows = 0;
                while (rs.next()) {
                    rows++;
                    assertEquals(
                            "https://www.gravatar.com/avatar/"
                                    + md5(rs.getString(1).trim().toLowerCase(Locale.ROOT)),
                            rs.getString(2));
                }
                assertEquals(3, rows);
            }
            assertEquals(0, count(s, "SELECT count(*) FROM users WHERE avatar_url IS NULL"));
        }

        JsonNode migration =
                Json.MAPPER.readTree(get("/migrations/" + exampleId).body());
        assertEquals("COMPLETED", migration.get("phase").asText());
        // 50,000 users: below the 100,000 rows that make a backfill Medium; nothing breaking.
        assertEquals("Low", migration.get("risk").asText());
        JsonNode proof = migration
                .path("evidence")
                .path("checkpoints")
                .path("Migration rehearsed")
                .path("evidence");
        assertEquals("staging", proof.path("target").asText());
        assertEquals(
                exampleId + "/staging.verify/result",
                proof.path("checksEventId").asText());

        // The plan reached the signed webhook, and the orchestrator holds the delivery id as the checkpoint's evidence.
        JsonNode notified = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> Json.MAPPER
                                .readTree(get("/migrations/" + exampleId).body())
                                .path("evidence")
                                .path("checkpoints")
                                .path("Team notified")
                                .path("evidence"),
                        evidence -> !evidence.isMissingNode());
        // Every required recipient: the request's #db-changes and address (the local inbox), and the configured
        // webhook.
        Map<String, String> deliveryIds = new java.util.TreeMap<>();
        notified.path("deliveries")
                .forEach(d -> deliveryIds.put(
                        d.path("destination").asText(), d.path("deliveryId").asText()));
        assertEquals(
                Set.of("db-changes", "email:dba@example.com", "receiver"), deliveryIds.keySet(), notified.toString());
        assertTrue(
                stack.inbox().posts("db-changes").stream().anyMatch(post -> post.contains(exampleId)),
                "the plan was posted to #db-changes");
        List<WebhookReceiver.Call> planCalls = SystemUnderTest.receiver().calls(exampleId).stream()
                .filter(call -> call.body().contains("\"type\":\"io.dbshift.MigrationPlanned\""))
                .toList();
        assertEquals(1, planCalls.size(), "the plan is posted once");
        WebhookReceiver.Call planCall = planCalls.get(0);
        assertEquals(deliveryIds.get("receiver"), planCall.deliveryId());
        assertTrue(planCall.signedWith(WebhookReceiver.SIGNING_KEY), "the receiver verifies the signature");
        assertEquals(
                notified.path("planEvent").asText(),
                CloudEvent.parse(planCall.body()).id());

        // The backup taken before production changed: on disk, with the checksum and rows the checkpoint claims.
        JsonNode backup = migration
                .path("evidence")
                .path("checkpoints")
                .path("Backup verified")
                .path("evidence");
        assertEquals(
                exampleId + "/production.backup/result",
                backup.path("backupEventId").asText());
        Path archive = Path.of(backup.path("archive").asText());
        assertTrue(Files.isRegularFile(archive), archive + " is not there");
        assertEquals(Files.size(archive), backup.path("bytes").asLong());
        assertEquals(sha256(archive), backup.path("sha256").asText());
        // 50,000 users, and the control tables Flyway made on the target.
        assertTrue(backup.path("rowsRestored").asLong() >= 50_000, backup.toString());

        String plan = get("/migrations/" + exampleId + "/plan").body();
        for (String section : List.of(
                "## Migration: add-user-avatar",
                "**Risk Level:** Low",
                "backfill of users touches up to ~50000 rows",
                "### Pre-Migration Checklist",
                "### Execution Steps",
                "### Rollback Procedure",
                "### Success Criteria")) {
            assertTrue(plan.contains(section), "plan lacks " + section);
        }
        // Analysed, or (when the command-line test ran the example first on the shared targets) already applied.
        assertTrue(
                plan.contains("| 2 | 1 | 1 | non-breaking |")
                        || plan.contains("Already applied on production, not analysed (Flyway skips them): version 2"),
                plan);
        String report = get("/migrations/" + exampleId + "/report").body();
        assertTrue(report.contains("**Status:** COMPLETED"), report);
        assertTrue(report.contains("| every user has an avatar | 0 | 0 | pass |"), report);
        assertTrue(report.contains("| row count of users unchanged | 50000 | 50000 | pass |"), report);

        JsonNode timeline =
                Json.MAPPER.readTree(get("/migrations/" + exampleId + "/events").body());
        assertEquals(
                events.size() - progressEvents(events), timeline.size(), "the REST timeline and the topic disagree");
    }

    @Test
    @Order(2)
    void aRedeliveredCommandChangesNothingTwice() {
        assertNotNull(exampleId, "needs the example migration");
        String backfillId = exampleId + "/production.backfill";
        List<ConsumerRecord<String, String>> commands = kafka.read(
                Topics.EXECUTOR_COMMANDS,
                r -> r.value().contains("\"id\":\"" + backfillId + "\""),
                found -> !found.isEmpty(),
                Duration.ofSeconds(30));
        assertEquals(1, commands.size());
        // Redeliver the very same command, then a fresh probe command behind it on the same key (same partition, same
        // order).
        kafka.send(Topics.EXECUTOR_COMMANDS, exampleId, commands.get(0).value());
        String probeId = exampleId + "/probe-" + UUID.randomUUID();
        AnalyzeSchema probe = new AnalyzeSchema(
                probeId,
                exampleId,
                "probe",
                "production",
                List.of(new MigrationScript("99", "probe", "SELECT 1", null)));
        kafka.send(
                Topics.EXECUTOR_COMMANDS,
                exampleId,
                CloudEvent.of(probeId, "/system-test", probe).toJson());

        List<ConsumerRecord<String, String>> results = kafka.read(
                Topics.RESULTS,
                r -> r.value().contains("\"id\":\"" + backfillId + "/result\"")
                        || r.value().contains("\"id\":\"" + probeId + "/result\""),
                found -> found.stream().anyMatch(r -> r.value().contains(probeId)),
                Duration.ofSeconds(60));
        assertTrue(results.stream().anyMatch(r -> r.value().contains(probeId)), "the probe command was never answered");
        assertEquals(
                1,
                results.stream()
                        .filter(r -> r.value().contains(backfillId + "/result"))
                        .count(),
                "the redelivered backfill command was executed again");
        // Re-sent under a new event id (as the orchestrator does when a result never came), the command is
        // answered with its recorded result: the same figures, where running it again would update 0 rows.
        CloudEvent original = CloudEvent.parse(commands.get(0).value());
        kafka.send(
                Topics.EXECUTOR_COMMANDS,
                exampleId,
                CloudEvent.of(backfillId + "/resend-test", "/system-test", original.payload())
                        .toJson());
        List<ConsumerRecord<String, String>> answered = kafka.read(
                Topics.RESULTS,
                r -> r.value().contains("\"id\":\"" + backfillId + "/result\""),
                found -> found.size() >= 2,
                Duration.ofSeconds(60));
        assertEquals(2, answered.size(), "the re-sent command was not answered");
        assertEquals(
                CloudEvent.parse(answered.get(0).value()).data(),
                CloudEvent.parse(answered.get(1).value()).data(),
                "the re-sent command was executed again instead of answered with its recorded result");

        // The orchestrator ignores the probe's stale result: the example stays completed.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> Json.MAPPER
                        .readTree(get("/migrations/" + exampleId).body())
                        .get("phase")
                        .asText()
                        .equals("COMPLETED"));
    }

    @Test
    @Order(3)
    void restRefusesAnInvalidRequestNamingEachField() throws Exception {
        HttpResponse<String> missing =
                post("/migrations", "{\"name\":\"x\",\"target\":\"prod-eu\",\"migrations\":[{\"up\":\"SELECT 1\"}]}");
        assertEquals(400, missing.statusCode());
        JsonNode body = Json.MAPPER.readTree(missing.body());
        List<String> fields = new ArrayList<>();
        body.get("fields").forEach(f -> fields.add(f.get("field").asText()));
        assertEquals(List.of("target", "staging", "migrations[0].version", "checks"), fields, missing.body());
        assertTrue(body.get("fields").get(0).get("message").asText().contains("unknown target \"prod-eu\""));

        HttpResponse<String> wrongShape = post("/migrations", "{\"name\":\"x\",\"migrations\":\"ALTER TABLE\"}");
        assertEquals(400, wrongShape.statusCode());
        JsonNode shapeError =
                Json.MAPPER.readTree(wrongShape.body()).get("fields").get(0);
        assertEquals("migrations", shapeError.get("field").asText());
        assertEquals("must be a list (JSON array)", shapeError.get("message").asText());

        assertEquals(400, post("/migrations", "not json").statusCode());
        String huge = request("huge", "production", "4", "SELECT 1; -- " + "x".repeat(300 * 1024))
                .toString();
        // Expect: 100-continue, as curl sends for large bodies: the server refuses before the body is on the wire,
        // instead of closing the connection while the client is still writing it.
        HttpResponse<String> tooLarge = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.orchestratorUrl() + "/migrations"))
                        .header("Content-Type", "application/json")
                        .expectContinue(true)
                        .POST(HttpRequest.BodyPublishers.ofString(huge))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, tooLarge.statusCode(), "a body over 256 KB must be refused");

        // The same Idempotency-Key: the same request is the same migration; a different one is refused.
        String key = UUID.randomUUID().toString();
        String first = request("idem-" + key.substring(0, 8), "production", "3", "SELECT 1")
                .toString();
        HttpResponse<String> once = post("/migrations", first, key);
        HttpResponse<String> twice = post("/migrations", first, key);
        assertEquals(202, once.statusCode(), once.body());
        assertEquals(
                Json.MAPPER.readTree(once.body()).get("id"),
                Json.MAPPER.readTree(twice.body()).get("id"));
        HttpResponse<String> conflict = post(
                "/migrations", request("other", "production", "3", "SELECT 2").toString(), key);
        assertEquals(409, conflict.statusCode(), conflict.body());
        assertTrue(conflict.body().contains("already used for a different request"), conflict.body());
        followUntilEnd(Json.MAPPER.readTree(once.body()).get("id").asText(), Duration.ofMinutes(2));
        HttpResponse<String> unknown = get("/migrations/no-such-id");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("no-such-id"));
    }

    @Test
    @Order(4)
    void badRequestsOnTheTopicAreRejectedOrDeadLetteredAndConsumptionGoesOn() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        kafka.send(Topics.REQUESTS, "poison-" + tag, "this is not json " + tag);
        kafka.send(Topics.REQUESTS, "missing-" + tag, "{\"name\":\"missing-" + tag + "\"}");
        kafka.send(
                Topics.REQUESTS,
                "unknown-" + tag,
                request("unknown-" + tag, "prod-eu", "10", "CREATE INDEX users_created_at ON users (created_at)")
                        .toString());
        kafka.send(Topics.REQUESTS, "shape-" + tag, "{\"name\":\"shape-" + tag + "\",\"migrations\":{\"up\":\"x\"}}");
        // A good request behind the bad ones: the consumer must still be consuming.
        String good = "index-" + tag;
        kafka.send(
                Topics.REQUESTS,
                good,
                request(
                                good,
                                "production",
                                "10",
                                "CREATE INDEX users_created_at ON users (created_at)",
                                "DROP INDEX users_created_at")
                        .toString());

        List<ConsumerRecord<String, String>> dead = kafka.read(
                Topics.deadLetter(Topics.REQUESTS),
                r -> r.value().contains(tag),
                found -> !found.isEmpty(),
                Duration.ofSeconds(60));
        assertEquals(1, dead.size(), "the poison message is not on the dead-letter topic");
        String reason = KafkaClient.header(dead.get(0), "dead-letter-reason");
        assertTrue(reason != null && reason.contains("not JSON"), "dead-letter reason: " + reason);

        try (EventFollower follower = new EventFollower(stack.kafka().bootstrapServers())) {
            // Rejections and the good migration are keyed differently (other partitions): wait for all of them.
            List<CloudEvent> seen = new ArrayList<>();
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                follower.poll(Duration.ofMillis(250)).stream()
                        .map(EventFollower.Received::event)
                        .filter(e -> e != null
                                && (e.payload() instanceof MigrationRejected r
                                                && r.name() != null
                                                && r.name().endsWith(tag)
                                        || e.payload() instanceof MigrationCompleted c
                                                && c.name().equals(good)
                                        || e.payload() instanceof MigrationFailed f
                                                && f.name().equals(good)))
                        .forEach(seen::add);
                return seen.stream()
                                        .filter(e -> e.payload() instanceof MigrationRejected)
                                        .count()
                                >= 3
                        && seen.stream()
                                .anyMatch(e -> e.payload() instanceof MigrationCompleted
                                        || e.payload() instanceof MigrationFailed);
            });
            List<MigrationRejected> rejected = seen.stream()
                    .filter(e -> e.payload() instanceof MigrationRejected)
                    .map(e -> (MigrationRejected) e.payload())
                    .toList();
            assertEquals(3, rejected.size(), describe(seen));
            assertEquals("target, staging, migrations, checks", fieldsOf(rejected, "missing-" + tag));
            assertEquals("target", fieldsOf(rejected, "unknown-" + tag));
            assertEquals("migrations", fieldsOf(rejected, "shape-" + tag));
            assertTrue(
                    seen.stream().anyMatch(e -> e.payload() instanceof MigrationCompleted),
                    "the good request did not complete: " + describe(seen));
            assertTrue(
                    rejected.stream()
                            .filter(r -> r.name().startsWith("shape-"))
                            .findFirst()
                            .orElseThrow()
                            .errors()
                            .get(0)
                            .message()
                            .equals("must be a list (JSON array)"),
                    describe(seen));
        }
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            assertEquals(1, count(s, "SELECT count(*) FROM pg_indexes WHERE indexname = 'users_created_at'"));
        }
    }

    @Test
    @Order(5)
    void aScriptStagingsRowsRefuseFailsTheMigrationWithItsErrorAndLeavesTheTargetAsItWas() throws Exception {
        // The design analysis replays on a copy without rows, where this passes; staging's users have no nickname.
        ObjectNode request = request(
                "broken-" + UUID.randomUUID().toString().substring(0, 8),
                "production",
                "11",
                "ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ALTER COLUMN nickname SET NOT NULL;");
        String id = submit(request.toString());

        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(2));
        MigrationFailed failed = (MigrationFailed) events.get(events.size() - 1).payload();
        assertEquals("staging.apply", failed.stepId());
        assertTrue(
                failed.reason().contains("column \"nickname\" of relation \"users\" contains null values"),
                failed.reason());
        assertFalse(
                events.stream()
                        .anyMatch(e -> e.payload() instanceof StepStarted s
                                && s.stepId().startsWith("production.")),
                "production was touched after staging failed");

        try (Connection c = stack.postgres().connect(Stack.STAGING_DB);
                Statement s = c.createStatement()) {
            assertEquals(
                    0,
                    count(
                            s,
                            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'nickname'"),
                    "the first statement of the failed script was not rolled back");
            assertEquals(0, count(s, "SELECT count(*) FROM dbshift_schema_history WHERE version = '11'"));
        }
        String report = get("/migrations/" + id + "/report").body();
        assertTrue(report.contains("**Status:** FAILED") && report.contains("contains null values"), report);
    }

    @Test
    @Order(11)
    void aDownScriptPostgresRefusesStopsTheMigrationOnStagingUnlessAnOperatorAcceptsIt() throws Exception {
        // The down script's second statement names a column that does not exist: refused on the migrated staging.
        ObjectNode request = request(
                "broken-down-" + UUID.randomUUID().toString().substring(0, 8),
                "production",
                "17",
                "ALTER TABLE users ADD COLUMN email_verified boolean;",
                "ALTER TABLE users DROP COLUMN email_verified;\nALTER TABLE users ALTER COLUMN email_verified2 SET NOT NULL;");
        String id = submit(request.toString());

        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(2));
        MigrationFailed failed = (MigrationFailed) events.get(events.size() - 1).payload();
        assertEquals("staging.rollback", failed.stepId());
        assertTrue(
                failed.reason().contains("the down script was refused on staging: U17__broken_down")
                        && failed.reason()
                                .contains(":2: column \"email_verified2\" of relation \"users\" does not exist"),
                failed.reason());
        assertTrue(failed.reason().contains("accept it as irreversible"), failed.reason());
        assertFalse(
                events.stream()
                        .anyMatch(e -> e.payload() instanceof StepStarted st
                                && st.stepId().startsWith("production.")),
                "production was touched although the rollback failed on staging");
        // The rehearsal ran in a transaction it rolled back: staging keeps what the apply did.
        try (Connection c = stack.postgres().connect(Stack.STAGING_DB);
                Statement s = c.createStatement()) {
            assertEquals(
                    1,
                    count(
                            s,
                            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
                                    + " AND column_name = 'email_verified'"));
        }

        // The same kind of change, with no down script at all, accepted by an operator: it goes to production.
        ObjectNode accepted = request(
                "accepted-" + UUID.randomUUID().toString().substring(0, 8),
                "production",
                "18",
                "ALTER TABLE users ADD COLUMN c18 text;");
        accepted.putObject("irreversible")
                .put("acceptedBy", "alice@example.com")
                .put("reason", "the verified backup is the rollback");
        String acceptedId = submit(accepted.toString());
        List<CloudEvent> done = followUntilEnd(acceptedId, Duration.ofMinutes(2));
        assertTrue(done.get(done.size() - 1).payload() instanceof MigrationCompleted, describe(done));
        String report = get("/migrations/" + acceptedId + "/report").body();
        assertTrue(
                report.contains("**Accepted as irreversible** by alice@example.com: the verified backup is the"
                        + " rollback. The rollback rehearsal found: version(s) 18 have no down script."),
                report);
        assertTrue(report.contains("- [ ] Rollback tested — no evidence collected"), report);
    }

    /** A check that staging (2,000 users) passes and production (50,000) fails. */
    static void failOnProduction(ObjectNode request) {
        request.putArray("checks")
                .addObject()
                .put("name", "at most 10000 users")
                .put("sql", "SELECT CASE WHEN count(*) > 10000 THEN 1 ELSE 0 END FROM users")
                .put("expect", "0");
    }

    @Test
    @Order(12)
    void productionWhoseChecksFailIsRolledBackByTheDownScriptsStagingProved() throws Exception {
        ObjectNode request = request(
                "rolled-back-" + UUID.randomUUID().toString().substring(0, 8),
                "production",
                "19",
                "ALTER TABLE users ADD COLUMN c19 text;",
                "ALTER TABLE users DROP COLUMN c19;");
        failOnProduction(request);
        String id = submit(request.toString());

        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(2));
        MigrationFailed failed = (MigrationFailed) events.get(events.size() - 1).payload();
        assertEquals("production.verify", failed.stepId());
        assertTrue(
                failed.reason().contains("\"at most 10000 users\" expected 0, found 1")
                        && failed.reason().contains("production was rolled back by its down scripts")
                        && failed.reason().contains("verified: schema as before the migration"),
                failed.reason());
        MigrationRolledBack rolledBack = events.stream()
                .filter(e -> e.payload() instanceof MigrationRolledBack)
                .map(e -> (MigrationRolledBack) e.payload())
                .findFirst()
                .orElseThrow(() -> new AssertionError(describe(events)));
        assertEquals("down", rolledBack.method());
        assertTrue(rolledBack.verified());
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            assertEquals(
                    0,
                    count(
                            s,
                            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'c19'"));
            assertEquals(0, count(s, "SELECT count(*) FROM dbshift_schema_history WHERE version = '19'"));
        }
    }

    @Test
    @Order(13)
    void productionWithoutAProvenRollbackIsRestoredFromItsVerifiedBackupInMaintenanceMode() throws Exception {
        ObjectNode request = request(
                "restored-" + UUID.randomUUID().toString().substring(0, 8),
                "production",
                "20",
                "ALTER TABLE users ADD COLUMN c20 text;");
        request.putObject("irreversible").put("acceptedBy", "alice@example.com").put("reason", "the backup");
        // Restoring loses the writes made since the backup: only a request that says so gets it.
        request.put("onFailedVerification", "restore");
        failOnProduction(request);
        String id = submit(request.toString());

        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(2));
        MigrationFailed failed = (MigrationFailed) events.get(events.size() - 1).payload();
        assertTrue(failed.reason().contains("production was rolled back from its verified backup"), failed.reason());
        List<Boolean> maintenance = events.stream()
                .filter(e -> e.payload() instanceof MaintenanceModeChanged)
                .map(e -> ((MaintenanceModeChanged) e.payload()).on())
                .toList();
        assertEquals(List.of(true, false), maintenance, describe(events));
        MigrationRolledBack rolledBack = events.stream()
                .filter(e -> e.payload() instanceof MigrationRolledBack)
                .map(e -> (MigrationRolledBack) e.payload())
                .findFirst()
                .orElseThrow();
        assertEquals("restore", rolledBack.method());
        assertTrue(rolledBack.verified(), rolledBack.toString());
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            assertEquals(
                    0,
                    count(
                            s,
                            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'c20'"));
            assertEquals(0, count(s, "SELECT count(*) FROM dbshift_schema_history WHERE version = '20'"));
        }
    }

    @Test
    @Order(14)
    void anOperatorRollsACompletedMigrationBackOverRestAndOverKafka() throws Exception {
        for (String via : List.of("rest", "kafka")) {
            String version = via.equals("rest") ? "21" : "22";
            String column = "c" + version;
            String id = submit(request(
                            "operator-" + via + "-"
                                    + UUID.randomUUID().toString().substring(0, 8),
                            "production",
                            version,
                            "ALTER TABLE users ADD COLUMN " + column + " text;",
                            "ALTER TABLE users DROP COLUMN " + column + ";")
                    .toString());
            List<CloudEvent> done = followUntilEnd(id, Duration.ofMinutes(2));
            assertTrue(done.get(done.size() - 1).payload() instanceof MigrationCompleted, describe(done));

            try (EventFollower follower = new EventFollower(stack.kafka().bootstrapServers())) {
                if (via.equals("rest")) {
                    HttpResponse<String> incomplete = post("/migrations/" + id + "/rollback", "{\"reason\": \"x\"}");
                    assertEquals(400, incomplete.statusCode(), incomplete.body());
                    assertTrue(incomplete.body().contains("requestedBy"), incomplete.body());
                    HttpResponse<String> asked = post(
                            "/migrations/" + id + "/rollback",
                            "{\"requestedBy\": \"alice@example.com\", \"reason\": \"checkout errors\"}");
                    assertEquals(202, asked.statusCode(), asked.body());
                } else {
                    String request = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID()
                            + "\",\"source\":\"/system-test\",\"type\":\"io.dbshift.RollbackRequest\","
                            + "\"data\":{\"migrationId\":\"" + id + "\",\"requestedBy\":\"bob@example.com\","
                            + "\"reason\":\"checkout errors\"}}";
                    kafka.send(Topics.REQUESTS, id, request);
                }
                List<CloudEvent> rolling = follower.collectUntil(
                        e -> id.equals(e.subject()),
                        e -> e.payload() instanceof MigrationPhaseChanged p
                                && (p.to().name().equals("ROLLED_BACK")
                                        || p.to().name().equals("FAILED")),
                        Duration.ofMinutes(2));
                MigrationPhaseChanged last =
                        (MigrationPhaseChanged) rolling.get(rolling.size() - 1).payload();
                assertEquals("ROLLED_BACK", last.to().name(), describe(rolling));
                assertTrue(rolling.stream()
                        .anyMatch(e -> e.payload() instanceof MigrationRolledBack r
                                && r.method().equals("down")
                                && r.verified()));
            }
            assertEquals(
                    "ROLLED_BACK",
                    Json.MAPPER
                            .readTree(get("/migrations/" + id).body())
                            .get("phase")
                            .asText());
            // Watching it replays its completion, then follows on to the rollback's end.
            java.io.StringWriter watched = new java.io.StringWriter();
            int exit = io.dbshift.cli.DbShift.run(
                    new String[] {
                        "watch",
                        id,
                        "--url",
                        stack.orchestratorUrl(),
                        "--bootstrap",
                        stack.kafka().bootstrapServers(),
                        "--timeout",
                        "60s"
                    },
                    new java.io.PrintWriter(watched, true),
                    new java.io.PrintWriter(new java.io.StringWriter(), true));
            assertEquals(0, exit, watched.toString());
            assertTrue(watched.toString().contains("production rolled back by down, verified"), watched.toString());
            assertTrue(watched.toString().contains("-> ROLLED_BACK"), watched.toString());
            try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                    Statement s = c.createStatement()) {
                assertEquals(
                        0,
                        count(
                                s,
                                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'users'"
                                        + " AND column_name = '" + column + "'"));
                assertEquals(
                        0, count(s, "SELECT count(*) FROM dbshift_schema_history WHERE version = '" + version + "'"));
            }
            HttpResponse<String> again =
                    post("/migrations/" + id + "/rollback", "{\"requestedBy\": \"carol\", \"reason\": \"again\"}");
            assertEquals(409, again.statusCode(), again.body());
            assertTrue(again.body().contains("rolled back already"), again.body());
        }
    }

    @Test
    @Order(9)
    void aBackfillWhoseExecutorIsKilledMidwayResumesAndUpdatesEveryRowExactlyOnce() throws Exception {
        // A table of its own on both targets, with a trigger counting the updates of every row.
        onBothTargets(
                "CREATE TABLE crash_rows (id bigint PRIMARY KEY, updates int NOT NULL DEFAULT 0)",
                "INSERT INTO crash_rows (id) SELECT g FROM generate_series(1, 30000) g",
                "CREATE FUNCTION crash_rows_count() RETURNS trigger LANGUAGE plpgsql AS"
                        + " $$ BEGIN NEW.updates := OLD.updates + 1; RETURN NEW; END $$",
                "CREATE TRIGGER crash_rows_count BEFORE UPDATE ON crash_rows FOR EACH ROW"
                        + " EXECUTE FUNCTION crash_rows_count()");
        // No predicate: only the cursor, committed with each batch, keeps a resumed run off the rows already done.
        String id = submitSlowBackfill("crash", "15", "crash_rows");

        ServiceProcess executor = stack.service("executor-service");
        awaitProductionBackfillUnderway(id);
        executor.kill();
        long doneAtKill = notes("crash_rows");
        assertTrue(doneAtKill > 0 && doneAtKill < 30000, "killed mid-way, after " + doneAtKill + " rows");
        executor.launch();
        executor.awaitReady(Duration.ofSeconds(90));

        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(3));
        assertTrue(events.get(events.size() - 1).payload() instanceof MigrationCompleted, describe(events));
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            assertEquals(30000, count(s, "SELECT count(*) FROM crash_rows WHERE note = 'row ' || id"));
            assertEquals(
                    30000,
                    count(s, "SELECT count(*) FROM crash_rows WHERE updates = 1"),
                    "a row was updated twice, or never, across the kill");
        }
    }

    @Test
    @Order(10)
    void anOperatorPausesABackfillFromTheCommandLineDryRunsItAndResumesItOverTheExecutorsApi() throws Exception {
        onBothTargets(
                "CREATE TABLE paused_rows (id bigint PRIMARY KEY)",
                "INSERT INTO paused_rows SELECT g FROM generate_series(1, 30000) g");
        String id = submitSlowBackfill("pause", "16", "paused_rows");
        awaitProductionBackfillUnderway(id);
        String executor = stack.service("executor-service").url();
        // The command line publishes the pause on dbshift.backfill.control, as any operator's producer would.
        CliIT.Run paused = cli(
                "backfill",
                "pause",
                id,
                "--by",
                "ana@example.com",
                "--bootstrap",
                stack.kafka().bootstrapServers());
        assertEquals(0, paused.exit(), paused.err());
        // Once it stands between two batches, nothing more may change while it is paused.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> executorGet(executor, "/backfills").contains("\"holding\":true"));
        long before = notes("paused_rows");
        await().during(Duration.ofMillis(1_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> notes("paused_rows") == before);

        // A dry run of the same backfill on production, while it is held: the rows left, a sample, nothing written.
        CliIT.Run dryRun = cli(
                "backfill",
                "dry-run",
                "--target",
                "production",
                "--table",
                "paused_rows",
                "--set",
                "note = 'row ' || id",
                "--where",
                "note IS NULL",
                "--sample",
                "2",
                "--executor",
                executor);
        assertEquals(0, dryRun.exit(), dryRun.err() + dryRun.out());
        assertTrue(
                dryRun.out().startsWith((30000 - before) + " rows of paused_rows on production would be updated"),
                dryRun.out());
        assertTrue(
                dryRun.out().contains("id = " + (before + 1) + "\n    note: null -> \"row " + (before + 1) + "\""),
                dryRun.out());
        assertEquals(before, notes("paused_rows"), "the dry run wrote nothing");
        CliIT.Run badSpec =
                cli("backfill", "dry-run", "--target", "production", "--table", "paused_rows", "--executor", executor);
        assertEquals(2, badSpec.exit(), badSpec.out());
        assertTrue(badSpec.err().contains("--set: is required"), badSpec.err());

        HttpResponse<String> resumed = HTTP.send(
                HttpRequest.newBuilder(URI.create(executor + "/backfills/" + id + "/resume"))
                        .header("X-Requested-By", "ana@example.com")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, resumed.statusCode(), resumed.body());
        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(2));
        assertTrue(events.get(events.size() - 1).payload() instanceof MigrationCompleted, describe(events));
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.payload() instanceof BackfillProgressed p
                                && p.throttle() != null
                                && p.throttle().equals("paused by ana@example.com")),
                "the pause was not visible in the progress events");
        assertEquals(30000, notes("paused_rows"));
        HttpResponse<String> none = HTTP.send(
                HttpRequest.newBuilder(URI.create(executor + "/backfills/" + id + "/pause"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, none.statusCode(), "a finished backfill cannot be paused");
    }

    static CliIT.Run cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = io.dbshift.cli.DbShift.run(
                args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
        return new CliIT.Run(exit, out.toString(), err.toString());
    }

    /** Rows of the table on production that the backfill has given a note. */
    static long notes(String table) throws SQLException {
        try (Connection c = stack.postgres().connect(Stack.PRODUCTION_DB);
                Statement s = c.createStatement()) {
            return count(s, "SELECT count(*) FROM " + table + " WHERE note IS NOT NULL");
        }
    }

    static void onBothTargets(String... statements) throws SQLException {
        for (String db : List.of(Stack.STAGING_DB, Stack.PRODUCTION_DB)) {
            try (Connection c = stack.postgres().connect(db);
                    Statement s = c.createStatement()) {
                for (String statement : statements) {
                    s.execute(statement);
                }
            }
        }
    }

    /**
     * Adds a column {@code note} to the table and backfills it in 60 batches of 500 with a pause after each: about six
     * seconds on production, time to act on the executor while it runs. Returns the migration's id.
     */
    static String submitSlowBackfill(String name, String version, String table) throws Exception {
        ObjectNode request = request(
                name + "-" + UUID.randomUUID().toString().substring(0, 8),
                "production",
                version,
                "ALTER TABLE " + table + " ADD COLUMN note text;",
                "ALTER TABLE " + table + " DROP COLUMN note;");
        request.putArray("backfills")
                .addObject()
                .put("table", table)
                .put("set", "note = 'row ' || id")
                .put("batchSize", 500)
                .put("pauseMillis", 100);
        request.putArray("checks")
                .addObject()
                .put("name", "every row has a note")
                .put("sql", "SELECT count(*) FROM " + table + " WHERE note IS NULL")
                .put("expect", "0");
        return submit(request.toString());
    }

    static void awaitProductionBackfillUnderway(String id) {
        try (EventFollower follower = new EventFollower(stack.kafka().bootstrapServers())) {
            follower.collectUntil(
                    e -> id.equals(e.subject()),
                    e -> e.payload() instanceof BackfillProgressed p
                            && p.stepId().equals("production.backfill")
                            && p.rowsDone() > 0,
                    Duration.ofMinutes(2));
        }
    }

    static String executorGet(String base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    @Order(8)
    void aStatementPostgresRefusesIsCaughtInDesignBeforeStagingIsTouched() throws Exception {
        String id = submit(request(
                        "typo-" + UUID.randomUUID().toString().substring(0, 8),
                        "production",
                        "14",
                        "ALTER TABLE users ADD COLUMN nickname2 text;\nALTER TABLE no_such_table ADD COLUMN x int;")
                .toString());
        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(2));
        MigrationFailed failed = (MigrationFailed) events.get(events.size() - 1).payload();
        assertEquals("design.analyze", failed.stepId());
        assertTrue(failed.reason().contains(":2:1: relation \"no_such_table\" does not exist"), failed.reason());
        assertFalse(
                events.stream()
                        .anyMatch(e -> e.payload() instanceof StepStarted st
                                && st.stepId().startsWith("staging.")),
                "staging was touched after the design analysis failed");
    }

    @Test
    @Order(6)
    void aMigrationInFlightCompletesAfterTheOrchestratorIsKilledAndRestarted() throws Exception {
        ObjectNode request = request(
                "orders-note-" + UUID.randomUUID().toString().substring(0, 8),
                "production",
                "12",
                "ALTER TABLE orders ADD COLUMN note text;",
                "ALTER TABLE orders DROP COLUMN note;");
        request.putArray("backfills")
                .addObject()
                .put("table", "orders")
                .put("set", "note = 'order ' || id")
                .put("where", "note IS NULL")
                .put("batchSize", 500);
        request.putArray("checks")
                .addObject()
                .put("name", "every order has a note")
                .put("sql", "SELECT count(*) FROM orders WHERE note IS NULL")
                .put("expect", "0");
        String id = submit(request.toString());

        ServiceProcess orchestrator = stack.service("orchestrator-service");
        try (EventFollower follower = new EventFollower(stack.kafka().bootstrapServers())) {
            follower.collectUntil(
                    e -> id.equals(e.subject()),
                    e -> e.payload() instanceof StepStarted s && s.stepId().equals("production.backfill"),
                    Duration.ofMinutes(2));
        }
        orchestrator.kill();
        orchestrator.launch();
        orchestrator.awaitReady(Duration.ofSeconds(90));

        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(2));
        assertTrue(events.get(events.size() - 1).payload() instanceof MigrationCompleted, describe(events));
        // Version 12 was new to staging: its down was proven there, with the backfilled notes in place.
        CheckpointReached rollback = events.stream()
                .filter(e -> e.payload() instanceof CheckpointReached c
                        && c.checkpoint().equals("Rollback tested"))
                .map(e -> (CheckpointReached) e.payload())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no \"Rollback tested\": " + describe(events)));
        assertEquals(List.of(), rollback.evidence().get("schemaDifferences"));
        assertTrue(
                rollback.evidence().get("locks").toString().contains("orders AccessExclusiveLock"),
                rollback.toString());
        assertEquals(
                1,
                events.stream()
                        .filter(e -> e.payload() instanceof MigrationCompleted)
                        .count());
        assertEquals(
                "COMPLETED",
                Json.MAPPER
                        .readTree(get("/migrations/" + id).body())
                        .get("phase")
                        .asText());
    }

    @Test
    @Order(7)
    void aResultLostWhileTheOrchestratorsDatabaseWasAwayIsRecoveredByResendingTheCommand() throws Exception {
        ServiceProcess orchestrator = stack.service("orchestrator-service");
        orchestrator.restartWith(
                Map.of("dbshift.orchestrator.resend-after", "5s", "dbshift.orchestrator.reconcile-interval", "2s"),
                Duration.ofSeconds(90));
        String id = submit(request(
                        "lost-result-" + UUID.randomUUID().toString().substring(0, 8),
                        "production",
                        "13",
                        "ALTER TABLE users ADD COLUMN c13 text;",
                        "ALTER TABLE users DROP COLUMN c13;")
                .toString());

        // The orchestrator's database goes away: every result that arrives now outlasts the retries and is
        // dead-lettered, lost to the orchestrator.
        String db = Stack.controlDatabase("orchestrator-service");
        try (Connection admin = stack.postgres().connect("postgres");
                Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db + "'");
        }
        List<ConsumerRecord<String, String>> lost;
        try {
            lost = kafka.read(
                    Topics.deadLetter(Topics.RESULTS),
                    r -> id.equals(r.key()),
                    found -> !found.isEmpty(),
                    Duration.ofMinutes(3));
        } finally {
            try (Connection admin = stack.postgres().connect("postgres");
                    Statement s = admin.createStatement()) {
                s.execute("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
            }
        }
        assertFalse(lost.isEmpty(), "no result was dead-lettered: the scenario did not lose one");

        List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(3));
        assertTrue(events.get(events.size() - 1).payload() instanceof MigrationCompleted, describe(events));
        assertEquals(
                "COMPLETED",
                Json.MAPPER
                        .readTree(get("/migrations/" + id).body())
                        .get("phase")
                        .asText());
    }

    // --- helpers -------------------------------------------------------------------------------

    @Test
    @Order(15)
    void aMigrationNeedingApprovalWaitsForSomeoneElsesApprovalAndItsWindowAndEveryCallIsAudited() throws Exception {
        String bob = "bob-token-" + UUID.randomUUID();
        String carol = "carol-token-" + UUID.randomUUID();
        String root = "root-token-" + UUID.randomUUID();
        // The product's default policy: a High-risk migration needs one approval.
        Map<String, String> secured = secured(bob, carol, root, null);
        ServiceProcess orchestrator = stack.service("orchestrator-service");
        orchestrator.restartWith(secured, Duration.ofSeconds(90));
        try {
            HttpResponse<String> anonymous = get("/migrations");
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            assertTrue(anonymous.body().contains("Authorization: Bearer"), anonymous.body());

            // bob submits a migration whose window opens in 40 s.
            ObjectNode request = request(
                    "approved-" + UUID.randomUUID().toString().substring(0, 8),
                    "production",
                    "23",
                    // Making a column NOT NULL breaks old code that writes NULL: High risk.
                    "ALTER TABLE users ADD COLUMN c23 text DEFAULT 'x';\nALTER TABLE users ALTER COLUMN c23 SET NOT NULL;",
                    "ALTER TABLE users DROP COLUMN c23;");
            java.time.OffsetDateTime opens = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC)
                    .plusSeconds(40)
                    .withNano(0);
            request.putObject("window")
                    .put("start", opens.toString())
                    .put("end", opens.plusHours(1).toString())
                    .put("timezone", "UTC");
            // In manual mode too: each phase waits for an operator's next.
            request.put("manual", true);
            HttpResponse<String> submitted = send("POST", "/migrations", request.toString(), bob);
            assertEquals(202, submitted.statusCode(), submitted.body());
            String id = Json.MAPPER.readTree(submitted.body()).get("id").asText();

            JsonNode manual = awaitWaitingFor(id, "OPERATOR", root);
            assertEquals(
                    "staging.baseline", manual.path("waitingFor").path("step").asText(), manual.toString());
            CliIT.Run next =
                    cli("next", id, "--reason", "rehearse now", "--url", stack.orchestratorUrl(), "--token", bob);
            assertEquals(0, next.exit(), next.err());

            // The staging rehearsal runs; production waits for an approval.
            JsonNode waiting = awaitWaitingFor(id, "APPROVAL", root);
            assertEquals("High", waiting.path("risk").asText(), waiting.toString());
            assertEquals(
                    "production.baseline",
                    waiting.path("waitingFor").path("step").asText(),
                    waiting.toString());

            CliIT.Run own = cli("approve", id, "--reason", "mine", "--url", stack.orchestratorUrl(), "--token", bob);
            assertEquals(6, own.exit(), own.err());
            assertTrue(own.err().contains("you submitted this migration"), own.err());
            CliIT.Run operator = cli(
                    "approve",
                    id,
                    "--reason",
                    "looks ok",
                    "--url",
                    stack.orchestratorUrl(),
                    "--token",
                    "alice-token-0123456789abcdef");
            assertEquals(6, operator.exit(), operator.err());
            assertTrue(operator.err().contains("needs the approver role"), operator.err());
            CliIT.Run viewer =
                    cli("approve", id, "--reason", "looks ok", "--url", stack.orchestratorUrl(), "--token", carol);
            assertEquals(6, viewer.exit(), viewer.err());
            assertTrue(viewer.err().contains("carol is a viewer"), viewer.err());
            CliIT.Run handMarked =
                    cli("checkpoint", id, "Backup verified", "--url", stack.orchestratorUrl(), "--token", bob);
            assertEquals(1, handMarked.exit(), handMarked.err());
            assertTrue(handMarked.err().contains("flips only on evidence"), handMarked.err());

            CliIT.Run approved = cli(
                    "approve", id, "--reason", "rehearsal clean", "--url", stack.orchestratorUrl(), "--token", root);
            assertEquals(0, approved.exit(), approved.err());
            // Approved before the window opens: production now waits for the window, visibly.
            if (java.time.OffsetDateTime.now().isBefore(opens.minusSeconds(3))) {
                JsonNode window = awaitWaitingFor(id, "WINDOW", root);
                assertTrue(window.path("waitingFor").path("reason").asText().contains("opens at"), window.toString());
                CliIT.Run status = cli("status", id, "--url", stack.orchestratorUrl(), "--token", carol);
                assertTrue(status.out().contains("waiting window before production.baseline"), status.out());
            }

            // Production's first step and VERIFY wait for next as well, after the approval and the window.
            List<String> nextAt = new ArrayList<>();
            for (String step : List.of("production.baseline", "production.verify")) {
                JsonNode waits = awaitWaitingFor(id, "OPERATOR", root);
                assertEquals(step, waits.path("waitingFor").path("step").asText(), waits.toString());
                nextAt.add(step);
                CliIT.Run go = cli("next", id, "--reason", "go on", "--url", stack.orchestratorUrl(), "--token", bob);
                assertEquals(0, go.exit(), go.err());
            }
            assertEquals(List.of("production.baseline", "production.verify"), nextAt);
            List<CloudEvent> events = followUntilEnd(id, Duration.ofMinutes(3));
            assertTrue(events.get(events.size() - 1).payload() instanceof MigrationCompleted, describe(events));
            Instant productionStarted = events.stream()
                    .filter(e -> e.payload() instanceof StepStarted started
                            && started.stepId().equals("production.baseline"))
                    .map(CloudEvent::time)
                    .findFirst()
                    .orElseThrow();
            assertFalse(productionStarted.isBefore(opens.toInstant()), "production started before its window");

            HttpResponse<String> audit = send("GET", "/audit?migration=" + id, null, root);
            assertEquals(200, audit.statusCode(), audit.body());
            String trail = audit.body();
            for (String entry : List.of(
                    "\"who\":\"bob\",\"role\":\"approver\",\"action\":\"POST /migrations/" + id + "/approve\","
                            + "\"migrationId\":\"" + id + "\",\"status\":403",
                    "\"who\":\"carol\",\"role\":\"viewer\",\"action\":\"POST /migrations/" + id + "/approve\","
                            + "\"migrationId\":\"" + id + "\",\"status\":403",
                    "\"who\":\"root\",\"role\":\"admin\",\"action\":\"POST /migrations/" + id + "/approve\","
                            + "\"migrationId\":\"" + id + "\",\"status\":200")) {
                assertTrue(trail.contains(entry), "missing from the audit trail: " + entry + " in " + trail);
            }
            assertEquals(403, send("GET", "/audit", null, carol).statusCode(), "the audit trail is for admins");
        } finally {
            reopen(orchestrator, secured);
        }
    }

    @Test
    @Order(16)
    void theOperatorsPageInARealBrowserFollowsAMigrationApprovesItAndSeesItComplete() throws Exception {
        Path web = prepareWebTest();
        String bob = "bob-token-" + UUID.randomUUID();
        String root = "root-token-" + UUID.randomUUID();
        // Every risk needs one approval here, so that the page's small change waits for one.
        Map<String, String> secured = secured(bob, "carol-token-" + UUID.randomUUID(), root, "Low,Medium,High");
        ServiceProcess orchestrator = stack.service("orchestrator-service");
        orchestrator.restartWith(secured, Duration.ofSeconds(90));
        try {
            ObjectNode request = request(
                    "page-" + UUID.randomUUID().toString().substring(0, 8),
                    "production",
                    "24",
                    "ALTER TABLE users ADD COLUMN c24 text;",
                    "ALTER TABLE users DROP COLUMN c24;");
            HttpResponse<String> submitted = send("POST", "/migrations", request.toString(), bob);
            assertEquals(202, submitted.statusCode(), submitted.body());
            String id = Json.MAPPER.readTree(submitted.body()).get("id").asText();

            // The page's live feed, read as a browser's EventSource would, with the token in the query.
            List<String> streamed = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> feed = HTTP.sendAsync(
                    HttpRequest.newBuilder(URI.create(
                                    stack.orchestratorUrl() + "/migrations/" + id + "/live?access_token=" + root))
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            feed.thenAccept(response -> response.body().forEach(streamed::add));

            Path shots = home().resolve("system-tests/target/web-page");
            ProcessBuilder node = new ProcessBuilder("node", "operator-page.mjs")
                    .directory(web.toFile())
                    .redirectErrorStream(true);
            node.environment().put("ORCHESTRATOR_URL", stack.orchestratorUrl());
            node.environment().put("TOKEN", root);
            node.environment().put("MIGRATION_ID", id);
            node.environment().put("OUT", shots.toString());
            Process run = node.start();
            String output = new String(run.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(run.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), output);
            assertEquals(0, run.exitValue(), "the page test failed (screenshots in " + shots + "):\n" + output);
            assertTrue(Files.size(shots.resolve("completed.png")) > 10_000, "no screenshot of the completed page");

            JsonNode migration = Json.MAPPER.readTree(
                    send("GET", "/migrations/" + id, null, root).body());
            assertEquals("COMPLETED", migration.path("phase").asText());
            assertEquals("root", migration.path("approvals").get(0).path("by").asText(), migration.toString());
            assertTrue(
                    streamed.stream()
                            .anyMatch(
                                    line -> line.startsWith("data:") && line.contains("io.dbshift.MigrationCompleted")),
                    "the live feed carried the migration's events: " + streamed);
            feed.cancel(true);
        } finally {
            reopen(orchestrator, secured);
        }
    }

    /** Operators bob (approver), carol (viewer) and root (admin); the risks that need approval (null: the default). */
    static Map<String, String> secured(String bob, String carol, String root, String requiredFor) {
        Map<String, String> secured = new java.util.LinkedHashMap<>();
        secured.put("dbshift.orchestrator.operators.alice.token", "alice-token-0123456789abcdef");
        secured.put("dbshift.orchestrator.operators.alice.role", "operator");
        secured.put("dbshift.orchestrator.operators.bob.token", bob);
        secured.put("dbshift.orchestrator.operators.bob.role", "approver");
        secured.put("dbshift.orchestrator.operators.carol.token", carol);
        secured.put("dbshift.orchestrator.operators.carol.role", "viewer");
        secured.put("dbshift.orchestrator.operators.root.token", root);
        secured.put("dbshift.orchestrator.operators.root.role", "admin");
        secured.put("dbshift.orchestrator.approval.required-for", requiredFor == null ? "" : requiredFor);
        secured.put("dbshift.orchestrator.window-check", "1s");
        return secured;
    }

    /** Back to the open API the other tests use. */
    static void reopen(ServiceProcess orchestrator, Map<String, String> secured) {
        Map<String, String> open = new java.util.LinkedHashMap<>();
        secured.keySet().forEach(key -> open.put(key, ""));
        orchestrator.restartWith(open, Duration.ofSeconds(90));
    }

    /** The page test and Playwright (playwright-core from npm: it drives Debian's Chromium, it downloads none). */
    static Path prepareWebTest() throws Exception {
        Path source = home().resolve("system-tests/src/test/web");
        Path web = home().resolve("system-tests/target/web-test");
        Files.createDirectories(web);
        for (String file : List.of("package.json", "operator-page.mjs")) {
            Files.copy(source.resolve(file), web.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(
                Files.isExecutable(Path.of("/usr/bin/chromium")),
                "the page test needs Chromium at /usr/bin/chromium: apt-get install chromium (.ci/run does)");
        if (!Files.isDirectory(web.resolve("node_modules/playwright-core"))) {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(web.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(npm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(npm.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), output);
            assertEquals(0, npm.exitValue(), "npm install failed:\n" + output);
        }
        return web;
    }

    /** Polls the migration until it waits for {@code what}; returns it then. */
    static JsonNode awaitWaitingFor(String id, String what, String token) {
        return org.awaitility.Awaitility.await()
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> Json.MAPPER.readTree(
                                send("GET", "/migrations/" + id, null, token).body()),
                        m -> what.equals(m.path("waitingFor").path("what").asText()));
    }

    static HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.orchestratorUrl() + path))
                .header("Authorization", "Bearer " + token)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every event of one migration from the topic's beginning until it completes or fails. */
    static List<CloudEvent> followUntilEnd(String id, Duration timeout) {
        try (EventFollower follower = new EventFollower(stack.kafka().bootstrapServers())) {
            List<CloudEvent> events = follower.collectUntil(
                    e -> id.equals(e.subject()),
                    e -> e.payload() instanceof MigrationCompleted || e.payload() instanceof MigrationFailed,
                    timeout);
            assertFalse(events.isEmpty(), "no event at all for migration " + id);
            Object last = events.get(events.size() - 1).payload();
            assertTrue(
                    last instanceof MigrationCompleted || last instanceof MigrationFailed,
                    "migration " + id + " did not end within " + timeout.toSeconds() + " s: " + describe(events));
            return events;
        }
    }

    static ObjectNode request(String name, String target, String version, String up) {
        return request(name, target, version, up, null);
    }

    /** A request with one script and its down script (none when null), checking that users keep their rows. */
    static ObjectNode request(String name, String target, String version, String up, String down) {
        ObjectNode request = Json.MAPPER
                .createObjectNode()
                .put("name", name)
                .put("target", target)
                .put("staging", "staging");
        ObjectNode script = request.putArray("migrations")
                .addObject()
                .put("version", version)
                .put("description", name)
                .put("up", up);
        if (down != null) {
            script.put("down", down);
        }
        request.putArray("checks").addObject().put("rowCount", "users").put("expect", "unchanged");
        return request;
    }

    static String fieldsOf(List<MigrationRejected> rejected, String name) {
        return rejected.stream()
                .filter(r -> name.equals(r.name()))
                .findFirst()
                .map(r -> r.errors().stream().map(e -> e.field()).collect(Collectors.joining(", ")))
                .orElse("no rejection for " + name);
    }

    static long progressEvents(List<CloudEvent> events) {
        return events.stream()
                .filter(e -> e.type().endsWith("BackfillProgressed"))
                .count();
    }

    static String describe(List<CloudEvent> events) {
        return events.stream()
                .map(e -> e.type().substring(e.type().lastIndexOf('.') + 1) + Json.write(e.data()))
                .collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    static List<String> newColumns(Connection c) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' "
                                + "AND column_name IN ('avatar_url', 'last_login_at', 'updated_at') ORDER BY column_name")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String md5(String text) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        return String.format("%032x", new BigInteger(1, digest));
    }

    static String sha256(Path file) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        return String.format("%064x", new BigInteger(1, digest));
    }

    /** Submits a request over REST; it must be accepted. Returns the migration's id. */
    static String submit(String request) throws Exception {
        HttpResponse<String> submitted = post("/migrations", request);
        assertEquals(202, submitted.statusCode(), submitted.body());
        return Json.MAPPER.readTree(submitted.body()).get("id").asText();
    }

    static HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body, null);
    }

    static HttpResponse<String> post(String path, String body, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.orchestratorUrl() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.orchestratorUrl() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static Path home() {
        return stack.home();
    }
}
