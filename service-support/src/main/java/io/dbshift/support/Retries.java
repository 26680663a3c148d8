package io.dbshift.support;

import io.dbshift.contracts.WireFormatException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Retries a handler on transient faults (its own database unreachable or restarting, a
 * serialization failure or deadlock, an optimistic-lock conflict, a timeout) before the message is
 * given up to the dead-letter topic: up to about a minute, so a database failover does not lose a
 * step. Anything else (an unreadable message, a defect) fails at once: a retry would only repeat it.
 *
 * <p>Each attempt is subscribed on the caller's Vert.x context, where Hibernate Reactive must run;
 * Mutiny's back-off timer would otherwise resubscribe on a thread of its own.
 */
public final class Retries {
    private static final Logger LOG = Logger.getLogger(Retries.class);
    static final int ATTEMPTS = 12;
    /** SQLSTATEs worth another try: connection exceptions, serialization failure, deadlock, admin shutdown. */
    private static final java.util.Set<String> TRANSIENT_STATES =
            java.util.Set.of("40001", "40P01", "53300", "57P01", "57P02", "57P03");

    private Retries() {}

    public static <T> Uni<T> onTransientFaults(String what, Supplier<Uni<T>> attempt) {
        Context context = Vertx.currentContext();
        Uni<T> once = Uni.createFrom().<T>deferred(attempt::get);
        if (context != null) {
            once = once.runSubscriptionOn(task -> context.runOnContext(ignored -> task.run()));
        }
        return once.onFailure(Retries::isTransient)
                .invoke(e -> LOG.warnf("%s failed, retrying: %s", what, e.toString()))
                .onFailure(Retries::isTransient)
                .retry()
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(8))
                .atMost(ATTEMPTS - 1);
    }

    /** The reactive client reports a dropped connection as a plain VertxException saying so. */
    private static boolean mentionsConnection(Throwable t) {
        String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return message.contains("connection") || message.contains("closed");
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof WireFormatException || t instanceof PermanentFailure) {
                return false;
            }
            if (t instanceof java.io.IOException
                    || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.vertx.core.VertxException && mentionsConnection(t)
                    || t instanceof jakarta.persistence.OptimisticLockException
                    || t instanceof org.hibernate.StaleStateException
                    || t instanceof org.hibernate.exception.JDBCConnectionException) {
                return true;
            }
            String state = t instanceof java.sql.SQLException sql
                    ? sql.getSQLState()
                    : t instanceof io.vertx.pgclient.PgException pg ? pg.getSqlState() : null;
            if (state != null && (state.startsWith("08") || TRANSIENT_STATES.contains(state))) {
                return true;
            }
            // 55000 is broad; this message is the database refusing connections for a while (ALLOW_CONNECTIONS).
            if ("55000".equals(state)
                    && String.valueOf(t.getMessage()).contains("not currently accepting connections")) {
                return true;
            }
        }
        return false;
    }
}
