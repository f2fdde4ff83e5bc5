import Foundation
import Models

/// Stroke registry individual users (docs/registration.md, "脑卒中登记个人用户"): the request
/// bodies and their checks. All limits are the server's; messages are Chinese, fields named.
enum StrokeUsers {
    /// The program whose units individuals join, and the tag their data-entry grant carries.
    static let program = "stroke"
    /// Request type and chains at approval (approval migration 009).
    static let requestType = "stroke_certification"
    static let unitChain = "stroke_certification"
    static let provinceChain = "stroke_certification_province"
    /// The documents kind and folder of the licence photo.
    static let documentKind = "licence_photo"
    static func object(_ userID: String) -> String { "certification:\(userID)" }

    struct CodeRequest: Codable, Sendable { let phone: String; let captchaId: String; let captchaAnswer: String }

    /// 用户注册 (the seed's fields: 行政区划 and 单位名称 give `orgId`, 真实姓名, 身份证号码,
    /// 设置用户名, 手机号码, 短信验证码, 设置密码).
    struct Registration: Codable, Sendable {
        let phone: String; let code: String; let name: String; let idNumber: String
        let orgId: String; let username: String; let password: String
    }

    struct Certification: Codable, Sendable { let registrationNo: String; let documentId: String }

    struct Listing: Codable, Sendable { let name: String; let phone: String }

    static func checkPhone(_ phone: String, field: String = "phone") throws {
        guard ChineseFormats.isMobile(phone) else { throw APIError.invalid(field, "请输入正确的11位手机号", code: "invalid_phone") }
    }

    /// Everything but the SMS code, before the code is spent.
    static func check(_ r: Registration) throws {
        try checkPhone(r.phone)
        try Validate.name(r.name, field: "name")
        guard ChineseFormats.isResidentID(r.idNumber) else {
            throw APIError.invalid("idNumber", "请输入正确的18位身份证号码", code: "invalid_id_number")
        }
        guard r.orgId.count <= 64, !r.orgId.isEmpty else { throw APIError.invalid("orgId", "请选择所在单位", code: "missing_field") }
        try LoginName.check(r.username)
        try PasswordPolicy.check(r.password, username: r.username, phone: r.phone, field: "password")
        guard (4...8).contains(r.code.count) else { throw APIError.invalid("code", "请输入短信验证码", code: "sms_code_invalid") }
    }

    /// 医疗机构执业许可证登记号 (the seed: "填写的登记号需与《医疗机构执业许可证》上的登记号一致"),
    /// as the licences print it: 22 characters — the 9-character organisation code (digits and
    /// capital letters), the 6-digit region code, the 2-digit category code, one capital letter
    /// (ownership) and a 4-digit serial, e.g. `PDY00001X11010515A1002`. Spaces are dropped and
    /// letters upper-cased; the normalised number or nil.
    static func registrationNumber(_ raw: String) -> String? {
        let s = raw.uppercased().filter { $0 != " " && $0 != "\u{3000}" }
        let b = Array(s.utf8)
        guard b.count == 22 else { return nil }
        func digit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func upper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
        for i in 0..<9 where !(digit(b[i]) || upper(b[i])) { return nil }
        for i in 9..<17 where !digit(b[i]) { return nil }
        guard upper(b[17]) else { return nil }
        for i in 18..<22 where !digit(b[i]) { return nil }
        return s
    }

    static func check(_ l: Listing) throws {
        try Validate.name(l.name, field: "name")
        try checkPhone(l.phone)
    }
}
