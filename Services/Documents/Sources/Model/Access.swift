/// Who may see or change which objects, as values the store puts into its SQL: the owner
/// (the application's own applicant, or the user who created the object), platform operators
/// (read), an approver of the object's request once approval said so (read), and, for reports
/// only, users whose grants cover the organisation the report belongs to (read; registration
/// files carry applicants' personal documents and stay with owners and approvers).
struct Access: Sendable {
    /// Key of the applicant's own application object.
    var applicantObject: String?
    /// The user's id (objects that user created).
    var userID: String?
    /// Platform operator: reads everything.
    var everything: Bool
    /// An object approval confirmed this caller may view.
    var approvedObject: String?
    /// Subtrees of the organisation tree the user's grants cover (report objects only).
    var scopePaths: [String] = []

    /// Reading: owner, operator, confirmed approver; reports also within the grants' subtrees.
    static func read(_ caller: Caller, approved: ObjectRef? = nil) -> Access {
        Access(applicantObject: caller.ownApplication?.key, userID: caller.userID,
               everything: caller.isOperator, approvedObject: approved?.key,
               scopePaths: caller.claims?.roles.map(\.scopePath) ?? [])
    }

    /// Changing: the owner only.
    static func write(_ caller: Caller) -> Access {
        Access(applicantObject: caller.ownApplication?.key, userID: caller.userID, everything: false, approvedObject: nil)
    }
}
