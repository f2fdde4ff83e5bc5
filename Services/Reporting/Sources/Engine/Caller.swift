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

    /// The program a program-bound token is confined to (nil: any).
    var program: String? { claims.program }

    /// 403 `program_token_refused` when a program-bound token reaches another program.
    func requireProgram(_ code: String) throws {
        if let program, program != code {
            throw APIError(403, "program_token_refused", "当前登录仅限该上报项目使用，请使用短信验证登录后再操作")
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
