-- Login attempts claimed before the password check (one row per account, or per unknown
-- login name): parallel guesses cannot exceed the limit, and an unknown login locks like a
-- real one, so the answers do not tell them apart.
CREATE TABLE login_attempts (
    key text PRIMARY KEY,              -- 'user:<id>' or 'login:<name>'
    attempts integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A refresh token of a password-only program login renews only that program's token.
ALTER TABLE refresh_tokens ADD COLUMN program text;

-- When the account's holder last proved the phone (registration code, SMS login, or a code
-- sent to a new phone). An approved application adds its role only to an account whose phone
-- was proved; a phone typed in by someone else (sub-account edit) is not proof.
ALTER TABLE users ADD COLUMN phone_verified_at timestamptz;
UPDATE users SET phone_verified_at = coalesce(last_login_at, created_at);
