-- The receiver's answer to a delivered effect (e.g. the id of a request approval opened).
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS response text;
