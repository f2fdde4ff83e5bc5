-- Reporting I, review: a program whose submissions are reviewed opens a request on an approval
-- chain (Zhejiang: monthly_submission, the provincial centre approves or returns); a submitted
-- report may be reopened by an approved modification request (chain modification_request).
ALTER TABLE programs
    ADD COLUMN review_chain text,
    ADD COLUMN review_specialty text,
    ADD COLUMN modification_chain text;

UPDATE programs SET review_chain = 'monthly_submission' WHERE code = 'zj_monthly';
UPDATE programs SET modification_chain = 'modification_request';

ALTER TABLE reports
    ADD COLUMN reopened_at timestamptz;

-- Every request reporting opened in approval for a report: one per submission under review
-- ('review') and per modification request ('modification'). subject_id is what approval knows
-- (`<report>:r<seq>` / `<report>:m<seq>`), unique per opening, so an outcome names the opening
-- it decides; request_id is approval's id, bound when the first outcome of that opening
-- arrives (confirmed with approval), and every later outcome must carry the same one.
CREATE TABLE review_requests (
    id uuid PRIMARY KEY,
    report_id uuid NOT NULL REFERENCES reports (id),
    kind text NOT NULL CHECK (kind IN ('review', 'modification')),
    seq int NOT NULL CHECK (seq > 0),
    subject_id text NOT NULL UNIQUE,
    request_id text,
    status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'approved', 'returned', 'rejected', 'withdrawn')),
    reason text,
    opinion text,
    opened_by text NOT NULL,
    opened_by_name text NOT NULL DEFAULT '',
    opened_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    decided_by text,
    UNIQUE (report_id, kind, seq)
);
-- at most one open request of each kind per report
CREATE UNIQUE INDEX review_requests_open ON review_requests (report_id, kind) WHERE status = 'open';
