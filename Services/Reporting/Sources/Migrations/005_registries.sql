-- Reporting II: case registries as data (definitions, versions, fields, rules), cases keyed
-- by admission number, imports staged for a dry run then committed, and the registry year
-- (counts, the 附件4 scan, submission). Personal identifiers are sealed by the service
-- (AES-256-GCM, REPORTING_DATA_KEY) and never stored in clear.

-- A program's year (period) of case lists needs a scan of the stamped summary (stroke: 附件4).
ALTER TABLE programs ADD COLUMN registry_scan_kind text;
UPDATE programs SET registry_scan_kind = 'annual_survey_scan' WHERE code = 'stroke_annual';

-- A registry version: the case list of a program, chosen by period like form versions.
CREATE TABLE registries (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES programs (id),
    code text NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,40}$'),
    version text NOT NULL,
    name text NOT NULL,
    short_name text NOT NULL,
    first_period text NOT NULL,
    last_period text,
    position int NOT NULL DEFAULT 0,
    UNIQUE (program_id, code, version),
    CHECK (last_period IS NULL OR last_period >= first_period)
);

-- Fields: the admission number (key) first; `identifier` marks personal data (sealed at rest,
-- masked in lists, never exported; `mask` says how: name, resident_id, mobile).
CREATE TABLE registry_fields (
    registry_id uuid NOT NULL REFERENCES registries (id),
    position int NOT NULL,
    code text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9_]{0,15}$'),
    label text NOT NULL,
    type text NOT NULL CHECK (type IN ('text', 'integer', 'decimal', 'date', 'choice')),
    required boolean NOT NULL DEFAULT false,
    is_key boolean NOT NULL DEFAULT false,
    identifier boolean NOT NULL DEFAULT false,
    mask text CHECK (mask IN ('name', 'resident_id', 'mobile')),
    min_value numeric,
    max_value numeric,
    decimals int NOT NULL DEFAULT 2 CHECK (decimals BETWEEN 0 AND 6),
    max_length int NOT NULL DEFAULT 100 CHECK (max_length BETWEEN 1 AND 2000),
    choices text[] NOT NULL DEFAULT '{}',
    help text NOT NULL DEFAULT '',
    PRIMARY KEY (registry_id, code),
    UNIQUE (registry_id, label),
    CHECK (NOT identifier OR type = 'text'),
    CHECK (NOT (identifier AND is_key))
);

-- Conditional requirements: `field` is required when `when_field` = `when_value`.
CREATE TABLE registry_rules (
    registry_id uuid NOT NULL REFERENCES registries (id),
    position int NOT NULL,
    kind text NOT NULL DEFAULT 'required_if' CHECK (kind IN ('required_if')),
    field text NOT NULL,
    when_field text NOT NULL,
    when_value text NOT NULL,
    message text NOT NULL,
    PRIMARY KEY (registry_id, position)
);

-- The year (period) of an institution's case lists in a program: state, 附件4, submission.
CREATE TABLE registry_years (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES programs (id),
    org_id text NOT NULL,
    scope_path text NOT NULL,
    period text NOT NULL,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted')),
    scan_document_id uuid,
    no_case_registries text[] NOT NULL DEFAULT '{}',
    submitted_at timestamptz,
    submitted_by text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (program_id, org_id, period)
);
CREATE INDEX registry_years_scope ON registry_years ((scope_path COLLATE "C"));

-- A case. `data`: field code → normalised text of the non-personal fields; `personal`: field
-- code → sealed box (base64); `personal_digest`: field code → keyed digest of the clear value
-- (to tell unchanged from changed without opening boxes). Unique per institution, program,
-- period and admission number (text: leading zeros kept).
CREATE TABLE cases (
    id uuid PRIMARY KEY,
    registry_id uuid NOT NULL REFERENCES registries (id),
    program_id uuid NOT NULL REFERENCES programs (id),
    org_id text NOT NULL,
    scope_path text NOT NULL,
    period text NOT NULL,
    admission_no text NOT NULL CHECK (admission_no <> '' AND length(admission_no) <= 40),
    data jsonb NOT NULL DEFAULT '{}',
    personal jsonb NOT NULL DEFAULT '{}',
    personal_digest jsonb NOT NULL DEFAULT '{}',
    revision int NOT NULL DEFAULT 1,
    source text NOT NULL DEFAULT 'entry' CHECK (source IN ('entry', 'import')),
    import_id uuid,
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (program_id, org_id, period, admission_no)
);
CREATE INDEX cases_list ON cases (registry_id, org_id, period, id);

-- An import: the dry run's answer, kept under its id until committed (exactly that) or expired.
CREATE TABLE imports (
    id uuid PRIMARY KEY,
    registry_id uuid NOT NULL REFERENCES registries (id),
    program_id uuid NOT NULL REFERENCES programs (id),
    org_id text NOT NULL,
    scope_path text NOT NULL,
    period text NOT NULL,
    mode text NOT NULL CHECK (mode IN ('create', 'update')),
    clear_blanks boolean NOT NULL DEFAULT false,
    file_name text NOT NULL DEFAULT '',
    file_sha256 text NOT NULL,
    status text NOT NULL DEFAULT 'dry_run' CHECK (status IN ('dry_run', 'committed')),
    summary jsonb NOT NULL,
    problems jsonb NOT NULL DEFAULT '[]',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    committed_at timestamptz
);
CREATE INDEX imports_org ON imports (org_id, created_at);

-- The staged rows of a dry run (loaded with COPY, classified and merged set-based).
-- action: create, update, unchanged, conflict. Rows refused by the checks are not staged.
CREATE UNLOGGED TABLE import_rows (
    import_id uuid NOT NULL,
    row_no int NOT NULL,
    case_id uuid NOT NULL,
    admission_no text NOT NULL,
    data jsonb NOT NULL,
    personal jsonb NOT NULL,
    personal_digest jsonb NOT NULL,
    missing text[] NOT NULL,
    action text,
    existing_id uuid,
    existing_revision int,
    PRIMARY KEY (import_id, row_no)
);
CREATE INDEX import_rows_admission ON import_rows (import_id, admission_no);

-- Seeds: stroke 附件3 (单纯静脉溶栓个案) and 附件2 (血管内介入治疗个案), each with an older
-- version (2015–2017, before 溶栓药物 was asked) so that an old template is refused by its
-- header; NCCQI coronary intervention cases (quarterly, with the patient's identifiers).
INSERT INTO registries (id, program_id, code, version, name, short_name, first_period, last_period, position)
SELECT gen_random_uuid(), p.id, r.code, r.version, r.name, r.short_name, r.first_period, r.last_period, r.pos
FROM (VALUES ('stroke_annual', 'stroke_ivt', '2015', '单纯静脉溶栓个案登记（2015版）', '溶栓个案', '2015', '2017', 3),
             ('stroke_annual', 'stroke_ivt', '2018', '单纯静脉溶栓个案登记', '溶栓个案', '2018', NULL, 3),
             ('stroke_annual', 'stroke_evt', '2015', '血管内介入治疗个案登记（2015版）', '介入个案', '2015', '2017', 2),
             ('stroke_annual', 'stroke_evt', '2018', '血管内介入治疗个案登记', '介入个案', '2018', NULL, 2),
             ('nccqi_pci_quarterly', 'pci_cases', '2020', '冠心病介入治疗病例登记', '介入病例', '2020-Q1', NULL, 1)
     ) AS r(program, code, version, name, short_name, first_period, last_period, pos)
JOIN programs p ON p.code = r.program;

INSERT INTO registry_fields (registry_id, position, code, label, type, required, is_key, identifier, mask,
                             min_value, max_value, decimals, max_length, choices, help)
SELECT r.id, f.pos, f.fcode, f.label, f.type, f.required, f.is_key, f.identifier, f.mask, f.min_v, f.max_v, 0,
       f.max_len, f.choices, f.help
FROM (VALUES
 -- 溶栓个案 2018
 ('stroke_ivt', '2018', 1, 'ADM', '住院号', 'text', true, true, false, NULL, NULL::numeric, NULL::numeric, 40, '{}'::text[], '病案首页住院号，前导零保留'),
 ('stroke_ivt', '2018', 2, 'NAME', '患者姓名', 'text', false, false, true, 'name', NULL, NULL, 40, '{}', '仅用于本院随访，列表中脱敏显示，不导出'),
 ('stroke_ivt', '2018', 3, 'IDNO', '身份证号', 'text', false, false, true, 'resident_id', NULL, NULL, 18, '{}', '仅用于本院随访，不导出'),
 ('stroke_ivt', '2018', 4, 'PHONE', '随访联系电话', 'text', false, false, true, 'mobile', NULL, NULL, 20, '{}', '90天随访用，不导出'),
 ('stroke_ivt', '2018', 5, 'TREAT', '治疗方式', 'choice', true, false, false, NULL, NULL, NULL, 40, ARRAY['单纯静脉溶栓'], ''),
 ('stroke_ivt', '2018', 6, 'TDATE', '溶栓日期', 'date', false, false, false, NULL, NULL, NULL, 10, '{}', 'YYYY-MM-DD'),
 ('stroke_ivt', '2018', 7, 'NIHSS0', '治疗前NIHSS评分', 'integer', true, false, false, NULL, 0, 42, 3, '{}', '0–42'),
 ('stroke_ivt', '2018', 8, 'NIHSS1', '出院时NIHSS评分', 'integer', false, false, false, NULL, 0, 42, 3, '{}', '0–42'),
 ('stroke_ivt', '2018', 9, 'DRUG', '溶栓药物', 'choice', true, false, false, NULL, NULL, NULL, 40, ARRAY['阿替普酶', '尿激酶', '替奈普酶', '瑞替普酶', '其他'], ''),
 ('stroke_ivt', '2018', 10, 'DRUG2', '其他溶栓药', 'text', false, false, false, NULL, NULL, NULL, 40, '{}', '溶栓药物为“其他”时填写'),
 ('stroke_ivt', '2018', 11, 'MRS', '出院时mRS评分', 'integer', true, false, false, NULL, 0, 6, 1, '{}', '0–6'),
 -- 溶栓个案 2015 (no drug asked)
 ('stroke_ivt', '2015', 1, 'ADM', '住院号', 'text', true, true, false, NULL, NULL, NULL, 40, '{}', ''),
 ('stroke_ivt', '2015', 2, 'TREAT', '治疗方式', 'choice', true, false, false, NULL, NULL, NULL, 40, ARRAY['单纯静脉溶栓'], ''),
 ('stroke_ivt', '2015', 3, 'NIHSS0', '治疗前NIHSS评分', 'integer', true, false, false, NULL, 0, 42, 3, '{}', ''),
 ('stroke_ivt', '2015', 4, 'NIHSS1', '出院时NIHSS评分', 'integer', false, false, false, NULL, 0, 42, 3, '{}', ''),
 ('stroke_ivt', '2015', 5, 'MRS', '出院时mRS评分', 'integer', true, false, false, NULL, 0, 6, 1, '{}', ''),
 -- 介入个案 2018
 ('stroke_evt', '2018', 1, 'ADM', '住院号', 'text', true, true, false, NULL, NULL, NULL, 40, '{}', '病案首页住院号，前导零保留'),
 ('stroke_evt', '2018', 2, 'TREAT', '治疗方式', 'choice', true, false, false, NULL, NULL, NULL, 40, ARRAY['机械取栓', '动脉溶栓', '急诊血管成形术', '桥接治疗'], ''),
 ('stroke_evt', '2018', 3, 'TDATE', '手术日期', 'date', false, false, false, NULL, NULL, NULL, 10, '{}', 'YYYY-MM-DD'),
 ('stroke_evt', '2018', 4, 'NIHSS0', '治疗前NIHSS评分', 'integer', true, false, false, NULL, 0, 42, 3, '{}', '0–42'),
 ('stroke_evt', '2018', 5, 'NIHSS1', '出院时NIHSS评分', 'integer', false, false, false, NULL, 0, 42, 3, '{}', '0–42'),
 ('stroke_evt', '2018', 6, 'TICI', '术后mTICI分级', 'choice', false, false, false, NULL, NULL, NULL, 4, ARRAY['0', '1', '2a', '2b', '3'], ''),
 ('stroke_evt', '2018', 7, 'MRS', '出院时mRS评分', 'integer', true, false, false, NULL, 0, 6, 1, '{}', '0–6'),
 -- 介入个案 2015
 ('stroke_evt', '2015', 1, 'ADM', '住院号', 'text', true, true, false, NULL, NULL, NULL, 40, '{}', ''),
 ('stroke_evt', '2015', 2, 'TREAT', '治疗方式', 'choice', true, false, false, NULL, NULL, NULL, 40, ARRAY['机械取栓', '动脉溶栓', '急诊血管成形术'], ''),
 ('stroke_evt', '2015', 3, 'NIHSS0', '治疗前NIHSS评分', 'integer', true, false, false, NULL, 0, 42, 3, '{}', ''),
 ('stroke_evt', '2015', 4, 'MRS', '出院时mRS评分', 'integer', true, false, false, NULL, 0, 6, 1, '{}', ''),
 -- NCCQI 冠心病介入病例
 ('pci_cases', '2020', 1, 'ADM', '住院号', 'text', true, true, false, NULL, NULL, NULL, 40, '{}', ''),
 ('pci_cases', '2020', 2, 'NAME', '患者姓名', 'text', true, false, true, 'name', NULL, NULL, 40, '{}', '列表中脱敏显示，不导出'),
 ('pci_cases', '2020', 3, 'IDNO', '身份证号', 'text', false, false, true, 'resident_id', NULL, NULL, 18, '{}', '不导出'),
 ('pci_cases', '2020', 4, 'PHONE', '联系电话', 'text', false, false, true, 'mobile', NULL, NULL, 20, '{}', '不导出'),
 ('pci_cases', '2020', 5, 'SEX', '性别', 'choice', true, false, false, NULL, NULL, NULL, 2, ARRAY['男', '女'], ''),
 ('pci_cases', '2020', 6, 'AGE', '年龄', 'integer', true, false, false, NULL, 0, 120, 3, '{}', '岁'),
 ('pci_cases', '2020', 7, 'DIAG', '诊断', 'choice', true, false, false, NULL, NULL, NULL, 20, ARRAY['STEMI', 'NSTEMI', '不稳定型心绞痛', '稳定型心绞痛'], ''),
 ('pci_cases', '2020', 8, 'PDATE', '手术日期', 'date', true, false, false, NULL, NULL, NULL, 10, '{}', 'YYYY-MM-DD'),
 ('pci_cases', '2020', 9, 'D2B', '门球时间（分钟）', 'integer', false, false, false, NULL, 0, 1440, 4, '{}', 'STEMI 直接PCI填写'),
 ('pci_cases', '2020', 10, 'STENTS', '植入支架数', 'integer', true, false, false, NULL, 0, 20, 2, '{}', ''),
 ('pci_cases', '2020', 11, 'DEATH', '院内死亡', 'choice', true, false, false, NULL, NULL, NULL, 2, ARRAY['是', '否'], '')
     ) AS f(code, version, pos, fcode, label, type, required, is_key, identifier, mask, min_v, max_v, max_len, choices, help)
JOIN registries r ON r.code = f.code AND r.version = f.version;

INSERT INTO registry_rules (registry_id, position, field, when_field, when_value, message)
SELECT r.id, 1, 'DRUG2', 'DRUG', '其他', '溶栓药物为“其他”时，必须填写其他溶栓药'
FROM registries r WHERE r.code = 'stroke_ivt' AND r.version = '2018';
INSERT INTO registry_rules (registry_id, position, field, when_field, when_value, message)
SELECT r.id, 1, 'D2B', 'DIAG', 'STEMI', '诊断为STEMI时，必须填写门球时间（分钟）'
FROM registries r WHERE r.code = 'pci_cases';
