package io.dbshift.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dbshift.contracts.WireFormatException;
import jakarta.persistence.OptimisticLockException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class FailureClassificationTest {

    @Test
    void faultsThatPassAreRetried() {
        assertTrue(Retries.isTransient(new ConnectException("Connection refused")));
        assertTrue(Retries.isTransient(new SQLException("terminating connection", "08006")));
        assertTrue(Retries.isTransient(new SQLException("deadlock detected", "40P01")));
        assertTrue(Retries.isTransient(new SQLException("the database system is shutting down", "57P03")));
        assertTrue(Retries.isTransient(new CompletionException(new OptimisticLockException("row was updated"))));
        assertTrue(
                Retries.isTransient(
                        new io.vertx.core.VertxException(
                                "Failed to read any response from the server, the underlying connection may have been lost unexpectedly.")));
        assertTrue(Retries.isTransient(
                new SQLException("database \"dbshift_orchestrator\" is not currently accepting connections", "55000")));
        assertTrue(Retries.isTransient(new SQLException("sorry, too many clients already", "53300")));
    }

    @Test
    void faultsThatWouldRepeatFailAtOnce() {
        assertFalse(Retries.isTransient(new WireFormatException("not JSON")));
        assertFalse(Retries.isTransient(new PermanentFailure("key reused")));
        assertFalse(Retries.isTransient(new SQLException("relation \"x\" does not exist", "42P01")));
        assertFalse(Retries.isTransient(new SQLException("cannot drop the currently open database", "55006")));
        assertFalse(Retries.isTransient(new NullPointerException()));
        assertFalse(Retries.isTransient(new CompletionException(new IllegalStateException("a defect"))));
    }

    @Test
    void onlyARecordKafkaCanNeverAcceptIsSetAsideByTheRelay() {
        assertTrue(OutboxRelay.isPermanent(new CompletionException(new RecordTooLargeException("2 MB"))));
        assertFalse(OutboxRelay.isPermanent(new TimeoutException("broker away")));
    }
}
