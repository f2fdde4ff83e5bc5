-- The documents service's tables. File contents live on disk (STORAGE_DIR), named by their
-- SHA-256; these tables hold what is known about them.

-- What documents attach to: a registration application ("registration:<application id>"),
-- a report ("report:<id>") … The first uploader owns it; an application's own applicant
-- always does. Sealing (identity, on submission) freezes the files it holds.
CREATE TABLE objects (
    key text PRIMARY KEY,
    type text NOT NULL,
    ref text NOT NULL,
    owner_applicant text,            -- application id, when an applicant created it
    owner_user text,                 -- user id, when a signed-in user created it
    owner_org_path text,             -- organisation path of that user's grant, when known
    sealed_at timestamptz,
    seal_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX objects_owner_user ON objects (owner_user) WHERE owner_user IS NOT NULL;

-- One document: a kind of file on an object. Replacing it before sealing changes its current
-- version in place; after sealing it adds a version and keeps the sealed one.
CREATE TABLE documents (
    id uuid PRIMARY KEY,
    object_key text NOT NULL REFERENCES objects (key),
    kind text NOT NULL,
    current_version integer NOT NULL DEFAULT 1,
    created_by text NOT NULL,        -- "applicant:<id>" or "user:<id>"
    owner_org_path text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE INDEX documents_object ON documents (object_key, kind) WHERE deleted_at IS NULL;

CREATE TABLE document_versions (
    document_id uuid NOT NULL REFERENCES documents (id),
    version integer NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size bigint NOT NULL CHECK (size > 0),
    file_type text NOT NULL,         -- detected from the content: pdf, jpeg, png, gif, bmp
    content_type text NOT NULL,
    file_name text NOT NULL,         -- sanitised, for display and Content-Disposition only
    uploaded_by text NOT NULL,
    sealed boolean NOT NULL DEFAULT false,
    sealed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, version)
);
CREATE INDEX document_versions_sha256 ON document_versions (sha256);
