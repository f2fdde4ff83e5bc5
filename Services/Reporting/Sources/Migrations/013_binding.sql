-- 绑定既往数据 (stroke registry, docs/registries.md "Binding earlier records"): the year rows
-- of the old system, entered before institutions had accounts here, wait unbound until an
-- institution asks for one and the provincial centre of the program's specialty approves
-- (approval chain `history_binding`, 002_seed_chains.sql). 解绑 gives a record back at once.

-- The chain a binding request opens and the specialty sent with it (the chain's stage is
-- bound to the request's specialty: the stroke registry's provincial centres decide).
ALTER TABLE programs
    ADD COLUMN binding_chain text,
    ADD COLUMN binding_specialty text;
UPDATE programs SET binding_chain = 'history_binding', binding_specialty = 'stroke'
WHERE code = 'stroke_annual';

-- A year row of the old system. scope_path is the region it was entered under
-- (86/<province>/<city>); counts: registry code → cases reported; summary: label → value of
-- the old summary form (shown in the preview). Bound: the institution that holds it now.
CREATE TABLE history_records (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES programs (id),
    legacy_id text NOT NULL CHECK (legacy_id <> '' AND length(legacy_id) <= 64),
    institution_name text NOT NULL CHECK (institution_name <> '' AND length(institution_name) <= 100),
    region_name text NOT NULL DEFAULT '',
    scope_path text NOT NULL,
    head_name text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    period text NOT NULL,
    submitted boolean NOT NULL DEFAULT false,
    entered_at timestamptz NOT NULL,
    counts jsonb NOT NULL DEFAULT '{}',
    summary jsonb NOT NULL DEFAULT '{}',
    bound_org_id text,
    bound_scope_path text,
    bound_at timestamptz,
    UNIQUE (program_id, legacy_id),
    CHECK ((bound_org_id IS NULL) = (bound_scope_path IS NULL))
);
CREATE INDEX history_records_unbound ON history_records (program_id, (scope_path COLLATE "C")) WHERE bound_org_id IS NULL;
CREATE INDEX history_records_bound ON history_records (bound_org_id, program_id) WHERE bound_org_id IS NOT NULL;

-- A binding request and its life: pending (at approval) → approved (the record is bound) →
-- unbound (解绑); or rejected / withdrawn. subject_id is what approval knows
-- (`binding:<id>`); request_id approval's id, bound with the first outcome (confirmed with
-- approval), every later outcome must carry the same.
CREATE TABLE history_bindings (
    id uuid PRIMARY KEY,
    record_id uuid NOT NULL REFERENCES history_records (id),
    program_id uuid NOT NULL REFERENCES programs (id),
    org_id text NOT NULL,
    scope_path text NOT NULL,
    subject_id text NOT NULL UNIQUE,
    request_id text,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn', 'unbound')),
    opinion text,
    requested_by text NOT NULL,
    requested_by_name text NOT NULL DEFAULT '',
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_by text,
    decided_at timestamptz,
    unbound_by text,
    unbound_at timestamptz
);
-- one request in approval per record at a time, whoever asks (409 binding_pending)
CREATE UNIQUE INDEX history_bindings_pending ON history_bindings (record_id) WHERE status = 'pending';
-- one approved binding per record
CREATE UNIQUE INDEX history_bindings_bound ON history_bindings (record_id) WHERE status = 'approved';
CREATE INDEX history_bindings_org ON history_bindings (org_id, requested_at);

-- Demo rows of the old system (as in the manual's screenshots): Beijing, Tianjin and Zhejiang.
INSERT INTO history_records (id, program_id, legacy_id, institution_name, region_name, scope_path, head_name, phone,
                             period, submitted, entered_at, counts, summary)
SELECT gen_random_uuid(), p.id, v.legacy, v.name, v.region, v.path, v.head, v.phone, v.period, v.submitted,
       v.entered::timestamptz, v.counts::jsonb, v.summary::jsonb
FROM programs p,
     (VALUES ('legacy-2017-0001', '北京市东城区示例医院', '北京市市辖区东城区', '86/110000/110100', '张主任', '17712340269', '2017', false,
              '2019-03-04 14:14:38+08', '{"stroke_ivt": 36, "stroke_evt": 12}', '{"脑卒中出院人数": "1280", "静脉溶栓例数": "36"}'),
             ('legacy-2017-0002', '北京市东城区示例医院', '北京市市辖区东城区', '86/110000/110100', '张主任', '17712340269', '2017', true,
              '2019-03-13 10:02:11+08', '{"stroke_ivt": 41, "stroke_evt": 12}', '{"脑卒中出院人数": "1302", "静脉溶栓例数": "41"}'),
             ('legacy-2015-0003', '北京市东城区示例医院', '北京市市辖区东城区', '86/110000/110100', '张主任', '17712340269', '2015', false,
              '2019-03-15 15:50:30+08', '{"stroke_ivt": 20, "stroke_evt": 4}', '{"脑卒中出院人数": "1011", "静脉溶栓例数": "20"}'),
             ('legacy-2015-0004', '天津市蓟县示例医院', '天津市县蓟县', '86/120000/120200', '李主任', '15812340293', '2015', false,
              '2019-03-11 09:20:00+08', '{"stroke_ivt": 8, "stroke_evt": 0}', '{"脑卒中出院人数": "402", "静脉溶栓例数": "8"}'),
             ('legacy-2016-0005', '杭州市示例医院', '浙江省杭州市', '86/330000/330100', '王主任', '13912345678', '2016', true,
              '2017-03-20 11:00:00+08', '{"stroke_ivt": 55, "stroke_evt": 18}', '{"脑卒中出院人数": "2210", "静脉溶栓例数": "55"}'),
             ('legacy-2017-0006', '杭州市示例医院', '浙江省杭州市', '86/330000/330100', '王主任', '13912345678', '2017', true,
              '2018-03-18 16:45:00+08', '{"stroke_ivt": 63, "stroke_evt": 21}', '{"脑卒中出院人数": "2356", "静脉溶栓例数": "63"}'))
     AS v(legacy, name, region, path, head, phone, period, submitted, entered, counts, summary)
WHERE p.code = 'stroke_annual'
ON CONFLICT (program_id, legacy_id) DO NOTHING;
