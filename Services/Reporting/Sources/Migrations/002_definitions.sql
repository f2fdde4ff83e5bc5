-- Reporting I: definitions as data (programs, forms, indicator-set versions, indicators, rules),
-- enrolment, reports with their values and the edit log. Times are timestamptz; periods and
-- deadlines are computed in China Standard Time by the service (Engine/Calendar.swift).

CREATE FUNCTION path_covers(grant_path text, path text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT path = grant_path OR starts_with(path, grant_path || '/') $$;

-- A program: what is reported, how often, and when the window of a period opens and closes.
-- window_rule 'offset': a period's window opens open_after_* after the period ends and closes
-- close_after_* after it ends (Zhejiang: 0 → 20 days, by the 20th of the next month; stroke:
-- 1 → 3 months, February–March of the next year). 'announced': the window of each period is
-- announced (program_windows), as NCIS announces its survey.
ALTER TABLE programs
    ADD COLUMN period_type text NOT NULL DEFAULT 'month' CHECK (period_type IN ('week', 'month', 'quarter', 'year')),
    ADD COLUMN window_rule text NOT NULL DEFAULT 'offset' CHECK (window_rule IN ('offset', 'announced')),
    ADD COLUMN open_after_months int NOT NULL DEFAULT 0 CHECK (open_after_months BETWEEN 0 AND 24),
    ADD COLUMN open_after_days int NOT NULL DEFAULT 0 CHECK (open_after_days BETWEEN 0 AND 366),
    ADD COLUMN close_after_months int NOT NULL DEFAULT 1 CHECK (close_after_months BETWEEN 0 AND 24),
    ADD COLUMN close_after_days int NOT NULL DEFAULT 0 CHECK (close_after_days BETWEEN 0 AND 366),
    ADD COLUMN deadline_text text NOT NULL DEFAULT '',
    ADD COLUMN late_entry boolean NOT NULL DEFAULT false,
    -- who enters (hospital roles) and who reads (regional and centre roles, by scope prefix)
    ADD COLUMN entry_roles text[] NOT NULL DEFAULT ARRAY['institution_admin', 'specialty_admin', 'data_entry'],
    ADD COLUMN reader_roles text[] NOT NULL DEFAULT ARRAY['city_commission', 'provincial_centre', 'national_centre'],
    ADD COLUMN reviewer_roles text[] NOT NULL DEFAULT ARRAY['provincial_centre'],
    ADD COLUMN org_kinds text[] NOT NULL DEFAULT ARRAY['institution'],
    ADD COLUMN description text NOT NULL DEFAULT '',
    ADD COLUMN position int NOT NULL DEFAULT 0;

CREATE TABLE program_windows (
    program_id uuid NOT NULL REFERENCES programs (id),
    period text NOT NULL,
    opens_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL CHECK (closes_at > opens_at),
    announced_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (program_id, period)
);

-- A form of a program (aggregate table filled once per institution and period).
CREATE TABLE forms (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES programs (id),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,40}$'),
    name text NOT NULL,
    position int NOT NULL DEFAULT 0,
    UNIQUE (program_id, code)
);

-- Indicator-set versions, chosen by period: first_period ≤ period ≤ last_period (period keys
-- of one program compare as text: 2018-12 < 2019-01). An old period keeps its version.
CREATE TABLE form_versions (
    id uuid PRIMARY KEY,
    form_id uuid NOT NULL REFERENCES forms (id),
    code text NOT NULL,
    name text NOT NULL,
    first_period text NOT NULL,
    last_period text,
    UNIQUE (form_id, code),
    CHECK (last_period IS NULL OR last_period >= first_period)
);

CREATE TABLE indicators (
    id uuid PRIMARY KEY,
    version_id uuid NOT NULL REFERENCES form_versions (id),
    position int NOT NULL,
    code text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{0,15}$'),
    name text NOT NULL,
    category text NOT NULL,
    unit text NOT NULL DEFAULT '',
    type text NOT NULL CHECK (type IN ('integer', 'decimal', 'percent', 'date', 'choice', 'text')),
    required boolean NOT NULL DEFAULT false,
    min_value numeric,
    max_value numeric,
    decimals int NOT NULL DEFAULT 2 CHECK (decimals BETWEEN 0 AND 6),
    max_length int NOT NULL DEFAULT 200 CHECK (max_length BETWEEN 1 AND 2000),
    choices text[] NOT NULL DEFAULT '{}',
    help text NOT NULL DEFAULT '',
    -- computed indicators: 'ratio' = operands[1] / operands[2] × factor; 'sum' = Σ operands
    formula_kind text CHECK (formula_kind IN ('ratio', 'sum')),
    operands text[] NOT NULL DEFAULT '{}',
    factor numeric NOT NULL DEFAULT 100,
    UNIQUE (version_id, code),
    CHECK (formula_kind IS NULL OR type IN ('integer', 'decimal', 'percent'))
);

-- Cross-field rules: Σ left ≤ right (deaths ≤ discharges, part ≤ total), with the message
-- naming the fields.
CREATE TABLE rules (
    id uuid PRIMARY KEY,
    version_id uuid NOT NULL REFERENCES form_versions (id),
    position int NOT NULL,
    kind text NOT NULL DEFAULT 'le' CHECK (kind IN ('le')),
    left_codes text[] NOT NULL,
    right_code text NOT NULL,
    message text NOT NULL
);

-- An institution takes part in a program.
CREATE TABLE enrolments (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES programs (id),
    org_id text NOT NULL,
    scope_path text NOT NULL,
    enrolled_by text NOT NULL,
    enrolled_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (program_id, org_id)
);
CREATE INDEX enrolments_org ON enrolments (org_id);

-- A report: (program, form version, institution, period) and its state.
CREATE TABLE reports (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES programs (id),
    form_id uuid NOT NULL REFERENCES forms (id),
    version_id uuid NOT NULL REFERENCES form_versions (id),
    org_id text NOT NULL,
    scope_path text NOT NULL,
    period text NOT NULL,
    status text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'submitted', 'under_review', 'returned', 'accepted')),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    submitted_at timestamptz,
    submitted_by text,
    UNIQUE (form_id, org_id, period)
);
CREATE INDEX reports_org ON reports (org_id, program_id, period);
CREATE INDEX reports_scope ON reports ((scope_path COLLATE "C"));

-- One narrow table of values: numbers in num, dates/choices/text in txt.
CREATE TABLE report_values (
    report_id uuid NOT NULL REFERENCES reports (id),
    indicator_id uuid NOT NULL REFERENCES indicators (id),
    num numeric,
    txt text,
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report_id, indicator_id)
);

-- Every change of a value: who, when, old → new (source 'entry' by a person, 'computed' by a formula).
CREATE TABLE value_edits (
    id uuid PRIMARY KEY,
    -- the order of changes (saves of one report are serialised by its row lock)
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    report_id uuid NOT NULL REFERENCES reports (id),
    indicator_id uuid NOT NULL REFERENCES indicators (id),
    actor_id text NOT NULL,
    actor_name text NOT NULL DEFAULT '',
    source text NOT NULL CHECK (source IN ('entry', 'computed')),
    old_num numeric,
    old_txt text,
    new_num numeric,
    new_txt text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX value_edits_report ON value_edits (report_id, seq);
