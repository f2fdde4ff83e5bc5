-- The chains of the seeds (NCCQI 账号审批, NCIS/HQMS institution registration, Zhejiang monthly
-- review, NCIS 申请修改, stroke registry historical-data binding). Data, not code: a program
-- adds its own with PUT /api/approval/v1/internal/chains/:code.
INSERT INTO chains (code, request_type, name, decisions, specialty_required, reason_required, reason_max) VALUES
    ('provincial_centre_registration', 'registration', '省级质控中心注册审批', '{approve,reject}', false, false, NULL),
    ('institution_admin_registration', 'registration', '医疗机构管理员注册审批', '{approve,reject}', false, false, NULL),
    ('specialty_admin_registration', 'registration', '医疗机构亚专业管理员注册审批', '{approve,reject}', true, false, NULL),
    ('data_entry_registration', 'registration', '亚专业录入员/医师注册审批', '{approve,reject}', true, false, NULL),
    ('platform_registration', 'registration', '医疗机构注册审批（平台）', '{approve,reject}', false, false, NULL),
    ('monthly_submission', 'monthly_submission', '月度数据审核', '{approve,return}', false, false, NULL),
    ('modification_request', 'modification_request', '申请修改审批', '{approve,reject}', false, true, 200),
    ('history_binding', 'history_binding', '绑定既往数据审批', '{approve,reject}', false, false, NULL);

INSERT INTO chain_stages (chain_code, idx, name, role, scope, specialty_match, rule, org_kind) VALUES
    -- 省级质控中心提交注册申请，由国家质控中心审批
    ('provincial_centre_registration', 1, '国家质控中心审批', 'national_centre', 'nation', false, 'any', NULL),
    -- 医疗机构管理员提交注册申请，由省级质控中心审批（若有多个省级质控中心，则各中心均需审批）
    ('institution_admin_registration', 1, '省级质控中心审批', 'provincial_centre', 'province', false, 'all', 'provincial_centre'),
    -- 医疗机构亚专业管理员：由医疗机构管理员审核，由省级质控中心对应专业审批
    ('specialty_admin_registration', 1, '医疗机构管理员审核', 'institution_admin', 'institution', false, 'any', NULL),
    ('specialty_admin_registration', 2, '省级质控中心审批（对应专业）', 'provincial_centre', 'province', true, 'any', NULL),
    -- 医疗机构亚专业录入员/医师：由医疗机构亚专业管理员审批
    ('data_entry_registration', 1, '亚专业管理员审批', 'specialty_admin', 'institution', true, 'any', NULL),
    -- NCIS / HQMS 医疗机构注册：平台运营审批
    ('platform_registration', 1, '平台运营审批', 'platform_operator', 'platform', false, 'any', NULL),
    -- 浙江省月度核心指标：省质控办审核（通过或退回）
    ('monthly_submission', 1, '省级质控办审核', 'provincial_centre', 'province', true, 'any', NULL),
    -- NCIS 提交后申请修改：由审核该数据的省级质控中心审批
    ('modification_request', 1, '省级质控中心审批', 'provincial_centre', 'province', true, 'any', NULL),
    -- 卒中登记 绑定既往数据：省级质控中心审批
    ('history_binding', 1, '省级质控中心审批', 'provincial_centre', 'province', true, 'any', NULL);
