import Foundation
import Models

/// A value as the API shows it: a number, a string or null.
enum OutputValue: Encodable, Sendable, Equatable {
    case null, number(Decimal), string(String)

    init(_ v: StoredValue?) {
        if let n = v?.num { self = .number(n) } else if let t = v?.txt { self = .string(t) } else { self = .null }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .number(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        }
    }
}

struct ProgramView: Encodable, Sendable {
    struct Version: Encodable, Sendable {
        var code: String
        var name: String
        var firstPeriod: String
        var lastPeriod: String?
    }
    struct Form: Encodable, Sendable {
        var code: String
        var name: String
        var versions: [Version]?
    }
    var code: String
    var name: String
    var description: String
    var periodType: String
    var windowRule: String
    var deadlineRule: String
    var lateEntry: Bool
    var entryRoles: [String]
    var readerRoles: [String]
    var reviewerRoles: [String]
    var enrolled: Bool
    var forms: [Form]?
    /// The program approves its participants (enrolment opens an approval request).
    var enrolmentApproval: Bool? = nil
    /// The caller's institution's enrolment: active, pending (待审核), rejected (with the opinion).
    var enrolment: EnrolmentStateView? = nil
}

struct EnrolmentView: Encodable, Sendable {
    var program: String
    var orgId: String
    var enrolled: Bool
    var created: Bool
    /// `active`, or `pending` while the program's approval is open (docs/reporting.md, enrolment approval).
    var status: String = "active"
    var opinion: String? = nil
    var requestedAt: Date? = nil
    /// The approval request's subject (`enrol:<id>`, service `reporting`) when there is one.
    var subject: String? = nil
}

struct WindowView: Encodable, Sendable {
    var opensAt: Date
    var closesAt: Date
    var deadline: String
    var daysLeft: Int
}

struct DueItem: Encodable, Sendable {
    var program: String
    var programName: String
    var form: String
    var formName: String
    var period: String
    var periodLabel: String
    var window: WindowView?
    var lateEntry: Bool
    var reportId: String?
    var status: String
    var statusLabel: String
    var lock: Lock?
}

struct IndicatorView: Encodable, Sendable {
    var code: String
    var name: String
    var category: String
    var unit: String
    var type: String
    var required: Bool
    var min: Decimal?
    var max: Decimal?
    var decimals: Int
    var choices: [String]?
    var help: String
    var computed: Bool
    var formula: String?
    var value: OutputValue
}

struct RuleView: Encodable, Sendable {
    var fields: [String]
    var message: String
}

/// A report's form: definition, values, status and, when it cannot be changed, why.
struct FormView: Encodable, Sendable {
    struct ReportInfo: Encodable, Sendable {
        var id: String
        var status: String
        var createdAt: Date
        var updatedAt: Date
        var submittedAt: Date?
    }
    struct Named: Encodable, Sendable {
        var code: String
        var name: String
    }
    var report: ReportInfo?
    var program: Named
    var form: Named
    var version: Named
    var period: String
    var periodLabel: String
    var window: WindowView?
    var lateEntry: Bool
    var status: String
    var statusLabel: String
    var readOnly: Bool
    var lock: Lock?
    var indicators: [IndicatorView]
    var rules: [RuleView]
    /// Problems of the values just saved (a draft is saved with them; see `saved`).
    var problems: [FieldProblem]?
    var saved: Int?
    /// The latest review of a submission (status, the reviewer's opinion when returned).
    var review: ReviewView?
    /// The latest 申请修改 (reason, status, opinion).
    var modification: ReviewView?
    var canRequestModification: Bool
    /// When an approved modification request reopened the report (the edit log after it).
    var reopenedAt: Date?
    /// Outlier and plausibility warnings of the stored values (never block), and the 说明 per
    /// value (Engine/Checks.swift).
    var warnings: [FieldWarning]?
    var comments: [String: String]?
    /// Values carried over from an earlier period and not yet confirmed: code → that period.
    var carried: [String: String]?
}

struct ReviewView: Encodable, Sendable {
    var status: String
    var statusLabel: String
    var reason: String?
    var opinion: String?
    var openedBy: String
    var openedAt: Date
    var decidedAt: Date?
}

struct EditView: Encodable, Sendable {
    var id: String
    var indicator: String
    var indicatorName: String
    var actorId: String
    var actorName: String
    var source: String
    var old: OutputValue
    var new: OutputValue
    var at: Date
}

/// 422 of a refused submission: every missing or wrong field, like NCIS's 缺失指标明细表.
struct SubmissionRefusal: Encodable, Sendable {
    struct Body: Encodable, Sendable {
        var code: String
        var message: String
        var details: [FieldProblem]
    }
    var error: Body
}

/// A report in a list (the caller's institution's, or his region's).
struct ReportListItem: Encodable, Sendable {
    var id: String
    var program: String
    var programName: String
    var form: String
    var formName: String
    var period: String
    var periodLabel: String
    var orgId: String
    var status: String
    var statusLabel: String
    var createdAt: Date
    var updatedAt: Date
    var submittedAt: Date?
}
