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
}
