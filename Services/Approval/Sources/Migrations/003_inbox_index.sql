-- Inboxes are found from the caller's grants: pending stages of a role whose scope path lies
-- under the grant's (a byte-order range [p, p || '0') in collation "C", since '/' < '0'), so
-- an inbox costs what it holds, not what every tenant has pending.
DROP INDEX IF EXISTS request_stages_open;
CREATE INDEX request_stages_pending_scope ON request_stages (role, (scope_path COLLATE "C")) WHERE status = 'pending';
