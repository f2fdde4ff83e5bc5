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
-- the counted reports of the institutions below the node (folded; the newest are in stat_deltas). For a ratio indicator (a rate),
-- numerator and denominator hold the sums of its two parts over the institutions whose rate is
-- defined, so the node's rate is Σ numerator / Σ denominator × factor — never an average of
-- rates. value_sum is Σ of the indicator's own values (counts; for rates only informative).
-- Contributions are written in the same transaction as the state change of a report (submit,
-- return, reopen, acceptance where the program counts only accepted data) into stat_deltas.
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

-- What the submissions added since the last fold: every state change writes its contribution
-- here (plain inserts, so concurrent submissions never wait on the shared nation/province rows);
-- the folder (stats_fold, a background task every second) moves them into stat_rollups in one
-- statement. Reads use stat_current = rollups + deltas, so a submission is in the statistics
-- when its transaction commits.
CREATE TABLE stat_deltas (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    program_id uuid NOT NULL,
    indicator_code text NOT NULL,
    period text NOT NULL,
    -- the institution's path: a delta is written once per report and indicator, and spread
    -- over the region nodes above the institution when read or folded (stats_nodes)
    scope_path text NOT NULL COLLATE "C",
    org_id text NOT NULL,
    specialty text NOT NULL DEFAULT '',
    value_sum numeric NOT NULL,
    numerator numeric NOT NULL,
    denominator numeric NOT NULL,
    institutions int NOT NULL
);
CREATE INDEX stat_deltas_period ON stat_deltas (program_id, period);

CREATE VIEW stat_current AS
    SELECT program_id, indicator_code, period, node_path, depth, specialty, value_sum, numerator, denominator, institutions
    FROM stat_rollups
    UNION ALL
    SELECT d.program_id, d.indicator_code, d.period, n.node_path, n.depth, d.specialty, d.value_sum, d.numerator,
           d.denominator, d.institutions
    FROM stat_deltas d CROSS JOIN LATERAL stats_nodes(d.scope_path, d.org_id) n;

-- Folds the deltas into the rollups (one folder at a time: advisory lock); the rows folded.
CREATE FUNCTION stats_fold() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('reporting.stats_fold')) THEN
        RETURN 0;
    END IF;
    WITH d AS (DELETE FROM stat_deltas RETURNING *),
    g AS (SELECT d.program_id, d.indicator_code, d.period, n.node_path, n.depth, d.specialty, sum(d.value_sum) AS v,
                 sum(d.numerator) AS nu, sum(d.denominator) AS de, sum(d.institutions) AS i
          FROM d CROSS JOIN LATERAL stats_nodes(d.scope_path, d.org_id) n
          GROUP BY d.program_id, d.indicator_code, d.period, n.node_path, n.depth, d.specialty)
    INSERT INTO stat_rollups AS s (program_id, indicator_code, period, node_path, depth, specialty, value_sum, numerator,
                                   denominator, institutions)
    SELECT program_id, indicator_code, period, node_path, depth, specialty, v, nu, de, i FROM g
    ORDER BY program_id, period, node_path, indicator_code, specialty
    ON CONFLICT (program_id, period, node_path, indicator_code, specialty) DO UPDATE SET
        value_sum = s.value_sum + excluded.value_sum, numerator = s.numerator + excluded.numerator,
        denominator = s.denominator + excluded.denominator, institutions = s.institutions + excluded.institutions;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- The counted institutions' own values (one row per counted report and numeric indicator),
-- written and removed with the deltas: a hospital's comparison takes percentile_cont over one
-- index range (program, period, indicator, scope prefix) that covers the value, instead of
-- probing the values table once per institution.
CREATE TABLE stat_values (
    report_id uuid NOT NULL,
    program_id uuid NOT NULL,
    period text NOT NULL,
    indicator_code text NOT NULL,
    scope_path text NOT NULL COLLATE "C",
    num numeric NOT NULL,
    PRIMARY KEY (report_id, indicator_code)
);
CREATE INDEX stat_values_range ON stat_values (program_id, period, indicator_code, scope_path) INCLUDE (num);

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

-- Recomputes every rollup from the counted reports (set-based, the same sums as the
-- incremental path): run once here for the reports submitted before this migration, and after
-- bulk writes that bypass the submit path (the demo seed).
CREATE FUNCTION stats_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    DELETE FROM stat_deltas;
    DELETE FROM stat_values;
    INSERT INTO stat_values (report_id, program_id, period, indicator_code, scope_path, num)
    SELECT r.id, r.program_id, r.period, i.code, r.scope_path, v.num
    FROM reports r JOIN programs p ON p.id = r.program_id
    JOIN report_values v ON v.report_id = r.id AND v.num IS NOT NULL JOIN indicators i ON i.id = v.indicator_id
    WHERE stats_counts(p.stats_basis, p.review_chain IS NOT NULL, r.status);
    DELETE FROM stat_rollups;
    INSERT INTO stat_rollups (program_id, indicator_code, period, node_path, depth, specialty, value_sum, numerator,
                              denominator, institutions)
    SELECT r.program_id, a.code, r.period, nd.node_path, nd.depth, coalesce(p.review_specialty, ''),
           sum(a.num), sum(coalesce(nv.num, 0)), sum(coalesce(dv.num, 0)), count(*)
    FROM reports r
    JOIN programs p ON p.id = r.program_id
    JOIN report_values v ON v.report_id = r.id AND v.num IS NOT NULL
    JOIN indicators a0 ON a0.id = v.indicator_id
    CROSS JOIN LATERAL (SELECT a0.code, a0.formula_kind, a0.operands, v.num) a
    LEFT JOIN indicators ni ON a.formula_kind = 'ratio' AND ni.version_id = a0.version_id AND ni.code = a.operands[1]
    LEFT JOIN report_values nv ON nv.report_id = r.id AND nv.indicator_id = ni.id
    LEFT JOIN indicators di ON a.formula_kind = 'ratio' AND di.version_id = a0.version_id AND di.code = a.operands[2]
    LEFT JOIN report_values dv ON dv.report_id = r.id AND dv.indicator_id = di.id
    CROSS JOIN LATERAL stats_nodes(r.scope_path, r.org_id) nd
    WHERE stats_counts(p.stats_basis, p.review_chain IS NOT NULL, r.status)
    GROUP BY r.program_id, a.code, r.period, nd.node_path, nd.depth, coalesce(p.review_specialty, '');
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

SELECT stats_rebuild();
