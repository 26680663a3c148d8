-- One row per migration. The request, the evidence and the plan are documents (JSON / Markdown);
-- the phase and step are columns, changed with optimistic locking on version.
CREATE TABLE migration (
    id             text        PRIMARY KEY,
    request_key    text        NOT NULL UNIQUE,
    name           text        NOT NULL,
    target         text        NOT NULL,
    staging        text        NOT NULL,
    requested_by   text,
    request        text        NOT NULL,
    phase          text        NOT NULL,
    step_index     integer     NOT NULL,
    evidence       text        NOT NULL,
    plan           text,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    version        bigint      NOT NULL DEFAULT 0
);
CREATE INDEX migration_created_at ON migration (created_at DESC);
