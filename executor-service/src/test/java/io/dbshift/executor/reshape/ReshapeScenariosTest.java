package io.dbshift.executor.reshape;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.SchemaOperation;
import io.dbshift.contracts.request.SchemaOperation.NewColumn;
import io.dbshift.contracts.schema.ReshapeStage;
import io.dbshift.executor.backfill.KeysetBackfill;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scenario harness, in the manner of pgroll's operation tests, against a real PostgreSQL: every supported operation
 * goes through expand → (both shapes readable and writable, in sync) → rollback → (the original intact, with every
 * write made through either shape) → expand again → backfill while the old application keeps writing → switch →
 * contract → (the final shape, every row right, nothing of dbshift's left).
 */
class ReshapeScenariosTest {
    static final int ROWS = 3000;
    static LocalPostgres postgres;

    @BeforeAll
    static void start() {
        postgres = LocalPostgres.shared();
    }

    /**
     * One operation and how an application reads and writes each shape. Every SQL takes the value as text first, the
     * id second; reads return text. {@code newWrite} is null when the new shape has nothing to write (drop-column).
     *
     * @param oldWrite the old application's UPDATE
     * @param oldInsert the old application's INSERT
     * @param oldRead the old shape's value
     * @param newWrite the new application's UPDATE, on the new shape as the table holds it after expand
     * @param newInsert the new application's INSERT
     * @param newRead the new shape's value after expand
     * @param finalRead the new shape's value after contract, under its final names
     * @param value the old application's i-th value
     * @param up what the new shape holds for an old value
     * @param down what the old shape holds for a new value
     * @param stored what the old shape holds after the old application wrote a value
     */
    record Scenario(
            String name,
            String setup,
            SchemaOperation op,
            String oldWrite,
            String oldInsert,
            String oldRead,
            String newWrite,
            String newInsert,
            String newRead,
            String finalRead,
            java.util.function.IntFunction<String> value,
            UnaryOperator<String> up,
            UnaryOperator<String> down,
            UnaryOperator<String> stored) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final String ITEMS = "CREATE TABLE items (id bigint PRIMARY KEY, price int NOT NULL DEFAULT 0,"
            + " qty int NOT NULL DEFAULT 1, label text, legacy text NOT NULL, note text);"
            + " CREATE INDEX items_price ON items (price); CREATE INDEX items_qty_price ON items (qty, price);"
            + " INSERT INTO items (id, price, qty, label, legacy)"
            + " SELECT g, g % 1000, g % 7, CASE WHEN g % 3 = 0 THEN NULL ELSE 'l' || g END, 'legacy' || g"
            + " FROM generate_series(1, " + ROWS + ") g";

    static Stream<Scenario> scenarios() {
        return Stream.of(
                new Scenario(
                        "rename-column",
                        ITEMS,
                        SchemaOperation.renameColumn("items", "price", "amount"),
                        "UPDATE items SET price = ?::int WHERE id = ?",
                        "INSERT INTO items (price, id, legacy) VALUES (?::int, ?, 'x')",
                        "SELECT price::text FROM items WHERE id = ?",
                        "UPDATE items SET amount = ?::int WHERE id = ?",
                        "INSERT INTO items (amount, id, legacy) VALUES (?::int, ?, 'x')",
                        "SELECT amount::text FROM items WHERE id = ?",
                        "SELECT amount::text FROM items WHERE id = ?",
                        i -> String.valueOf(i * 7),
                        v -> v,
                        v -> v,
                        v -> v),
                new Scenario(
                        "change-type int to bigint",
                        ITEMS,
                        SchemaOperation.changeType("items", "qty", "bigint"),
                        "UPDATE items SET qty = ?::int WHERE id = ?",
                        "INSERT INTO items (qty, id, legacy) VALUES (?::int, ?, 'x')",
                        "SELECT qty::text FROM items WHERE id = ?",
                        "UPDATE items SET _dbshift_new_qty = ?::bigint WHERE id = ?",
                        "INSERT INTO items (_dbshift_new_qty, id, legacy) VALUES (?::bigint, ?, 'x')",
                        "SELECT _dbshift_new_qty::text FROM items WHERE id = ?",
                        "SELECT qty::text FROM items WHERE id = ? AND pg_typeof(qty) = 'bigint'::regtype",
                        i -> String.valueOf(100_000 + i),
                        v -> v,
                        v -> v,
                        v -> v),
                new Scenario(
                        "set-not-null",
                        ITEMS,
                        SchemaOperation.setNotNull("items", "label", "coalesce(label, 'none')"),
                        "UPDATE items SET label = ? WHERE id = ?",
                        "INSERT INTO items (label, id, legacy) VALUES (?, ?, 'x')",
                        "SELECT label FROM items WHERE id = ?",
                        "UPDATE items SET label = ? WHERE id = ?",
                        "INSERT INTO items (label, id, legacy) VALUES (?, ?, 'x')",
                        "SELECT label FROM items WHERE id = ?",
                        "SELECT label FROM items WHERE id = ?",
                        i -> i % 2 == 0 ? null : "v" + i,
                        v -> v == null ? "none" : v,
                        v -> v,
                        v -> v == null ? "none" : v),
                new Scenario(
                        "drop-column",
                        ITEMS,
                        SchemaOperation.dropColumn("items", "legacy", "'dropped'"),
                        "UPDATE items SET legacy = ? WHERE id = ?",
                        "INSERT INTO items (legacy, id) VALUES (?, ?)",
                        "SELECT legacy FROM items WHERE id = ?",
                        null,
                        "INSERT INTO items (note, id) VALUES (?, ?)",
                        null,
                        null,
                        i -> "legacy-" + i,
                        v -> v,
                        v -> "dropped",
                        v -> v),
                new Scenario(
                        "split-column",
                        "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL);"
                                + " INSERT INTO items SELECT g, 'First' || g || ' Last' || g FROM generate_series(1, "
                                + ROWS + ") g",
                        SchemaOperation.splitColumn(
                                "items",
                                "name",
                                List.of(
                                        new NewColumn("first_name", "text", "split_part(name, ' ', 1)"),
                                        new NewColumn("last_name", "text", "split_part(name, ' ', 2)")),
                                "first_name || ' ' || last_name"),
                        "UPDATE items SET name = ? WHERE id = ?",
                        "INSERT INTO items (name, id) VALUES (?, ?)",
                        "SELECT name FROM items WHERE id = ?",
                        "UPDATE items SET first_name = split_part(?, ' ', 1), last_name = split_part(?, ' ', 2)"
                                + " WHERE id = ?",
                        "INSERT INTO items (first_name, last_name, id) VALUES (split_part(?, ' ', 1),"
                                + " split_part(?, ' ', 2), ?)",
                        "SELECT first_name || ' ' || last_name FROM items WHERE id = ?",
                        "SELECT first_name || ' ' || last_name FROM items WHERE id = ?"
                                + " AND NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'items'"
                                + " AND column_name = 'name')",
                        i -> "Ada" + i + " Lovelace" + i,
                        v -> v,
                        v -> v,
                        v -> v));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void expandRollbackExpandBackfillContract(Scenario scenario) throws Exception {
        String database = "reshape_" + scenario.op().op().replace('-', '_');
        try (Connection c = seeded(database, scenario)) {
            String before = shape(c);
            String id = "m1/" + scenario.op().op();

            // Expand: both shapes readable and writable, in sync both ways.
            reshaper.expand(c, id, scenario.op());
            assertEquals(ReshapeStage.EXPANDED, reshaper.stage(c, id));
            reshaper.expand(c, id, scenario.op()); // run again after a crash: nothing more happens
            Map<Long, String> expected = new java.util.HashMap<>();
            writeOld(c, scenario, 10, scenario.value().apply(1));
            expected.put(10L, scenario.value().apply(1));
            assertSynced(c, scenario, 10, scenario.value().apply(1));
            insertOld(c, scenario, ROWS + 1, scenario.value().apply(2));
            expected.put((long) ROWS + 1, scenario.value().apply(2));
            assertSynced(c, scenario, ROWS + 1, scenario.value().apply(2));
            if (scenario.newWrite() != null) {
                String w = scenario.up().apply(scenario.value().apply(3));
                write(c, scenario.newWrite(), w, 11);
                assertEquals(w, read(c, scenario.newRead(), 11), "the new shape holds what the new application wrote");
                assertEquals(
                        scenario.down().apply(w),
                        read(c, scenario.oldRead(), 11),
                        "the old shape follows a write to the new one");
                expected.put(11L, scenario.down().apply(w));
            }
            // An update of another column, on a row nobody has written since expand: it succeeds, and the row's new
            // shape is filled (a NOT NULL check on the new shape would otherwise refuse the old application's update).
            try (Statement s = c.createStatement()) {
                assertEquals(1, s.executeUpdate("UPDATE items SET id = id WHERE id = 20"));
            }
            if (scenario.newRead() != null) {
                assertEquals(
                        scenario.up().apply(read(c, scenario.oldRead(), 20)),
                        read(c, scenario.newRead(), 20),
                        "an update of another column fills the row's new shape");
            }
            String inserted = scenario.up().apply(scenario.value().apply(4));
            insert(c, scenario.newInsert(), inserted, ROWS + 2);
            assertEquals(
                    scenario.down().apply(inserted),
                    read(c, scenario.oldRead(), ROWS + 2),
                    "the old shape reads a row the new application inserted");
            expected.put((long) ROWS + 2, scenario.down().apply(inserted));

            // Roll back: the original shape, with every write made through either shape.
            reshaper.rollback(c, id);
            assertEquals(ReshapeStage.ROLLED_BACK, reshaper.stage(c, id));
            assertEquals(before, shape(c), "after a rollback the table is as it was");
            for (Map.Entry<Long, String> e : expected.entrySet()) {
                assertEquals(
                        scenario.stored().apply(e.getValue()),
                        read(c, scenario.oldRead(), e.getKey()),
                        "row " + e.getKey() + " keeps the write made before the rollback");
            }

            // Expand again, and backfill while the old application keeps writing.
            reshaper.expand(c, id, scenario.op());
            // The old application's values, NULL among them: a map that takes NULL.
            Map<Long, String> written = java.util.Collections.synchronizedMap(new java.util.HashMap<>(expected));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger writes = new AtomicInteger();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (Connection app = postgres.connect(database)) {
                    java.util.Random random = new java.util.Random(7);
                    while (!stop.get()) {
                        long row = 1 + random.nextInt(ROWS);
                        String v = scenario.value().apply(random.nextInt(100_000));
                        write(app, scenario.oldWrite(), v, row);
                        written.put(row, v);
                        writes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            });
            writer.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() >= 50 || failed.get() != null);
            int atStart = writes.get();
            reshaper.backfill(c, () -> postgres.connect(database), id, p -> {});
            await().atMost(Duration.ofSeconds(20)).until(() -> writes.get() >= atStart + 50 || failed.get() != null);
            stop.set(true);
            writer.join();
            assertEquals(null, failed.get(), "the old application's writes never failed");
            assertEquals(ReshapeStage.BACKFILLED, reshaper.stage(c, id));
            if (scenario.newRead() != null) {
                assertEquals(
                        0,
                        mismatches(c, scenario, scenario.newRead(), written),
                        "after the backfill every row's new shape matches its old one, the writes made during it too");
            }

            // Switch, then contract: the final shape with every row right, and nothing of dbshift's left.
            reshaper.ready(c, id);
            assertEquals(ReshapeStage.READY, reshaper.stage(c, id));
            reshaper.contract(c, id);
            assertEquals(ReshapeStage.CONTRACTED, reshaper.stage(c, id));
            if (scenario.finalRead() != null) {
                assertEquals(
                        0,
                        mismatches(c, scenario, scenario.finalRead(), written),
                        "after contract every row holds the new shape of its last write");
            }
            String after = shape(c);
            assertTrue(
                    !after.contains("_dbshift"),
                    "no trigger, function, column or index of dbshift's is left:\n" + after);
            assertTrue(!after.equals(before), "the shape changed");
            TargetRefused refused = refusedRollback(reshaper, c, id);
            assertTrue(refused.message().contains("backup"), refused.message());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void aRollbackAfterTheSwitchPutsTheOriginalBackWithTheWritesMadeSince(Scenario scenario) throws Exception {
        String database = "reshape_switch_" + scenario.op().op().replace('-', '_');
        try (Connection c = seeded(database, scenario)) {
            String before = shape(c);
            String id = "m2/" + scenario.op().op();
            reshaper.expand(c, id, scenario.op());
            reshaper.backfill(c, () -> postgres.connect(database), id, p -> {});
            reshaper.ready(c, id);
            // The old version still runs after the switch, and writes; then the new version is found wanting.
            String value = scenario.value().apply(5);
            writeOld(c, scenario, 12, value);
            reshaper.rollback(c, id);
            assertEquals(ReshapeStage.ROLLED_BACK, reshaper.stage(c, id));
            assertEquals(before, shape(c), "after a rollback from the switch the table is as it was");
            assertEquals(
                    scenario.stored().apply(value),
                    read(c, scenario.oldRead(), 12),
                    "the write made after the switch is kept");
        }
    }

    @org.junit.jupiter.api.Test
    void aValueTheNewTypeCannotHoldFailsTheBackfillInsteadOfBeingCut() throws Exception {
        postgres.recreateDatabase("reshape_length");
        try (Connection c = postgres.connect("reshape_length")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE codes (id bigint PRIMARY KEY, code text);"
                        + " INSERT INTO codes VALUES (1, 'ABC'), (2, 'ABCDEFGH')");
            }
            reshaper.expand(c, "len", SchemaOperation.changeType("codes", "code", "varchar(5)"));
            org.junit.jupiter.api.Assertions.assertThrows(
                    RuntimeException.class, () -> reshaper.backfill(c, null, "len", p -> {}));
            assertEquals("ABCDEFGH", read(c, "SELECT code FROM codes WHERE id = ?", 2), "nothing was cut");
            reshaper.rollback(c, "len");
            assertEquals("ABCDEFGH", read(c, "SELECT code FROM codes WHERE id = ?", 2));
        }
    }

    @org.junit.jupiter.api.Test
    void aTableOutsideTheSearchPathKeepsItsIndexUnderItsNameAndTwoChangesOfOneIndexAreRefused() throws Exception {
        postgres.recreateDatabase("reshape_schema");
        try (Connection c = postgres.connect("reshape_schema")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA app; CREATE TABLE app.items (id bigint PRIMARY KEY, a int, b int);"
                        + " CREATE INDEX items_a ON app.items (a); CREATE INDEX items_ab ON app.items (a, b);"
                        + " INSERT INTO app.items SELECT g, g, g FROM generate_series(1, 100) g");
            }
            Map<String, SchemaOperation> both = new java.util.LinkedHashMap<>();
            both.put("s/0", SchemaOperation.renameColumn("app.items", "a", "a2"));
            both.put("s/1", SchemaOperation.renameColumn("app.items", "b", "b2"));
            IllegalArgumentException twice = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> reshaper.expandAll(c, both));
            assertTrue(twice.getMessage().contains("items_ab"), twice.getMessage());
            try (Statement s = c.createStatement()) {
                s.execute("DROP INDEX app.items_ab");
            }
            reshaper.expand(c, "s/0", both.get("s/0"));
            reshaper.backfill(c, null, "s/0", p -> {});
            reshaper.ready(c, "s/0");
            reshaper.contract(c, "s/0");
            assertEquals(
                    "CREATE INDEX items_a ON app.items USING btree (a2)",
                    read(c, "SELECT pg_get_indexdef('app.items_a'::regclass) WHERE ? > 0", 1));
        }
    }

    static final Reshaper reshaper = new Reshaper("1s", 3, Duration.ofMillis(50), new KeysetBackfill("1s", "30s"));

    /** A fresh database with the scenario's table, connected. */
    static Connection seeded(String database, Scenario scenario) throws SQLException {
        postgres.recreateDatabase(database);
        Connection c = postgres.connect(database);
        try (Statement s = c.createStatement()) {
            s.execute(scenario.setup());
        }
        return c;
    }

    record TargetRefused(String message) {}

    static TargetRefused refusedRollback(Reshaper reshaper, Connection c, String id) throws SQLException {
        try {
            reshaper.rollback(c, id);
        } catch (io.dbshift.executor.TargetRefusedException e) {
            return new TargetRefused(e.getMessage());
        }
        throw new AssertionError("a rollback after contract must be refused");
    }

    static long mismatches(Connection c, Scenario scenario, String readSql, Map<Long, String> written)
            throws SQLException {
        long wrong = 0;
        List<String> examples = new ArrayList<>();
        for (long row = 1; row <= ROWS; row++) {
            String old = written.get(row);
            String actual = read(c, readSql, row);
            if (!written.containsKey(row)) {
                if (actual == null && !scenario.op().op().equals("drop-column")) {
                    // An untouched row: its new shape must exist (set-not-null: a value, not NULL).
                    wrong++;
                    examples.add(row + ": nothing");
                }
                continue;
            }
            if (!Objects.equals(scenario.up().apply(old), actual)) {
                wrong++;
                if (examples.size() < 5) {
                    examples.add(
                            row + ": " + actual + " instead of " + scenario.up().apply(old));
                }
            }
        }
        if (wrong > 0) {
            System.err.println(scenario.name() + ": " + examples);
        }
        return wrong;
    }

    static void assertSynced(Connection c, Scenario scenario, long id, String written) throws SQLException {
        assertEquals(
                scenario.stored().apply(written),
                read(c, scenario.oldRead(), id),
                "the old shape holds what the old application wrote");
        if (scenario.newRead() != null) {
            assertEquals(
                    scenario.up().apply(written),
                    read(c, scenario.newRead(), id),
                    "the new shape follows a write to the old one");
        }
    }

    static void writeOld(Connection c, Scenario scenario, long id, String value) throws SQLException {
        write(c, scenario.oldWrite(), value, id);
    }

    static void insertOld(Connection c, Scenario scenario, long id, String value) throws SQLException {
        insert(c, scenario.oldInsert(), value, id);
    }

    /** Binds the value to every placeholder but the last, and the id to the last. */
    static void write(Connection c, String sql, String value, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = ps.getParameterMetaData().getParameterCount();
            for (int i = 1; i < n; i++) {
                ps.setString(i, value);
            }
            ps.setLong(n, id);
            assertEquals(1, ps.executeUpdate(), sql);
        }
    }

    static void insert(Connection c, String sql, String value, long id) throws SQLException {
        write(c, sql, value, id);
    }

    static String read(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The table's columns, constraints, indexes and triggers, and dbshift's functions, as text to compare. */
    static String shape(Connection c) throws SQLException {
        StringBuilder shape = new StringBuilder();
        for (String sql : List.of(
                "SELECT attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull || ' '"
                        + " || coalesce(pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a"
                        + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                        + " WHERE attrelid = 'items'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid ="
                        + " 'items'::regclass ORDER BY conname",
                "SELECT indexrelid::regclass::text || ' ' || pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid"
                        + " = 'items'::regclass ORDER BY 1",
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'items'::regclass AND NOT tgisinternal ORDER BY 1",
                "SELECT proname FROM pg_proc WHERE proname LIKE '\\_dbshift%' ORDER BY 1")) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    shape.append(rs.getString(1)).append('\n');
                }
            }
        }
        return shape.toString();
    }
}
