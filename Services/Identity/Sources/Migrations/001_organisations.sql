-- Regions (GB/T 2260) and the organisation tree: nation → province → city → organisations.
CREATE TABLE regions (
    code text PRIMARY KEY,              -- '33' province, '3301' city (prefixes of the 6-digit code)
    name text NOT NULL,
    level text NOT NULL CHECK (level IN ('province', 'city')),
    parent_code text REFERENCES regions(code)
);

CREATE TABLE organisations (
    id uuid PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('platform', 'national_centre', 'provincial_centre', 'city_commission', 'institution')),
    name text NOT NULL,
    path text NOT NULL UNIQUE,          -- 86/33/3301/<id>
    scope_path text NOT NULL,           -- subtree its grants see
    region_code text,                   -- province or city code; null for national bodies
    specialties text[] NOT NULL DEFAULT '{}',
    licence_no text,                    -- 执业许可证登记号
    institution_code text,
    credit_code text,                   -- 统一社会信用代码
    level text,                         -- 三级甲等 …
    category text,                      -- 综合医院 …
    opened_on date,
    address text,
    legal_representative text,
    head_name text,
    head_phone text,
    contact_name text,
    contact_phone text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_institution_name ON organisations (region_code, name) WHERE kind = 'institution';
CREATE UNIQUE INDEX organisations_licence ON organisations (licence_no) WHERE licence_no IS NOT NULL;
CREATE INDEX organisations_scope ON organisations (kind, scope_path text_pattern_ops);
