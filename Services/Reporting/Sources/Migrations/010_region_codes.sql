-- Six-digit GB/T 2260 codes in stored paths (identity's 007_regions_gbt2260.sql, docs/registration.md):
-- 86/33/3301/<org> → 86/330000/330100/<org>. Paths copied from identity before the change.
UPDATE enrolments SET scope_path = regexp_replace(regexp_replace(scope_path, '^86/([0-9]{2})(/|$)', '86/\10000\2'), '^86/([0-9]{6})/([0-9]{4})(/|$)', '86/\1/\200\3')
    WHERE scope_path ~ '^86/[0-9]{2}(/|$)';
UPDATE reports SET scope_path = regexp_replace(regexp_replace(scope_path, '^86/([0-9]{2})(/|$)', '86/\10000\2'), '^86/([0-9]{6})/([0-9]{4})(/|$)', '86/\1/\200\3')
    WHERE scope_path ~ '^86/[0-9]{2}(/|$)';
