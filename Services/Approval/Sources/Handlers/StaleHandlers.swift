import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// Requests that have waited too long: platform operators see every pending request whose
/// current stage opened more than APPROVAL_STALE_DAYS days ago (default 7), oldest first.
struct StaleHandlers {
    let context: ServiceContext

    struct StaleList: Encodable, Sendable {
        var days: Int
        var items: [StaleItem]
    }

    static var configuredDays: Int { max(0, Env.int("APPROVAL_STALE_DAYS", 7)) }

    /// `GET /api/approval/v1/stale?days=&limit=` (platform operators; 403 for everyone else).
    func list(_ request: Request) throws -> Response {
        let claims = try context.caller(request)
        guard claims.roles.contains(where: { $0.role == .platformOperator }) else {
            throw APIError(403, "forbidden", "仅平台运营人员可查看超期未审批的申请")
        }
        let q = request.query
        var days = Self.configuredDays
        if let raw = q["days"], !raw.isEmpty {
            guard raw.utf8.count <= 3, let n = Int(raw), (0...365).contains(n) else {
                throw APIError.invalid("days", "天数应为0至365的整数", code: "invalid_days")
            }
            days = n
        }
        var limit = 50
        if let raw = q["limit"], !raw.isEmpty {
            guard raw.utf8.count <= 3, let n = Int(raw), (1...200).contains(n) else {
                throw APIError.invalid("limit", "每页条数应为1至200", code: "invalid_limit")
            }
            limit = n
        }
        let items = try context.database.withConnection { try StageStore.stale($0, days: days, limit: limit) }
        return .json(StaleList(days: days, items: items))
    }
}
