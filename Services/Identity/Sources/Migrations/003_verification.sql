-- Image captchas, SMS codes (hashed, single use) and the outgoing message queue.
CREATE TABLE captchas (
    id uuid PRIMARY KEY,
    answer_hash text NOT NULL,
    answer_dev text,                    -- kept only in dev mode, for the dev inbox
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

CREATE TABLE sms_codes (
    id uuid PRIMARY KEY,
    phone text NOT NULL,
    purpose text NOT NULL,
    code_hash text NOT NULL,
    client_ip text,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sms_codes_phone ON sms_codes (phone, created_at);
CREATE INDEX sms_codes_ip ON sms_codes (client_ip, created_at);

CREATE TABLE messages (
    id uuid PRIMARY KEY,
    channel text NOT NULL CHECK (channel IN ('sms', 'email')),
    recipient text NOT NULL,
    subject text,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz
);
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX messages_recipient ON messages (recipient, created_at);
