package io.dbshift.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.cli.DbShift;
import io.dbshift.contracts.Json;
import io.dbshift.localstack.Stack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line against the running system, as an operator uses it. The example request is
 * idempotent on the shared targets (its version is applied once; its backfill then finds nothing
 * to do), so these tests do not depend on the order of the test classes.
 */
class CliIT {
    static Stack stack;
    static String example;

    /** What one command printed, and how it exited. */
    record Run(int exit, String out, String err) {}

    @BeforeAll
    static void start() {
        stack = SystemUnderTest.stack();
        example = stack.home().resolve("examples/add-user-avatar.json").toString();
    }

    static Run dbshift(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] withUrl = new String[args.length + 2];
        System.arraycopy(args, 0, withUrl, 0, args.length);
        withUrl[args.length] = "--url";
        withUrl[args.length + 1] = stack.orchestratorUrl();
        int exit = DbShift.run(withUrl, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void startWatchesTheMigrationToCompletionAndTheReadVerbsShowIt() throws Exception {
        Run started = dbshift(
                "start", example, "--watch", "--bootstrap", stack.kafka().bootstrapServers());
        assertEquals(0, started.exit(), started.err() + started.out());
        assertTrue(started.out().contains("phase PLAN -> IMPLEMENT"), started.out());
        assertTrue(started.out().contains("checkpoint \"Migration rehearsed\" reached"), started.out());
        assertTrue(started.out().contains("COMPLETED in"), started.out());
        String id = started.out().lines().findFirst().orElseThrow().split(" ")[1];

        Run status = dbshift("status", id, "--json");
        assertEquals(0, status.exit(), status.err());
        assertEquals(
                "COMPLETED", Json.MAPPER.readTree(status.out()).get("phase").asText());
        Run text = dbshift("status", id);
        assertTrue(text.out().contains("[x] Migration rehearsed"), text.out());
        assertTrue(text.out().contains("[x] Data integrity checks passing"), text.out());
        assertTrue(
                text.out().matches("(?s).*\\[x\\] Backup verified  \\(.*, backup /.*\\.dump, sha256 .*"), text.out());
        // Tested when this run applied the example on staging, not when an earlier test had: "[x]" or "[ ]".
        assertTrue(text.out().contains("] Rollback tested"), text.out());

        assertTrue(dbshift("plan", id).out().contains("## Migration: add-user-avatar"));
        assertTrue(dbshift("report", id).out().contains("**Status:** COMPLETED"));
        Run list = dbshift("list");
        assertTrue(list.out().contains(id), list.out());
        Run watchedAgain = dbshift("watch", id, "--bootstrap", stack.kafka().bootstrapServers(), "--timeout", "60s");
        assertEquals(0, watchedAgain.exit(), "watching an ended migration replays it and exits by its outcome");
    }

    @Test
    void startViaKafkaPublishesTheRequestAsAnOperatorsProducerWould() throws Exception {
        int before = Json.MAPPER.readTree(dbshift("list", "--json").out()).size();
        Run published = dbshift(
                "start", example, "--via", "kafka", "--bootstrap", stack.kafka().bootstrapServers());
        assertEquals(0, published.exit(), published.err());
        assertTrue(published.out().contains("published on dbshift.requests"), published.out());
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        Json.MAPPER.readTree(dbshift("list", "--json").out()).size() > before);
    }

    @Test
    void anInvalidRequestExitsTwoNamingEachField() throws Exception {
        Path bad = Files.createTempFile("bad-request", ".json");
        Files.writeString(bad, "{\"name\":\"x\",\"target\":\"prod-eu\",\"staging\":\"staging\"}");
        Run run = dbshift("start", bad.toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("target: unknown target \"prod-eu\""), run.err());
        assertTrue(
                run.err()
                        .contains("migrations: at least one migration script, or one expand/contract operation, is"
                                + " required"),
                run.err());
    }

    @Test
    void anUnknownIdExitsFourAndAnUnreachableOrchestratorExitsThreeNamingItsUrl() {
        Run unknown = dbshift("status", "no-such-id");
        assertEquals(4, unknown.exit());
        assertTrue(unknown.err().contains("no migration with id \"no-such-id\""), unknown.err());

        StringWriter err = new StringWriter();
        int exit = DbShift.run(
                new String[] {"list", "--url", "http://127.0.0.1:9"},
                new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(3, exit);
        assertTrue(err.toString().contains("http://127.0.0.1:9 is unreachable"), err.toString());
    }
}
