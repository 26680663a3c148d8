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

    /** How often migrations waiting for their window are looked at (the scheduler reads this key). */
    @WithDefault("10s")
    java.time.Duration windowCheck();

    /** Which migrations need approval before production. */
    Approval approval();

    /**
     * The operators, by name: {@code dbshift.orchestrator.operators.alice.token} and {@code .role}. With none, the API
     * is open and every call acts as {@code anonymous} with every role.
     */
    java.util.Map<String, Operator> operators();

    /** The approval policy. */
    interface Approval {
        /** Risk levels that need approval ({@code Low}, {@code Medium}, {@code High}), or {@code none}. */
        @WithDefault("High")
        java.util.List<String> requiredFor();

        /** Approvals needed, none of them by the requester. */
        @WithDefault("1")
        int approvers();
    }

    /** One operator. */
    interface Operator {
        /** The bearer token the operator's calls carry. A secret. */
        String token();

        /** {@code viewer}, {@code operator}, {@code approver} or {@code admin}; each may do what the ones before may. */
        @WithDefault("operator")
        String role();
    }
}
