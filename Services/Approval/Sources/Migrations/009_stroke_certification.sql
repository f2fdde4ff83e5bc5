-- 个人身份认证 of a stroke registry individual user (identity's stroke users, docs/registration.md):
-- "医院管理员用户具有审批账号的权限" — the unit's administrator approves. A unit without an
-- active administrator: identity opens the request on the second chain, one level up (the
-- province's QC centre, itself going up to the national centre when the province has none).
INSERT INTO chains (code, request_type, name, decisions, specialty_required, reason_required, reason_max) VALUES
    ('stroke_certification', 'stroke_certification', '脑卒中登记个人身份认证审批', '{approve,reject}', false, false, NULL),
    ('stroke_certification_province', 'stroke_certification', '脑卒中登记个人身份认证审批（省级）', '{approve,reject}', false, false, NULL)
ON CONFLICT (code) DO NOTHING;

INSERT INTO chain_stages (chain_code, idx, name, role, scope, specialty_match, rule, org_kind) VALUES
    ('stroke_certification', 1, '医院管理员审批', 'institution_admin', 'institution', false, 'any', NULL),
    ('stroke_certification_province', 1, '省级质控中心审批（本单位无医院管理员）', 'provincial_centre', 'province', false, 'any', NULL)
ON CONFLICT DO NOTHING;
