import Foundation
import Models

/// 变更资料 (docs/accounts.md): the fields of an approved institution its admin may change.
enum OrgChange {
    /// API field → organisations column.
    static let columns: [(field: String, column: String, label: String, max: Int)] = [
        ("name", "name", "机构名称", 100), ("regionCode", "region_code", "所在地区", 6), ("creditCode", "credit_code", "统一社会信用代码", 18),
        ("level", "level", "机构级别", 30), ("category", "category", "机构类别", 30), ("address", "address", "地址", 200),
        ("headName", "head_name", "负责人姓名", 30), ("headPhone", "head_phone", "负责人手机", 11),
        ("contactName", "contact_name", "联系人姓名", 30), ("contactPhone", "contact_phone", "联系人手机", 11),
    ]

    struct NewAdmin: Codable, Sendable, Equatable {
        var name: String; var phone: String; var email: String?
        /// The SMS code (purpose `admin_binding`) proving the phone of an account of the
        /// institution that is to become the administrator (submission only, never stored).
        var code: String?
        /// That account, bound on approval instead of a new account (AdminBindingHandlers).
        var userId: String?
    }

    struct Submission: Codable, Sendable {
        var data: [String: String]?
        var newAdmin: NewAdmin?
    }

    /// The changed fields (trimmed, checked), compared with the current data; throws 422 with
    /// the field named. Unknown fields are refused.
    static func changes(_ proposed: [String: String], current: [String: String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for (field, raw) in proposed {
            guard let c = columns.first(where: { $0.field == field }) else {
                throw APIError.invalid("data.\(field)", "该项资料不能在此变更", code: "invalid_field")
            }
            let v = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            let f = "data.\(field)"
            switch field {
            case "name": guard (2...100).contains(v.count) else { throw APIError.invalid(f, "机构名称应为2至100个字符") }
            case "regionCode":
                guard v.count == 6, v.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw APIError.invalid(f, "请选择所在地区（6位代码）", code: "invalid_region") }
            case "creditCode": guard v.isEmpty || ChineseFormats.isCreditCode(v) else { throw APIError.invalid(f, "统一社会信用代码格式不正确", code: "invalid_credit_code") }
            case "headPhone", "contactPhone":
                guard v.isEmpty || ChineseFormats.isMobile(v) else { throw APIError.invalid(f, "请输入正确的11位手机号", code: "invalid_phone") }
            default: guard v.count <= c.max else { throw APIError.invalid(f, "\(c.label)不能超过\(c.max)个字符") }
            }
            if v != (current[field] ?? "") { out[field] = v }
        }
        return out
    }

    static func check(_ a: NewAdmin) throws {
        try Validate.name(a.name, field: "newAdmin.name")
        guard ChineseFormats.isMobile(a.phone) else { throw APIError.invalid("newAdmin.phone", "请输入正确的11位手机号", code: "invalid_phone") }
        if let e = a.email, !e.isEmpty, !ChineseFormats.isEmail(e) { throw APIError.invalid("newAdmin.email", "请输入正确的电子邮箱", code: "invalid_email") }
    }

    static func label(_ field: String) -> String { columns.first { $0.field == field }?.label ?? field }
}
