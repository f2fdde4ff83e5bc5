import KitHTTP
import Models
import ServiceKit

/// The approver's inbox: pending requests waiting for one of his organisations, and the badge.
struct InboxHandlers {
    let context: ServiceContext

    /// `GET /api/approval/v1/inbox?type=&chain=&q=&limit=&cursor=`
    func list(_ request: Request) throws -> Response {
        let claims = try context.caller(request)
        let paging = try Paging(request)
        let filter = try Self.filter(request)
        let rows = try context.database.withConnection { conn in
            try InboxStore.page(conn, grants: Grants(claims), filter: filter, after: paging.after, limit: paging.limit + 1)
        }
        return .json(paging.page(rows, id: \.id))
    }

    /// `GET /api/approval/v1/inbox/count` (same filters).
    func count(_ request: Request) throws -> Response {
        let claims = try context.caller(request)
        let filter = try Self.filter(request)
        let byType = try context.database.withConnection { conn in
            try InboxStore.count(conn, grants: Grants(claims), filter: filter)
        }
        return .json(InboxCount(count: byType.values.reduce(0, +), byType: byType))
    }

    static func filter(_ request: Request) throws -> InboxStore.Filter {
        let q = request.query
        func code(_ name: String) throws -> String? {
            guard let v = q[name], !v.isEmpty else { return nil }
            guard Rules.isCode(v) else { throw APIError.invalid(name, "筛选条件无效", code: "invalid_filter") }
            return v
        }
        var text = q["q"]?.trimmingCharacters(in: .whitespaces)
        if text?.isEmpty == true { text = nil }
        if let t = text, t.count > 100 { throw APIError.invalid("q", "搜索内容过长", code: "invalid_filter") }
        return InboxStore.Filter(type: try code("type"), chain: try code("chain"), query: text)
    }
}
