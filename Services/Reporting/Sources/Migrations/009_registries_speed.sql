-- Registries II: faster imports.
--
-- The foreign keys of `cases` on registries and programs were checked row by row (one RI
-- trigger query per key and row: measured at more than half of a 100,000-row import's commit).
-- They are replaced by a set-based check per statement (the inserted rows' registry exists and
-- belongs to their program: stricter than the two keys), a refusal to change a case's registry
-- or program, and a refusal to delete a registry that has cases (programs with registries are
-- kept by the registries' own foreign key).
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_registry_id_fkey;
ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_program_id_fkey;

CREATE FUNCTION cases_check_registry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM new_cases n LEFT JOIN registries r ON r.id = n.registry_id
               WHERE r.id IS NULL OR r.program_id <> n.program_id) THEN
        RAISE EXCEPTION 'cases: registry unknown or of another program' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_registry_check AFTER INSERT ON cases REFERENCING NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION cases_check_registry();

CREATE FUNCTION cases_keep_registry() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.registry_id IS DISTINCT FROM OLD.registry_id OR NEW.program_id IS DISTINCT FROM OLD.program_id THEN
        RAISE EXCEPTION 'cases: the registry and program of a case do not change' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_keep_registry BEFORE UPDATE OF registry_id, program_id ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_keep_registry();

CREATE FUNCTION registries_keep_cases() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cases WHERE registry_id = OLD.id) THEN
        RAISE EXCEPTION 'registries: a registry with cases is not deleted' USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER registries_keep_cases BEFORE DELETE ON registries
    FOR EACH ROW EXECUTE FUNCTION registries_keep_cases();

-- The staged rows' admission index only served joins the planner does as hash joins (with the
-- statistics of ANALYZE) or does not need (an institution without cases of the period): one
-- index less to fill per staged row.
DROP INDEX IF EXISTS import_rows_admission;
