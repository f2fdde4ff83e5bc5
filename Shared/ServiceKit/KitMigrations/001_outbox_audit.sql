-- Tables every service keeps in its own schema: the outbox (effects on other services,
-- written in the same transaction as the change), processed idempotency keys (effects that
-- arrive more than once apply once) and the audit log (every state change).
CREATE TABLE IF NOT EXISTS outbox (
    id uuid PRIMARY KEY,
    target text NOT NULL,
    path text NOT NULL,
    body text NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    failed_at timestamptz,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;

CREATE TABLE IF NOT EXISTS processed_keys (
    key text PRIMARY KEY,
    processed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS audit_log (
    id uuid PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_id text,
    actor_org text,
    action text NOT NULL,
    object_type text NOT NULL,
    object_id text,
    old_value jsonb,
    new_value jsonb,
    source_ip text,
    request_id text
);
CREATE INDEX IF NOT EXISTS audit_log_object ON audit_log (object_type, object_id, at);
