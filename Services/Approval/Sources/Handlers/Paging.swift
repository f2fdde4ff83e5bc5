import KitCore
import KitHTTP
import Models

/// `?limit=&cursor=` of the lists: limit 1…100 (default 20), cursor = the last id of the
/// previous page.
struct Paging {
    static let defaultLimit = 20
    static let maxLimit = 100

    let limit: Int
    let after: String?

    init(_ request: Request) throws {
        let q = request.query
        if let raw = q["limit"], !raw.isEmpty {
            guard let n = Int(raw), n >= 1 else {
                throw APIError.invalid("limit", "每页条数必须是正整数", code: "invalid_limit")
            }
            limit = min(n, Paging.maxLimit)
        } else {
            limit = Paging.defaultLimit
        }
        if let c = q["cursor"], !c.isEmpty {
            guard ID.isValid(c) else { throw APIError.invalid("cursor", "分页游标无效", code: "invalid_cursor") }
            after = c.lowercased()
        } else {
            after = nil
        }
    }

    /// Fetches `limit + 1` rows and cuts the page; the cursor is the page's last id.
    func page<Item: Codable & Sendable>(_ rows: [Item], id: (Item) -> String) -> Page<Item> {
        guard rows.count > limit else { return Page(items: rows) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: items.last.map(id))
    }
}
