-- Old accounts brought in by the platform operator (docs/accounts.md): institutions and their
-- administrators imported from a CSV or XLSX file, each administrator's account waiting for
-- activation by an SMS code to the phone on file.
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_status_check;
ALTER TABLE users ADD CONSTRAINT users_status_check CHECK (status IN ('active', 'disabled', 'deleted', 'pending_activation'));

-- The programs an institution reports for (nccqi, ncis, stroke, hqms, zhejiang).
ALTER TABLE organisations ADD COLUMN IF NOT EXISTS programs text[] NOT NULL DEFAULT '{}';

-- A dry run kept under its id: the commit applies exactly these rows, once.
CREATE TABLE account_imports (
    id uuid PRIMARY KEY,
    created_by uuid NOT NULL REFERENCES users(id),
    file_name text,
    format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
    encoding text,
    status text NOT NULL DEFAULT 'staged' CHECK (status IN ('staged', 'committed')),
    row_count integer NOT NULL,
    error_count integer NOT NULL,
    rows jsonb NOT NULL,               -- the valid rows as the dry run showed them
    errors jsonb NOT NULL,             -- [{row, column, value, code, message}]
    result jsonb,                      -- after commit: organisation and account ids per row
    created_at timestamptz NOT NULL DEFAULT now(),
    committed_at timestamptz
);
CREATE INDEX account_imports_created ON account_imports (created_at DESC);

-- 变更资料: an institution admin's changed institution data (and possibly a new data
-- administrator), reviewed through approval, applied on approval. One open change per institution.
CREATE TABLE org_changes (
    id uuid PRIMARY KEY,
    org_id uuid NOT NULL REFERENCES organisations(id),
    requested_by uuid NOT NULL REFERENCES users(id),
    old_data jsonb NOT NULL,
    new_data jsonb NOT NULL,
    new_admin jsonb,                    -- {name, phone, email}: the data administrator changes
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
    opinion text,
    approval_request_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz
);
CREATE UNIQUE INDEX org_changes_one_open ON org_changes (org_id) WHERE status = 'pending';
