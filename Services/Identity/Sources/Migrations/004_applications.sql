-- Registration applications (the four-step wizard) and applied approval outcomes.
CREATE TABLE applications (
    id uuid PRIMARY KEY,
    phone text NOT NULL,
    role text,
    program text,                                 -- e.g. ncis, hqms: decides the approval chain
    specialties text[] NOT NULL DEFAULT '{}',
    region_code text,
    org_id uuid REFERENCES organisations(id),     -- existing organisation (later applicants)
    org_data jsonb,                               -- new organisation (first applicant)
    person jsonb,
    document_ids text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending', 'approved', 'rejected', 'withdrawn')),
    revision integer NOT NULL DEFAULT 0,
    approval_request_id text,
    opinion text,
    user_id uuid REFERENCES users(id),
    credentials_sent_at timestamptz,
    submitted_at timestamptz,
    decided_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_phone ON applications (phone, created_at);

CREATE TABLE approval_outcomes (
    request_id text PRIMARY KEY,
    application_id uuid NOT NULL REFERENCES applications(id),
    outcome text NOT NULL,
    applied_count integer NOT NULL DEFAULT 1,
    applied_at timestamptz NOT NULL DEFAULT now()
);
