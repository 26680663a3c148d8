package io.dbshift.analysis.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The squawk migration linter, run as a peer to compare the analysis with: it judges SQL text alone, by rules, where
 * the analysis replays statements on a database. Installed (pinned) by {@code scripts/ensure-squawk.sh}; runs offline.
 */
public final class Squawk {
    /** The PostgreSQL the corpus was measured on: squawk's version-dependent rules should judge for the same one. */
    private static final String PG_VERSION = "15";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Optional<Path> located;

    private final Path executable;

    public Squawk(Path executable) {
        this.executable = executable;
    }

    /**
     * The squawk executable, installed by {@code scripts/ensure-squawk.sh} on first use; empty when it cannot be had
     * (no npm, no registry), so that tests needing it can be skipped rather than fail.
     */
    public static synchronized Optional<Path> locate() {
        if (located == null) {
            located = install();
        }
        return located;
    }

    private static Optional<Path> install() {
        Optional<Path> script = findUpwards(Path.of("scripts", "ensure-squawk.sh"));
        if (script.isEmpty()) {
            return Optional.empty();
        }
        try {
            // The script is quiet when squawk is there; when it is not, its stderr says why, next to the skipped test.
            Process p = new ProcessBuilder("bash", script.get().toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
                p.destroyForcibly();
                return Optional.empty();
            }
            Path executable = Path.of(out.lines().reduce((first, last) -> last).orElseThrow());
            return Files.isExecutable(executable) ? Optional.of(executable) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Tests run in the module's directory; the script is at the repository's root. */
    private static Optional<Path> findUpwards(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return Optional.of(dir.resolve(relative));
            }
        }
        return Optional.empty();
    }

    /** The names of the rules squawk reports for one statement or script, in the order it reports them. */
    public List<String> rules(String sql) {
        return rules(Map.of("statement", sql)).get("statement");
    }

    /**
     * The rules squawk reports for each of several scripts, linted by one squawk process (one start-up instead of one
     * per script). Keys must be usable as file names.
     */
    public Map<String, List<String>> rules(Map<String, String> sqlByName) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("squawk-");
            Map<String, List<String>> rules = new LinkedHashMap<>();
            List<String> command =
                    new ArrayList<>(List.of(executable.toString(), "--reporter", "json", "--pg-version", PG_VERSION));
            for (Map.Entry<String, String> e : sqlByName.entrySet()) {
                Path file = dir.resolve(e.getKey() + ".sql");
                Files.writeString(file, e.getValue().strip() + ";\n");
                command.add(file.toString());
                rules.put(file.toString(), new ArrayList<>());
            }
            for (JsonNode violation : run(command, dir)) {
                List<String> forFile = rules.get(violation.path("file").asText());
                if (forFile == null) {
                    throw new IllegalStateException("squawk reported a file it was not given: " + violation);
                }
                forFile.add(violation.path("rule_name").asText());
            }
            Map<String, List<String>> byName = new LinkedHashMap<>();
            for (String name : sqlByName.keySet()) {
                byName.put(
                        name, List.copyOf(rules.get(dir.resolve(name + ".sql").toString())));
            }
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException("could not run squawk (" + executable + "): " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static JsonNode run(List<String> command, Path dir) throws IOException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(1, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("squawk did not finish within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while squawk ran", e);
        }
        // Squawk exits 1 when it found violations; anything else, or output that is not its JSON, is a failure.
        String stdout = new String(out, StandardCharsets.UTF_8).strip();
        if ((p.exitValue() == 0 || p.exitValue() == 1) && stdout.startsWith("[")) {
            return JSON.readTree(stdout);
        }
        throw new IllegalStateException("squawk exited " + p.exitValue() + ": " + stdout + " "
                + Files.readString(dir.resolve("stderr.txt")).strip());
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
