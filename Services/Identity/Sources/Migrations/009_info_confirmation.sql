-- Zhejiang: an institution confirms its general information at least every six months and
-- whenever its liaison (联络员) changes; reminders before the confirmation lapses
-- (docs/registration.md).
CREATE TABLE info_confirmations (
    id uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES organisations(id),
    confirmed_by uuid NOT NULL REFERENCES users(id),
    confirmed_at timestamptz NOT NULL DEFAULT now(),
    liaison_name text NOT NULL,
    liaison_phone text NOT NULL
);
CREATE INDEX info_confirmations_org ON info_confirmations (org_id, confirmed_at DESC);

-- One reminder per institution and due date (the run is repeatable).
CREATE TABLE info_confirmation_reminders (
    org_id uuid NOT NULL REFERENCES organisations(id),
    due_at timestamptz NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, due_at)
);
