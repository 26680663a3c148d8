package io.dbshift.executor.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {

    @Test
    void splitsOnSemicolonsAndKeepsStartLines() {
        List<SqlStatement> s = StatementSplitter.split("ALTER TABLE a ADD COLUMN b int;\n\nUPDATE a SET b = 1;\n");
        assertEquals(2, s.size());
        assertEquals(new SqlStatement(1, 1, "ALTER TABLE a ADD COLUMN b int"), s.get(0));
        assertEquals(new SqlStatement(2, 3, "UPDATE a SET b = 1"), s.get(1));
    }

    @Test
    void semicolonsInsideLiteralsIdentifiersCommentsAndDollarQuotesDoNotSplit() {
        String script = """
        -- a comment; with a semicolon
        INSERT INTO t VALUES ('a;b', 'it''s; fine');
        /* block; /* nested; */ still comment; */
        CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
        SELECT "odd;name" FROM t;
        DO $$ BEGIN PERFORM 1; END $$""";
        List<SqlStatement> s = StatementSplitter.split(script);
        assertEquals(4, s.size(), s.toString());
        assertEquals(2, s.get(0).line());
        assertEquals("INSERT INTO t VALUES ('a;b', 'it''s; fine')", s.get(0).sql());
        assertEquals(4, s.get(1).line());
        assertEquals("SELECT \"odd;name\" FROM t", s.get(2).sql());
        assertEquals("DO $$ BEGIN PERFORM 1; END $$", s.get(3).sql());
    }

    @Test
    void positionalParametersAreNotDollarQuotes() {
        assertEquals(
                2, StatementSplitter.split("PREPARE p AS SELECT $1; SELECT 2").size());
    }

    @Test
    void anEmptyOrCommentOnlyScriptHasNoStatements() {
        assertEquals(0, StatementSplitter.split("  -- nothing\n;;\n").size());
    }
}
