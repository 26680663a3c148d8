package io.dbshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbshift.contracts.CloudEvent;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.Topics;
import io.dbshift.contracts.event.BackfillProgressed;
import io.dbshift.contracts.event.CheckpointReached;
import io.dbshift.contracts.event.MigrationCompleted;
import io.dbshift.contracts.event.MigrationFailed;
import io.dbshift.contracts.event.MigrationPhaseChanged;
import io.dbshift.contracts.event.MigrationPlanned;
import io.dbshift.contracts.event.StepCompleted;
import io.dbshift.contracts.event.StepStarted;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dbshift}: the operator's command line. */
@Command(
        name = "dbshift",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        version = "dbshift 0.1.0",
        description = "Submit database migrations and follow them through design, plan, implement and verify.",
        subcommands = {
            DbShift.Start.class,
            DbShift.ListMigrations.class,
            DbShift.Status.class,
            DbShift.Plan.class,
            DbShift.Report.class,
            DbShift.Watch.class,
            DbShift.Rollback.class,
            DbShift.Approve.class,
            DbShift.Reject.class,
            DbShift.Next.class,
            DbShift.Checkpoint.class,
            Analyze.class,
            Schema.class,
            Rehearse.class,
            Backfill.class
        },
        footer = {
            "",
            "Examples:",
            "  dbshift start examples/add-user-avatar.json --watch",
            "  dbshift status            # the newest migration",
            "  dbshift report 3f2c... > report.md",
            "  dbshift analyze db/migration --against jdbc:postgresql://localhost:5432/shop --fail-on unsafe",
            "  dbshift backfill pause 3f2c...",
            "  dbshift rehearse migrations/ --against jdbc:postgresql://localhost:5432/shop",
            "",
            "  dbshift approve 3f2c... --reason \"rehearsal clean, backup verified\"",
            "  dbshift checkpoint 3f2c... \"Monitoring dashboards open\"",
            "",
            "Exit codes: 0 ok, 1 migration failed or action refused, 2 invalid, 3 unreachable, 4 not found,",
            "5 timed out, 6 not signed in or not allowed, 10 unexpected.",
            "The orchestrator's URL: --url, else DBSHIFT_URL, else the running local stack, else http://127.0.0.1:8081."
        })
public final class DbShift {
    @Option(names = "--url", description = "The orchestrator's URL.", scope = CommandLine.ScopeType.INHERIT)
    String url;

    @Option(names = "--json", description = "Print JSON instead of text.", scope = CommandLine.ScopeType.INHERIT)
    boolean json;

    @Option(
            names = "--token",
            description = "Your operator token (else DBSHIFT_TOKEN); needed when the orchestrator knows its operators.",
            scope = CommandLine.ScopeType.INHERIT)
    String token;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new DbShift());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliException failure) {
                err.println("dbshift: " + failure.getMessage());
                return failure.exitCode;
            }
            err.println("dbshift: " + e);
            return ExitCode.UNEXPECTED;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("dbshift: " + e.getMessage());
            e.getCommandLine().usage(err);
            return ExitCode.INVALID;
        });
        return cli.execute(args);
    }

    /** Shared by every subcommand: the parent's options, the output, the orchestrator. */
    abstract static class Verb implements Callable<Integer> {
        @CommandLine.ParentCommand
        DbShift root;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        ServiceClient orchestrator() {
            return new ServiceClient(Settings.orchestratorUrl(root.url), Settings.token(root.token));
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        String idOrNewest(String id) {
            return id == null || id.isBlank() ? orchestrator().newestId() : id;
        }

        /** A Markdown document as it is, or with --json as {"id", "<kind>": markdown}. */
        void printDocument(String migrationId, String kind, String markdown) {
            if (root.json) {
                out().println(Json.write(java.util.Map.of("id", migrationId, kind, markdown)));
            } else {
                out().print(markdown);
            }
            out().flush();
        }

        /** An operator action's answer: 200 with the migration, or the orchestrator's refusal as an error. */
        Integer answered(
                ServiceClient.Reply reply, String migrationId, java.util.function.Function<JsonNode, String> done) {
            if (reply.status() == 404) {
                throw new CliException(
                        ExitCode.NOT_FOUND, "no migration with id \"" + migrationId + "\"; dbshift list shows them");
            }
            if (reply.status() == 409) {
                throw new CliException(
                        ExitCode.MIGRATION_FAILED, reply.json().path("error").asText(reply.body()));
            }
            if (reply.status() == 400) {
                throw new CliException(
                        ExitCode.INVALID, reply.json().path("error").asText(reply.body()));
            }
            if (reply.status() != 200) {
                throw new CliException(
                        ExitCode.UNEXPECTED, "the orchestrator answered " + reply.status() + ": " + reply.body());
            }
            if (root.json) {
                out().println(reply.body());
            } else {
                out().println(done.apply(reply.json()));
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "start",
            description = "Submit a migration: a request (a JSON file), or migrations laid out on disk (a folder of"
                    + " Flyway files with their U undo files, Prisma folders, or up.sql/down.sql folders).",
            footer = {
                "%nExamples:",
                "  dbshift start examples/add-user-avatar.json --watch",
                "  dbshift start db/migrations --name add-avatar --unchanged users --unchanged orders"
            })
    static final class Start extends Verb {
        @Parameters(
                paramLabel = "PATH",
                description = "The request (.json), or a folder or .sql file of migrations to build one from.")
        Path file;

        @Option(names = "--name", description = "For migrations on disk: the migration's name (default: the folder's).")
        String name;

        @Option(
                names = "--target",
                description = "For migrations on disk: the production target (default: production).")
        String target = "production";

        @Option(names = "--staging", description = "For migrations on disk: the staging target (default: staging).")
        String staging = "staging";

        @Option(
                names = "--unchanged",
                paramLabel = "TABLE",
                description = "For migrations on disk: a table whose row count must not change (repeatable).")
        List<String> unchanged = new java.util.ArrayList<>();

        @Option(
                names = "--checks",
                paramLabel = "FILE",
                description = "For migrations on disk: a JSON array of integrity checks, as in a request.")
        Path checks;

        @Option(
                names = "--via",
                description = "rest (default) or kafka: publish on dbshift.requests as an operator's producer would.")
        String via = "rest";

        @Option(names = "--idempotency-key", description = "Makes a repeated submission return the same migration.")
        String key;

        @Option(names = "--bootstrap", description = "Kafka bootstrap servers, for --via kafka.")
        String bootstrap;

        @Option(names = "--watch", description = "Follow the migration until it ends (REST only).")
        boolean watch;

        @Override
        public Integer call() {
            String request;
            if (!Files.exists(file)) {
                throw new CliException(ExitCode.INVALID, file + " does not exist");
            } else if (Files.isDirectory(file) || file.getFileName().toString().endsWith(".sql")) {
                request = Json.write(FolderRequest.build(
                        file, name, target, staging, System.getProperty("user.name"), unchanged, checks));
            } else {
                try {
                    request = Files.readString(file);
                } catch (IOException e) {
                    throw new CliException(ExitCode.INVALID, "cannot read " + file + ": " + e.getMessage());
                }
            }
            if (via.equals("kafka")) {
                return publish(request);
            }
            if (!via.equals("rest")) {
                throw new CliException(ExitCode.INVALID, "--via must be rest or kafka, not \"" + via + "\"");
            }
            ServiceClient.Reply reply = orchestrator().post("/migrations", request, key);
            if (reply.status() == 400 || reply.status() == 409) {
                JsonNode body = reply.json();
                StringBuilder message = new StringBuilder(body.path("error").asText("the request was refused"));
                body.path("fields")
                        .forEach(f -> message.append("\n  ")
                                .append(f.path("field").asText())
                                .append(": ")
                                .append(f.path("message").asText()));
                throw new CliException(ExitCode.INVALID, message.toString());
            }
            if (reply.status() == 413) {
                throw new CliException(ExitCode.INVALID, file + " is larger than the orchestrator accepts (256 KB)");
            }
            if (reply.status() != 202) {
                throw new CliException(
                        ExitCode.UNEXPECTED, "the orchestrator answered " + reply.status() + ": " + reply.body());
            }
            JsonNode migration = reply.json();
            String id = migration.get("id").asText();
            if (root.json) {
                out().println(Json.write(migration));
            } else {
                out().println("migration " + id + " submitted ("
                        + migration.path("name").asText() + ", phase "
                        + migration.path("phase").asText() + "); follow it with: dbshift watch " + id);
            }
            return watch ? new Watch().follow(this, id, Duration.ofMinutes(30), bootstrap) : ExitCode.OK;
        }

        private Integer publish(String request) {
            String eventId = key != null ? key : UUID.randomUUID().toString();
            // A CloudEvent around the request: its id makes a re-published request a no-op.
            String value = "{\"specversion\":\"1.0\",\"id\":" + Json.write(eventId)
                    + ",\"source\":\"/dbshift/cli\",\"type\":\"io.dbshift.MigrationRequest\",\"datacontenttype\":\"application/json\",\"data\":"
                    + request + "}";
            try (KafkaProducer<String, String> producer = Settings.producer(Settings.kafkaBootstrap(bootstrap))) {
                RecordMetadata sent = producer.send(new ProducerRecord<>(Topics.REQUESTS, eventId, value))
                        .get();
                out().println("request " + eventId + " published on " + sent.topic() + " (partition " + sent.partition()
                        + ", offset " + sent.offset() + "); dbshift list shows the migration it starts");
                return ExitCode.OK;
            } catch (Exception e) {
                throw new CliException(
                        ExitCode.UNREACHABLE,
                        "could not publish to Kafka at "
                                + Settings.kafkaBootstrap(bootstrap) + ": " + e.getMessage()
                                + ". Give the broker with --bootstrap or DBSHIFT_KAFKA_BOOTSTRAP.");
            }
        }
    }

    @Command(name = "list", description = "List migrations, newest first.")
    static final class ListMigrations extends Verb {
        @Override
        public Integer call() {
            ServiceClient.Reply reply = orchestrator().get("/migrations");
            JsonNode migrations = reply.json();
            if (root.json) {
                out().println(Json.write(migrations));
                return ExitCode.OK;
            }
            out().printf("%-36s  %-24s  %-10s  %-6s  %s%n", "ID", "NAME", "PHASE", "RISK", "CREATED");
            for (JsonNode m : migrations) {
                out().printf(
                                "%-36s  %-24s  %-10s  %-6s  %s%n",
                                m.path("id").asText(),
                                clip(m.path("name").asText(), 24),
                                m.path("phase").asText(),
                                m.path("risk").asText("-"),
                                m.path("createdAt").asText());
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "status",
            description =
                    "Phase, step, risk, checkpoints with their evidence, and steps of a migration (default: the newest).")
    static final class Status extends Verb {
        @Parameters(paramLabel = "ID", arity = "0..1")
        String id;

        @Override
        public Integer call() {
            String migrationId = idOrNewest(id);
            JsonNode m = orchestrator().migration(migrationId, "").json();
            if (root.json) {
                out().println(Json.write(m));
                return ExitCode.OK;
            }
            PrintWriter out = out();
            out.printf("%s  %s%n", m.path("name").asText(), m.path("id").asText());
            out.printf(
                    "  phase   %s%s%n",
                    m.path("phase").asText(),
                    m.path("step").isNull() ? "" : " (step " + m.path("step").asText() + ")");
            out.printf(
                    "  target  %s, rehearsed on %s%n",
                    m.path("target").asText(), m.path("staging").asText());
            out.printf("  risk    %s%n", m.path("risk").asText("not assessed yet"));
            JsonNode waiting = m.path("waitingFor");
            if (!waiting.isMissingNode() && !waiting.isNull()) {
                out.printf(
                        "  waiting %s before %s: %s%n",
                        waiting.path("what").asText().toLowerCase(java.util.Locale.ROOT),
                        waiting.path("step").asText(),
                        waiting.path("reason").asText());
            }
            for (JsonNode approval : m.path("approvals")) {
                out.printf(
                        "  approved by %s at %s: %s%n",
                        approval.path("by").asText(),
                        approval.path("at").asText(),
                        approval.path("reason").asText());
            }
            JsonNode evidence = m.path("evidence");
            out.println("  checkpoints");
            java.util.Set<String> checkpoints = new java.util.LinkedHashSet<>(List.of(
                    "Migration rehearsed",
                    "Data integrity checks passing",
                    "Backup verified",
                    "Rollback tested",
                    "Team notified"));
            evidence.path("checkpoints").fieldNames().forEachRemaining(checkpoints::add);
            for (String checkpoint : checkpoints) {
                JsonNode c = evidence.path("checkpoints").path(checkpoint);
                out.printf(
                        "    [%s] %s%s%n",
                        c.isMissingNode() ? " " : "x",
                        checkpoint,
                        c.isMissingNode()
                                ? ""
                                : "  (" + c.path("reachedAt").asText() + ", " + proof(c.path("evidence")) + ")");
            }
            out.println("  steps");
            for (JsonNode s : evidence.path("steps")) {
                out.printf(
                        "    %-20s %-10s %-9s %s%n",
                        s.path("stepId").asText(),
                        s.path("target").asText(),
                        s.path("status").asText(),
                        s.path("summary").asText(""));
            }
            if (!m.path("failure").isNull() && !m.path("failure").isMissingNode()) {
                out.printf("  failure%n    %s%n", m.path("failure").asText().replace("\n", "\n    "));
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "plan", description = "The plan document (Markdown) of a migration (default: the newest).")
    static final class Plan extends Verb {
        @Parameters(paramLabel = "ID", arity = "0..1")
        String id;

        @Override
        public Integer call() {
            String migrationId = idOrNewest(id);
            ServiceClient.Reply reply = orchestrator().get("/migrations/" + migrationId + "/plan");
            if (reply.status() == 409) {
                throw new CliException(ExitCode.NOT_FOUND, reply.body().strip());
            }
            if (reply.status() == 404) {
                throw new CliException(
                        ExitCode.NOT_FOUND, "no migration with id \"" + migrationId + "\"; dbshift list shows them");
            }
            printDocument(migrationId, "plan", reply.body());
            return ExitCode.OK;
        }
    }

    @Command(name = "report", description = "The results report (Markdown) of a migration (default: the newest).")
    static final class Report extends Verb {
        @Parameters(paramLabel = "ID", arity = "0..1")
        String id;

        @Override
        public Integer call() {
            String migrationId = idOrNewest(id);
            printDocument(
                    migrationId,
                    "report",
                    orchestrator().migration(migrationId, "/report").body());
            return ExitCode.OK;
        }
    }

    /** approve, reject and next: a POST with a reason, answered with the migration. */
    abstract static class Decide extends Verb {
        // Required: approving "the newest" could approve one submitted since you last looked.
        @Parameters(paramLabel = "ID", description = "The migration.")
        String id;

        @Option(names = "--reason", required = true, description = "Why (recorded with your name).")
        String reason;

        abstract String verb();

        abstract String done(JsonNode migration);

        @Override
        public Integer call() {
            String body = Json.write(java.util.Map.of("reason", reason));
            return answer(orchestrator().post("/migrations/" + id + "/" + verb(), body, null), id);
        }

        Integer answer(ServiceClient.Reply reply, String migrationId) {
            return answered(reply, migrationId, this::done);
        }
    }

    @Command(
            name = "approve",
            description = "Approve a migration before production (approver role; never your own).",
            footer = {"%nExample:", "  dbshift approve 3f2c... --reason \"rehearsal clean, backup verified\""})
    static final class Approve extends Decide {
        @Override
        String verb() {
            return "approve";
        }

        @Override
        String done(JsonNode m) {
            return "approved " + m.path("name").asText() + " ("
                    + m.path("approvals").size() + " approval(s)); "
                    + (m.path("waitingFor").isNull()
                            ? "production goes on"
                            : "still waiting: "
                                    + m.path("waitingFor").path("reason").asText());
        }
    }

    @Command(
            name = "reject",
            description = "Reject a migration: it fails before production is touched (approver role).",
            footer = {"%nExample:", "  dbshift reject 3f2c... --reason \"not during the sale\""})
    static final class Reject extends Decide {
        @Override
        String verb() {
            return "reject";
        }

        @Override
        String done(JsonNode m) {
            return "rejected " + m.path("name").asText() + ": "
                    + m.path("failure").asText();
        }
    }

    @Command(
            name = "next",
            description = "Go on with a migration that waits for an operator: in manual mode, before each phase and"
                    + " before production; after its window closed; or before production's contract, once the"
                    + " application runs on the new shape everywhere (as its deploy's ApplicationSwitched would).",
            footer = {"%nExample:", "  dbshift next 3f2c... --reason \"the change is small; we stay on call\""})
    static final class Next extends Decide {
        @Override
        String verb() {
            return "next";
        }

        @Override
        String done(JsonNode m) {
            return m.path("name").asText() + " goes on (step " + m.path("step").asText() + ")";
        }
    }

    @Command(
            name = "checkpoint",
            description = "Mark a checkpoint a person vouches for. The evidence-backed ones (Backup verified, Migration"
                    + " rehearsed, Rollback tested, Data integrity checks passing, Team notified) flip only on what"
                    + " the system collects, and are refused.",
            footer = {"%nExample:", "  dbshift checkpoint 3f2c... \"Monitoring dashboards open\" --note \"grafana 12\""
            })
    static final class Checkpoint extends Verb {
        @Parameters(index = "0", paramLabel = "ID", description = "The migration.")
        String id;

        @Parameters(index = "1", paramLabel = "CHECKPOINT", description = "The checkpoint's name.")
        String checkpoint;

        @Option(names = "--note", description = "What backs it (recorded).")
        String note;

        @Override
        public Integer call() {
            java.util.Map<String, String> body = new java.util.LinkedHashMap<>();
            body.put("name", checkpoint);
            if (note != null) {
                body.put("note", note);
            }
            return answered(
                    orchestrator().post("/migrations/" + id + "/checkpoints", Json.write(body), null),
                    id,
                    m -> "marked \"" + checkpoint + "\" on " + m.path("name").asText());
        }
    }

    @Command(
            name = "rollback",
            description = "Roll production back after a migration ended, or while it waits for the application's switch"
                    + " to a new shape: by the down scripts staging proved (an expand/contract change: by dropping"
                    + " the new shape), else, with --accept-data-loss, from its verified backup (restored in"
                    + " maintenance mode into a new database that takes production's name).",
            footer = {"%nExample:", "  dbshift rollback 3f2c... --reason \"checkout errors since 14:02\""})
    static final class Rollback extends Verb {
        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason", required = true, description = "Why production is rolled back (recorded).")
        String reason;

        @Option(names = "--by", description = "Who asks (default: the user running the command).")
        String by = System.getProperty("user.name");

        @Option(
                names = "--accept-data-loss",
                description = "When only restoring the backup can roll production back, do it, losing every write"
                        + " made since the backup was taken.")
        boolean acceptDataLoss;

        @Override
        public Integer call() {
            String body =
                    Json.write(java.util.Map.of("requestedBy", by, "reason", reason, "acceptDataLoss", acceptDataLoss));
            ServiceClient.Reply reply = orchestrator().post("/migrations/" + id + "/rollback", body, null);
            if (reply.status() == 404) {
                throw new CliException(ExitCode.INVALID, "no migration " + id + "; dbshift list shows them");
            }
            if (reply.status() == 409 || reply.status() == 400) {
                throw new CliException(
                        ExitCode.MIGRATION_FAILED, reply.json().path("error").asText(reply.body()));
            }
            if (reply.status() != 202) {
                throw new CliException(
                        ExitCode.UNEXPECTED, "the orchestrator answered " + reply.status() + ": " + reply.body());
            }
            if (root.json) {
                out().println(reply.body());
            } else {
                out().println("rollback of migration " + id + " started (phase "
                        + reply.json().path("phase").asText() + "); follow it with: dbshift status " + id);
            }
            return ExitCode.OK;
        }
    }

    @Command(
            name = "watch",
            description = "Follow a migration live from its events until it ends (default: the newest).")
    static final class Watch extends Verb {
        @Parameters(paramLabel = "ID", arity = "0..1")
        String id;

        @Option(names = "--timeout", description = "Give up after this long, e.g. 10m or 90s (default 30m).")
        String timeout = "30m";

        @Option(names = "--bootstrap", description = "Kafka bootstrap servers.")
        String bootstrap;

        @Override
        public Integer call() {
            return follow(this, idOrNewest(id), parse(timeout), bootstrap);
        }

        /** Prints the migration's events from the beginning; the exit code says how it ended. */
        int follow(Verb verb, String migrationId, Duration limit, String kafka) {
            JsonNode migration = verb.orchestrator().migration(migrationId, "").json(); // fails early on an unknown id
            // An operator asked for a rollback after it ended: its first ending is not the end of it.
            boolean rolledBackLater = !migration
                            .path("evidence")
                            .path("rollbackRequest")
                            .isMissingNode()
                    && !migration.path("evidence").path("rollbackRequest").isNull();
            boolean rollingBack = false;
            PrintWriter out = verb.out();
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Settings.kafkaBootstrap(kafka));
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "dbshift-cli-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            long deadline = System.nanoTime() + limit.toNanos();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                consumer.subscribe(List.of(Topics.EVENTS));
                while (System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                        if (!migrationId.equals(record.key())) {
                            continue;
                        }
                        CloudEvent event;
                        try {
                            event = CloudEvent.parse(record.value());
                        } catch (RuntimeException e) {
                            continue;
                        }
                        if (verb.root.json) {
                            out.println(record.value());
                        } else {
                            out.println(describe(event));
                        }
                        if (event.payload() instanceof MigrationPhaseChanged p) {
                            rollingBack |= p.to() == io.dbshift.contracts.Phase.ROLLING_BACK;
                            if (p.to() == io.dbshift.contracts.Phase.ROLLED_BACK) {
                                return ExitCode.OK;
                            }
                        }
                        if (rolledBackLater && !rollingBack) {
                            continue;
                        }
                        if (event.payload() instanceof MigrationCompleted) {
                            return ExitCode.OK;
                        }
                        if (event.payload() instanceof MigrationFailed) {
                            return ExitCode.MIGRATION_FAILED;
                        }
                    }
                }
            } catch (org.apache.kafka.common.KafkaException e) {
                throw new CliException(
                        ExitCode.UNREACHABLE,
                        "cannot read events from Kafka at " + Settings.kafkaBootstrap(kafka) + ": " + e.getMessage()
                                + ". Give the broker with --bootstrap or DBSHIFT_KAFKA_BOOTSTRAP.");
            }
            throw new CliException(
                    ExitCode.TIMED_OUT,
                    "migration " + migrationId + " did not end within " + limit.toSeconds() + " s; dbshift status "
                            + migrationId + " shows where it is");
        }

        static String describe(CloudEvent event) {
            String time = event.time() == null ? "" : event.time().toString().substring(11, 19) + "  ";
            Object p = event.payload();
            if (p instanceof MigrationPhaseChanged c) {
                return time + "phase " + (c.from() == null ? "new" : c.from()) + " -> " + c.to() + "  (" + c.reason()
                        + ")";
            } else if (p instanceof StepStarted s) {
                return time + "  step " + s.stepId() + " started on " + s.target();
            } else if (p instanceof StepCompleted s) {
                return time + "  step " + s.stepId() + " done: " + s.summary();
            } else if (p instanceof MigrationPlanned pl) {
                return time + "  plan published, risk " + pl.riskLevel() + " (dbshift plan " + pl.migrationId() + ")";
            } else if (p instanceof CheckpointReached c) {
                return time + "  checkpoint \"" + c.checkpoint() + "\" reached";
            } else if (p instanceof BackfillProgressed b) {
                return time + "  " + bar(b.rowsDone(), b.rowsEstimated()) + " " + b.table() + " on " + b.target() + ": "
                        + b.rowsDone() + "/" + b.rowsEstimated() + " rows, " + b.rowsPerSecond() + " rows/s"
                        + (b.etaSeconds() == null ? "" : ", ETA " + b.etaSeconds() + " s");
            } else if (p instanceof io.dbshift.contracts.event.MaintenanceModeChanged m) {
                return time + "  maintenance mode " + (m.on() ? "ON" : "off") + " for " + m.target() + " (" + m.reason()
                        + ")";
            } else if (p instanceof io.dbshift.contracts.event.MigrationRolledBack r) {
                return time + "  " + r.target() + " rolled back by " + r.method()
                        + (r.verified() ? ", verified" : ", NOT verified: " + String.join("; ", r.differences()));
            } else if (p instanceof io.dbshift.contracts.event.MigrationHeld h) {
                return time + "  waiting for " + h.waitingFor().toLowerCase(java.util.Locale.ROOT) + " before "
                        + h.stepId() + ": " + h.reason();
            } else if (p instanceof io.dbshift.contracts.event.SchemaStageReached r) {
                return time + "  " + r.target() + ": " + r.stage().name().toLowerCase(java.util.Locale.ROOT) + " ("
                        + String.join(
                                "; ",
                                r.changes().stream().map(c -> c.operation()).toList()) + "): "
                        + r.whatToDo();
            } else if (p instanceof io.dbshift.contracts.event.OperatorDecision d) {
                return time + "  " + d.action() + " by " + d.by()
                        + (d.detail() == null ? "" : " (\"" + d.detail() + "\")")
                        + (d.reason() == null ? "" : ": " + d.reason());
            } else if (p instanceof MigrationCompleted c) {
                return time + "COMPLETED in " + c.durationMs() / 1000.0 + " s";
            } else if (p instanceof MigrationFailed f) {
                return time + "FAILED at " + f.stepId() + ": " + f.reason();
            }
            return time + event.type().substring(event.type().lastIndexOf('.') + 1);
        }

        static String bar(long done, long total) {
            int width = 20;
            int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
            return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
        }
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase();
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new CliException(
                    ExitCode.INVALID, "cannot read the duration \"" + text + "\"; write e.g. 90s, 10m or 1h");
        }
    }

    /** What a checkpoint rests on, in a few words: the event that proved it. */
    static String proof(JsonNode evidence) {
        if (evidence.has("backupEventId")) {
            return "backup " + evidence.path("archive").asText() + ", sha256 "
                    + clip(evidence.path("sha256").asText(), 13) + ", event "
                    + evidence.path("backupEventId").asText();
        }
        return "checks event " + evidence.path("checksEventId").asText();
    }

    static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
