import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// What identity does with an approval's final decision on a registration application.
struct RegistrationOutcome: Sendable {
    let app: IdentityApp

    /// `outcome` is approved, rejected, returned (treated as rejected: the applicant edits and
    /// applies again) or withdrawn (the applicant withdrew it in the approval service).
    func apply(_ conn: PGConnection, applicationID: String, outcome: String, opinion: String?, requestID: String, request: Request) throws {
        let store = ApplicationStore(app: app)
        guard var a = try store.get(conn, id: applicationID, lock: true) else { throw APIError.notFound }
        guard a.status == "pending" else { return } // withdrawn or decided meanwhile: nothing to do
        a.decidedAt = Date()
        a.approvalRequestID = requestID
        if outcome == "withdrawn" {
            a.status = "withdrawn"
            try store.save(conn, a)
            try Audit.record(conn, AuditEntry(actorID: nil, action: "application_withdrawn", objectType: "application", objectID: a.id, request: request))
            return
        }
        if outcome != "approved" {
            a.status = "rejected"
            a.opinion = opinion
            try store.save(conn, a)
            try MessageStore.enqueue(conn, channel: "sms", to: a.phone,
                body: "【质控平台】您的注册申请未通过审核。审核意见：\(Self.sentence(opinion))。您可修改后重新申请。")
            try Audit.record(conn, AuditEntry(actorID: nil, action: "application_rejected", objectType: "application", objectID: a.id,
                                              newValue: Audit.json(["opinion": opinion ?? ""]), request: request))
            return
        }
        guard let role = a.role, let region = a.regionCode else { throw APIError.badRequest() }
        let orgs = OrganisationStore(app: app)
        let users = UserStore(app: app)
        // The organisation: existing, found by name (registered meanwhile), or new.
        var org = try a.orgID.flatMap { try orgs.get(conn, id: $0) }
        if org == nil, let name = a.orgData?.name { try orgs.lockName(conn, region: region, name: name) }
        if org == nil, role == .institutionAdmin, let name = a.orgData?.name { org = try orgs.institution(conn, region: region, name: name) }
        if org == nil, let kind = RegistrationRules.organisationKind(role), var data = a.orgData {
            if role == .provincialCentre { data.specialties = a.specialties }
            org = try orgs.create(conn, kind: kind, data: data, regionCode: region)
        }
        guard let organisation = org else { throw APIError.conflict("申请缺少机构信息", code: "organisation_missing") }
        a.orgID = organisation.id

        // An institution's admin changed by this application (NCIS): the old admin loses the
        // role, gets a reset password, and both are told.
        if role == .institutionAdmin {
            for old in try users.institutionAdmins(conn, orgID: organisation.id, exceptPhone: a.phone) {
                try users.removeRole(conn, userID: old.id, role: .institutionAdmin, orgID: organisation.id)
                try users.setPassword(conn, userID: old.id, password: PasswordPolicy.generate(), mustChange: true)
                try MessageStore.enqueue(conn, channel: "sms", to: old.phone,
                    body: "【质控平台】\(organisation.name)的机构管理员已变更，您的管理员权限已移除，账号密码已重置。")
                try Audit.record(conn, AuditEntry(actorID: nil, actorOrg: organisation.id, action: "institution_admin_replaced",
                                                  objectType: "user", objectID: old.id, request: request))
            }
        }

        // The account: the applicant's own account at this organisation — one whose holder
        // proved this phone (a phone typed in by someone else is no proof) — or a new one.
        let existing = try users.byPhone(conn, phone: a.phone).first {
            $0.orgID == organisation.id && $0.status == "active" && $0.phoneVerified
        }
        let userID: String
        if let u = existing {
            userID = u.id
            try MessageStore.enqueue(conn, channel: "sms", to: a.phone,
                body: "【质控平台】您的\(role.title)注册申请已通过审核，权限已添加到账号\(u.username)。")
        } else {
            let username = try users.newUsername(conn)
            let password = PasswordPolicy.generate()
            let mainID: String? = (role == .specialtyAdmin || role == .dataEntry)
                ? try users.institutionAdmins(conn, orgID: organisation.id, exceptPhone: nil).first?.id
                : nil
            // The applicant proved the phone with the registration code.
            userID = try users.create(conn, username: username, phone: a.phone, email: a.person?.email,
                                      displayName: a.person?.name ?? username, orgID: organisation.id, mainAccountID: mainID,
                                      password: password, phoneVerified: true)
            try MessageStore.enqueue(conn, channel: "sms", to: a.phone,
                body: "【质控平台】您的注册申请已通过审核。用户名：\(username)，初始密码：\(password)，首次登录须修改密码。")
            if let email = a.person?.email {
                try MessageStore.enqueue(conn, channel: "email", to: email, subject: "质控平台账号开通通知",
                    body: "\(a.person?.name ?? "")，您好：\r\n\r\n您的\(role.title)注册申请已通过审核，用户名：\(username)。\r\n初始密码已通过短信发送到您的手机，首次登录须修改密码。")
            }
        }
        // The grants carry exactly the specialties that were approved: one per specialty for
        // specialty-bound roles; an institution's admin and a city commission have none.
        for specialty in Self.grantSpecialties(role, a.specialties) {
            try users.grant(conn, userID: userID, role: role, orgID: organisation.id, scopePath: organisation.scopePath, specialty: specialty)
        }
        a.status = "approved"
        a.userID = userID
        try store.save(conn, a)
        try Audit.record(conn, AuditEntry(actorID: nil, actorOrg: organisation.id, action: "application_approved", objectType: "application",
                                          objectID: a.id, newValue: Audit.json(["user": userID, "role": role.rawValue]), request: request))
    }

    /// The specialty of each grant an approved application gives (nil: not specialty-bound).
    static func grantSpecialties(_ role: Role, _ specialties: [String]) -> [String?] {
        switch role {
        case .provincialCentre, .nationalSpecialtyCentre, .specialtyAdmin, .dataEntry:
            return specialties.isEmpty ? [] : specialties.map { Optional($0) }
        default:
            return [nil]
        }
    }
}
