-- 变更资料 (docs/accounts.md): an approved institution's changed data, reviewed like its
-- registration: by the province's centres (NCCQI), by the platform for NCIS and HQMS.
INSERT INTO chains (code, request_type, name, decisions, specialty_required, reason_required, reason_max) VALUES
    ('org_change', 'org_change', '医疗机构变更资料审批', '{approve,reject}', false, false, NULL),
    ('platform_org_change', 'org_change', '医疗机构变更资料审批（平台）', '{approve,reject}', false, false, NULL)
ON CONFLICT (code) DO NOTHING;

INSERT INTO chain_stages (chain_code, idx, name, role, scope, specialty_match, rule, org_kind) VALUES
    ('org_change', 1, '省级质控中心审批', 'provincial_centre', 'province', false, 'all', 'provincial_centre'),
    ('platform_org_change', 1, '平台运营审批', 'platform_operator', 'platform', false, 'any', NULL)
ON CONFLICT DO NOTHING;
