/// Keys of a request's `details` that another service relies on, not only shows. Approvers see
/// the details as label → value; approval also matches this one in SQL (its migration 007
/// indexes `details->>'注册申请编号'`), so renaming it is a migration, never a label edit.
public enum ApprovalDetails {
    /// A program enrolment request (reporting) names the institution's approved registration
    /// application: that request's approvers may open the registration's files (approval's
    /// `ScopeStore.isApproverOfSubject`, documents asking `can-view`).
    public static let registrationApplication = "注册申请编号"
}
