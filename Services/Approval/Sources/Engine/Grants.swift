import Models

/// A caller's role assignments as parallel arrays, bound to SQL as `unnest($1::text[], …)`
/// so scope checks run in the database.
struct Grants: Sendable {
    let userID: String
    let roles: [String]
    let orgIDs: [String]
    let scopePaths: [String]
    let specialties: [String?]

    init(userID: String, assignments: [RoleAssignment]) {
        self.userID = userID
        roles = assignments.map(\.role.rawValue)
        orgIDs = assignments.map(\.orgID)
        scopePaths = assignments.map(\.scopePath)
        specialties = assignments.map(\.specialty)
    }

    init(_ claims: AccessClaims) {
        self.init(userID: claims.sub, assignments: claims.roles)
    }

    var isEmpty: Bool { roles.isEmpty }
}
