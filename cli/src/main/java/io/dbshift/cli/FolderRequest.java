package io.dbshift.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import io.dbshift.analysis.Script;
import io.dbshift.analysis.ScriptLoader;
import io.dbshift.analysis.rehearse.Reversible;
import io.dbshift.contracts.Json;
import io.dbshift.contracts.request.CheckSpec;
import io.dbshift.contracts.request.MigrationRequest;
import io.dbshift.contracts.request.MigrationScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration request built from migrations laid out on disk, as the tools lay them out: Flyway's {@code
 * V<version>__*.sql} (with {@code U<version>__*.sql} undo scripts), Prisma's {@code <timestamp>_<name>/migration.sql}
 * and Diesel's or golang-migrate's {@code <version>_<name>/up.sql} with {@code down.sql}. Each becomes a script of the
 * request with its down script; a timestamp version ({@code 2017-09-23-182408}) becomes its digits, so Flyway orders
 * the scripts as their tool does.
 */
final class FolderRequest {
    private static final Pattern FLYWAY_FILE = Pattern.compile("[VR]([0-9._]+)__(.+)\\.sql");

    private FolderRequest() {}

    static MigrationRequest build(
            Path path,
            String name,
            String target,
            String staging,
            String requestedBy,
            List<String> unchanged,
            Path checks) {
        List<Reversible> pairs = ScriptLoader.reversible(List.of(path));
        if (pairs.isEmpty()) {
            throw new CliException(
                    ExitCode.INVALID,
                    path + " holds no migration: expected Flyway files (V2__name.sql), Prisma folders"
                            + " (<timestamp>_<name>/migration.sql) or up/down folders (<version>_<name>/up.sql)");
        }
        List<MigrationScript> scripts = new ArrayList<>();
        for (Reversible pair : pairs) {
            Script up = pair.up();
            scripts.add(new MigrationScript(
                    version(up),
                    description(up),
                    up.sql(),
                    pair.down() == null ? null : pair.down().sql()));
        }
        List<CheckSpec> specs = new ArrayList<>();
        for (String table : unchanged) {
            specs.add(new CheckSpec(null, null, "unchanged", null, table));
        }
        if (checks != null) {
            try {
                specs.addAll(Json.MAPPER.readValue(Files.readString(checks), new TypeReference<List<CheckSpec>>() {}));
            } catch (IOException e) {
                throw new CliException(
                        ExitCode.INVALID,
                        "cannot read the checks in " + checks + ": " + e.getMessage()
                                + " (a JSON array of checks, as in a request's \"checks\")");
            }
        }
        if (specs.isEmpty()) {
            throw new CliException(
                    ExitCode.INVALID,
                    "a migration needs at least one integrity check: give --unchanged TABLE (its row count must not"
                            + " change) or --checks FILE (a JSON array of checks)");
        }
        String requestName = name != null
                ? name
                : path.toAbsolutePath().normalize().getFileName().toString();
        return new MigrationRequest(requestName, target, staging, null, requestedBy, scripts, List.of(), specs, null);
    }

    /** Flyway's version: as written for Flyway files; the digits of a timestamp otherwise. */
    static String version(Script up) {
        String v = up.version().replace('_', '.');
        if (v.matches("\\d+(\\.\\d+)*")) {
            return v;
        }
        String digits = v.replaceAll("\\D", "");
        if (digits.isEmpty()) {
            throw new CliException(
                    ExitCode.INVALID,
                    up.name() + " has no version dbshift can order by: name its folder <version>_<name>, e.g."
                            + " 2024-01-31-120000_add_avatar");
        }
        return digits.replaceFirst("^0+(?=\\d)", "");
    }

    /** What the script does, from its file or folder name without the version. */
    static String description(Script up) {
        Path file = Path.of(up.name());
        Matcher flyway = FLYWAY_FILE.matcher(file.getFileName().toString());
        if (flyway.matches()) {
            return flyway.group(2);
        }
        Path folder = file.getParent();
        String named = folder == null ? "" : folder.getFileName().toString().replaceFirst("^[0-9_-]+", "");
        return named.isBlank() ? "migration" : named;
    }
}
