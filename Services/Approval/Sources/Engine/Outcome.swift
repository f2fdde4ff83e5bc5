import Foundation
import KitPostgres
import Models
import ServiceKit

/// The final outcome, queued to the subject's service in the transaction that ends the
/// request (key `outcome:<requestId>`: delivered until acknowledged, applied once).
enum Outcome {
    static func key(_ requestID: String) -> String { "outcome:\(requestID)" }

    static func enqueue(_ conn: PGConnection, _ r: RequestRecord, status: RequestStatus, opinion: String?,
                        at: Date, by: String?) throws {
        guard let path = r.callbackPath, let target = ServiceName(rawValue: r.subjectService) else { return }
        let body = OutcomeCallback(requestId: r.id, type: r.type, chain: r.chainCode, subjectId: r.subjectID,
                                   outcome: status.rawValue, opinion: opinion, decidedAt: at, decidedBy: by)
        try Outbox.enqueue(conn, target: target, path: path, body: body, key: key(r.id))
    }
}
