package io.dbshift.executor.reshape;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.request.SchemaOperation;
import io.dbshift.localstack.LocalPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the planner refuses, and that its message names the thing and the way out. */
class ReshapePlannerTest {
    Connection c;

    @BeforeEach
    void table() throws SQLException {
        LocalPostgres postgres = LocalPostgres.shared();
        postgres.recreateDatabase("reshape_planner");
        c = postgres.connect("reshape_planner");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, total int,"
                    + " email text UNIQUE, code text, status text NOT NULL, title text COLLATE \"C\");"
                    + " CREATE INDEX orders_lower_code ON orders (lower(code));"
                    + " CREATE INDEX orders_total_desc ON orders (total DESC);"
                    + " CREATE VIEW open_orders AS SELECT id, status FROM orders;"
                    + " CREATE TABLE nokey (a int);"
                    + " CREATE TABLE docs (id bigint PRIMARY KEY, body json, price int, price2 int GENERATED ALWAYS AS"
                    + " (price * 2) STORED, code text NOT NULL UNIQUE, note text)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    String refusal(SchemaOperation op) {
        return assertThrows(IllegalArgumentException.class, () -> ReshapePlanner.plan(c, op, "t"))
                .getMessage();
    }

    @Test
    void refusalsNameTheObjectInTheWayAndWhatToDo() {
        String message = refusal(SchemaOperation.renameColumn("orders", "email", "mail"));
        assertTrue(message.contains("unique constraint orders_email_key"), message);
        message = refusal(SchemaOperation.renameColumn("orders", "code", "sku"));
        assertTrue(message.contains("index orders_lower_code") && message.contains("create it again"), message);
        message = refusal(SchemaOperation.changeType("orders", "total", "bigint"));
        assertTrue(message.contains("index orders_total_desc"), message);
        assertTrue(message.contains("an ordering"), message);
        message = refusal(SchemaOperation.renameColumn("orders", "title", "heading"));
        assertTrue(message.contains("own collation"), message);
        message = refusal(SchemaOperation.changeType("orders", "id", "int"));
        assertTrue(message.contains("identity"), message);
        message = refusal(SchemaOperation.dropColumn("orders", "status", null));
        assertTrue(message.contains("view open_orders"), message);
        message = refusal(SchemaOperation.renameColumn("orders", "total", "status"));
        assertTrue(message.contains("already has a column status"), message);
        message = refusal(SchemaOperation.renameColumn("orders", "totl", "amount"));
        assertTrue(message.contains("has no column totl"), message);
        message = refusal(SchemaOperation.renameColumn("ordrs", "total", "amount"));
        assertTrue(message.contains("table ordrs does not exist"), message);
        message = refusal(SchemaOperation.setNotNull("orders", "total", null));
        assertTrue(message.contains("needs \"up\""), message);
        message = refusal(SchemaOperation.renameColumn("nokey", "a", "b"));
        assertTrue(message.contains("no primary key"), message);
        message = refusal(SchemaOperation.renameColumn("docs", "body", "content"));
        assertTrue(message.contains("type json has no equality"), message);
        message = refusal(SchemaOperation.renameColumn("docs", "price", "amount"));
        assertTrue(message.contains("price2"), message);
        message = refusal(SchemaOperation.dropColumn("docs", "code", "'n/a'"));
        assertTrue(message.contains("unique constraint docs_code_key"), message);
        message = refusal(SchemaOperation.changeType("docs", "note", "no_such_type"));
        assertTrue(message.contains("no_such_type"), message);
        message = refusal(new SchemaOperation("merge-columns", "orders", "total", null, null, null, null, null));
        assertTrue(message.contains("rename-column, change-type"), message);
    }
}
