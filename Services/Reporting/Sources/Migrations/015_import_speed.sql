-- Import speed: an import of an institution without cases of the program and period (nothing
-- to classify: every staged row is a create) is staged as the COPY text of its rows in the
-- layout of `cases`, per worker chunk, without the columns every row shares (registry,
-- program, institution, period, import, the committing user: added at commit). The dry run
-- writes a few large values instead of parsing and storing every row, and the commit is one
-- COPY into `cases`: the rows are written once, where they end up. `imports.staged` says
-- how an import was staged ('rows': `import_rows`, classified set-based; 'cases': here).
ALTER TABLE imports ADD COLUMN staged text NOT NULL DEFAULT 'rows' CHECK (staged IN ('rows', 'cases'));

CREATE UNLOGGED TABLE import_copies (
    import_id uuid NOT NULL,
    part int NOT NULL,
    rows int NOT NULL CHECK (rows >= 0),
    lines text NOT NULL,
    PRIMARY KEY (import_id, part)
);
-- Stored out of line uncompressed: the sealed boxes do not compress, and compressing costs
-- more than writing.
ALTER TABLE import_copies ALTER COLUMN lines SET STORAGE EXTERNAL;
