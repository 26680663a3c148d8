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
        // Proven under its partial name: an archive that fails its proof never bears the final one.
        Verified proven;
        try {
            proven = verify(
                    target,
                    partial,
                    counts,
                    databaseBytes,
                    dumpMillis,
                    major,
                    tables.isEmpty() ? null : scope,
                    progress);
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new AnalysisException("cannot name the backup " + archive + ": " + e, e);
        } catch (RuntimeException e) {
            deleteQuietly(partial);
            throw e;
        }
        return new Verified(
                archive,
                proven.bytes(),
                proven.sha256(),
                proven.entries(),
                proven.rowCounts(),
                proven.databaseBytes(),
                proven.dumpMillis(),
                proven.restoreMillis(),
                proven.restoredInto(),
                proven.wholeDatabase(),
                proven.tables());
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
     * What a restore left: the restored database's row counts, and the name the replaced database is kept under.
     *
     * @param keptAs the database as it was before the restore, renamed and closed to connections; drop it by hand
     *     once it is no longer needed
     */
    public record Restored(Map<String, Long> rowCounts, String keptAs) {}

    /**
     * Puts the database back as the archive holds it, without ever leaving it missing:
     *
     * <ol>
     *   <li>the archive's SHA-256 is checked against the one recorded when it was taken;
     *   <li>it is restored into a new database beside the target, with the target's owner, encoding, locale and
     *       settings, owners and privileges included ({@code pg_restore --exit-on-error}), and its rows counted. A
     *       failure here drops the new database and leaves the target untouched;
     *   <li>then the target is closed to new connections, its sessions are ended, it is renamed {@code <name>_replaced_<
     *       time>} and kept, and the new database takes its name.
     * </ol>
     *
     * Everything written since the backup is gone from the target (it is in the kept database): this is the rollback of
     * last resort, run with the application stopped. Needs CREATEDB and ownership of the target (or a superuser).
     */
    public static Restored restore(Server target, Path archive, String expectedSha256, Consumer<String> progress) {
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
        String name = target.database();
        String side = shorten(name, "_dbshift_restoring");
        String kept = shorten(
                name,
                "_replaced_"
                        + java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
                                .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")));
        int major;
        List<String> settings = new ArrayList<>();
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            major = c.getMetaData().getDatabaseMajorVersion();
            String owner;
            String like;
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_get_userbyid(datdba),"
                    + " pg_encoding_to_char(encoding), datcollate, datctype, oid FROM pg_database WHERE datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new AnalysisException("there is no database " + name + " on " + admin + " to restore");
                    }
                    owner = rs.getString(1);
                    like = " ENCODING '" + rs.getString(2) + "' LC_COLLATE '"
                            + rs.getString(3).replace("'", "''") + "' LC_CTYPE '"
                            + rs.getString(4).replace("'", "''") + "'";
                    long oid = rs.getLong(5);
                    try (ResultSet set = s.executeQuery("SELECT unnest(setconfig) FROM pg_db_role_setting WHERE"
                            + " setrole = 0 AND setdatabase = " + oid)) {
                        while (set.next()) {
                            settings.add(set.getString(1));
                        }
                    }
                }
            }
            s.execute("DROP DATABASE IF EXISTS " + quote(side) + " WITH (FORCE)"); // a leftover of a failed restore
            s.execute("CREATE DATABASE " + quote(side) + " OWNER " + quote(owner) + " TEMPLATE template0" + like);
            for (String setting : settings) {
                int eq = setting.indexOf('=');
                s.execute("ALTER DATABASE " + quote(side) + " SET " + quote(setting.substring(0, eq)) + " = '"
                        + setting.substring(eq + 1).replace("'", "''") + "'");
            }
        } catch (SQLException e) {
            dropQuietly(admin, side);
            throw new AnalysisException(
                    "cannot prepare the restore of " + target + ": " + e.getMessage() + ". Nothing was restored, and "
                            + name + " is as it was.",
                    e);
        }
        Map<String, Long> counts;
        try {
            progress.accept("restoring " + archive.getFileName() + " into " + side + ", beside " + name);
            PgTools.run(
                    List.of(
                            PgTools.locate("pg_restore", major).toString(),
                            "--exit-on-error",
                            "--dbname=" + side,
                            archive.toString()),
                    target.withDatabase(side).environment(),
                    "the restore of " + archive.getFileName() + " into " + side);
            try (Connection c = connect(target.withDatabase(side))) {
                counts = count(c);
            }
        } catch (SQLException | RuntimeException e) {
            dropQuietly(admin, side);
            throw new AnalysisException(e.getMessage() + ". " + name + " was not touched.", e);
        }
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            progress.accept("swapping: " + name + " is kept as " + kept + ", the restored copy takes its name");
            s.execute("ALTER DATABASE " + quote(name) + " ALLOW_CONNECTIONS false");
            try {
                try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid) FROM"
                        + " pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
                    ps.setString(1, name);
                    ps.execute();
                }
                renameWhenFree(s, name, kept);
            } catch (SQLException e) {
                s.execute("ALTER DATABASE " + quote(name) + " ALLOW_CONNECTIONS true");
                throw e;
            }
            s.execute("ALTER DATABASE " + quote(side) + " RENAME TO " + quote(name));
        } catch (SQLException e) {
            throw new AnalysisException(
                    "the restored copy " + side + " is ready, but it could not take the place of " + name + ": "
                            + e.getMessage() + ". Swap them by hand (ALTER DATABASE … RENAME TO …)",
                    e);
        }
        return new Restored(counts, kept);
    }

    /** Renames a database whose sessions were just ended; a backend still exiting is waited for, a few seconds at most. */
    private static void renameWhenFree(Statement s, String from, String to) throws SQLException {
        for (int i = 0; ; i++) {
            try {
                s.execute("ALTER DATABASE " + quote(from) + " RENAME TO " + quote(to));
                return;
            } catch (SQLException e) {
                if (!"55006".equals(e.getSQLState()) || i >= 50) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static String shorten(String name, String suffix) {
        int room = 63 - suffix.length();
        return (name.length() > room ? name.substring(0, room) : name) + suffix;
    }

    private static void dropQuietly(Server admin, String database) {
        try (Connection c = connect(admin);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
        } catch (SQLException | RuntimeException e) {
            // a half-restored copy beside the target; the next restore drops it first
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
