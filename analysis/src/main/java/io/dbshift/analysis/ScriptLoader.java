package io.dbshift.analysis;

import io.dbshift.analysis.replay.AnalysisException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads migrations the way their tools lay them out, in the order the tools apply them: Flyway ({@code V<n>__name.sql},
 * by version), up/down folders ({@code <version>_<name>/up.sql}, as Diesel and golang-migrate write them; Diesel's
 * {@code run_in_transaction = false} honoured), Prisma ({@code <timestamp>_<name>/migration.sql}) and plain SQL files
 * in the order given.
 */
public final class ScriptLoader {
    private static final Pattern FLYWAY = Pattern.compile("V([0-9][0-9._]*)__(.+)\\.sql");
    private static final Pattern UNDO = Pattern.compile("U([0-9][0-9._]*)__(.+)\\.sql");
    private static final Pattern NO_TRANSACTION = Pattern.compile("(?m)^\\s*run_in_transaction\\s*=\\s*false\\s*$");

    private ScriptLoader() {}

    public static List<Script> load(List<Path> paths) {
        List<Script> scripts = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new AnalysisException(path + " does not exist");
            }
            scripts.addAll(
                    Files.isDirectory(path)
                            ? folder(path)
                            : List.of(file(path, path.getFileName().toString())));
        }
        return scripts;
    }

    /**
     * The migrations with the scripts that take them back: {@code down.sql} beside {@code up.sql} (Diesel,
     * golang-migrate) or beside Prisma's {@code migration.sql}, Flyway's {@code U<version>__*.sql} undo beside its
     * {@code V<version>__*.sql}. A migration without one has a null down. A down script runs like its up: in one
     * transaction unless the folder's metadata.toml says otherwise.
     */
    public static List<io.dbshift.analysis.rehearse.Reversible> reversible(List<Path> paths) {
        List<io.dbshift.analysis.rehearse.Reversible> pairs = new ArrayList<>();
        for (Path path : paths) {
            Path root = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
            for (Script up : load(List.of(path))) {
                pairs.add(new io.dbshift.analysis.rehearse.Reversible(up, downOf(root, up)));
            }
        }
        return pairs;
    }

    private static Script downOf(Path root, Script up) {
        Path upFile = root.resolve(up.name());
        String file = upFile.getFileName().toString();
        Path down = null;
        if (file.equals("up.sql") || file.equals("migration.sql")) {
            down = upFile.resolveSibling("down.sql");
        } else if (up.runner() == Script.Runner.FLYWAY) {
            try (Stream<Path> siblings = Files.list(upFile.getParent())) {
                down = siblings.filter(f -> {
                            Matcher m = UNDO.matcher(f.getFileName().toString());
                            return m.matches() && compareVersions(m.group(1), up.version()) == 0;
                        })
                        .findFirst()
                        .orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (down == null || !Files.isRegularFile(down)) {
            return null;
        }
        return new Script(up.version(), root.relativize(down).toString(), read(down), up.transactional(), up.runner());
    }

    private static List<Script> folder(Path folder) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> flyway = files.stream()
                .filter(f -> FLYWAY.matcher(f.getFileName().toString()).matches())
                .sorted(Comparator.comparing(ScriptLoader::flywayVersion, ScriptLoader::compareVersions))
                .toList();
        if (!flyway.isEmpty()) {
            return flyway.stream()
                    .map(f -> file(f, folder.relativize(f).toString()))
                    .toList();
        }
        List<Path> ups = files.stream()
                .filter(f -> f.getFileName().toString().equals("up.sql")
                        || f.getFileName().toString().equals("migration.sql"))
                .sorted(Comparator.comparing(
                        f -> dieselOrder(f.getParent().getFileName().toString())))
                .toList();
        if (!ups.isEmpty()) {
            return ups.stream().map(f -> upFolder(folder, f)).toList();
        }
        return files.stream()
                .filter(f -> f.getFileName().toString().endsWith(".sql"))
                .sorted()
                .map(f -> file(f, folder.relativize(f).toString()))
                .toList();
    }

    private static Script upFolder(Path root, Path up) {
        String dir = up.getParent().getFileName().toString();
        int underscore = dir.indexOf('_');
        String version = underscore > 0 ? dir.substring(0, underscore) : dir;
        Path metadata = up.resolveSibling("metadata.toml");
        boolean transactional = !(Files.exists(metadata)
                && NO_TRANSACTION.matcher(read(metadata)).find());
        Script.Runner runner =
                up.getFileName().toString().equals("up.sql") ? Script.Runner.DIESEL : Script.Runner.OTHER;
        return new Script(version, root.relativize(up).toString(), read(up), transactional, runner);
    }

    private static Script file(Path file, String name) {
        Matcher m = FLYWAY.matcher(file.getFileName().toString());
        String version = m.matches() ? m.group(1) : file.getFileName().toString();
        return new Script(version, name, read(file), true, m.matches() ? Script.Runner.FLYWAY : Script.Runner.OTHER);
    }

    /** Diesel's order: the folder's prefix before the first '_' with '-' removed, compared as a string. */
    private static String dieselOrder(String dir) {
        int underscore = dir.indexOf('_');
        return (underscore > 0 ? dir.substring(0, underscore) : dir).replace("-", "") + "/" + dir;
    }

    private static String flywayVersion(Path f) {
        Matcher m = FLYWAY.matcher(f.getFileName().toString());
        return m.matches() ? m.group(1) : "";
    }

    /** Flyway compares versions part by part, numerically: 1.10 after 1.9, 2 equal to 2.0. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[._]");
        String[] y = b.split("[._]");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            java.math.BigInteger p =
                    i < x.length && !x[i].isEmpty() ? new java.math.BigInteger(x[i]) : java.math.BigInteger.ZERO;
            java.math.BigInteger q =
                    i < y.length && !y[i].isEmpty() ? new java.math.BigInteger(y[i]) : java.math.BigInteger.ZERO;
            int c = p.compareTo(q);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AnalysisException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
