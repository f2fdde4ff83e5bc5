import Foundation
import KitCore
import KitHTTP
import KitPostgres
import Models
import ServiceKit

struct YearRowView: Encodable, Sendable {
    let id: String
    /// `platform` (a year of this platform) or `history` (a bound record of the old system).
    let source: String
    let orgId: String
    let institutionName: String?
    let period: String
    let status: String
    let statusLabel: String
    let countsLabel: String
    let counts: [String: Int]
    let submittedAt: Date?
    /// history rows: when the record was entered in the old system and bound here, and the
    /// binding (to 解绑).
    let enteredAt: Date?
    let boundAt: Date?
    let bindingId: String?
}

/// `GET /registry-years/:program?period=&org=&limit=&cursor=`: an institution's years (its
/// own, and the earlier years bound from the old system), or for a centre the year rows of its
/// region (scope in SQL), with the institutions' names from identity's directory.
enum RegistryYearList {
    static func list(_ context: ServiceContext, caller: Caller, programCode: String, params: [String: String],
                     paging: Paging) throws -> PageView<YearRowView> {
        try caller.requireProgram(programCode)
        var period = params["period"].flatMap { $0.isEmpty ? nil : $0 }
        var org = params["org"].flatMap { $0.isEmpty ? nil : $0 }
        if let o = org, o.utf8.count > 64 { throw APIError.invalid("org", "机构编号过长") }
        if let inst = caller.institution {
            org = inst.orgID
            return try context.database.withConnection { conn in
                let program = try Entry.program(conn, code: programCode)
                if let p = period { period = try Entry.period(p, program).key }
                let lists = try Binding.lists(conn, programID: program.id)
                let rows = try YearListStore.list(conn, caller: caller, programID: program.id, period: period, orgID: inst.orgID,
                                                  after: nil, limit: Paging.maxLimit)
                var items = rows.prefix(Paging.maxLimit).map { view($0, lists: lists, name: nil) }
                let bindings = try BindingStore.ofOrganisation(conn, programID: program.id, orgID: inst.orgID).filter { $0.status == "approved" }
                for r in try BindingStore.bound(conn, programID: program.id, orgID: inst.orgID) where period == nil || r.period == period {
                    items.append(YearRowView(id: r.id, source: "history", orgId: inst.orgID, institutionName: r.institutionName,
                                             period: r.period, status: r.submitted ? "submitted" : "open",
                                             statusLabel: r.submitted ? "已提交" : "未提交", countsLabel: Binding.countsLabel(r.counts, lists: lists),
                                             counts: r.counts, submittedAt: nil, enteredAt: r.enteredAt, boundAt: r.boundAt,
                                             bindingId: bindings.first { $0.recordID == r.id }?.id))
                }
                items.sort { ($0.period, $0.source) > ($1.period, $1.source) }
                return PageView(items: items, nextCursor: nil)
            }
        }
        let (rows, lists) = try context.database.withConnection { conn -> ([YearListRow], [(code: String, shortName: String)]) in
            let program = try Entry.program(conn, code: programCode)
            if let p = period { period = try Entry.period(p, program).key }
            let rows = try YearListStore.list(conn, caller: caller, programID: program.id, period: period, orgID: org,
                                              after: paging.after, limit: paging.limit)
            return (rows, try Binding.lists(conn, programID: program.id))
        }
        let names = OrganisationNames.of(context, ids: rows.map(\.orgID))
        return paging.page(rows.map { view($0, lists: lists, name: names[$0.orgID]) }, id: \.id)
    }

    static func view(_ r: YearListRow, lists: [(code: String, shortName: String)], name: String?) -> YearRowView {
        YearRowView(id: r.id, source: "platform", orgId: r.orgID, institutionName: name, period: r.period, status: r.status,
                    statusLabel: r.status == "submitted" ? "已提交" : "未提交", countsLabel: Binding.countsLabel(r.counts, lists: lists),
                    counts: r.counts, submittedAt: r.submittedAt, enteredAt: nil, boundAt: nil, bindingId: nil)
    }
}
