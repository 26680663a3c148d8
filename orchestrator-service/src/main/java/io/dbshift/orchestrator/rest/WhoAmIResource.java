package io.dbshift.orchestrator.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Who the token says the caller is, so that a page shows only the buttons its role may use. */
@Path("/whoami")
public class WhoAmIResource {
    @Inject
    CurrentOperator operator;

    @Inject
    Operators operators;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller's operator name and role; open is true when the API knows no operators")
    public Map<String, Object> whoami() {
        return Map.of(
                "name", operator.name(),
                "role", operator.get().role().label(),
                "open", operators.open());
    }
}
