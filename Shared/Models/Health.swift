/// `/healthz` and `/readyz` answers.
public struct HealthStatus: Codable, Sendable {
    public var status: String
    public var service: String
    public var checks: [String: String]?
    public init(status: String, service: String, checks: [String: String]? = nil) {
        self.status = status
        self.service = service
        self.checks = checks
    }
}

/// A page of a list: `items` and an opaque `nextCursor` (nil on the last page).
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public var items: [Item]
    public var nextCursor: String?
    public var total: Int?
    public init(items: [Item], nextCursor: String? = nil, total: Int? = nil) {
        self.items = items
        self.nextCursor = nextCursor
        self.total = total
    }
}
