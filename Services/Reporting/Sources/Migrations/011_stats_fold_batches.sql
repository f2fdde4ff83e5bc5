-- The statistics folder in bounded batches (issue 20): stats_fold() moved every pending delta
-- in one statement, a burst of work once a second that showed as the submits' latency tail.
-- stats_fold_batch(lim) moves at most `lim` deltas (the oldest first), aggregated per rollup
-- key, in the caller's short transaction; the background task calls it until a batch comes
-- back short. Deltas being folded by someone else are skipped (SKIP LOCKED), and the advisory
-- lock keeps one folder at a time, so readers still see each delta either pending or folded.
-- Returns the number of deltas moved.
CREATE FUNCTION stats_fold_batch(lim int) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    IF lim IS NULL OR lim < 1 OR lim > 100000 THEN
        RAISE EXCEPTION 'stats_fold_batch: limit out of range';
    END IF;
    IF NOT pg_try_advisory_xact_lock(hashtext('reporting.stats_fold')) THEN
        RETURN 0;
    END IF;
    -- The ids are picked once (MATERIALIZED): as `DELETE … WHERE id IN (SELECT … LIMIT)` the
    -- planner may rescan the subquery and delete more than `lim` rows (the e2e test saw it).
    WITH pick AS MATERIALIZED (SELECT id FROM stat_deltas ORDER BY id LIMIT lim FOR UPDATE SKIP LOCKED),
    d AS (DELETE FROM stat_deltas s USING pick WHERE s.id = pick.id RETURNING s.*),
    g AS (SELECT d.program_id, d.indicator_code, d.period, n.node_path, n.depth, d.specialty, sum(d.value_sum) AS v,
                 sum(d.numerator) AS nu, sum(d.denominator) AS de, sum(d.institutions) AS i, count(*) AS c
          FROM d CROSS JOIN LATERAL stats_nodes(d.scope_path, d.org_id) n
          GROUP BY d.program_id, d.indicator_code, d.period, n.node_path, n.depth, d.specialty),
    up AS (
        INSERT INTO stat_rollups AS s (program_id, indicator_code, period, node_path, depth, specialty, value_sum,
                                       numerator, denominator, institutions)
        SELECT program_id, indicator_code, period, node_path, depth, specialty, v, nu, de, i FROM g
        ORDER BY program_id, period, node_path, indicator_code, specialty
        ON CONFLICT (program_id, period, node_path, indicator_code, specialty) DO UPDATE SET
            value_sum = s.value_sum + excluded.value_sum, numerator = s.numerator + excluded.numerator,
            denominator = s.denominator + excluded.denominator, institutions = s.institutions + excluded.institutions)
    SELECT count(*) INTO n FROM d;
    RETURN n;
END $$;
