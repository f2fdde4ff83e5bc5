-- Enrolment that needs the program's own approval (issue 18). A program with an enrolment
-- chain (NCCQI PCI: specialty_enrolment, the provincial centre of the program's specialty)
-- does not enrol at once: the institution's administrator asks, reporting opens a request in
-- approval (through the outbox), and the institution takes part when approval's outcome
-- arrives (confirmed with approval like review outcomes).
--
-- `enrolments` keeps holding the ACTIVE enrolments only (a row is written when the request is
-- approved), so every reader of it — isEnrolled, the due list, reminders, the statistics'
-- enrolled counts, opening a report, registry years — counts active enrolments by
-- construction. The requests, pending or decided, live in `enrolment_requests`.
ALTER TABLE programs ADD COLUMN enrolment_chain text;
UPDATE programs SET enrolment_chain = 'specialty_enrolment' WHERE code = 'nccqi_pci_quarterly';

-- the institution's name when it enrolled (identity owns it; shown in the participants list)
ALTER TABLE enrolments ADD COLUMN org_name text;

-- One row per request to take part; subject_id is what approval knows (`enrol:<id>`),
-- request_id approval's id, bound when the first outcome arrives (confirmed with approval).
CREATE TABLE enrolment_requests (
    id uuid PRIMARY KEY,
    program_id uuid NOT NULL REFERENCES programs (id),
    org_id text NOT NULL,
    scope_path text NOT NULL,
    org_name text,
    seq int NOT NULL CHECK (seq > 0),
    subject_id text NOT NULL UNIQUE,
    request_id text,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'rejected', 'withdrawn')),
    opinion text,
    requested_by text NOT NULL,
    requested_by_name text NOT NULL DEFAULT '',
    requested_at timestamptz NOT NULL DEFAULT now(),
    decided_by text,
    decided_at timestamptz,
    UNIQUE (program_id, org_id, seq)
);
-- at most one pending request per institution and program
CREATE UNIQUE INDEX enrolment_requests_pending ON enrolment_requests (program_id, org_id) WHERE status = 'pending';
CREATE INDEX enrolment_requests_org ON enrolment_requests (org_id);
CREATE INDEX enrolment_requests_scope ON enrolment_requests (program_id, (scope_path COLLATE "C"));
