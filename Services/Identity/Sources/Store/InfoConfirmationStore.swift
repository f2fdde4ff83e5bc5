import Foundation
import KitCore
import KitPostgres
import Models

/// Zhejiang institutions' confirmations of their general information (docs/registration.md).
/// Zhejiang institutions: kind `institution` under `86/330000/`. The confirmation is due six
/// months after the last one (or after the institution's registration when there is none) and
/// at once when the organisation's contact (联络员) is no longer the confirmed liaison.
struct InfoConfirmationStore: Sendable {

    struct Status: Codable, Sendable {
        var orgId: String
        var orgName: String
        var lastConfirmedAt: Date?
        var dueAt: Date
        /// `ok`, `due_soon` (within the reminder window), `lapsed` (past due) or `liaison_changed`.
        var status: String
        var liaisonName: String?
        var liaisonPhoneMasked: String?
        /// The stamped 联络员信息表 sent with the last confirmation (documents' id), when one was.
        var liaisonFormId: String?
    }

    /// The status of every Zhejiang institution (or only `orgID`) at `now`.
    func statuses(_ conn: PGConnection, orgID: String?, now: Date, remindDays: Int) throws -> [Status] {
        try conn.query("""
            WITH last AS (
                SELECT DISTINCT ON (org_id) org_id, confirmed_at, liaison_name, liaison_phone, liaison_form_id
                FROM info_confirmations ORDER BY org_id, confirmed_at DESC
            ), s AS (
                SELECT o.id, o.name, o.contact_name, o.contact_phone, l.confirmed_at, l.liaison_name, l.liaison_phone, l.liaison_form_id,
                       coalesce(l.confirmed_at, o.created_at) + interval '6 months' AS due_at
                FROM organisations o LEFT JOIN last l ON l.org_id = o.id
                WHERE o.kind = 'institution' AND o.path LIKE '86/330000/%' AND ($1::uuid IS NULL OR o.id = $1::uuid)
            )
            SELECT id::text, name, confirmed_at, liaison_name, liaison_phone, liaison_form_id::text, due_at,
                   CASE WHEN confirmed_at IS NOT NULL AND (contact_name IS DISTINCT FROM liaison_name OR contact_phone IS DISTINCT FROM liaison_phone)
                             THEN 'liaison_changed'
                        WHEN due_at <= $2::timestamptz THEN 'lapsed'
                        WHEN due_at <= $2::timestamptz + make_interval(days => $3::int) THEN 'due_soon'
                        ELSE 'ok' END AS status
            FROM s ORDER BY due_at, id LIMIT 5000
            """, [orgID, now, remindDays]).rows.map { r in
                Status(orgId: try r.string("id"), orgName: try r.string("name"), lastConfirmedAt: try r.optionalDate("confirmed_at"),
                       dueAt: try r.date("due_at"), status: try r.string("status"), liaisonName: r.optionalString("liaison_name"),
                       liaisonPhoneMasked: r.optionalString("liaison_phone").map(ChineseFormats.maskMobile),
                       liaisonFormId: r.optionalString("liaison_form_id"))
            }
    }

    /// True when `userID` is a live institution administrator of `orgID`, a Zhejiang institution.
    func isZhejiangAdmin(_ conn: PGConnection, userID: String, orgID: String) throws -> Bool {
        try !conn.query("""
            SELECT 1 FROM role_assignments r JOIN users u ON u.id = r.user_id JOIN organisations o ON o.id = r.org_id
            WHERE u.id = $1::uuid AND u.status = 'active' AND r.role = 'institution_admin' AND r.org_id = $2::uuid
              AND o.kind = 'institution' AND o.path LIKE '86/330000/%' LIMIT 1
            """, [userID, orgID]).rows.isEmpty
    }

    /// Records a confirmation (now) and makes the liaison the organisation's contact.
    /// A new liaison (another name or phone than the organisation's contact) must bring the
    /// stamped 联络员信息表: 422 `liaison_form_required` without `liaisonFormID`.
    func confirm(_ conn: PGConnection, orgID: String, userID: String, liaisonName: String, liaisonPhone: String,
                 liaisonFormID: String? = nil) throws {
        let contact = try conn.query("SELECT contact_name, contact_phone FROM organisations WHERE id = $1::uuid FOR UPDATE",
                                     [orgID]).first
        let changed = contact?.optionalString("contact_name") != liaisonName || contact?.optionalString("contact_phone") != liaisonPhone
        if changed && liaisonFormID == nil {
            throw APIError.invalid("liaisonFormId", "更换联络员须上传加盖公章的联络员信息表", code: "liaison_form_required")
        }
        try conn.query("""
            INSERT INTO info_confirmations (id, org_id, confirmed_by, liaison_name, liaison_phone, liaison_form_id)
            VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, $6::uuid)
            """, [ID.new(), orgID, userID, liaisonName, liaisonPhone, liaisonFormID])
        try conn.query("UPDATE organisations SET contact_name = $2, contact_phone = $3 WHERE id = $1::uuid", [orgID, liaisonName, liaisonPhone])
    }

    /// Claims the reminder of one due date once; false when it was sent already.
    func claimReminder(_ conn: PGConnection, orgID: String, dueAt: Date) throws -> Bool {
        try !conn.query("""
            INSERT INTO info_confirmation_reminders (org_id, due_at) VALUES ($1::uuid, $2::timestamptz)
            ON CONFLICT DO NOTHING RETURNING 1
            """, [orgID, dueAt]).rows.isEmpty
    }
}
