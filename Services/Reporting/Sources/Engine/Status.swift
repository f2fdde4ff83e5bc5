import Foundation
import KitPostgres
import Models

/// A report's state: draft → submitted → under_review → returned | accepted.
enum ReportStatus: String, Codable, Sendable, PGDecodable {
    case draft, submitted, underReview = "under_review", returned, accepted

    init(pgText: String) throws {
        guard let v = ReportStatus(rawValue: pgText) else { throw PGError(kind: .decode, message: "unknown report status") }
        self = v
    }

    /// States in which the institution may still change values.
    var editable: Bool { self == .draft || self == .returned }
}

/// Why a form cannot be changed now; the form always says it.
struct Lock: Codable, Sendable, Equatable {
    var code: String
    var message: String

    var error: APIError { APIError(409, code, message) }
}

/// What the due list and the form say about a (period, report).
enum EntryState {
    /// The lock of a report (or of a period without one), given its window. Status first: a
    /// submitted report stays locked whatever the date.
    static func lock(status: ReportStatus?, window: Window?, lateEntry: Bool, now: Date) -> Lock? {
        switch status {
        case .submitted?: return Lock(code: "report_submitted", message: "已提交，数据只读；如需修改请申请修改")
        case .underReview?: return Lock(code: "report_under_review", message: "审核中，数据只读")
        case .accepted?: return Lock(code: "report_accepted", message: "已审核通过，数据只读；如需修改请申请修改")
        default: break
        }
        guard let window else { return Lock(code: "period_not_announced", message: "该期填报时间尚未公布") }
        if now < window.opensAt {
            return Lock(code: "period_not_open", message: "该期尚未开放填报，\(window.opensOn) 开放")
        }
        if window.isPast(now) && !lateEntry {
            return Lock(code: "deadline_passed", message: "已过填报截止日期（\(window.deadline)），本项目不允许逾期填报")
        }
        return nil
    }

    /// Status shown to the institution: not_started 未填报, in_progress 填报中, submitted 已提交,
    /// under_review 审核中, returned 已退回, accepted 已通过, overdue 逾期.
    static func status(_ status: ReportStatus?, window: Window?, now: Date) -> (code: String, label: String) {
        let past = window?.isPast(now) ?? false
        switch status {
        case nil: return past ? ("overdue", "逾期") : ("not_started", "未填报")
        case .draft?: return past ? ("overdue", "逾期") : ("in_progress", "填报中")
        case .submitted?: return ("submitted", "已提交")
        case .underReview?: return ("under_review", "审核中")
        case .returned?: return ("returned", "已退回")
        case .accepted?: return ("accepted", "已通过")
        }
    }
}
