-- Stroke registry individual users (docs/registration.md, "脑卒中登记个人用户"): 用户注册 makes
-- an account at once, with no grant: it reaches only its own profile and its own 个人身份认证.
-- An approved certification adds the unit's data-entry grant for the stroke program. A person
-- the unit's administrator lists (name + phone) waits for 账号激活 with that grant.
CREATE TABLE stroke_users (
    user_id uuid PRIMARY KEY REFERENCES users(id),
    org_id uuid NOT NULL REFERENCES organisations(id),
    source text NOT NULL CHECK (source IN ('registered', 'listed')),
    id_number text,                     -- 身份证号码 (registered users)
    listed_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stroke_users_org ON stroke_users (org_id, created_at DESC);

-- 个人身份认证: one row per submission; at most one waiting per user.
CREATE TABLE stroke_certifications (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    org_id uuid NOT NULL REFERENCES organisations(id),
    registration_no text NOT NULL,      -- 医疗机构执业许可证登记号
    document_id text NOT NULL,          -- the licence photo (documents, certification:<user id>)
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    chain text NOT NULL,
    opinion text,
    approval_request_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz
);
CREATE UNIQUE INDEX stroke_certifications_one_open ON stroke_certifications (user_id) WHERE status = 'pending';
CREATE INDEX stroke_certifications_user ON stroke_certifications (user_id, created_at DESC);
