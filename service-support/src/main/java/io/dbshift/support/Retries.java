package io.dbshift.support;

import io.dbshift.contracts.WireFormatException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Retries a handler on transient faults (its own database briefly unreachable, an optimistic-lock
 * conflict, a broker hiccup) before the message is given up to the dead-letter topic. An
 * unreadable message is never retried: it will not get better.
 *
 * <p>Each attempt is subscribed on the caller's Vert.x context, where Hibernate Reactive must run;
 * Mutiny's back-off timer would otherwise resubscribe on a thread of its own.
 */
public final class Retries {
    private static final Logger LOG = Logger.getLogger(Retries.class);
    static final int ATTEMPTS = 5;

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
                .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(3))
                .atMost(ATTEMPTS - 1);
    }

    static boolean isTransient(Throwable failure) {
        return !(failure instanceof WireFormatException || failure instanceof PermanentFailure);
    }
}
