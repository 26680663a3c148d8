package io.dbshift.notifier.delivery;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spaces sends to each destination at least its minimum interval apart (Slack's webhooks take about one message a
 * second). A send asks for the next free slot and waits for it; the slots are kept per destination, in memory.
 */
@ApplicationScoped
public class RateLimits {
    private final Map<String, Long> nextFree = new ConcurrentHashMap<>();

    /** Completes when the destination may be sent to. */
    public Uni<Void> slot(String destination, Duration minInterval) {
        if (minInterval.isZero() || minInterval.isNegative()) {
            return Uni.createFrom().voidItem();
        }
        long wait = reserve(destination, minInterval.toNanos(), System.nanoTime());
        return wait <= 0
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofNanos(wait));
    }

    /** Takes the destination's next free slot at {@code now}; returns the nanoseconds to wait for it. */
    long reserve(String destination, long intervalNanos, long now) {
        long next = nextFree.merge(
                destination, now + intervalNanos, (previous, ignored) -> Math.max(previous, now) + intervalNanos);
        return next - intervalNanos - now;
    }
}
