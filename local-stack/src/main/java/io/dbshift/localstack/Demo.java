package io.dbshift.localstack;

import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.event.BackfillProgressed;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.MigrationRejected;
import io.dbshift.contracts.event.StepCompleted;
import io.dbshift.contracts.event.StepStarted;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Submits the workflow document's example migration over REST and follows it on the event topic,
 * printing each phase transition as it happens and the final report.
 */
public final class Demo {
    /** How the followed migration ended. */
    public enum Outcome {
        COMPLETED,
        FAILED,
        TIMED_OUT
    }

    private final Stack stack;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();
    private long startNanos;

    public Demo(Stack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    /** Submits a request document and returns the migration id. */
    public String submit(Path request) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(stack.orchestratorUrl() + "/migrations"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Files.readString(request)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException(
                        "the orchestrator refused the request (" + response.statusCode() + "): " + response.body());
            }
            return Json.MAPPER.readTree(response.body()).get("id").asText();
        } catch (IOException e) {
            throw new IllegalStateException("could not submit " + request + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Runs the example: submit, follow until the migration ends, print the report. */
    public Outcome run(Path request, Duration timeout) {
        try (EventFollower follower = new EventFollower(stack.kafka().bootstrapServers())) {
            startNanos = System.nanoTime();
            String id = submit(request);
            out.printf("%n==> migration %s submitted (%s)%n", id, request.getFileName());
            Outcome outcome = follow(follower, id, timeout);
            out.printf("%n==> report%n%n%s%n", get("/migrations/" + id + "/report"));
            return outcome;
        }
    }

    private Outcome follow(EventFollower follower, String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastProgress = 0;
        while (System.nanoTime() < deadline) {
            for (EventFollower.Received received : follower.poll(Duration.ofMillis(200))) {
                CloudEvent event = received.event();
                if (event == null || !id.equals(event.subject())) {
                    continue;
                }
                Object payload = event.payload();
                if (payload instanceof MigrationPhaseChanged p) {
                    line("phase %s -> %s  (%s)", p.from() == null ? "(new)" : p.from(), p.to(), p.reason());
                } else if (payload instanceof StepStarted s) {
                    line("  step %-22s started on %s: %s", s.stepId(), s.target(), s.title());
                } else if (payload instanceof StepCompleted s) {
                    line("  step %-22s done: %s", s.stepId(), s.summary());
                } else if (payload instanceof MigrationPlanned p) {
                    line("  plan published: risk %s %s", p.riskLevel(), p.riskReasons());
                } else if (payload instanceof CheckpointReached c) {
                    line("  checkpoint \"%s\" reached", c.checkpoint());
                } else if (payload instanceof BackfillProgressed b
                        && System.nanoTime() - lastProgress > 1_000_000_000L) {
                    lastProgress = System.nanoTime();
                    line(
                            "  backfill %s on %s: %,d / ~%,d rows, %,d rows/s%s",
                            b.table(),
                            b.target(),
                            b.rowsDone(),
                            b.rowsEstimated(),
                            b.rowsPerSecond(),
                            b.etaSeconds() == null ? "" : ", ETA " + b.etaSeconds() + " s");
                } else if (payload instanceof MigrationCompleted c) {
                    line("COMPLETED in %.1f s", c.durationMs() / 1000.0);
                    return Outcome.COMPLETED;
                } else if (payload instanceof MigrationFailed f) {
                    line("FAILED at step %s: %s", f.stepId(), f.reason());
                    return Outcome.FAILED;
                } else if (payload instanceof MigrationRejected r) {
                    line("REJECTED: %s", r.errors());
                    return Outcome.FAILED;
                }
            }
        }
        line("no end of migration %s within %d s", id, timeout.toSeconds());
        return Outcome.TIMED_OUT;
    }

    private void line(String format, Object... args) {
        out.printf("[%6.1fs] %s%n", (System.nanoTime() - startNanos) / 1e9, String.format(format, args));
    }

    /** GET a path of the orchestrator as text. */
    public String get(String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(stack.orchestratorUrl() + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            return "(could not read " + path + ": " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }
}
