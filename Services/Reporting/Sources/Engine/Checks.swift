import Foundation
import KitCore
import KitPostgres

/// Outlier warnings and per-value comments (说明) around the entry operations of `Entry`.
enum Checks {
    /// Stores the comments of a save (≤ 200 characters; null or blank removes one), each change
    /// logged; refused ones come back as problems and are not stored.
    static func applyComments(_ conn: PGConnection, _ r: ReportRecord, _ def: FormDefinition, _ input: [String: String?]?,
                              caller: Caller, confirming saved: [String] = []) throws -> [FieldProblem] {
        // a carried-over value is confirmed by any save that names it
        try CarryStore.confirm(conn, reportID: r.id, codes: saved.filter { def.indicator($0) != nil })
        guard let input, !input.isEmpty else { return [] }
        var problems: [FieldProblem] = []
        let current = try CheckStore.comments(conn, reportID: r.id)
        for (code, raw) in input.sorted(by: { $0.key < $1.key }) {
            guard let ind = def.indicator(code) else {
                problems.append(FieldProblem(field: String(code.prefix(32)), name: "", category: nil, code: "unknown_indicator",
                                             message: "该表单没有指标 \(code.prefix(32))"))
                continue
            }
            let text = raw?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard text.count <= Outliers.maxCommentLength else {
                problems.append(FieldProblem(field: ind.code, name: ind.name, category: ind.category, code: "comment_too_long",
                                             message: "\(ind.label)的说明最多\(Outliers.maxCommentLength)个字"))
                continue
            }
            let new: String? = text.isEmpty ? nil : text
            guard new != current[code] else { continue }
            try CheckStore.setComment(conn, reportID: r.id, indicatorID: ind.id, old: current[code], new: new,
                                      actorID: caller.id, actorName: caller.name)
        }
        return problems
    }

    /// The warnings of the report's values as they are now.
    static func warnings(_ conn: PGConnection, _ r: ReportRecord, _ def: FormDefinition, values: [String: StoredValue],
                         comments: [String: String]) throws -> [FieldWarning] {
        let s = try CheckStore.settings(conn, programID: r.programID)
        return Outliers.warnings(def, values: values, history: try CheckStore.history(conn, report: r, periods: s.periods),
                                 limits: try CheckStore.limits(conn, versionID: r.versionID), comments: comments,
                                 commentRequired: s.commentRequired)
    }

    /// A report's comments and the warnings of its values, as found for one operation.
    struct Found {
        var comments: [String: String]
        var warnings: [FieldWarning]
    }

    /// Adds the warnings and comments to a form answer (`found`: already read by this operation,
    /// e.g. by the submission's check, so they are not read again).
    static func annotate(_ conn: PGConnection, _ view: FormView, _ r: ReportRecord?, _ def: FormDefinition,
                         values: [String: StoredValue], found: Found? = nil) throws -> FormView {
        guard let r else { return view }
        var v = view
        let comments = try found?.comments ?? CheckStore.comments(conn, reportID: r.id)
        v.comments = comments
        v.carried = try CarryStore.carried(conn, reportID: r.id)
        v.warnings = try found?.warnings ?? warnings(conn, r, def, values: values, comments: comments)
        return v
    }

    /// What a submission lacks: a 说明 on a warned value where the program requires one, a
    /// carried-over value not confirmed; with the comments and warnings found (for the answer).
    static func submissionProblems(_ conn: PGConnection, _ r: ReportRecord, _ def: FormDefinition,
                                   values: [String: StoredValue]) throws -> ([FieldProblem], Found) {
        let comments = try CheckStore.comments(conn, reportID: r.id)
        let found = Found(comments: comments, warnings: try warnings(conn, r, def, values: values, comments: comments))
        return (try CarryOver.submissionProblems(conn, r, def) + Outliers.missingComments(found.warnings), found)
    }
}
