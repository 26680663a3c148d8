package io.dbshift.orchestrator.rest;

import io.dbshift.orchestrator.OrchestratorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The operators the API knows, by bearer token: {@code dbshift.orchestrator.operators.<name>.token} and {@code .role}.
 * With none configured the API is open: every call acts as {@code anonymous} with every role, and the start-up log
 * says so.
 */
@ApplicationScoped
public class Operators {
    private static final Logger LOG = Logger.getLogger(Operators.class);
    public static final Identity ANONYMOUS = new Identity("anonymous", Role.ADMIN);

    /** Who a call is from. */
    public record Identity(String name, Role role) {}

    private final Map<String, Identity> byToken = new LinkedHashMap<>();

    Operators(OrchestratorConfig config) {
        config.operators().forEach((name, operator) -> {
            String setting = "dbshift.orchestrator.operators." + name;
            String token = operator.token().strip();
            if (token.length() < 16) {
                throw new IllegalArgumentException(setting + ".token is shorter than 16 characters; use a long random"
                        + " value, e.g. from: openssl rand -hex 24");
            }
            if (byToken.containsKey(token)) {
                throw new IllegalArgumentException(setting + ".token is the same as "
                        + byToken.get(token).name() + "'s; give each operator its own");
            }
            byToken.put(token, new Identity(name, Role.parse(operator.role(), setting + ".role")));
        });
    }

    void announce(@Observes StartupEvent started) {
        if (open()) {
            LOG.warn("no operators configured (dbshift.orchestrator.operators.<name>.token/.role): the API is open and"
                    + " every call acts as anonymous with every role");
        } else {
            byToken.values()
                    .forEach(id ->
                            LOG.infof("operator %s: %s", id.name(), id.role().label()));
        }
    }

    /** True when no operator is configured. */
    public boolean open() {
        return byToken.isEmpty();
    }

    /** The operator holding this token; compared in constant time, so that timing does not tell a token apart. */
    public Optional<Identity> byToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] given = token.strip().getBytes(StandardCharsets.UTF_8);
        Identity found = null;
        for (Map.Entry<String, Identity> entry : byToken.entrySet()) {
            if (MessageDigest.isEqual(given, entry.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = entry.getValue();
            }
        }
        return Optional.ofNullable(found);
    }
}
