import Models

/// Who is asking: an applicant working on one registration application (applicant token), or a
/// signed-in user (access token).
enum Caller: Sendable {
    case applicant(ApplicantClaims)
    case user(AccessClaims)

    /// For audit rows and `created_by`: "applicant:<application id>" or "user:<user id>".
    var actorID: String {
        switch self {
        case .applicant(let a): return "applicant:\(a.sub.lowercased())"
        case .user(let u): return "user:\(u.sub)"
        }
    }

    /// The object an applicant owns by definition: its own application.
    var ownApplication: ObjectRef? {
        if case .applicant(let a) = self { return .registration(a.sub) }
        return nil
    }

    var userID: String? {
        if case .user(let u) = self { return u.sub }
        return nil
    }

    var claims: AccessClaims? {
        if case .user(let u) = self { return u }
        return nil
    }

    /// Platform operators may read every document.
    var isOperator: Bool {
        if case .user(let u) = self { return u.has(.platformOperator) }
        return false
    }

    /// The grant that speaks for the user's organisation: the highest-ranked role.
    private var mainGrant: RoleAssignment? {
        claims?.roles.max { $0.role.rank < $1.role.rank }
    }

    /// The program a tagged data-entry grant confines the user to (`ProgramTags`; a stroke
    /// registry user): its report folders are that program's only.
    var confinedProgram: String? { claims?.taggedProgram }

    var orgID: String? { mainGrant?.orgID }
    var orgPath: String? { mainGrant?.scopePath }
}
