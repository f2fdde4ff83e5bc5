-- Data review and modification requests come in two kinds. Hospital-wide figures (Zhejiang's
-- monthly core indicators, the NCIS survey) carry no specialty and are reviewed by the province's
-- QC office: any provincial-centre grant of the province (省质控办审核; NCIS 申请修改 goes to the
-- centre that reviews the data). Specialty data (NCCQI's registries) is reviewed by the centre of
-- its specialty: chains specialty_submission / specialty_modification_request, bound to the
-- request's specialty (a grant matches only its own specialty; a request must name one).
UPDATE chain_stages SET specialty_match = false WHERE chain_code IN ('monthly_submission', 'modification_request');

INSERT INTO chains (code, request_type, name, decisions, specialty_required, reason_required, reason_max) VALUES
    ('specialty_submission', 'monthly_submission', '专业数据审核', '{approve,return}', true, false, NULL),
    ('specialty_modification_request', 'modification_request', '专业数据申请修改审批', '{approve,reject}', true, true, 200)
ON CONFLICT (code) DO NOTHING;

INSERT INTO chain_stages (chain_code, idx, name, role, scope, specialty_match, rule, org_kind) VALUES
    ('specialty_submission', 1, '省级质控中心审核（对应专业）', 'provincial_centre', 'province', true, 'any', NULL),
    ('specialty_modification_request', 1, '省级质控中心审批（对应专业）', 'provincial_centre', 'province', true, 'any', NULL)
ON CONFLICT DO NOTHING;
