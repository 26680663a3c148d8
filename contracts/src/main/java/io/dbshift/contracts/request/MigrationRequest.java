package io.dbshift.contracts.request;

import java.util.List;

/**
 * What an operator asks for: one migration of one target, rehearsed on a staging target first.
 * Field names are the wire format, documented in docs/requests.md.
 *
 * @param name a short name, e.g. {@code add-user-avatar}
 * @param target the registered production target to migrate
 * @param staging the registered target to rehearse on first
 * @param window when production may be touched (optional)
 * @param requestedBy who asked (optional)
 * @param migrations versioned scripts, applied in version order
 * @param backfills batched data changes run after the scripts
 * @param checks integrity checks run after the rehearsal and after production
 * @param notifications who to tell (optional)
 * @param irreversible an operator's acceptance that the migration may reach production although its rollback does not
 *     exist or failed on staging (optional)
 * @param onFailedVerification {@code rollback} (the default): when production's checks fail, roll production back by
 *     the down scripts staging proved, and verify the rollback; {@code restore}: the same, or else restore production
 *     from its verified backup, losing every write since; {@code stop}: leave production as it is for an operator
 * @param manual the workflow's manual mode: the migration waits for an operator's {@code next} before the first step
 *     of IMPLEMENT, the first production step and the first step of VERIFY (the phase shows as entered while it
 *     waits) (optional; default false)
 * @param operations breaking changes made without downtime by expand → backfill → switch → contract (optional;
 *     docs/expand-contract.md): production waits before its contract step for the application to switch
 * @param oldApplication the {@code application_name} the application's old version connects with (optional): the
 *     contract step waits for its sessions to end, and fails naming them when they do not
 */
public record MigrationRequest(
        String name,
        String target,
        String staging,
        Window window,
        String requestedBy,
        List<MigrationScript> migrations,
        List<BackfillSpec> backfills,
        List<CheckSpec> checks,
        Notify notifications,
        IrreversibleAcceptance irreversible,
        String onFailedVerification,
        Boolean manual,
        List<SchemaOperation> operations,
        String oldApplication) {

    public MigrationRequest(
            String name,
            String target,
            String staging,
            Window window,
            String requestedBy,
            List<MigrationScript> migrations,
            List<BackfillSpec> backfills,
            List<CheckSpec> checks,
            Notify notifications,
            IrreversibleAcceptance irreversible,
            String onFailedVerification,
            Boolean manual) {
        this(
                name,
                target,
                staging,
                window,
                requestedBy,
                migrations,
                backfills,
                checks,
                notifications,
                irreversible,
                onFailedVerification,
                manual,
                null,
                null);
    }

    public MigrationRequest(
            String name,
            String target,
            String staging,
            Window window,
            String requestedBy,
            List<MigrationScript> migrations,
            List<BackfillSpec> backfills,
            List<CheckSpec> checks,
            Notify notifications,
            IrreversibleAcceptance irreversible,
            String onFailedVerification) {
        this(
                name,
                target,
                staging,
                window,
                requestedBy,
                migrations,
                backfills,
                checks,
                notifications,
                irreversible,
                onFailedVerification,
                null);
    }

    public MigrationRequest(
            String name,
            String target,
            String staging,
            Window window,
            String requestedBy,
            List<MigrationScript> migrations,
            List<BackfillSpec> backfills,
            List<CheckSpec> checks,
            Notify notifications,
            IrreversibleAcceptance irreversible) {
        this(
                name,
                target,
                staging,
                window,
                requestedBy,
                migrations,
                backfills,
                checks,
                notifications,
                irreversible,
                null,
                null);
    }

    /** True in the workflow's manual mode: each phase waits for an operator's {@code next}. */
    public boolean isManual() {
        return Boolean.TRUE.equals(manual);
    }

    /** Roll production back when its checks fail, unless the request says {@code stop}. */
    public boolean rollBackOnFailedVerification() {
        return !"stop".equals(onFailedVerification);
    }

    /** When production's checks fail and its downs were not proven, restore its backup (losing writes since). */
    public boolean restoreOnFailedVerification() {
        return "restore".equals(onFailedVerification);
    }

    public MigrationRequest(
            String name,
            String target,
            String staging,
            Window window,
            String requestedBy,
            List<MigrationScript> migrations,
            List<BackfillSpec> backfills,
            List<CheckSpec> checks,
            Notify notifications) {
        this(
                name,
                target,
                staging,
                window,
                requestedBy,
                migrations,
                backfills,
                checks,
                notifications,
                null,
                null,
                null);
    }

    public List<MigrationScript> migrations() {
        return migrations == null ? List.of() : migrations;
    }

    public List<BackfillSpec> backfills() {
        return backfills == null ? List.of() : backfills;
    }

    public List<CheckSpec> checks() {
        return checks == null ? List.of() : checks;
    }

    public List<SchemaOperation> operations() {
        return operations == null ? List.of() : operations;
    }
}
