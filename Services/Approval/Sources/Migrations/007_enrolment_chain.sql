-- Program enrolment that needs the program's approval (reporting's enrolment_requests): NCCQI
-- PCI takes an institution once the provincial centre of its specialty (coronary
-- intervention) in the institution's province approves; a grant of another specialty cannot
-- decide it (specialty-bound like specialty_submission, 004). Without such a centre in the
-- province the stage goes up a level (005).
INSERT INTO chains (code, request_type, name, decisions, specialty_required, reason_required, reason_max) VALUES
    ('specialty_enrolment', 'program_enrolment', '项目报名审批（对应专业）', '{approve,reject}', true, false, NULL)
ON CONFLICT (code) DO NOTHING;

INSERT INTO chain_stages (chain_code, idx, name, role, scope, specialty_match, rule, org_kind) VALUES
    ('specialty_enrolment', 1, '省级质控中心审批（对应专业）', 'provincial_centre', 'province', true, 'any', NULL)
ON CONFLICT DO NOTHING;

-- An enrolment request names the institution's approved registration (details 注册申请编号):
-- its approvers may view that registration's files (can-view, ScopeStore.isApproverOfSubject).
CREATE INDEX requests_enrolment_registration ON requests ((details->>'注册申请编号')) WHERE type = 'program_enrolment';
