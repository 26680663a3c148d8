package io.dbshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.command.ControlBackfill;
import java.io.PrintWriter;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dbshift backfill}: a dry run before a backfill, and an operator's hold on one that runs. */
@Command(
        name = "backfill",
        description = "Dry-run a backfill, or pause, resume, cancel or re-rate a running one.",
        subcommands = {
            Backfill.DryRun.class,
            Backfill.Pause.class,
            Backfill.Resume.class,
            Backfill.Cancel.class,
            Backfill.Rate.class
        },
        footer = {
            "",
            "Examples:",
            "  dbshift backfill dry-run --target staging --table users \\",
            "      --set \"avatar_url = 'https://www.gravatar.com/avatar/' || md5(lower(trim(email)))\" \\",
            "      --where \"avatar_url IS NULL\"",
            "  dbshift backfill pause 3f2c...",
            "  dbshift backfill rate 3f2c... --batch-size 500 --pause-millis 50",
            "  dbshift backfill resume 3f2c...",
            "",
            "pause, resume, cancel and rate are published on dbshift.backfill.control: every executor hears them",
            "and the one running the migration's backfill acts between two batches (its cursor makes that safe).",
            "dbshift watch <id> shows the backfill's state. A cancelled backfill resumes where it stopped when its",
            "step runs again."
        })
final class Backfill extends DbShift.Verb {
    @Override
    public Integer call() {
        spec.commandLine().usage(out());
        return ExitCode.INVALID;
    }

    @Command(
            name = "dry-run",
            description = {
                "Count the rows a backfill would update on a target and show the first few before and after,",
                "changing nothing (the sample's UPDATE is rolled back). Run it once the migration's schema change",
                "is applied on the target, staging usually: the backfill's columns must exist."
            })
    static final class DryRun implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        Backfill group;

        @Option(names = "--target", required = true, description = "A target registered with the executor.")
        String target;

        @Option(names = "--table", required = true)
        String table;

        @Option(names = "--key", description = "Key column(s), comma-separated (default: id).")
        String key;

        @Option(names = "--set", description = "The SQL assignment, as in UPDATE ... SET.")
        String set;

        @Option(names = "--where", description = "Which rows need it, e.g. \"avatar_url IS NULL\".")
        String where;

        @Option(names = "--transformer", description = "A Java transformer by name, instead of --set.")
        String transformer;

        @Option(names = "--columns", split = ",", description = "Columns the transformer reads.")
        List<String> columns;

        @Option(names = "--sample", description = "Rows to show (default 5, at most 100).")
        Integer sample;

        @Option(
                names = "--executor",
                description = "The executor's URL (else DBSHIFT_EXECUTOR_URL, else the local stack).")
        String executor;

        @Override
        public Integer call() {
            ObjectNode backfill = Json.MAPPER.createObjectNode();
            backfill.put("table", table);
            backfill.put("key", key);
            backfill.put("set", set);
            backfill.put("where", where);
            backfill.put("transformer", transformer);
            if (columns != null) {
                backfill.set("columns", Json.MAPPER.valueToTree(columns));
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("target", target);
            body.set("backfill", backfill);
            if (sample != null) {
                body.put("sample", sample);
            }
            String url = Settings.executorUrl(executor);
            ServiceClient.Reply reply = new ServiceClient(
                            url,
                            "the executor",
                            "Start the system with ./dbshift demo --keep-running, or give its URL with --executor or"
                                    + " DBSHIFT_EXECUTOR_URL.")
                    .post("/backfills/dry-run", Json.write(body), null);
            JsonNode json = reply.json();
            if (reply.status() == 400) {
                StringBuilder message = new StringBuilder(json.path("error").asText("the spec was refused"));
                json.path("fields")
                        .forEach(f -> message.append("\n  ")
                                .append(f.path("field").asText().replaceFirst("^backfill\\.", "--"))
                                .append(": ")
                                .append(f.path("message").asText()));
                throw new CliException(ExitCode.INVALID, message.toString());
            }
            if (reply.status() == 404) {
                throw new CliException(ExitCode.NOT_FOUND, json.path("error").asText());
            }
            if (reply.status() != 200) {
                throw new CliException(
                        ExitCode.MIGRATION_FAILED, json.path("error").asText(reply.body()));
            }
            PrintWriter out = group.out();
            if (group.root.json) {
                out.println(Json.write(json));
                return ExitCode.OK;
            }
            out.println(json.path("rowsToUpdate").asLong() + " rows of " + table + " on " + target
                    + (json.path("estimated").asBoolean() ? " (the planner's estimate: the count timed out)" : "")
                    + " would be updated. The first " + json.path("samples").size() + ", before -> after:");
            for (JsonNode s : json.path("samples")) {
                out.println("  " + flat(s.path("key")));
                s.path("before")
                        .fieldNames()
                        .forEachRemaining(c ->
                                out.println("    " + c + ": " + s.path("before").path(c) + " -> "
                                        + s.path("after").path(c)));
                if (s.path("before").isEmpty()) {
                    out.println("    (unchanged)");
                }
            }
            out.println("Nothing was changed.");
            return ExitCode.OK;
        }

        private static String flat(JsonNode key) {
            StringBuilder b = new StringBuilder();
            key.fieldNames()
                    .forEachRemaining(k -> b.append(b.length() == 0 ? "" : ", ")
                            .append(k)
                            .append(" = ")
                            .append(key.path(k).asText()));
            return b.toString();
        }
    }

    /** The four actions on a running backfill: a message on the control topic. */
    abstract static class Control implements java.util.concurrent.Callable<Integer> {
        @CommandLine.ParentCommand
        Backfill group;

        @Parameters(paramLabel = "MIGRATION-ID", description = "The migration whose backfill runs.")
        String migrationId;

        @Option(names = "--by", description = "Who asks, for the record (default: the user name).")
        String by = System.getProperty("user.name");

        @Option(names = "--bootstrap", description = "Kafka bootstrap servers.")
        String bootstrap;

        abstract String action();

        Integer batchSize() {
            return null;
        }

        Integer pauseMillis() {
            return null;
        }

        @Override
        public Integer call() {
            ControlBackfill control = new ControlBackfill(migrationId, action(), batchSize(), pauseMillis(), by);
            String kafka = Settings.kafkaBootstrap(bootstrap);
            try (KafkaProducer<String, String> producer = Settings.producer(kafka)) {
                RecordMetadata sent = producer.send(new ProducerRecord<>(
                                Topics.BACKFILL_CONTROL,
                                migrationId,
                                CloudEvent.of("/dbshift/cli", control).toJson()))
                        .get();
                group.out()
                        .println(action() + " sent for the backfill of migration " + migrationId + " on " + sent.topic()
                                + " (offset " + sent.offset() + "); the executor running it acts between two batches."
                                + " dbshift watch " + migrationId + " shows its state.");
                return ExitCode.OK;
            } catch (Exception e) {
                throw new CliException(
                        ExitCode.UNREACHABLE,
                        "could not publish to Kafka at " + kafka + ": " + e.getMessage()
                                + ". Give the broker with --bootstrap or DBSHIFT_KAFKA_BOOTSTRAP.");
            }
        }
    }

    @Command(name = "pause", description = "Hold a running backfill after its current batch.")
    static final class Pause extends Control {
        @Override
        String action() {
            return "pause";
        }
    }

    @Command(name = "resume", description = "Let a paused backfill go on.")
    static final class Resume extends Control {
        @Override
        String action() {
            return "resume";
        }
    }

    @Command(
            name = "cancel",
            description = "Stop a running backfill after its current batch; its step fails, its cursor is kept.")
    static final class Cancel extends Control {
        @Override
        String action() {
            return "cancel";
        }
    }

    @Command(name = "rate", description = "Fix a running backfill's batch size and/or its pause between batches.")
    static final class Rate extends Control {
        @Option(names = "--batch-size", description = "Rows per batch from now on (1 to 100000).")
        Integer batchSize;

        @Option(names = "--pause-millis", description = "Pause after each batch from now on (0 to 60000).")
        Integer pauseMillis;

        @Override
        String action() {
            return "rate";
        }

        @Override
        Integer batchSize() {
            return batchSize;
        }

        @Override
        Integer pauseMillis() {
            return pauseMillis;
        }

        @Override
        public Integer call() {
            if ((batchSize == null && pauseMillis == null)
                    || (batchSize != null && (batchSize < 1 || batchSize > 100_000))
                    || (pauseMillis != null && (pauseMillis < 0 || pauseMillis > 60_000))) {
                throw new CliException(
                        ExitCode.INVALID, "give --batch-size (1 to 100000) and/or --pause-millis (0 to 60000)");
            }
            return super.call();
        }
    }
}
