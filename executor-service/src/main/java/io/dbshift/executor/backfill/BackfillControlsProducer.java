package io.dbshift.executor.backfill;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** One registry of running backfills per executor, shared by the engine, the REST API and the control topic. */
@ApplicationScoped
public class BackfillControlsProducer {
    private final BackfillControls controls = new BackfillControls();

    @Produces
    @ApplicationScoped
    BackfillControls controls() {
        return controls;
    }
}
