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

    /// Several lines at once, in order (one round trip).
    static func append(_ conn: PGConnection, requestID: String, _ events: [NewEvent]) throws {
        guard events.count > 1 else {
            if let e = events.first { try append(conn, requestID: requestID, e) }
            return
        }
        try conn.query("""
            INSERT INTO request_events (id, request_id, kind, stage_idx, actor_id, actor_name, org_id, org_name, decision, opinion, note)
            SELECT e.id::uuid, $1::uuid, e.kind, e.stage_idx, e.actor_id, e.actor_name, e.org_id, e.org_name, e.decision, e.opinion, e.note
            FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                        $10::text[], $11::text[]) WITH ORDINALITY
                 AS e(id, kind, stage_idx, actor_id, actor_name, org_id, org_name, decision, opinion, note, n)
            ORDER BY e.n
            """, [requestID, events.map { _ in ID.new() }, events.map(\.kind), events.map(\.stageIndex),
                  events.map(\.actorID), events.map(\.actorName), events.map(\.orgID), events.map(\.orgName),
                  events.map(\.decision), events.map(\.opinion), events.map(\.note)])
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
