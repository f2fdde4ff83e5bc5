import Foundation
import KitCore
import Models

/// Input rules of the engine (messages in Chinese, the same codes everywhere).
enum Rules {
    static let opinionMax = 500
    static let titleMax = 200
    static let maxAttachments = 50
    static let maxDetailsBytes = 64 * 1024
    static let maxBatch = 100

    /// An answer the chain allows.
    static func decision(_ raw: String, allowed: [Decision]) throws -> Decision {
        guard let d = Decision(rawValue: raw) else {
            throw APIError.invalid("decision", "审批结果只能是同意、不同意或退回", code: "invalid_decision")
        }
        guard allowed.contains(d) else {
            let names = allowed.map(\.title).joined(separator: "、")
            throw APIError.invalid("decision", "该类申请只能选择：\(names)", code: "decision_not_allowed")
        }
        return d
    }

    /// The approver's opinion: required to reject or return, at most 500 characters.
    static func opinion(_ raw: String?, for decision: Decision) throws -> String? {
        let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if text.isEmpty {
            if decision != .approve {
                throw APIError.invalid("opinion", "\(decision.title)必须填写审核意见", code: "opinion_required")
            }
            return nil
        }
        guard text.count <= opinionMax else {
            throw APIError.invalid("opinion", "审核意见不能超过\(opinionMax)个字符", code: "opinion_too_long")
        }
        return text
    }

    /// The applicant's reason (modification requests: required, at most 200 characters).
    static func reason(_ raw: String?, chain: Chain) throws -> String? {
        let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if text.isEmpty {
            if chain.reasonRequired { throw APIError.invalid("reason", "请填写申请理由", code: "reason_required") }
            return nil
        }
        let max = chain.reasonMax ?? opinionMax
        guard text.count <= max else {
            throw APIError.invalid("reason", "申请理由不能超过\(max)个字符", code: "reason_too_long")
        }
        return text
    }

    /// A code: lower-case letters, digits and `_` (types, chains, specialties, programs).
    static func isCode(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, s.unicodeScalars.count >= 2, s.unicodeScalars.count <= 63,
              ("a"..."z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Printable text of 1…max characters, trimmed.
    static func text(_ raw: String?, field: String, max: Int, label: String) throws -> String {
        let t = raw?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !t.isEmpty else { throw APIError.invalid(field, "请填写\(label)", code: "missing_field") }
        guard t.count <= max, !t.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw APIError.invalid(field, "\(label)格式错误或超过\(max)个字符", code: "invalid_field")
        }
        return t
    }

    /// A request id from the path; anything else is simply not found.
    static func requestID(_ raw: String) throws -> String {
        guard ID.isValid(raw) else { throw APIError.notFound }
        return raw.lowercased()
    }
}
