import Foundation
import KitCore
import KitPostgres

/// A request's history, in order.
enum EventStore {
    static func append(_ conn: PGConnection, requestID: String, _ e: NewEvent) throws {
        try conn.query("""
            INSERT INTO request_events (id, request_id, kind, stage_idx, actor_id, actor_name, org_id, org_name, decision, opinion, note)
            VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """, [ID.new(), requestID, e.kind, e.stageIndex, e.actorID, e.actorName, e.orgID, e.orgName, e.decision,
                  e.opinion, e.note])
    }

    static func all(_ conn: PGConnection, requestID: String) throws -> [EventRecord] {
        try conn.query("""
            SELECT id::text AS id, at, kind, stage_idx, actor_id, actor_name, org_id, org_name, decision, opinion, note
            FROM request_events WHERE request_id = $1::uuid ORDER BY seq
            """, [requestID]).rows.map { row in
            EventRecord(id: try row.string("id"), at: try row.date("at"), kind: try row.string("kind"),
                        stageIndex: try row.optionalInt("stage_idx"), actorID: row.optionalString("actor_id"),
                        actorName: row.optionalString("actor_name"), orgID: row.optionalString("org_id"),
                        orgName: row.optionalString("org_name"), decision: row.optionalString("decision"),
                        opinion: row.optionalString("opinion"), note: row.optionalString("note"))
        }
    }
}
