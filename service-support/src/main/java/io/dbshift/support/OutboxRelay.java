package io.dbshift.support;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes outbox rows to Kafka in id order and marks them published once acknowledged.
 *
 * <p>Runs right after each commit that wrote to the outbox, and on a short schedule as a backstop
 * (a crash between commit and publish). A transaction-scoped advisory lock lets one relay at a
 * time publish, so per-key order holds across several instances of a service. A crash after the
 * send but before the stamp republishes the row: delivery is at least once, consumers dedupe.
 */
@ApplicationScoped
public class OutboxRelay {
    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;
    /** An arbitrary constant: the advisory lock key of "the outbox relay" in this service's database. */
    private static final long LOCK_KEY = 0x6462736869667401L;

    @Inject
    Pool pool;

    @Inject
    @Channel("outbox")
    MutinyEmitter<String> emitter;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();

    private volatile boolean stopping;

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Publishes everything pending. Concurrent calls coalesce into one more pass. */
    public Uni<Void> flush() {
        if (stopping) {
            // Rows left now are published by the next start: the outbox keeps them.
            return Uni.createFrom().voidItem();
        }
        if (!running.compareAndSet(false, true)) {
            requested.set(true);
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(this::publishBatch)
                .onFailure()
                .invoke(e -> LOG.warnf("outbox relay pass failed, will retry: %s", e.getMessage()))
                .onFailure()
                .recoverWithItem(0)
                .eventually(() -> running.set(false))
                .chain(published -> published == BATCH || requested.getAndSet(false)
                        ? flush()
                        : Uni.createFrom().voidItem());
    }

    private Uni<Integer> publishBatch(SqlConnection connection) {
        return connection
                .preparedQuery("SELECT pg_try_advisory_xact_lock($1)")
                .execute(Tuple.of(LOCK_KEY))
                .chain(lock -> {
                    if (!lock.iterator().next().getBoolean(0)) {
                        return Uni.createFrom().item(0);
                    }
                    return connection
                            .preparedQuery("SELECT id, topic, message_key, payload FROM outbox"
                                    + " WHERE published_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT $1")
                            .execute(Tuple.of(BATCH))
                            .chain(rows -> {
                                List<Row> pending = new ArrayList<>();
                                rows.forEach(pending::add);
                                return publish(connection, pending, 0, new ArrayList<>());
                            });
                });
    }

    /**
     * Sends rows one after the other, in order. When a send fails, what Kafka already acknowledged is
     * stamped (so it is not sent again) and the pass ends; a row Kafka will never accept is set aside
     * with its error, so it cannot hold back every later message.
     */
    private Uni<Integer> publish(SqlConnection connection, List<Row> pending, int index, List<Long> sent) {
        if (index == pending.size()) {
            return stamp(connection, sent).replaceWith(pending.size());
        }
        Row row = pending.get(index);
        return send(row)
                .map(id -> (Throwable) null)
                .onFailure()
                .recoverWithItem(failure -> failure)
                .chain(failure -> {
                    if (failure == null) {
                        sent.add(row.getLong("id"));
                        return publish(connection, pending, index + 1, sent);
                    }
                    if (isPermanent(failure)) {
                        LOG.errorf(
                                "outbox message %d (%s) can never be published and is set aside: %s",
                                row.getLong("id"), row.getString("topic"), failure.toString());
                        return stamp(connection, sent)
                                .chain(() -> connection
                                        .preparedQuery("UPDATE outbox SET failed_at = now(), error = $2 WHERE id = $1")
                                        .execute(Tuple.of(row.getLong("id"), failure.toString())))
                                .replaceWith(BATCH); // go on with the rows behind it
                    }
                    LOG.warnf(
                            "outbox message %d not published yet, will retry: %s",
                            row.getLong("id"), failure.toString());
                    return stamp(connection, sent).replaceWith(0);
                });
    }

    private static Uni<Void> stamp(SqlConnection connection, List<Long> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection
                .preparedQuery("UPDATE outbox SET published_at = now() WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(new Long[0])))
                .replaceWithVoid();
    }

    /** Failures no retry can fix: the record itself is unacceptable. */
    static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RecordTooLargeException
                    || t instanceof SerializationException
                    || t instanceof InvalidTopicException) {
                return true;
            }
        }
        return false;
    }

    private Uni<Long> send(Row row) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.getString("topic"))
                .withKey(row.getString("message_key"))
                .build();
        return emitter.sendMessage(Message.of(row.getString("payload")).addMetadata(metadata))
                .replaceWith(row.getLong("id"));
    }
}
