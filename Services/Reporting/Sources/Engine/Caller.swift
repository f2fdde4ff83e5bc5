import KitHTTP
import Models
import ServiceKit

/// Roles that enter data for their own institution (hospital roles).
enum HospitalRoles {
    static let all: [Role] = [.institutionAdmin, .specialtyAdmin, .dataEntry]
}

/// The caller of a reporting endpoint: his grants (bound to SQL as arrays) and, when he holds
/// a hospital role, the institution he enters for.
struct Caller: Sendable {
    let claims: AccessClaims
    let roles: [String]
    let orgIDs: [String]
    let scopePaths: [String]

    init(_ claims: AccessClaims) {
        self.claims = claims
        roles = claims.roles.map(\.role.rawValue)
        orgIDs = claims.roles.map(\.orgID)
        scopePaths = claims.roles.map(\.scopePath)
    }

    /// Reporting's routes accept a program-bound token (a password-only login for one program,
    /// docs/contracts.md) and confine it to that program (`requireProgram`).
    static func from(_ context: ServiceContext, _ request: Request) throws -> Caller {
        Caller(try context.caller(request, allowProgram: true))
    }

    /// The program the caller is confined to (nil: any): a program-bound token's, or the program
    /// a data-entry grant is tagged for.
    var program: String? { claims.program ?? taggedProgram }

    /// The program of the caller's hospital grant when it is a tagged data-entry grant
    /// (`ProgramTags`: a stroke registry user enters the stroke registry and nothing else).
    var taggedProgram: String? { claims.taggedProgram }

    /// 403 when the caller is confined to another program: `program_token_refused` for a
    /// program-bound token, `program_not_granted` for a tagged grant.
    func requireProgram(_ code: String) throws {
        if let bound = claims.program, bound != code {
            throw APIError(403, "program_token_refused", "当前登录仅限该上报项目使用，请使用短信验证登录后再操作")
        }
        if let tagged = taggedProgram, tagged != code {
            throw APIError(403, "program_not_granted", "您的账号只能填报已认证的登记项目")
        }
    }

    var id: String { claims.sub }
    var name: String { claims.name }

    /// The caller's hospital grant (the highest-ranked when he holds several).
    var institution: RoleAssignment? {
        claims.roles.filter { HospitalRoles.all.contains($0.role) }.max { $0.role.rank < $1.role.rank }
    }

    /// The institution, or 403 for callers who only read.
    func requireInstitution() throws -> RoleAssignment {
        guard let g = institution else {
            throw APIError(403, "forbidden", "只有医疗机构用户可以填报数据")
        }
        return g
    }
}
