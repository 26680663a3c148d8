-- The delivery log becomes the notifier's queue: the consumer records one PENDING row per destination and
-- acknowledges the event; a worker sends the rows, per destination in order, so a destination that is down or slow
-- holds back only its own notices. The row keeps the notice it sends and when its next attempt is due.
ALTER TABLE delivery_log
    ADD COLUMN notice          text,
    ADD COLUMN required        boolean     NOT NULL DEFAULT false,
    ADD COLUMN round_attempts  integer     NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE delivery_log DROP CONSTRAINT delivery_log_status_check;
ALTER TABLE delivery_log ADD CONSTRAINT delivery_log_status_check
    CHECK (status IN ('PENDING', 'SENDING', 'DELIVERED', 'FAILED'));
CREATE INDEX delivery_log_queue ON delivery_log (channel, id) WHERE status IN ('PENDING', 'SENDING');
