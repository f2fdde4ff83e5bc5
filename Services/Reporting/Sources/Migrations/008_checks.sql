-- Outlier warnings and per-value comments (说明) — docs/reporting.md, "Outliers and comments".

-- How many of the institution's own past periods the modified z-score looks at, and whether a
-- warned value needs a comment before the report can be submitted. The seeds do not say it;
-- we require it for Zhejiang, whose provincial centre reviews every month (the reviewer reads
-- the 说明 next to a flagged value), and leave it optional elsewhere.
ALTER TABLE programs
    ADD COLUMN outlier_periods int NOT NULL DEFAULT 12 CHECK (outlier_periods BETWEEN 3 AND 60),
    ADD COLUMN outlier_comment_required boolean NOT NULL DEFAULT false;
UPDATE programs SET outlier_comment_required = true WHERE code = 'zj_monthly';

-- Plausibility limits of an indicator (warn, never block; the hard bounds are
-- indicators.min_value/max_value).
CREATE TABLE indicator_limits (
    indicator_id uuid PRIMARY KEY REFERENCES indicators (id),
    warn_min numeric,
    warn_max numeric,
    CHECK (warn_min IS NOT NULL OR warn_max IS NOT NULL),
    CHECK (warn_min IS NULL OR warn_max IS NULL OR warn_min <= warn_max)
);

-- Zhejiang: an average stay beyond 1–30 days, an in-hospital mortality above 5 %, an
-- infection rate above 10 %, an outpatient antibiotic share above 20 % (the national target)
-- are implausible for a general hospital's month.
INSERT INTO indicator_limits (indicator_id, warn_min, warn_max)
SELECT i.id, l.lo, l.hi
FROM (VALUES ('B04', 1::numeric, 30::numeric), ('B03', NULL, 5), ('C02', NULL, 10), ('A08', NULL, 20)) AS l(code, lo, hi)
JOIN programs p ON p.code = 'zj_monthly'
JOIN forms f ON f.program_id = p.id AND f.code = 'core'
JOIN form_versions fv ON fv.form_id = f.id
JOIN indicators i ON i.version_id = fv.id AND i.code = l.code;

-- A comment (说明, at most 200 characters) on one value of a report; its changes go to the
-- edit log with source 'comment' (old/new in old_txt/new_txt).
CREATE TABLE value_comments (
    report_id uuid NOT NULL REFERENCES reports (id),
    indicator_id uuid NOT NULL REFERENCES indicators (id),
    comment text NOT NULL CHECK (char_length(comment) BETWEEN 1 AND 200),
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (report_id, indicator_id)
);

ALTER TABLE value_edits DROP CONSTRAINT value_edits_source_check;
ALTER TABLE value_edits ADD CONSTRAINT value_edits_source_check CHECK (source IN ('entry', 'computed', 'comment', 'carried'));

-- Deadline reminders: how many days before a period's deadline the first reminder goes out
-- (the second on the deadline day), and one row per program, institution, period and kind, so
-- each reminder is sent exactly once (through the outbox to identity's messaging).
ALTER TABLE programs
    ADD COLUMN reminder_days int NOT NULL DEFAULT 3 CHECK (reminder_days BETWEEN 1 AND 30);

CREATE TABLE deadline_reminders (
    program_id uuid NOT NULL REFERENCES programs (id),
    org_id text NOT NULL,
    period text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('before', 'deadline')),
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (program_id, org_id, period, kind)
);

-- Carry-over: a form whose values are kept between periods (Zhejiang's 医院一般情况, "updated at
-- least every half year") pre-fills a new report from the institution's last accepted one; each
-- pre-filled value stays marked until the user confirms it (saves it), and the report cannot be
-- submitted while any is unconfirmed.
ALTER TABLE forms ADD COLUMN carry_over boolean NOT NULL DEFAULT false;
UPDATE forms SET carry_over = true
WHERE code = 'general' AND program_id = (SELECT id FROM programs WHERE code = 'zj_monthly');

CREATE TABLE carried_values (
    report_id uuid NOT NULL REFERENCES reports (id),
    indicator_id uuid NOT NULL REFERENCES indicators (id),
    from_report_id uuid NOT NULL REFERENCES reports (id),
    PRIMARY KEY (report_id, indicator_id)
);

-- Specialty scope: a specialty program's reports are read (and reviewed) by the centres of
-- that specialty only (a provincial centre in its province, the national centre everywhere).
ALTER TABLE programs ADD COLUMN specialty text;
UPDATE programs SET specialty = 'coronary_intervention' WHERE code = 'nccqi_pci_quarterly';
