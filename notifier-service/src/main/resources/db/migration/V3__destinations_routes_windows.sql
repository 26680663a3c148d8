-- Per-destination deliveries: the delivery id a receiver can de-duplicate on, the digest key of digested notices,
-- and SENDING, the claim taken before a send, so that an interrupted send is recognised when the event comes again.
ALTER TABLE delivery_log
    ADD COLUMN delivery_id text,
    ADD COLUMN digest_key  text,
    ADD COLUMN in_doubt    boolean NOT NULL DEFAULT false;
UPDATE delivery_log SET delivery_id = gen_random_uuid()::text WHERE delivery_id IS NULL;
ALTER TABLE delivery_log ALTER COLUMN delivery_id SET NOT NULL;
ALTER TABLE delivery_log DROP CONSTRAINT delivery_log_status_check;
ALTER TABLE delivery_log ADD CONSTRAINT delivery_log_status_check
    CHECK (status IN ('SENDING', 'DELIVERED', 'FAILED'));
CREATE INDEX delivery_log_digest ON delivery_log (channel, digest_key, recorded_at) WHERE digest_key IS NOT NULL;

-- A migration's own routes: from its request's notify, or set over REST.
CREATE TABLE migration_route (
    id           bigserial PRIMARY KEY,
    migration_id text        NOT NULL,
    destination  text        NOT NULL,
    events       text,
    min_severity text        NOT NULL DEFAULT 'INFO',
    required     boolean     NOT NULL DEFAULT true,
    source       text        NOT NULL CHECK (source IN ('request', 'api')),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX migration_route_by_migration ON migration_route (migration_id);

-- The windows whose reminders and opening and closing notices are still to come.
CREATE TABLE migration_window (
    migration_id text PRIMARY KEY,
    name         text,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz,
    timezone     text,
    done         boolean     NOT NULL DEFAULT false
);
