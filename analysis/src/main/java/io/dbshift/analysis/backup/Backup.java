package io.dbshift.analysis.backup;

import io.dbshift.analysis.replay.AnalysisException;
import io.dbshift.analysis.replay.PgTools;
import io.dbshift.analysis.replay.ScratchDatabase;
import io.dbshift.analysis.replay.Server;
import io.dbshift.contracts.Identifiers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup that is known to restore: {@code pg_dump -Fc} of the whole database, taken in a snapshot whose row counts are
 * read in the same snapshot; the archive listed with {@code pg_restore --list}, its size and SHA-256 recorded; then
 * restored into a scratch database on the same server, whose row counts must equal the snapshot's, and dropped.
 */
public final class Backup {
    /** A {@code TABLE DATA schema table owner} line of {@code pg_restore --list}. */
    private static final Pattern TABLE_DATA = Pattern.compile("^\\d+; \\d+ \\d+ TABLE DATA (\\S+) (\\S+) ");

    /** The tables whose rows a backup holds: every ordinary table outside the system schemas and extensions. */
    private static final String TABLES = "SELECT n.nspname, c.relname FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
            + " AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1, 2";

    private Backup() {}

    /**
     * What was backed up and how it was proven.
     *
     * @param archive the archive, complete (a partial one never has this name)
     * @param bytes the archive's size
     * @param sha256 the archive's SHA-256, hex
     * @param entries the entries {@code pg_restore --list} shows
     * @param rowCounts rows per table ({@code schema.table}) in the backup's snapshot, equal to the restored copy's
     * @param databaseBytes the database's size on disk when it was dumped
     * @param restoredInto the scratch database the test restore went into (dropped since)
     */
    public record Verified(
            Path archive,
            long bytes,
            String sha256,
            int entries,
            Map<String, Long> rowCounts,
            long databaseBytes,
            long dumpMillis,
            long restoreMillis,
            String restoredInto,
            boolean wholeDatabase,
            List<String> tables) {

        public long rows() {
            return rowCounts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /**
     * Backs the database up into {@code archive} and proves the archive restores. Throws {@link AnalysisException},
     * naming the program and its error, when any part fails; a failed backup leaves no archive under that name.
     */
    public static Verified take(Server target, Path archive, Consumer<String> progress) {
        return take(target, archive, List.of(), progress);
    }

    /**
     * Backs up only {@code tables} (those of them that exist), for a database too large to dump whole before every
     * migration: their definitions and rows. The test restore loads their rows into a scratch copy of the target's
     * schema. Such an archive proves the rows can be had again, but it cannot put the database back by itself. With
     * no table given, the whole database.
     */
    public static Verified take(Server target, Path archive, List<String> tables, Consumer<String> progress) {
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        Map<String, Long> counts;
        List<String> scope = List.of();
        long databaseBytes;
        int major;
        long started = System.nanoTime();
        try {
            Files.createDirectories(archive.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new AnalysisException("cannot create the backup directory " + archive.getParent() + ": " + e, e);
        }
        try (Connection snapshot = connect(target);
                Statement s = snapshot.createStatement()) {
            major = snapshot.getMetaData().getDatabaseMajorVersion();
            snapshot.setAutoCommit(false);
            // pg_dump reads in this transaction's snapshot, so the rows counted here are the rows it writes.
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            String id;
            try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot(), pg_database_size(current_database())")) {
                rs.next();
                id = rs.getString(1);
                databaseBytes = rs.getLong(2);
            }
            progress.accept("counting the rows of " + target + " in the backup's snapshot");
            List<String> dump = new ArrayList<>(List.of(
                    PgTools.locate("pg_dump", major).toString(),
                    "--format=custom",
                    "--snapshot=" + id,
                    "--file=" + partial));
            if (tables.isEmpty()) {
                counts = count(snapshot);
            } else {
                scope = existing(snapshot, tables);
                counts = count(snapshot, scope);
                scope.forEach(t -> dump.add("--table=" + Identifiers.quote(t)));
                if (scope.isEmpty()) {
                    dump.add("--schema-only"); // none of them exists yet: the schema is all there is to keep
                }
            }
            progress.accept("pg_dump -Fc of " + (tables.isEmpty() ? target.toString() : scope + " of " + target) + " ("
                    + databaseBytes / (1024 * 1024) + " MB on disk) into " + archive);
            PgTools.run(dump, target.environment(), "pg_dump of " + target);
            snapshot.commit();
        } catch (SQLException e) {
            deleteQuietly(partial);
            throw new AnalysisException("cannot back up " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
        long dumpMillis = (System.nanoTime() - started) / 1_000_000;
        try {
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new AnalysisException("cannot name the backup " + archive + ": " + e, e);
        }
        return verify(
                target, archive, counts, databaseBytes, dumpMillis, major, tables.isEmpty() ? null : scope, progress);
    }

    /** The given tables that exist, as {@code schema.table}. */
    private static List<String> existing(Connection connection, List<String> tables) throws SQLException {
        List<String> found = new ArrayList<>();
        try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT n.nspname || '.' || c.relname FROM"
                + " pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(?)")) {
            for (String table : tables) {
                ps.setString(1, Identifiers.quote(table));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !found.contains(rs.getString(1))) {
                        found.add(rs.getString(1));
                    }
                }
            }
        }
        return found;
    }

    /**
     * Proves an archive: it lists, holds the data of every table counted, and restores into a scratch database on
     * {@code server}'s PostgreSQL with exactly {@code expected} rows per table.
     */
    public static Verified verify(
            Server server,
            Path archive,
            Map<String, Long> expected,
            long databaseBytes,
            long dumpMillis,
            int serverMajor,
            Consumer<String> progress) {
        return verify(server, archive, expected, databaseBytes, dumpMillis, serverMajor, null, progress);
    }

    /**
     * @param tables for an archive of some tables only: the tables, whose rows are loaded into a scratch copy of
     *     {@code server}'s schema (its foreign keys dropped and the tables' user triggers disabled there, so rows load
     *     without the rest of the data); null for a whole-database archive
     */
    static Verified verify(
            Server server,
            Path archive,
            Map<String, Long> expected,
            long databaseBytes,
            long dumpMillis,
            int serverMajor,
            List<String> tables,
            Consumer<String> progress) {
        long bytes;
        String sha256;
        try {
            bytes = Files.size(archive);
            sha256 = sha256(archive);
        } catch (IOException e) {
            throw new AnalysisException("cannot read the backup " + archive + ": " + e, e);
        }
        List<String> toc = list(archive, serverMajor);
        Set<String> withData = new TreeSet<>();
        for (String line : toc) {
            Matcher m = TABLE_DATA.matcher(line);
            if (m.find()) {
                withData.add(m.group(1) + "." + m.group(2));
            }
        }
        // A name with a space cannot be read back from the listing; the restore's counts still cover it.
        List<String> missing = expected.keySet().stream()
                .filter(t -> !t.contains(" ") && !withData.contains(t))
                .toList();
        if (!missing.isEmpty()) {
            throw new AnalysisException("the backup " + archive + " holds no data for " + String.join(", ", missing)
                    + ": pg_dump left them out; the backup cannot restore them");
        }
        progress.accept("restoring " + archive.getFileName() + " (" + bytes / 1024 + " KiB, " + toc.size()
                + " entries) into a scratch database to prove it");
        long started = System.nanoTime();
        Map<String, Long> restored;
        String scratchName;
        try (ScratchDatabase scratch = ScratchDatabase.create(server)) {
            scratchName = scratch.name();
            List<String> restore = new ArrayList<>(List.of(
                    PgTools.locate("pg_restore", serverMajor).toString(),
                    "--exit-on-error",
                    "--no-owner",
                    "--no-privileges",
                    "--dbname=" + scratch.name()));
            if (tables != null && !tables.isEmpty()) {
                scratch.copySchemaOf(server);
                prepareForRows(scratch, tables);
                restore.add("--data-only");
            }
            restore.add(archive.toString());
            PgTools.run(
                    restore,
                    scratch.server().environment(),
                    "the test restore of " + archive.getFileName() + " into " + scratch.name());
            try (Connection c = scratch.connect()) {
                restored = count(c);
            } catch (SQLException e) {
                throw new AnalysisException("cannot count the rows of the test restore: " + e.getMessage(), e);
            }
        }
        long restoreMillis = (System.nanoTime() - started) / 1_000_000;
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            Long got = restored.get(e.getKey());
            if (!e.getValue().equals(got)) {
                differences.add(e.getKey() + " has " + e.getValue() + " rows in the backup's snapshot but "
                        + (got == null ? "is missing" : got + " rows") + " in the restored copy");
            }
        }
        if (!differences.isEmpty()) {
            throw new AnalysisException("the backup " + archive + " does not restore what was backed up: "
                    + String.join("; ", differences));
        }
        return new Verified(
                archive,
                bytes,
                sha256,
                toc.size(),
                Map.copyOf(new TreeMap<>(expected)),
                databaseBytes,
                dumpMillis,
                restoreMillis,
                scratchName,
                tables == null,
                tables == null ? List.of() : List.copyOf(tables));
    }

    /** In a scratch copy of the schema: no foreign keys, and the tables' own triggers off, so their rows load alone. */
    private static void prepareForRows(ScratchDatabase scratch, List<String> tables) {
        try (Connection c = scratch.connect();
                Statement s = c.createStatement()) {
            List<String> drops = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass,"
                    + " conname) FROM pg_constraint WHERE contype = 'f'")) {
                while (rs.next()) {
                    drops.add(rs.getString(1));
                }
            }
            for (String drop : drops) {
                s.execute(drop);
            }
            for (String table : tables) {
                s.execute("ALTER TABLE " + Identifiers.quote(table) + " DISABLE TRIGGER USER");
            }
        } catch (SQLException e) {
            throw new AnalysisException("cannot prepare the scratch copy for the tables' rows: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the database back as the archive holds it: the archive's SHA-256 checked against the one recorded when it was
     * taken, the database dropped (its sessions ended: {@code DROP DATABASE … WITH (FORCE)}) and created again from the
     * archive with {@code pg_restore --create --exit-on-error}, owners, privileges and database settings included. Needs
     * the right to drop and create the database, and PostgreSQL 13 or newer. Everything written since the backup is
     * lost: this is the rollback of last resort, run with the application stopped.
     *
     * @return rows per table of the restored database
     */
    public static Map<String, Long> restore(
            Server target, Path archive, String expectedSha256, Consumer<String> progress) {
        try {
            String sha = sha256(archive);
            if (!sha.equals(expectedSha256)) {
                throw new AnalysisException(
                        "the backup " + archive + " is not the one that was verified: its SHA-256 is " + sha + ", "
                                + expectedSha256 + " was recorded. Nothing was restored.");
            }
        } catch (IOException e) {
            throw new AnalysisException("cannot read the backup " + archive + ": " + e + ". Nothing was restored.", e);
        }
        Server admin = target.withDatabase("postgres");
        int major;
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            major = c.getMetaData().getDatabaseMajorVersion();
            progress.accept("dropping " + target + " to restore it from " + archive.getFileName());
            s.execute("DROP DATABASE IF EXISTS " + quote(target.database()) + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new AnalysisException(
                    "cannot drop " + target + " to restore it: " + e.getMessage()
                            + ". Nothing was restored, and the database is as it was.",
                    e);
        }
        PgTools.run(
                List.of(
                        PgTools.locate("pg_restore", major).toString(),
                        "--create",
                        "--exit-on-error",
                        "--dbname=postgres",
                        archive.toString()),
                admin.environment(),
                "the restore of " + target + " from " + archive.getFileName()
                        + " (the database was dropped: restore it by hand with pg_restore --create -d postgres "
                        + archive + ")");
        try (Connection c = connect(target)) {
            return count(c);
        } catch (SQLException e) {
            throw new AnalysisException("cannot count the rows of the restored " + target + ": " + e.getMessage(), e);
        }
    }

    /** Exact row counts of the given tables ({@code schema.table}), read in the connection's current snapshot. */
    static Map<String, Long> count(Connection connection, List<String> names) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Statement s = connection.createStatement()) {
            for (String table : names) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Identifiers.quote(table))) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Exact row counts of every table a backup holds, read in the connection's current snapshot. */
    public static Map<String, Long> count(Connection connection) throws SQLException {
        List<String[]> tables = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery(TABLES)) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Statement s = connection.createStatement()) {
            for (String[] t : tables) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quote(t[0]) + "." + quote(t[1]))) {
                    rs.next();
                    counts.put(t[0] + "." + t[1], rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** The archive's table of contents, one entry per line, without pg_restore's comments. */
    private static List<String> list(Path archive, int serverMajor) {
        Path listing = null;
        try {
            listing = Files.createTempFile("dbshift-backup", ".list");
            PgTools.run(
                    List.of(
                            PgTools.locate("pg_restore", serverMajor).toString(),
                            "--list",
                            "--file=" + listing,
                            archive.toString()),
                    Map.of(),
                    "pg_restore --list of " + archive);
            return Files.readAllLines(listing).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith(";"))
                    .toList();
        } catch (IOException e) {
            throw new AnalysisException("cannot list the backup " + archive + ": " + e, e);
        } finally {
            deleteQuietly(listing);
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Connection connect(Server target) {
        try {
            return target.connect();
        } catch (SQLException e) {
            throw new AnalysisException.Unreachable("cannot reach " + target + ": " + e.getMessage(), e);
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // a partial archive or a listing; nothing refers to it
            }
        }
    }
}
