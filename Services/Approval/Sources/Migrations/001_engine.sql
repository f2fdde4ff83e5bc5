-- The approval engine. Chains and their stages are data (seeded in 002, more can be added by
-- programs); a request copies its chain's stages when it is opened, so a later change of a
-- chain never changes a request already in flight.

-- True when `path` lies in the subtree of a grant's `scope_path` (RoleAssignment.covers).
CREATE FUNCTION path_covers(grant_path text, path text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT path = grant_path OR starts_with(path, grant_path || '/') $$;

CREATE TABLE chains (
    code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,62}$'),
    request_type text NOT NULL CHECK (request_type ~ '^[a-z][a-z0-9_]{1,62}$'),
    name text NOT NULL,
    -- what an approver may answer besides nothing: approve always, reject and/or return
    decisions text[] NOT NULL DEFAULT '{approve,reject}'
        CHECK (decisions <@ ARRAY['approve', 'reject', 'return'] AND 'approve' = ANY (decisions)),
    specialty_required boolean NOT NULL DEFAULT false,
    reason_required boolean NOT NULL DEFAULT false,
    reason_max integer CHECK (reason_max > 0),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chain_stages (
    chain_code text NOT NULL REFERENCES chains (code) ON DELETE CASCADE,
    idx integer NOT NULL CHECK (idx BETWEEN 1 AND 20),
    name text NOT NULL,
    role text NOT NULL,
    -- the level of the subject's scope an approver's grant must cover
    scope text NOT NULL CHECK (scope IN ('nation', 'province', 'city', 'institution', 'platform')),
    -- approver's specialty must be the request's (grants without a specialty cover all)
    specialty_match boolean NOT NULL DEFAULT false,
    -- any: one approver decides; all: every organisation listed by identity must approve
    rule text NOT NULL CHECK (rule IN ('any', 'all')),
    -- rule all: the kind of organisation identity lists under the stage's scope
    org_kind text,
    PRIMARY KEY (chain_code, idx),
    CHECK (rule = 'any' OR org_kind IS NOT NULL)
);

CREATE TABLE requests (
    id uuid PRIMARY KEY,
    type text NOT NULL,
    chain_code text NOT NULL REFERENCES chains (code),
    subject_service text NOT NULL,
    subject_id text NOT NULL,
    title text NOT NULL,
    applicant jsonb NOT NULL,
    applicant_user_id text,
    scope_path text NOT NULL,
    province_code text,
    city_code text,
    specialty text,
    institution_org_id text,
    attachments text[] NOT NULL DEFAULT '{}',
    details jsonb NOT NULL DEFAULT '{}',
    reason text,
    callback_path text,
    idempotency_key text UNIQUE,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'returned', 'withdrawn')),
    current_stage integer NOT NULL DEFAULT 1,
    acted boolean NOT NULL DEFAULT false,
    outcome_opinion text,
    decided_at timestamptz,
    decided_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX requests_subject ON requests (subject_service, subject_id, id DESC);
CREATE INDEX requests_pending ON requests (id DESC) WHERE status = 'pending';
CREATE INDEX requests_applicant ON requests (applicant_user_id, id DESC) WHERE applicant_user_id IS NOT NULL;

CREATE TABLE request_stages (
    request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    idx integer NOT NULL,
    name text NOT NULL,
    role text NOT NULL,
    scope text NOT NULL,
    -- the subject's scope cut at this stage's level: what an approver's grant must cover
    scope_path text NOT NULL,
    specialty_match boolean NOT NULL,
    rule text NOT NULL,
    org_kind text,
    status text NOT NULL
        CHECK (status IN ('waiting', 'resolving', 'pending', 'approved', 'rejected', 'returned', 'withdrawn')),
    opened_at timestamptz,
    completed_at timestamptz,
    -- rule all: looking up the organisations at identity (retried until it answers)
    resolve_attempts integer NOT NULL DEFAULT 0,
    resolve_after timestamptz,
    resolve_error text,
    PRIMARY KEY (request_id, idx)
);
CREATE INDEX request_stages_open ON request_stages (role, scope_path) WHERE status = 'pending';
CREATE INDEX request_stages_resolving ON request_stages (resolve_after) WHERE status = 'resolving';

-- Rule all: the organisations listed when the stage opened; each must approve.
CREATE TABLE stage_approver_orgs (
    request_id uuid NOT NULL,
    stage_idx integer NOT NULL,
    org_id text NOT NULL,
    org_name text NOT NULL,
    org_path text,
    decision text CHECK (decision IN ('approve', 'reject', 'return')),
    decided_at timestamptz,
    PRIMARY KEY (request_id, stage_idx, org_id),
    FOREIGN KEY (request_id, stage_idx) REFERENCES request_stages (request_id, idx) ON DELETE CASCADE
);
CREATE INDEX stage_approver_orgs_pending ON stage_approver_orgs (org_id) WHERE decision IS NULL;

-- One decision per organisation per stage, whoever of that organisation took it.
CREATE TABLE decisions (
    id uuid PRIMARY KEY,
    request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    stage_idx integer NOT NULL,
    org_id text NOT NULL,
    org_name text,
    user_id text NOT NULL,
    user_name text NOT NULL,
    role text NOT NULL,
    decision text NOT NULL CHECK (decision IN ('approve', 'reject', 'return')),
    opinion text,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (request_id, stage_idx, org_id)
);
CREATE INDEX decisions_user ON decisions (user_id, request_id);

-- What happened to a request, in order (the history shown to approvers and applicants).
CREATE TABLE request_events (
    id uuid PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    request_id uuid NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind text NOT NULL,   -- created, stage_opened, decided, stage_completed, approved, rejected, returned, withdrawn, superseded
    stage_idx integer,
    actor_id text,
    actor_name text,
    org_id text,
    org_name text,
    decision text,
    opinion text,
    note text
);
CREATE INDEX request_events_request ON request_events (request_id, seq);
