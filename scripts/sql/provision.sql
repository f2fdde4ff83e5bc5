-- One service's database role and schema (psql variables: svc, role, pw, db).
SET client_min_messages = warning;
-- The role owns its schema and has no rights on any other schema; public is closed.
SELECT format('CREATE ROLE %I LOGIN', :'role')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN PASSWORD :'pw' NOSUPERUSER NOCREATEDB NOCREATEROLE;
ALTER ROLE :"role" SET search_path = :"svc";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"role";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS :"svc" AUTHORIZATION :"role";
ALTER SCHEMA :"svc" OWNER TO :"role";
REVOKE ALL ON SCHEMA :"svc" FROM PUBLIC;
