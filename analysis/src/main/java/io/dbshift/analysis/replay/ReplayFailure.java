package io.dbshift.analysis.replay;

import io.dbshift.analysis.Script;
import io.dbshift.analysis.sql.Statement;

/**
 * A statement PostgreSQL refused while it was replayed: a syntax error, an object that does not exist on the target.
 * Named by file, line and column.
 */
public final class ReplayFailure extends AnalysisException {
    private final Script script;
    private final Statement statement;
    private final String sqlState;
    private final int line;
    private final int column;

    public ReplayFailure(Script script, Statement statement, String sqlState, String message, int line, int column) {
        super(script.name() + ":" + line + ":" + column + ": " + message + " (statement " + statement.index()
                + ", SQLSTATE " + sqlState + ")");
        this.script = script;
        this.statement = statement;
        this.sqlState = sqlState;
        this.line = line;
        this.column = column;
    }

    public Script script() {
        return script;
    }

    public Statement statement() {
        return statement;
    }

    public String sqlState() {
        return sqlState;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
