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

/// One grant: a role at an organisation, optionally limited to a specialty.
/// `scopePath` is the subtree the grant sees, as a path of the organisation tree whose region
/// segments are GB/T 2260 six-digit codes: a provincial centre of Zhejiang has "86/330000", a
/// city commission of Hangzhou "86/330000/330100", an institution its own node
/// "86/330000/330100/<org id>", or "86/330000/330100/330106/<org id>" when it gave its county.
/// Scope checks in SQL are prefix matches on it.
public struct RoleAssignment: Codable, Sendable, Hashable {
    public var role: Role
    public var orgID: String
    public var scopePath: String
    public var specialty: String?

    public init(role: Role, orgID: String, scopePath: String, specialty: String? = nil) {
        self.role = role
        self.orgID = orgID
        self.scopePath = scopePath
        self.specialty = specialty
    }

    /// True when `path` lies in this grant's subtree.
    public func covers(_ path: String) -> Bool {
        path == scopePath || path.hasPrefix(scopePath + "/")
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
    /// Set on a password-only login for a reporting program whose seeds have no SMS step: the
    /// token carries only that program's reporting roles (data_entry) and every route refuses
    /// it unless it opts in (`ServiceContext.caller(_:allowProgram:)`).
    public var program: String?
    /// The person's name (`name` is the login name): what approval histories show.
    public var displayName: String?

    public init(sub: String, name: String, roles: [RoleAssignment], iat: Int, exp: Int, mustChangePassword: Bool? = nil,
                program: String? = nil, displayName: String? = nil) {
        self.sub = sub
        self.name = name
        self.displayName = displayName
        self.roles = roles
        self.iat = iat
        self.exp = exp
        self.typ = "access"
        self.mustChangePassword = mustChangePassword
        self.program = program
    }

    public func has(_ role: Role) -> Bool { roles.contains { $0.role == role } }

    /// Roles a password-only program login may carry: the hospital roles used for reporting.
    public static let programRoles: Set<Role> = [.dataEntry]
}

/// What an applicant token says: a verified phone working on one registration application
/// before any account exists. Lets the applicant upload documents and edit the application.
public struct ApplicantClaims: Codable, Sendable {
    public var sub: String      // application id
    public var phone: String
    public var iat: Int
    public var exp: Int
    public var typ: String

    public init(applicationID: String, phone: String, iat: Int, exp: Int) {
        self.sub = applicationID
        self.phone = phone
        self.iat = iat
        self.exp = exp
        self.typ = "applicant"
    }
}
