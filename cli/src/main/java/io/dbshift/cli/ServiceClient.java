package io.dbshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A dbshift service's REST API (the orchestrator's, or the executor's for backfill dry runs), with errors an operator can act on. */
final class ServiceClient {
    private final String url;
    private final String name;
    private final String hint;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    ServiceClient(String url) {
        this(
                url,
                "the orchestrator",
                "Start the system with ./dbshift demo --keep-running, or give its URL with --url or DBSHIFT_URL.");
    }

    /**
     * @param name the service, as errors name it
     * @param hint what to do when it cannot be reached
     */
    ServiceClient(String url, String name, String hint) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.name = name;
        this.hint = hint;
    }

    String url() {
        return url;
    }

    /** A response: status and body. */
    record Reply(int status, String body) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.UNEXPECTED, "the service answered with something that is not JSON: " + body);
            }
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
    }

    Reply post(String path, String json, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                // The orchestrator refuses a body over its limit before it is sent, with a 413 we can report.
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request);
    }

    /** The id of the newest migration, for verbs whose id is optional. */
    String newestId() {
        JsonNode list = get("/migrations").json();
        if (!list.isArray() || list.isEmpty()) {
            throw new CliException(
                    ExitCode.NOT_FOUND, "there are no migrations yet; submit one with: dbshift start <file>");
        }
        return list.get(0).get("id").asText();
    }

    /** GET a migration's resource, turning 404 into an error that names the id. */
    Reply migration(String id, String suffix) {
        Reply reply = get("/migrations/" + id + suffix);
        if (reply.status() == 404) {
            throw new CliException(ExitCode.NOT_FOUND, "no migration with id \"" + id + "\"; dbshift list shows them");
        }
        if (reply.status() >= 400) {
            throw new CliException(
                    ExitCode.UNEXPECTED,
                    "the orchestrator refused (" + reply.status() + "): "
                            + reply.body().strip());
        }
        return reply;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable(e);
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.UNEXPECTED, "interrupted");
        }
    }

    private CliException unreachable(Exception e) {
        return new CliException(
                ExitCode.UNREACHABLE,
                name + " at " + url + " is unreachable ("
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + "). " + hint);
    }
}
