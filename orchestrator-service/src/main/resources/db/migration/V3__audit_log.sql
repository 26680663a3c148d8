-- Every call that changes something, accepted or refused: who, when, what, and the answer.
CREATE TABLE audit_log (
    id           bigserial PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    who          text        NOT NULL,
    role         text,
    action       text        NOT NULL,
    migration_id text,
    status       integer     NOT NULL
);
CREATE INDEX audit_log_by_migration ON audit_log (migration_id, at);
