/// The roles of the seeds, highest first. A role assignment is (role, organisation, specialty).
public enum Role: String, Codable, Sendable, CaseIterable {
    case platformOperator = "platform_operator"
    case nationalCentre = "national_centre"
    case nationalSpecialtyCentre = "national_specialty_centre"
    case provincialCentre = "provincial_centre"
    case cityCommission = "city_commission"
    case institutionAdmin = "institution_admin"
    case specialtyAdmin = "specialty_admin"
    case dataEntry = "data_entry"

    /// Higher wins when one phone applies for the same specialty in two roles.
    public var rank: Int {
        switch self {
        case .platformOperator: return 100
        case .nationalCentre: return 90
        case .nationalSpecialtyCentre: return 80
        case .provincialCentre: return 70
        case .cityCommission: return 60
        case .institutionAdmin: return 50
        case .specialtyAdmin: return 40
        case .dataEntry: return 30
        }
    }

    public var title: String {
        switch self {
        case .platformOperator: return "平台运营"
        case .nationalCentre: return "国家质控中心"
        case .nationalSpecialtyCentre: return "国家质控中心亚专业"
        case .provincialCentre: return "省级质控中心"
        case .cityCommission: return "市卫生健康委"
        case .institutionAdmin: return "医疗机构管理员"
        case .specialtyAdmin: return "亚专业管理员"
        case .dataEntry: return "数据填报员/医师"
        }
    }
}

/// One grant: a role at an organisation, optionally limited to a specialty. `orgPath` is the
/// organisation's path in the tree ("86/33/3301/<id>"), so a subtree is a prefix in SQL.
public struct RoleAssignment: Codable, Sendable, Hashable {
    public var role: Role
    public var orgID: String
    public var orgPath: String
    public var specialty: String?

    public init(role: Role, orgID: String, orgPath: String, specialty: String? = nil) {
        self.role = role
        self.orgID = orgID
        self.orgPath = orgPath
        self.specialty = specialty
    }
}

/// What an access token says about its bearer. Signed by identity (Ed25519), checked by
/// every service and the gateway.
public struct AccessClaims: Codable, Sendable {
    public var sub: String
    public var name: String
    public var roles: [RoleAssignment]
    public var iat: Int
    public var exp: Int
    public var typ: String
    public var mustChangePassword: Bool?

    public init(sub: String, name: String, roles: [RoleAssignment], iat: Int, exp: Int, mustChangePassword: Bool? = nil) {
        self.sub = sub
        self.name = name
        self.roles = roles
        self.iat = iat
        self.exp = exp
        self.typ = "access"
        self.mustChangePassword = mustChangePassword
    }

    public func has(_ role: Role) -> Bool { roles.contains { $0.role == role } }
}
