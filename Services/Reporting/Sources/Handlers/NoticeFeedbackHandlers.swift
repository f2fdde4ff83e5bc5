import Foundation
import KitCore
import KitHTTP
import Models
import ServiceKit

/// 反馈 (NCCQI): any signed-in user sends feedback; the platform operators list it, set its
/// status (new → in progress → done) and reply; the sender sees both.
struct NoticeFeedbackHandlers {
    let context: ServiceContext

    static let categories: [String: String] = ["feature": "功能建议", "defect": "产品缺陷", "form": "表单问题", "docs": "文档问题", "other": "其他"]
    static let statuses: Set<String> = ["new", "in_progress", "done"]
    static let contentMax = 2000
    static let shortMax = 100

    struct SendBody: Decodable, Sendable { let category: String; let content: String; let contact: String?; let organisation: String? }
    struct UpdateBody: Decodable, Sendable { let status: String; let reply: String? }

    static func trimmed(_ s: String?) -> String? {
        s.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// `POST /api/reporting/v1/feedback` → 201.
    func send(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = try request.decode(SendBody.self)
        guard Self.categories[body.category] != nil else {
            throw APIError.invalid("category", "请选择反馈类型（功能建议、产品缺陷、表单问题、文档问题、其他）", code: "invalid_category")
        }
        guard let content = Self.trimmed(body.content) else { throw APIError.invalid("content", "请填写反馈内容", code: "missing_field") }
        guard content.count <= Self.contentMax else {
            throw APIError.invalid("content", "反馈内容不能超过\(Self.contentMax)个字", code: "too_long")
        }
        let contact = Self.trimmed(body.contact), organisation = Self.trimmed(body.organisation)
        if (contact?.count ?? 0) > Self.shortMax { throw APIError.invalid("contact", "联系方式不能超过\(Self.shortMax)个字", code: "too_long") }
        if (organisation?.count ?? 0) > Self.shortMax { throw APIError.invalid("organisation", "单位名称不能超过\(Self.shortMax)个字", code: "too_long") }
        let row = try context.database.transaction { conn in
            try NoticeFeedbackStore.insert(conn, userID: caller.id, userName: caller.claims.displayName ?? caller.name,
                                           category: body.category, content: content, contact: contact, organisation: organisation)
        }
        return .json(row, status: 201)
    }

    /// `GET /api/reporting/v1/feedback/mine`: the sender's own, with status and reply.
    func mine(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let paging = try Paging(request, defaultLimit: 20)
        let rows = try context.database.withConnection { try NoticeFeedbackStore.mine($0, userID: caller.id, after: paging.after, limit: paging.limit) }
        return .json(paging.page(rows, id: \.id))
    }

    static func requireOperator(_ caller: Caller) throws {
        guard caller.claims.has(.platformOperator), caller.program == nil else {
            throw APIError(403, "forbidden", "只有平台运营人员可以处理反馈")
        }
    }

    /// `GET /api/reporting/v1/feedback?status=`: the operators' list (403 for anyone else).
    func list(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        try Self.requireOperator(caller)
        let paging = try Paging(request, defaultLimit: 50)
        let status = request.query["status"].flatMap { $0.isEmpty ? nil : $0 }
        if let status, !Self.statuses.contains(status) { throw APIError.invalid("status", "状态只能是 new、in_progress 或 done", code: "invalid_status") }
        let rows = try context.database.withConnection { try NoticeFeedbackStore.all($0, status: status, after: paging.after, limit: paging.limit) }
        return .json(paging.page(rows, id: \.id))
    }

    /// `PATCH /api/reporting/v1/feedback/:id` `{"status","reply"?}` (operators only).
    func update(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        try Self.requireOperator(caller)
        let id = try request.parameter("id")
        guard ID.isValid(id) else { throw APIError.notFound }
        let body = try request.decode(UpdateBody.self)
        guard Self.statuses.contains(body.status) else {
            throw APIError.invalid("status", "状态只能是 new、in_progress 或 done", code: "invalid_status")
        }
        let reply = Self.trimmed(body.reply)
        if (reply?.count ?? 0) > Self.contentMax { throw APIError.invalid("reply", "回复不能超过\(Self.contentMax)个字", code: "too_long") }
        guard let row = try context.database.transaction({ conn in
            try NoticeFeedbackStore.update(conn, id: id, status: body.status, reply: reply, byID: caller.id,
                                           byName: caller.claims.displayName ?? caller.name)
        }) else { throw APIError.notFound }
        return .json(row)
    }
}
