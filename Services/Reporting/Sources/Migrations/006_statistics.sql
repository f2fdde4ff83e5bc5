-- Statistics (issue 20): regional rollups kept fresh at submit, completeness monitoring and
-- reminders. See docs/statistics.md.

-- Which reports count in a program's statistics: 'submitted' = every submitted report
-- (submitted, under review, accepted); 'accepted' = only reports accepted by review (and, for a
-- program without review, submitted ones, since they are final).
ALTER TABLE programs
    ADD COLUMN stats_basis text NOT NULL DEFAULT 'submitted' CHECK (stats_basis IN ('submitted', 'accepted'));

-- Does a report of a program with `basis` and `review_chain` count in the statistics in `status`?
CREATE FUNCTION stats_counts(basis text, has_review boolean, status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN basis = 'accepted' AND has_review THEN status = 'accepted'
                  ELSE status IN ('submitted', 'under_review', 'accepted') END $$;

-- The region nodes above an institution: every proper prefix of its scope path, by segments
-- ("86/33/3301/<org>" → "86", "86/33", "86/33/3301"; "86/330000/330100/330106/<org>" → four
-- nodes). The last segment is left out when it is the organisation itself.
CREATE FUNCTION stats_nodes(path text, org_id text) RETURNS TABLE (node_path text, depth int)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    WITH s AS (SELECT string_to_array(path, '/') AS parts)
    SELECT array_to_string(s.parts[1:k], '/'), k
    FROM s, generate_series(1, cardinality(s.parts) - CASE WHEN s.parts[cardinality(s.parts)] = org_id THEN 1 ELSE 0 END) AS k
$$;

-- The rollup: one row per (program, indicator, period, region node, specialty) with the sums of
-- the counted reports of the institutions below the node. For a ratio indicator (a rate),
-- numerator and denominator hold the sums of its two parts over the institutions whose rate is
-- defined, so the node's rate is Σ numerator / Σ denominator × factor — never an average of
-- rates. value_sum is Σ of the indicator's own values (counts; for rates only informative).
-- Written in the same transaction as the state change of a report (submit, return, reopen,
-- acceptance where the program counts only accepted data).
CREATE TABLE stat_rollups (
    program_id uuid NOT NULL REFERENCES programs (id),
    indicator_code text NOT NULL,
    period text NOT NULL,
    node_path text NOT NULL COLLATE "C",
    depth int NOT NULL,
    specialty text NOT NULL DEFAULT '',
    value_sum numeric NOT NULL DEFAULT 0,
    numerator numeric NOT NULL DEFAULT 0,
    denominator numeric NOT NULL DEFAULT 0,
    institutions int NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, period, node_path, indicator_code, specialty)
);
-- children of a node for one period (and all indicators): (program, period, depth, prefix range)
CREATE INDEX stat_rollups_children ON stat_rollups (program_id, period, depth, node_path);
-- trend of one indicator at one node over a period range
CREATE INDEX stat_rollups_trend ON stat_rollups (program_id, indicator_code, node_path, period);

-- Comparison and completeness read reports by program, period and scope prefix.
CREATE INDEX reports_stats ON reports (program_id, period, (scope_path COLLATE "C"));
CREATE INDEX enrolments_scope ON enrolments (program_id, (scope_path COLLATE "C"));

-- Reminders a centre sent to institutions that have not submitted a period (shown to the
-- institution with its due list: GET /api/reporting/v1/stats/reminders).
CREATE TABLE stat_reminders (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES programs (id),
    form_id uuid NOT NULL REFERENCES forms (id),
    period text NOT NULL,
    org_id text NOT NULL,
    scope_path text NOT NULL,
    message text NOT NULL,
    sent_by text NOT NULL,
    sent_by_org text NOT NULL,
    sent_by_name text NOT NULL DEFAULT '',
    sent_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX stat_reminders_org ON stat_reminders (org_id, sent_at DESC);
