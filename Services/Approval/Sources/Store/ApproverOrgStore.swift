import Foundation
import KitPostgres

/// Rule-all stages: the organisations listed when the stage opened, each with its answer.
enum ApproverOrgStore {
    static func insert(_ conn: PGConnection, requestID: String, index: Int, orgs: [OrganisationList.Item]) throws {
        try conn.query("""
            INSERT INTO stage_approver_orgs (request_id, stage_idx, org_id, org_name, org_path)
            SELECT $1::uuid, $2, o.id, o.name, o.path FROM unnest($3::text[], $4::text[], $5::text[]) AS o(id, name, path)
            ON CONFLICT DO NOTHING
            """, [requestID, index, orgs.map(\.id), orgs.map(\.name), orgs.map(\.path)])
    }

    static func all(_ conn: PGConnection, requestID: String) throws -> [ApproverOrg] {
        try conn.query("""
            SELECT stage_idx, org_id, org_name, decision, decided_at FROM stage_approver_orgs
            WHERE request_id = $1::uuid ORDER BY stage_idx, org_name, org_id
            """, [requestID]).rows.map { row in
            ApproverOrg(stageIndex: try row.int("stage_idx"), orgID: try row.string("org_id"),
                        orgName: try row.string("org_name"), decision: try row.decodeIfPresent(Decision.self, "decision"),
                        decidedAt: try row.optionalDate("decided_at"))
        }
    }

    /// The organisation's name when it is listed on the stage.
    static func name(_ conn: PGConnection, requestID: String, index: Int, orgID: String) throws -> String? {
        try conn.query("""
            SELECT org_name FROM stage_approver_orgs WHERE request_id = $1::uuid AND stage_idx = $2 AND org_id = $3
            """, [requestID, index, orgID]).first?.string("org_name")
    }

    /// Records the organisation's answer; false when it had answered already.
    static func recordDecision(_ conn: PGConnection, requestID: String, index: Int, orgID: String, decision: Decision) throws -> Bool {
        try conn.query("""
            UPDATE stage_approver_orgs SET decision = $4, decided_at = now()
            WHERE request_id = $1::uuid AND stage_idx = $2 AND org_id = $3 AND decision IS NULL
            """, [requestID, index, orgID, decision.rawValue]).affectedRows == 1
    }

    static func undecided(_ conn: PGConnection, requestID: String, index: Int) throws -> Int {
        try conn.query("""
            SELECT count(*) AS n FROM stage_approver_orgs WHERE request_id = $1::uuid AND stage_idx = $2 AND decision IS NULL
            """, [requestID, index]).first?.int("n") ?? 0
    }
}
