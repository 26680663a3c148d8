-- The delivery log: one row per (event, channel), so that a redelivered event sends nothing
-- twice. DELIVERED is final; a FAILED row is retried, and updated, when the event comes again.
CREATE TABLE delivery_log (
    id           bigserial PRIMARY KEY,
    event_id     text        NOT NULL,
    channel      text        NOT NULL,
    event_type   text        NOT NULL,
    migration_id text,
    status       text        NOT NULL CHECK (status IN ('DELIVERED', 'FAILED')),
    attempts     integer     NOT NULL,
    last_error   text,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT delivery_log_event_channel UNIQUE (event_id, channel)
);
CREATE INDEX delivery_log_by_migration ON delivery_log (migration_id, recorded_at);
