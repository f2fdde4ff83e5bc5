import Foundation
import Models
import KitHTTP
import ServiceKit

/// Statistics and monitoring: each table as JSON, or downloaded with `format=csv` / `format=xlsx`.
struct StatsHandlers {
    let context: ServiceContext

    /// `GET /stats/rollup?program=&node=&from=&to=&indicator=&format=`
    func rollup(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.rollup(context, caller: caller, q: request.query)
        let format = try StatsTable.format(request)
        guard format != .json else { return .json(v) }
        return try StatsTable.response(StatsTable.rollup(v), format: format, kind: "rollup", parts: [v.program, v.node, v.from, v.to])
    }

    /// `GET /stats/trend?program=&indicator=&node=&from=&to=&format=`
    func trend(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.trend(context, caller: caller, q: request.query)
        let format = try StatsTable.format(request)
        guard format != .json else { return .json(v) }
        return try StatsTable.response(StatsTable.rollup(v), format: format, kind: "trend", parts: [v.program, v.node, v.from, v.to])
    }

    /// `GET /stats/compare?program=&indicator=&period=&format=` (hospital roles)
    func compare(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.compare(context, caller: caller, q: request.query)
        let format = try StatsTable.format(request)
        guard format != .json else { return .json(v) }
        return try StatsTable.response(StatsTable.compare(v), format: format, kind: "compare", parts: [v.program, v.indicator.code, v.period])
    }

    /// `GET /stats/completeness?program=&form=&period=&node=&format=`
    func completeness(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.completeness(context, caller: caller, q: request.query)
        let format = try StatsTable.format(request)
        guard format != .json else { return .json(v) }
        return try StatsTable.response(StatsTable.completeness(v), format: format, kind: "completeness", parts: [v.program, v.form, v.period, v.node])
    }

    /// `GET /stats/missing?program=&form=&period=&node=&format=`
    func missing(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.missing(context, caller: caller, q: request.query)
        let format = try StatsTable.format(request)
        guard format != .json else { return .json(v) }
        return try StatsTable.response(StatsTable.missing(v), format: format, kind: "missing", parts: [v.program, v.form, v.period, v.node])
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
