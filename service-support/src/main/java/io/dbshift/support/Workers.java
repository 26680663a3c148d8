package io.dbshift.support;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/**
 * Runs blocking work (JDBC on a target, Flyway, pg_dump) on a worker thread and comes back to
 * the caller's Vert.x context, where Hibernate Reactive must continue. Blocking annotations are
 * not an option on Hibernate Reactive consumers, and blocking the event loop is never one.
 */
public final class Workers {
    private Workers() {}

    public static <T> Uni<T> call(Callable<T> blocking) {
        Context context = Vertx.currentContext();
        Uni<T> work = Uni.createFrom()
                .item(() -> {
                    try {
                        return blocking.call();
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return context == null ? work : work.emitOn(task -> context.runOnContext(ignored -> task.run()));
    }
}
