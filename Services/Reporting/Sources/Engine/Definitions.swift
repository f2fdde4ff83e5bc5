import Foundation
import Models

/// A program as stored (definitions are data: see Migrations/002 and 003).
struct ProgramRecord: Sendable {
    enum WindowRule: String, Sendable { case offset, announced }

    let id: String
    let code: String
    let name: String
    let description: String
    let periodType: PeriodType
    let windowRule: WindowRule
    let openAfterMonths: Int
    let openAfterDays: Int
    let closeAfterMonths: Int
    let closeAfterDays: Int
    let deadlineText: String
    let lateEntry: Bool
    let entryRoles: [String]
    let readerRoles: [String]
    let reviewerRoles: [String]
    let orgKinds: [String]
    /// The approval chain a submission opens (nil: a submission is final, no review).
    var reviewChain: String? = nil
    /// The specialty sent with review and modification requests (specialty-bound chains).
    var reviewSpecialty: String? = nil
    /// The approval chain of 申请修改 (nil: the program has none).
    var modificationChain: String? = nil
    /// The approval chain an enrolment opens (nil: enrolment is immediate).
    var enrolmentChain: String? = nil
    /// The specialty whose grants read the program (nil: every reader role).
    var specialty: String? = nil
    /// 绑定既往数据: the approval chain of a binding request and its specialty (nil: no old data to bind).
    var bindingChain: String? = nil
    var bindingSpecialty: String? = nil

    /// The window of `period` under an offset rule; announced programs keep theirs in
    /// `program_windows` (nil here).
    func offsetWindow(_ period: Period) -> Window? {
        guard windowRule == .offset else { return nil }
        let cal = Period.calendar
        func shift(_ months: Int, _ days: Int) -> Date? {
            guard let m = cal.date(byAdding: .month, value: months, to: period.end) else { return nil }
            return cal.date(byAdding: .day, value: days, to: m)
        }
        guard let opens = shift(openAfterMonths, openAfterDays), let closes = shift(closeAfterMonths, closeAfterDays),
              closes > opens else { return nil }
        return Window(opensAt: opens, closesAt: closes)
    }

    /// Periods due for an institution enrolled at `enrolledAt` (newest first): those whose
    /// window contains `now`, and, where late entry is allowed, those whose window has closed
    /// since the institution enrolled (overdue). At most `limit`.
    func duePeriods(enrolledAt: Date, now: Date, limit: Int = 24) -> [Period] {
        guard windowRule == .offset, var p = Period.containing(now, periodType) else { return [] }
        var out: [Period] = []
        // Windows close at most 24 months + 366 days after their period ends; walk back until
        // one closed before the enrolment.
        for _ in 0..<(limit + 600) {
            guard out.count < limit else { break }
            if let w = offsetWindow(p) {
                if w.closesAt <= enrolledAt && w.opensAt <= now { break }
                if w.isOpen(now) || (lateEntry && w.isPast(now)) { out.append(p) }
            }
            guard let prev = p.previous else { break }
            p = prev
        }
        return out
    }

    func entered(by role: Role) -> Bool { entryRoles.contains(role.rawValue) }
}

struct FormRecord: Sendable {
    let id: String
    let programID: String
    let code: String
    let name: String
}

struct VersionRecord: Sendable {
    let id: String
    let formID: String
    let code: String
    let name: String
    let firstPeriod: String
    let lastPeriod: String?
}

enum IndicatorType: String, Codable, Sendable {
    case integer, decimal, percent, date, choice, text

    var isNumeric: Bool { self == .integer || self == .decimal || self == .percent }
}

enum FormulaKind: String, Codable, Sendable { case ratio, sum }

struct IndicatorRecord: Sendable {
    let id: String
    let position: Int
    let code: String
    let name: String
    let category: String
    let unit: String
    let type: IndicatorType
    let required: Bool
    let minValue: Decimal?
    let maxValue: Decimal?
    let decimals: Int
    let maxLength: Int
    let choices: [String]
    let help: String
    let formula: FormulaKind?
    let operands: [String]
    let factor: Decimal

    var computed: Bool { formula != nil }

    /// 「出院人数」（B01）: how messages name a field.
    var label: String { "「\(name)」（\(code)）" }
}

struct RuleRecord: Sendable {
    let leftCodes: [String]
    let rightCode: String
    let message: String
}

/// An indicator set: the version's indicators (in position order) and rules.
struct FormDefinition: Sendable {
    let version: VersionRecord
    let indicators: [IndicatorRecord]
    let rules: [RuleRecord]

    func indicator(_ code: String) -> IndicatorRecord? { indicators.first { $0.code == code } }
}
