-- Six-digit GB/T 2260 codes in stored scope paths (identity's 007_regions_gbt2260.sql):
-- 86/33/3301/x → 86/330000/330100/x, province 33 → 330000, city 3301 → 330100.
UPDATE requests SET
    scope_path = regexp_replace(regexp_replace(scope_path, '^86/([0-9]{2})(/|$)', '86/\10000\2'), '^86/([0-9]{6})/([0-9]{4})(/|$)', '86/\1/\200\3'),
    province_code = CASE WHEN province_code ~ '^[0-9]{2}$' THEN province_code || '0000' ELSE province_code END,
    city_code = CASE WHEN city_code ~ '^[0-9]{4}$' THEN city_code || '00' ELSE city_code END
    WHERE scope_path ~ '^86/[0-9]{2}(/|$)' OR province_code ~ '^[0-9]{2}$' OR city_code ~ '^[0-9]{4}$';
UPDATE request_stages SET
    scope_path = regexp_replace(regexp_replace(scope_path, '^86/([0-9]{2})(/|$)', '86/\10000\2'), '^86/([0-9]{6})/([0-9]{4})(/|$)', '86/\1/\200\3')
    WHERE scope_path ~ '^86/[0-9]{2}(/|$)';
UPDATE stage_approver_orgs SET
    org_path = regexp_replace(regexp_replace(org_path, '^86/([0-9]{2})(/|$)', '86/\10000\2'), '^86/([0-9]{6})/([0-9]{4})(/|$)', '86/\1/\200\3')
    WHERE org_path ~ '^86/[0-9]{2}(/|$)';

-- No request waits forever: a stage for which no organisation exists (no provincial centre of
-- the specialty in the province yet, no city commission) goes to the next level up. The stage
-- keeps what it was (escalated_from) and why it moved (escalation_note, shown to the applicant).
ALTER TABLE request_stages
    ADD COLUMN escalated_from text,
    ADD COLUMN escalation_note text,
    -- rule any: when the stage's approvers were last found to exist (NULL: not checked yet)
    ADD COLUMN approvers_checked_at timestamptz,
    ADD COLUMN approvers_check_after timestamptz;
CREATE INDEX request_stages_unchecked ON request_stages (approvers_check_after)
    WHERE status = 'pending' AND approvers_checked_at IS NULL AND role IN ('provincial_centre', 'city_commission');
-- open stages by the time they opened (operators' list of requests waiting too long)
CREATE INDEX request_stages_open_since ON request_stages (opened_at) WHERE status IN ('pending', 'resolving');
