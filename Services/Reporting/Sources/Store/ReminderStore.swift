import Foundation
import KitCore
import KitPostgres

/// SQL of the deadline reminders (Migrations/008_checks.sql).
enum ReminderStore {
    /// code → days before the deadline of the first reminder.
    static func reminderDays(_ conn: PGConnection) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for r in try conn.query("SELECT code, reminder_days FROM programs").rows {
            out[try r.string("code")] = try r.int("reminder_days")
        }
        return out
    }

    /// Records the reminder of `kind` for every enrolled institution that has not submitted
    /// every form of the period (a form counts when it has an indicator set for the period);
    /// answers the institutions recorded now (not those reminded before: the primary key).
    static func record(_ conn: PGConnection, programID: String, period: String, kind: String) throws -> [String] {
        try conn.query("""
            INSERT INTO deadline_reminders (program_id, org_id, period, kind)
            SELECT e.program_id, e.org_id, $2, $3 FROM enrolments e
            WHERE e.program_id = $1::uuid
              AND EXISTS (SELECT 1 FROM forms f JOIN form_versions v ON v.form_id = f.id
                          WHERE f.program_id = e.program_id AND v.first_period <= $2
                            AND (v.last_period IS NULL OR v.last_period >= $2)
                            AND NOT EXISTS (SELECT 1 FROM reports r
                                            WHERE r.form_id = f.id AND r.org_id = e.org_id AND r.period = $2
                                              AND r.status IN ('submitted', 'under_review', 'accepted')))
            ORDER BY e.org_id
            ON CONFLICT DO NOTHING
            RETURNING org_id
            """, [programID, period, kind]).rows.map { try $0.string("org_id") }
    }
}
