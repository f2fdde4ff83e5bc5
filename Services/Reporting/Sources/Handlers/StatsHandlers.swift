import Foundation
import Models
import KitHTTP
import ServiceKit

/// Statistics and monitoring: each table as JSON, or downloaded with `format=csv` / `format=xlsx`.
struct StatsHandlers {
    let context: ServiceContext

    /// `GET /stats/rollup?program=&node=&from=&to=&indicator=&format=`
    func rollup(_ request: Request) throws -> Response {
        try table(request, kind: "rollup", Stats.rollup, rows: StatsTable.rollup) { [$0.program, $0.node, $0.from, $0.to] }
    }

    /// `GET /stats/trend?program=&indicator=&node=&from=&to=&format=`
    func trend(_ request: Request) throws -> Response {
        try table(request, kind: "trend", Stats.trend, rows: StatsTable.rollup) { [$0.program, $0.node, $0.from, $0.to] }
    }

    /// `GET /stats/compare?program=&indicator=&period=&format=` (hospital roles)
    func compare(_ request: Request) throws -> Response {
        try table(request, kind: "compare", Stats.compare, rows: StatsTable.compare) { [$0.program, $0.indicator.code, $0.period] }
    }

    /// `GET /stats/completeness?program=&form=&period=&node=&format=`
    func completeness(_ request: Request) throws -> Response {
        try table(request, kind: "completeness", Stats.completeness, rows: StatsTable.completeness) { [$0.program, $0.form, $0.period, $0.node] }
    }

    /// `GET /stats/missing?program=&form=&period=&node=&format=`
    func missing(_ request: Request) throws -> Response {
        try table(request, kind: "missing", Stats.missing, rows: StatsTable.missing) { [$0.program, $0.form, $0.period, $0.node] }
    }

    /// One statistics table: the view as JSON, or with `format=csv|xlsx` its rows as a download
    /// named `stats-<kind>-<parts>` (the format is checked before the view is computed).
    private func table<V: Encodable>(_ request: Request, kind: String,
                                     _ compute: (ServiceContext, Caller, [String: String]) throws -> V,
                                     rows: (V) -> [[String]], parts: (V) -> [String]) throws -> Response {
        let caller = try Caller.from(context, request)
        let format = try StatsTable.format(request)
        let v = try compute(context, caller, request.query)
        guard format != .json else { return .json(v) }
        return try StatsTable.response(rows(v), format: format, kind: kind, parts: parts(v))
    }

    /// `POST /stats/reminders` `{"program","form","period","node","message"}` (centres)
    func remind(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = try request.decode(ReminderBody.self)
        return .json(try Stats.remind(context, caller: caller, body: body, request: request), status: 201)
    }

    /// `GET /stats/reminders`: reminders sent to the caller's institution.
    func reminders(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(["items": try Stats.reminders(context, caller: caller)])
    }
}
