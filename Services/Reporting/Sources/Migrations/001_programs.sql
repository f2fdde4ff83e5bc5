-- Reporting programs (monthly core indicators, annual survey, case registries). The first
-- release only lists them; periods, forms and imports come with the next release.
CREATE TABLE programs (
    id uuid PRIMARY KEY,
    code text NOT NULL UNIQUE,
    name text NOT NULL,
    sms_login boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
