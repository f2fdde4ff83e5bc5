import Models

/// What documents attach to, written `<type>:<id>`: `registration:<application id>` (identity's
/// registration applications), `report:<id>` (reporting's submissions and annual surveys),
/// `certification:<user id>` (a stroke registry user's 个人身份认证 licence photo; the user who
/// creates it owns it, the approvers of identity's request on that user read it),
/// `confirmation:<id>` (a Zhejiang information confirmation's 联络员信息表).
struct ObjectRef: Sendable, Hashable {
    enum Kind: String, Sendable, CaseIterable {
        case registration, report, certification
        /// A Zhejiang institution's confirmation of its information (identity's
        /// info-confirmation): the stamped 联络员信息表, owned by the administrator uploading it.
        case confirmation

        /// The service that owns objects of this type (whose approvals decide who else may look).
        var subjectService: String {
            switch self {
            case .registration, .confirmation: return "identity"
            case .report: return "reporting"
            case .certification: return "identity"
            }
        }
    }

    let type: Kind
    let id: String

    var key: String { "\(type.rawValue):\(id)" }

    /// The object of an applicant's own application.
    static func registration(_ applicationID: String) -> ObjectRef {
        ObjectRef(type: .registration, id: applicationID.lowercased())
    }

    /// Parses `<type>:<id>`; ids are UUIDs (any case, stored lower case) or short opaque tokens
    /// of letters, digits, `-` and `_`.
    static func parse(_ raw: String?) throws -> ObjectRef {
        guard let raw, let colon = raw.firstIndex(of: ":") else {
            throw APIError.invalid("object", "缺少或无效的关联对象（object），格式为 registration:<申请编号>", code: "invalid_object")
        }
        guard let type = Kind(rawValue: String(raw[..<colon])) else {
            throw APIError.invalid("object", "不支持的关联对象类型", code: "invalid_object")
        }
        let id = String(raw[raw.index(after: colon)...])
        guard (1...64).contains(id.utf8.count),
              id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 95 }) else {
            throw APIError.invalid("object", "关联对象编号格式错误", code: "invalid_object")
        }
        return ObjectRef(type: type, id: id.lowercased())
    }

    /// From a stored key (trusted).
    init?(key: String) {
        guard let colon = key.firstIndex(of: ":"), let type = Kind(rawValue: String(key[..<colon])) else { return nil }
        self.type = type
        self.id = String(key[key.index(after: colon)...])
    }

    init(type: Kind, id: String) {
        self.type = type
        self.id = id
    }
}
