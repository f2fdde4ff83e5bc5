import Foundation
import KitCore
import KitPostgres

/// Zhejiang's 医院一般情况 is kept between periods: a new report of a carry-over form starts with
/// the values of the institution's last accepted one, each marked 沿用上期 until the user
/// confirms it (any save that names the field, changed or not); the report cannot be submitted
/// while a value is unconfirmed (`carried_unconfirmed`).
enum CarryOver {
    /// Pre-fills a report just opened; logs the values with source `carried`.
    static func fill(_ conn: PGConnection, _ r: ReportRecord, caller: Caller) throws {
        guard let from = try CarryStore.source(conn, report: r) else { return }
        let changes = try CarryStore.values(conn, from: from.id, versionID: r.versionID)
        guard !changes.isEmpty else { return }
        try ValueStore.writeAll(conn, reportID: r.id, changes: changes, actorID: caller.id, actorName: caller.name,
                                source: "carried")
        try CarryStore.mark(conn, reportID: r.id, indicatorIDs: changes.map(\.indicatorID), from: from.id)
    }

    static func submissionProblems(_ conn: PGConnection, _ r: ReportRecord, _ def: FormDefinition) throws -> [FieldProblem] {
        let carried = try CarryStore.carried(conn, reportID: r.id)
        return def.indicators.filter { carried[$0.code] != nil }.map { ind in
            FieldProblem(field: ind.code, name: ind.name, category: ind.category, code: "carried_unconfirmed",
                         message: "\(ind.label)沿用了\(carried[ind.code] ?? "上期")的数值，请核对确认")
        }
    }
}
