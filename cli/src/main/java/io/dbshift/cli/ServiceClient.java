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
    /** Bodies larger than this ask the server before they are sent (Expect: 100-continue). */
    static final int EXPECT_CONTINUE_ABOVE = 64 * 1024;

    private final String url;
    private final String name;
    private final String hint;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    ServiceClient(String url) {
        this(url, null);
    }

    /** The orchestrator, with the operator's bearer token (null: none). */
    ServiceClient(String url, String token) {
        this(
                url,
                "the orchestrator",
                "Start the system with ./dbshift demo --keep-running, or give its URL with --url or DBSHIFT_URL.",
                token);
    }

    /**
     * @param name the service, as errors name it
     * @param hint what to do when it cannot be reached
     */
    ServiceClient(String url, String name, String hint) {
        this(url, name, hint, null);
    }

    private ServiceClient(String url, String name, String hint, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.name = name;
        this.hint = hint;
        this.token = token;
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
                // A large body asks first: the orchestrator refuses one over its limit before it is sent, with a 413
                // we can report. Not for small ones: this JDK's client waits forever when a 100-continue request is
                // answered at once with a final status (a 401 or 403 from the access check).
                .expectContinue(json.length() > EXPECT_CONTINUE_ABOVE)
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
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                Reply refused = new Reply(response.statusCode(), response.body());
                String why;
                try {
                    why = refused.json().path("error").asText(response.body());
                } catch (CliException notJson) {
                    why = response.body();
                }
                throw new CliException(
                        ExitCode.NOT_ALLOWED,
                        (response.statusCode() == 401 ? "not signed in: " : "not allowed: ")
                                + why
                                + (token == null && response.statusCode() == 401
                                        ? " Give your token with --token or DBSHIFT_TOKEN."
                                        : ""));
            }
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
