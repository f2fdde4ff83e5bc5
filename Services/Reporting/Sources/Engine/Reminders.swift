import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

/// Deadline reminders: `reminder_days` days before a period's deadline (program setting, 3 by
/// default) and on the deadline day, every enrolled institution that has not submitted the
/// period gets a notice through identity's messaging (SMS and e-mail to its institution
/// admins: `POST /api/identity/v1/internal/organisations/:id/notify`, through the outbox).
/// Exactly once per program, institution, period and kind (`deadline_reminders`).
enum Reminders {
    struct Sent: Encodable, Sendable, Equatable {
        var program: String
        var period: String
        var kind: String
        var orgId: String
    }

    struct NotifyBody: Encodable, Sendable {
        var subject: String
        var text: String
    }

    /// Queues a notice to an institution's admins (SMS and e-mail through identity's notify, by
    /// the outbox, idempotent by `key`): the deadline reminders and the centres' reminders
    /// (Stats.remind). An org that is not an id (a seed's placeholder) is skipped: false.
    static func notify(_ conn: PGConnection, org: String, subject: String, text: String, key: String) throws -> Bool {
        guard ID.isValid(org) else { return false }
        try Outbox.enqueue(conn, target: .identity, path: "/api/identity/v1/internal/organisations/\(org)/notify",
                           body: NotifyBody(subject: subject, text: text), key: key)
        return true
    }

    /// Which reminder is due for a window at `now`: `before` within `days` days of the
    /// deadline day, `deadline` on it, none otherwise (not open, or past).
    static func kind(_ w: Window, now: Date, days: Int) -> String? {
        guard w.isOpen(now) else { return nil }
        let left = w.daysLeft(now: now)
        if left == 0 { return "deadline" }
        return left > 0 && left <= days ? "before" : nil
    }

    static func text(program: String, periodLabel: String, deadline: String, daysLeft: Int) -> String {
        let when = daysLeft == 0 ? "今天（\(deadline)）是填报截止日" : "填报截止日期为 \(deadline)（还有\(daysLeft)天）"
        return "贵机构尚未提交「\(program)」\(periodLabel)的数据，\(when)，请登录平台及时填报。"
    }

    /// One pass at `now`: records and queues the reminders that are due; answers them.
    static func run(_ context: ServiceContext, now: Date) throws -> [Sent] {
        try context.database.transaction { conn in
            let days = try ReminderStore.reminderDays(conn)
            var out: [Sent] = []
            for (p, _) in try DefinitionStore.programs(conn, orgID: nil) {
                var periods: [(Period, Window)] = []
                switch p.windowRule {
                case .offset:
                    periods = p.duePeriods(enrolledAt: now, now: now).compactMap { per in p.offsetWindow(per).map { (per, $0) } }
                case .announced:
                    periods = try DefinitionStore.openAnnouncedPeriods(conn, programID: p.id, now: now).compactMap { key, w in
                        Period.parse(key, p.periodType).map { ($0, w) }
                    }
                }
                for (per, w) in periods {
                    guard let kind = kind(w, now: now, days: days[p.code] ?? 3) else { continue }
                    let message = text(program: p.name, periodLabel: per.label, deadline: w.deadline, daysLeft: w.daysLeft(now: now))
                    for org in try ReminderStore.record(conn, programID: p.id, period: per.key, kind: kind) {
                        guard try notify(conn, org: org, subject: "数据填报提醒", text: message,
                                         key: "reporting:reminder:\(p.code):\(org):\(per.key):\(kind)") else { continue }
                        out.append(Sent(program: p.code, period: per.key, kind: kind, orgId: org))
                    }
                }
            }
            return out
        }
    }

    /// Hourly (REMINDER_INTERVAL seconds); a missed hour is caught up by the next pass, and the
    /// table keeps each reminder to one.
    static func task(_ context: ServiceContext) -> BackgroundTask {
        BackgroundTask(name: "reporting-reminders", interval: Env.double("REMINDER_INTERVAL", 3600)) {
            do {
                _ = try run(context, now: Date())
            } catch {
                context.logger.warning("reminders failed", ["error": "\(error)"])
            }
            return false
        }
    }
}

/// `POST /api/reporting/v1/internal/reminders/run` `{"now": RFC 3339}` — dev mode only (404
/// otherwise): one pass of the reminders at a fixed instant, for tests.
struct ReminderHandlers {
    let context: ServiceContext

    struct Body: Decodable, Sendable { var now: Date }

    func run(_ request: Request) throws -> Response {
        try context.requireInternal(request)
        guard context.settings.devMode else { throw APIError.notFound }
        let body = try request.decode(Body.self)
        return .json(["sent": try Reminders.run(context, now: body.now)])
    }
}
