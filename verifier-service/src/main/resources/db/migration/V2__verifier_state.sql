-- The verifier keeps no state of its own beyond the inbox and outbox (db/support) yet.
SELECT 1;
