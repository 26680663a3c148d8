package io.dbshift.orchestrator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Set;

/** The orchestrator's settings. */
@ConfigMapping(prefix = "dbshift.orchestrator")
public interface OrchestratorConfig {
    /**
     * Names of the registered targets a request may name. Only names: credentials live with the
     * executor and verifier, which reach the databases.
     */
    @WithDefault("staging,production")
    Set<String> targets();

    /**
     * How long a step may go without a result before its command is sent again. A service that already
     * handled it publishes its recorded result again; one that did not runs it. Longer than the slowest
     * step is not needed: a re-sent command queues behind the running one.
     */
    @WithDefault("5m")
    java.time.Duration resendAfter();

    /** How often steps are checked for a missing result (the scheduler reads this key). */
    @WithDefault("30s")
    java.time.Duration reconcileInterval();
}
