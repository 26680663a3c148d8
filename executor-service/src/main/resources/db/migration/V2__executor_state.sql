-- The executor keeps no state of its own beyond the inbox and outbox (db/support) yet.
-- This script marks where its own tables begin.
SELECT 1;
