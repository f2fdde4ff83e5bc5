import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models

/// One audit row per state change, written in the change's own transaction: who (actor and
/// organisation), what (action, object, old → new), when, from where (IP, request id).
public struct AuditEntry {
    public var actorID: String?
    public var actorOrg: String?
    public var action: String
    public var objectType: String
    public var objectID: String?
    public var oldValue: String?
    public var newValue: String?
    public var sourceIP: String?
    public var requestID: String?

    public init(actorID: String?, actorOrg: String? = nil, action: String, objectType: String, objectID: String?,
                oldValue: String? = nil, newValue: String? = nil, request: Request? = nil) {
        self.actorID = actorID
        self.actorOrg = actorOrg
        self.action = action
        self.objectType = objectType
        self.objectID = objectID
        self.oldValue = oldValue
        self.newValue = newValue
        self.sourceIP = request?.clientAddress
        self.requestID = request?.requestID
    }
}

public enum Audit {
    public static func record(_ conn: PGConnection, _ e: AuditEntry) throws {
        let insert = statement(e)
        try conn.query(insert.sql, insert.params)
    }

    /// The row's INSERT, for a pipeline of the change's statements (`PGConnection.pipeline`).
    public static func statement(_ e: AuditEntry) -> PGQuery {
        PGQuery("""
            INSERT INTO audit_log (id, actor_id, actor_org, action, object_type, object_id, old_value, new_value, source_ip, request_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)
            """, [ID.new(), e.actorID, e.actorOrg, e.action, e.objectType, e.objectID, e.oldValue, e.newValue, e.sourceIP, e.requestID])
    }

    /// JSON text of a value for old/new columns.
    public static func json<T: Encodable>(_ value: T) -> String? {
        guard let b = try? JSON.encode(value) else { return nil }
        return String(decoding: b, as: UTF8.self)
    }
}
