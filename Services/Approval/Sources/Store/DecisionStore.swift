import Foundation
import KitPostgres

/// Decisions: one per organisation per stage (a unique key, on top of the request lock).
enum DecisionStore {
    /// Stores the decision; false when the organisation had decided this stage already.
    static func insert(_ conn: PGConnection, requestID: String, _ d: DecisionRecord) throws -> Bool {
        try conn.query("""
            INSERT INTO decisions (id, request_id, stage_idx, org_id, org_name, user_id, user_name, role, decision, opinion)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (request_id, stage_idx, org_id) DO NOTHING
            """, [d.id, requestID, d.stageIndex, d.orgID, d.orgName, d.userID, d.userName, d.role, d.decision.rawValue,
                  d.opinion]).affectedRows == 1
    }

    static func all(_ conn: PGConnection, requestID: String) throws -> [DecisionRecord] {
        try conn.query("""
            SELECT id::text AS id, stage_idx, org_id, org_name, user_id, user_name, role, decision, opinion, created_at
            FROM decisions WHERE request_id = $1::uuid ORDER BY created_at, id
            """, [requestID]).rows.map { row in
            DecisionRecord(id: try row.string("id"), stageIndex: try row.int("stage_idx"), orgID: try row.string("org_id"),
                           orgName: row.optionalString("org_name"), userID: try row.string("user_id"),
                           userName: try row.string("user_name"), role: try row.string("role"),
                           decision: try row.decode(Decision.self, "decision"), opinion: row.optionalString("opinion"),
                           at: try row.date("created_at"))
        }
    }

    /// True when one of `orgIDs` has decided the stage already.
    static func decidedBy(_ conn: PGConnection, requestID: String, index: Int, orgIDs: [String]) throws -> Bool {
        try conn.query("""
            SELECT 1 FROM decisions WHERE request_id = $1::uuid AND stage_idx = $2 AND org_id = ANY ($3::text[]) LIMIT 1
            """, [requestID, index, orgIDs]).first != nil
    }
}
