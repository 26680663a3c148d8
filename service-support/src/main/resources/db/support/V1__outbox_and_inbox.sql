-- The transactional outbox: a state change and the message announcing it commit together;
-- the relay publishes rows in id order and stamps published_at once Kafka acknowledged them.
-- A row Kafka can never accept (too large, say) gets failed_at and the error instead, so it
-- does not hold back every message after it.
CREATE TABLE outbox (
    id           bigserial PRIMARY KEY,
    topic        text        NOT NULL,
    message_key  text        NOT NULL,
    event_id     text        NOT NULL,
    event_type   text        NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    failed_at    timestamptz,
    error        text
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_by_key ON outbox (message_key, id);

-- The inbox: ids of messages already handled, so a redelivery changes nothing twice.
CREATE TABLE inbox (
    message_id   text PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);
