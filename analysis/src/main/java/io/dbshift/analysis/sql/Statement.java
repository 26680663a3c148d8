package io.dbshift.analysis.sql;

/**
 * One statement of a script, as the server's lexer would cut it.
 *
 * @param index position in the script, from 1
 * @param line the line it starts on, from 1
 * @param column the column it starts at, from 1
 * @param offset where it starts in the script, from 0
 * @param sql its text, comments inside it kept, without the terminating semicolon
 */
public record Statement(int index, int line, int column, int offset, String sql) {

    /** The script's line and column of a 1-based character position inside this statement (PostgreSQL's). */
    public int[] lineAndColumnOf(int position) {
        int line = this.line;
        int column = this.column;
        for (int i = 0; i < Math.min(position - 1, sql.length()); i++) {
            if (sql.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new int[] {line, column};
    }
}
