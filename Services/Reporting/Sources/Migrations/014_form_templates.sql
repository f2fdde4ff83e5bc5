-- Form templates (docs/form-templates.md): a filled .xlsx or .csv of an aggregate form's
-- template imported into a report. The dry run is kept until its commit applies exactly it as a
-- draft save (edit-log source 'import'), or until it expires (1 day).
ALTER TABLE value_edits DROP CONSTRAINT value_edits_source_check;
ALTER TABLE value_edits ADD CONSTRAINT value_edits_source_check
    CHECK (source IN ('entry', 'computed', 'comment', 'carried', 'import'));

CREATE TABLE form_imports (
    id uuid PRIMARY KEY,
    report_id uuid NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    org_id text NOT NULL,
    version_id uuid NOT NULL REFERENCES form_versions (id),
    clear_blanks boolean NOT NULL DEFAULT false,
    file_name text NOT NULL DEFAULT '',
    -- code → {"old": value|null, "new": value|null} of every value the dry run read; values as
    -- {"num": "12.5"} or {"txt": "…"}
    seen jsonb NOT NULL,
    -- code → new value (null clears): what the commit saves
    changes jsonb NOT NULL,
    -- code → 说明 (null removes): the comments the commit saves
    comments jsonb NOT NULL DEFAULT '{}',
    answer jsonb NOT NULL,
    status text NOT NULL DEFAULT 'dry_run' CHECK (status IN ('dry_run', 'committed')),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    committed_at timestamptz
);
CREATE INDEX form_imports_report ON form_imports (report_id, created_at);
