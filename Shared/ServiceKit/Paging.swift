import KitCore
import KitHTTP
import Models

/// `?limit=&cursor=` of the services' lists: limit 1…100 (a service's default when absent),
/// cursor = the last id of the previous page (a UUID). Bad values are a 422 with the field.
public struct Paging: Sendable {
    public static let maxLimit = 100

    public let limit: Int
    public let after: String?

    public init(_ request: Request, defaultLimit: Int = 20) throws {
        let q = request.query
        if let raw = q["limit"], !raw.isEmpty {
            guard raw.utf8.count <= 6, let n = Int(raw), n >= 1 else {
                throw APIError.invalid("limit", "每页条数必须是正整数", code: "invalid_limit")
            }
            limit = min(n, Paging.maxLimit)
        } else {
            limit = min(defaultLimit, Paging.maxLimit)
        }
        if let c = q["cursor"], !c.isEmpty {
            guard ID.isValid(c) else { throw APIError.invalid("cursor", "分页游标无效", code: "invalid_cursor") }
            after = c.lowercased()
        } else {
            after = nil
        }
    }

    /// Cuts a page from rows fetched with `limit + 1`; the cursor is the page's last id.
    public func page<Item: Encodable & Sendable>(_ rows: [Item], id: (Item) -> String) -> PageView<Item> {
        guard rows.count > limit else { return PageView(items: rows, nextCursor: nil) }
        let items = Array(rows.prefix(limit))
        return PageView(items: items, nextCursor: items.last.map(id))
    }
}

/// `{"items":[…],"nextCursor":…}` for views that are only encoded.
public struct PageView<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String? = nil) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
