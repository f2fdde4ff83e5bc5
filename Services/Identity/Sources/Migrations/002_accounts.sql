-- Accounts, role assignments, sessions.
CREATE TABLE users (
    id uuid PRIMARY KEY,
    username text NOT NULL UNIQUE,
    phone text NOT NULL,
    email text,
    display_name text NOT NULL,
    org_id uuid REFERENCES organisations(id),
    main_account_id uuid REFERENCES users(id),   -- set on sub-accounts
    password_hash text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT true,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'deleted')),
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    sms_login boolean NOT NULL DEFAULT true,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_phone ON users (phone);
CREATE INDEX users_main ON users (main_account_id);

CREATE TABLE role_assignments (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    role text NOT NULL,
    org_id uuid NOT NULL REFERENCES organisations(id),
    scope_path text NOT NULL,
    specialty text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX role_assignments_unique ON role_assignments (user_id, role, org_id, coalesce(specialty, ''));
CREATE INDEX role_assignments_scope ON role_assignments (role, scope_path text_pattern_ops);

CREATE TABLE refresh_tokens (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    replaced_by uuid,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE login_challenges (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    attempts integer NOT NULL DEFAULT 0
);

CREATE TABLE password_resets (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    token_hash text NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
