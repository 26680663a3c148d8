package io.dbshift.analysis.sql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptSplitterTest {

    @Test
    void splitsOnSemicolonsAndKeepsWhereEachStatementStarts() {
        List<Statement> s = ScriptSplitter.split("ALTER TABLE a ADD COLUMN b int;\n\n  UPDATE a SET b = 1;\n");
        assertEquals(2, s.size());
        assertEquals(new Statement(1, 1, 1, 0, "ALTER TABLE a ADD COLUMN b int"), s.get(0));
        assertEquals(new Statement(2, 3, 3, 35, "UPDATE a SET b = 1"), s.get(1));
    }

    @Test
    void semicolonsInsideLiteralsIdentifiersCommentsAndDollarQuotesDoNotSplit() {
        String script = """
        -- a comment; with a semicolon
        INSERT INTO t VALUES ('a;b', 'it''s; fine', E'\\'; x');
        /* block; /* nested; */ still comment; */
        CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
        SELECT "odd;name" FROM t;
        DO $$ BEGIN PERFORM 1; END $$""";
        List<Statement> s = ScriptSplitter.split(script);
        assertEquals(4, s.size(), s.toString());
        assertEquals(2, s.get(0).line());
        assertEquals(
                "INSERT INTO t VALUES ('a;b', 'it''s; fine', E'\\'; x')",
                s.get(0).sql());
        assertEquals(4, s.get(1).line());
        assertEquals("SELECT \"odd;name\" FROM t", s.get(2).sql());
        assertEquals("DO $$ BEGIN PERFORM 1; END $$", s.get(3).sql());
    }

    @Test
    void positionalParametersAreNotDollarQuotes() {
        assertEquals(2, ScriptSplitter.split("PREPARE p AS SELECT $1; SELECT 2").size());
    }

    @Test
    void anEmptyOrCommentOnlyScriptHasNoStatements() {
        assertEquals(0, ScriptSplitter.split("  -- nothing\n;;\n").size());
    }

    @Test
    void aServerErrorPositionBecomesTheScriptsLineAndColumn() {
        Statement s = ScriptSplitter.split("SELECT 1;\n  ALTER TABLE users\n    ADD COLUMN x intt;")
                .get(1);
        // PostgreSQL counts positions from 1 within the statement it was sent: "intt" starts at 39.
        assertArrayEquals(new int[] {3, 18}, s.lineAndColumnOf(s.sql().indexOf("intt") + 1));
    }
}
