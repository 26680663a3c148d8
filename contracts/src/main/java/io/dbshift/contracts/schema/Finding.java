package io.dbshift.contracts.schema;

import java.util.List;

/**
 * Something about a whole script: a CONCURRENTLY statement inside a transaction, DDL and a large data change sharing
 * one transaction, a blocking lock taken with no {@code lock_timeout}.
 *
 * @param code a stable name ({@code concurrently-in-transaction}, {@code ddl-and-dml-in-one-transaction},
 *     {@code no-lock-timeout})
 * @param statements the statements concerned, by index
 */
public record Finding(String version, String code, String message, List<Integer> statements) {
    public Finding {
        statements = statements == null ? List.of() : List.copyOf(statements);
    }
}
