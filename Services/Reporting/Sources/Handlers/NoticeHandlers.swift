import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// 信息发布: national and provincial centres (and the platform operator) publish notices to
/// their scope; everyone in that scope reads them on the home page, with read marks.
struct NoticeHandlers {
    let context: ServiceContext

    /// Roles that publish, each to the subtree of its grant.
    static let publisherRoles: Set<Role> = [.platformOperator, .nationalCentre, .nationalSpecialtyCentre, .provincialCentre]
    static let titleMax = 100

    struct PublishBody: Decodable, Sendable { let title: String; let body: String; let scope: String? }

    struct NoticeView: Encodable, Sendable {
        let id: String
        let scopePath: String
        let title: String
        let bodyHtml: String
        let excerpt: String
        let authorName: String
        let authorRole: String
        let authorRoleTitle: String
        let createdAt: Date
        let withdrawn: Bool
        let read: Bool?
        let readers: Int?

        init(_ n: NoticeRow, readers: Int? = nil) {
            id = n.id; scopePath = n.scopePath; title = n.title; bodyHtml = n.bodyHtml
            excerpt = NoticeHtml.plainText(n.bodyHtml)
            authorName = n.authorName; authorRole = n.authorRole
            authorRoleTitle = Role(rawValue: n.authorRole)?.title ?? n.authorRole
            createdAt = n.createdAt; withdrawn = n.withdrawnAt != nil; read = n.read; self.readers = readers
        }
    }

    struct NoticePage: Encodable, Sendable { let items: [NoticeView]; let nextCursor: String?; let unread: Int }

    /// The caller's publishing grants (403 when he has none).
    static func publishing(_ caller: Caller) throws -> [RoleAssignment] {
        let grants = caller.claims.roles.filter { publisherRoles.contains($0.role) }
        guard !grants.isEmpty, caller.program == nil else {
            throw APIError(403, "forbidden", "只有国家、省级质控中心和平台运营人员可以发布通知")
        }
        return grants
    }

    static func validScope(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard s.utf8.count <= 200, parts.first == "86", parts.count <= 4 else { return false }
        return parts.dropFirst().allSatisfy { p in
            !p.isEmpty && p.utf8.count <= 40 && p.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "-" }
        }
    }

    /// `POST /api/reporting/v1/notices` `{"title","body","scope"?}` → 201. `scope`: a path within
    /// one of the caller's publishing grants (default: his widest one).
    func publish(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let grants = try Self.publishing(caller)
        let body = try request.decode(PublishBody.self)
        let title = body.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw APIError.invalid("title", "请填写通知标题", code: "missing_field") }
        guard title.count <= Self.titleMax else { throw APIError.invalid("title", "通知标题不能超过\(Self.titleMax)个字", code: "too_long") }
        let html: String
        do { html = try NoticeHtml.sanitize(body.body) } catch {
            throw APIError.invalid("body", "通知正文不能超过\(NoticeHtml.maxInputBytes)字节", code: "too_long")
        }
        guard !NoticeHtml.plainText(html).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalid("body", "请填写通知正文", code: "missing_field")
        }
        let widest = grants.min { $0.scopePath.count < $1.scopePath.count }!
        let scope = body.scope.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? widest.scopePath
        guard Self.validScope(scope) else { throw APIError.invalid("scope", "发布范围格式不正确", code: "invalid_scope") }
        guard let grant = grants.filter({ $0.covers(scope) }).min(by: { $0.scopePath.count < $1.scopePath.count }) else {
            throw APIError(403, "scope_not_covered", "只能向本单位管辖范围内发布通知", field: "scope")
        }
        let name = caller.claims.displayName ?? caller.name
        let row = try context.database.transaction { conn in
            try NoticeStore.insert(conn, scopePath: scope, title: title, bodyHtml: html, authorID: caller.id, authorName: name,
                                   authorRole: grant.role.rawValue, authorOrg: grant.orgID)
        }
        return .json(NoticeView(row, readers: 0), status: 201)
    }

    /// `GET /api/reporting/v1/notices?limit=&cursor=`: the caller's notices (his scopes), newest
    /// first, with read marks and the unread count.
    func list(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let paging = try Paging(request, defaultLimit: 20)
        let (rows, unread) = try context.database.withConnection { conn in
            (try NoticeStore.forReader(conn, scopes: caller.scopePaths, userID: caller.id, after: paging.after, limit: paging.limit),
             try NoticeStore.unread(conn, scopes: caller.scopePaths, userID: caller.id))
        }
        let page = paging.page(rows, id: \.id)
        return .json(NoticePage(items: page.items.map { NoticeView($0) }, nextCursor: page.nextCursor, unread: unread))
    }

    /// `GET /api/reporting/v1/notices/unread-count` → `{"count"}`.
    func unreadCount(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let n = try context.database.withConnection { try NoticeStore.unread($0, scopes: caller.scopePaths, userID: caller.id) }
        return .json(["count": n])
    }

    /// `GET /api/reporting/v1/notices/:id`: 404 outside the caller's scopes.
    func detail(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let id = try request.parameter("id")
        guard ID.isValid(id), let row = try context.database.withConnection({
            try NoticeStore.visibleOne($0, scopes: caller.scopePaths, userID: caller.id, id: id)
        }) else { throw APIError.notFound }
        return .json(NoticeView(row))
    }

    /// `POST /api/reporting/v1/notices/:id/read` → 204; 404 outside the caller's scopes.
    func markRead(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let id = try request.parameter("id")
        guard ID.isValid(id), try context.database.transaction({
            try NoticeStore.markRead($0, scopes: caller.scopePaths, userID: caller.id, id: id)
        }) else { throw APIError.notFound }
        return .noContent()
    }

    /// `GET /api/reporting/v1/notices/managed`: what the publisher published or may withdraw
    /// (notices within his publishing scopes), with how many have read each.
    func managed(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let scopes = try Self.publishing(caller).map(\.scopePath)
        let paging = try Paging(request, defaultLimit: 20)
        let page = paging.page(try context.database.withConnection {
            try NoticeStore.managed($0, scopes: scopes, after: paging.after, limit: paging.limit)
        }, id: \.id)
        let items = PageView(items: page.items.map { NoticeView($0, readers: $0.readers) }, nextCursor: page.nextCursor)
        return .json(items)
    }

    /// `DELETE /api/reporting/v1/notices/:id`: withdraws it (readers no longer see it) → 204.
    func withdraw(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let scopes = try Self.publishing(caller).map(\.scopePath)
        let id = try request.parameter("id")
        guard ID.isValid(id), try context.database.transaction({ try NoticeStore.withdraw($0, scopes: scopes, id: id) }) else {
            throw APIError.notFound
        }
        return .noContent()
    }
}
