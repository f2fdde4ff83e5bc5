import KitHTTP
import KitPostgres
import ServiceKit

/// The audit rows of the approval service (in the transaction of each change).
enum AuditTrail {
    struct State: Encodable {
        var status: String
        var stage: Int?
        var stageStatus: String?
        var decision: String?
        var orgId: String?
    }

    static func record(_ conn: PGConnection, actor: String?, org: String? = nil, action: String, requestID: String,
                       old: State?, new: State?, request: Request?) throws {
        try Audit.record(conn, AuditEntry(actorID: actor, actorOrg: org, action: action, objectType: "approval_request",
                                          objectID: requestID, oldValue: old.flatMap(Audit.json),
                                          newValue: new.flatMap(Audit.json), request: request))
    }
}
