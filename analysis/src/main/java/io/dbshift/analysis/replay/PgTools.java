package io.dbshift.analysis.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Finds PostgreSQL's client programs (pg_dump, psql) and runs them. */
public final class PgTools {
    private PgTools() {}

    /** A program of at least the server's major version: pg_dump refuses a newer server. */
    public static Path locate(String program, int serverMajor) {
        List<Path> candidates = new ArrayList<>();
        Path versions = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(versions)) {
            try (Stream<Path> dirs = Files.list(versions)) {
                dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
                        .sorted(Comparator.comparingInt((Path d) ->
                                        Integer.parseInt(d.getFileName().toString()))
                                .reversed())
                        .filter(d -> Integer.parseInt(d.getFileName().toString()) >= serverMajor)
                        .map(d -> d.resolve("bin").resolve(program))
                        .forEach(candidates::add);
            } catch (IOException e) {
                // fall through to PATH
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, program));
            }
        }
        return candidates.stream()
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AnalysisException(program + " " + serverMajor
                        + " or newer was not found: install the PostgreSQL client (apt-get install postgresql-client-"
                        + serverMajor + ") or put " + program + " on PATH"));
    }

    /** Runs a program; its standard error becomes the message when it fails. */
    public static void run(List<String> command, Map<String, String> environment, String what) {
        try {
            Path errors = Files.createTempFile("dbshift-pg", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectError(errors.toFile());
                pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
                pb.environment().putAll(environment);
                Process p = pb.start();
                if (!p.waitFor(30, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AnalysisException(what + " did not finish in 30 minutes");
                }
                if (p.exitValue() != 0) {
                    String err = Files.readString(errors).strip();
                    throw new AnalysisException(what + " failed: "
                            + Optional.of(err).filter(s -> !s.isEmpty()).orElse("exit code " + p.exitValue()));
                }
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new AnalysisException(what + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnalysisException(what + " was interrupted");
        }
    }
}
