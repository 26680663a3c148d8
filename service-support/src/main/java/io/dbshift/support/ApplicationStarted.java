package io.dbshift.support;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

/**
 * Whether the application has finished starting. Scheduled work that publishes to Kafka asks first:
 * the messaging emitters cannot be created before the channels are wired, and the scheduler may fire earlier.
 */
@ApplicationScoped
public class ApplicationStarted {
    private volatile boolean started;

    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 1000) StartupEvent event) {
        started = true;
    }

    public boolean yes() {
        return started;
    }
}
