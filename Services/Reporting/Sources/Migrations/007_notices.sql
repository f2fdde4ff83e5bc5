-- 信息发布 and 反馈 (issue #20, "Announcements and feedback").
-- A notice is published by a national or provincial centre (or the platform operator) to a
-- scope path of the organisation tree ("86" the nation, "86/33" Zhejiang, …): everyone whose
-- grant lies in that subtree reads it. Its body is HTML already made safe by the service's
-- allow-list sanitizer (NoticeHtml) before it is stored.
CREATE TABLE notices (
    id uuid PRIMARY KEY,
    scope_path text NOT NULL CHECK (scope_path ~ '^86(/[0-9A-Za-z-]{1,40}){0,3}$'),
    title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    body_html text NOT NULL CHECK (octet_length(body_html) <= 200000),
    author_id text NOT NULL,
    author_name text NOT NULL,
    author_role text NOT NULL,
    author_org text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz
);
CREATE INDEX notices_scope ON notices (scope_path text_pattern_ops);
CREATE INDEX notices_live ON notices (id DESC) WHERE withdrawn_at IS NULL;

-- Read marks: one row per reader and notice.
CREATE TABLE notice_reads (
    notice_id uuid NOT NULL REFERENCES notices (id),
    user_id text NOT NULL,
    read_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, notice_id)
);

-- 反馈 (NCCQI): from any signed-in user to the platform operators' list; the sender sees its
-- status and the operators' reply.
CREATE TABLE feedback (
    id uuid PRIMARY KEY,
    user_id text NOT NULL,
    user_name text NOT NULL,
    category text NOT NULL CHECK (category IN ('feature', 'defect', 'form', 'docs', 'other')),
    content text NOT NULL CHECK (char_length(content) BETWEEN 1 AND 2000),
    contact text CHECK (char_length(contact) <= 100),
    organisation text CHECK (char_length(organisation) <= 100),
    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'in_progress', 'done')),
    reply text CHECK (char_length(reply) <= 2000),
    replied_by text,
    replied_by_name text,
    replied_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_sender ON feedback (user_id, id DESC);
CREATE INDEX feedback_status ON feedback (status, id DESC);
