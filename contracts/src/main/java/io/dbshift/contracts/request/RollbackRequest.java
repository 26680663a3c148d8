package io.dbshift.contracts.request;

/**
 * An operator's request to roll production back after a migration ended (completed, or failed after production
 * changed): by its down scripts when staging proved them, else from its verified backup. Sent over REST ({@code POST
 * /migrations/{id}/rollback}) or published on the requests topic as a CloudEvent of type {@code
 * io.dbshift.RollbackRequest}.
 *
 * @param migrationId the migration whose production change is rolled back
 * @param requestedBy who asks (required)
 * @param reason why (required): recorded in the evidence and the report
 * @param acceptDataLoss when the down scripts were not all proven on staging, only restoring the backup rolls
 *     production back, losing every write made since: it is done only with this set
 */
public record RollbackRequest(String migrationId, String requestedBy, String reason, boolean acceptDataLoss) {}
