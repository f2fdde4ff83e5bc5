import Foundation
import Models
import KitHTTP
import ServiceKit

/// Statistics and monitoring: each table as JSON, or as CSV with `format=csv`.
struct StatsHandlers {
    let context: ServiceContext

    private func csvWanted(_ request: Request) throws -> Bool {
        switch request.query["format"] {
        case nil, "", "json": return false
        case "csv": return true
        default: throw APIError.invalid("format", "格式只能是 json 或 csv", code: "invalid_format")
        }
    }

    /// `GET /stats/rollup?program=&node=&from=&to=&indicator=&format=`
    func rollup(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.rollup(context, caller: caller, q: request.query)
        guard try csvWanted(request) else { return .json(v) }
        return Export.response(StatsCSV.rollup(v), filename: StatsCSV.filename("rollup", [v.program, v.node, v.from, v.to]))
    }

    /// `GET /stats/trend?program=&indicator=&node=&from=&to=&format=`
    func trend(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.trend(context, caller: caller, q: request.query)
        guard try csvWanted(request) else { return .json(v) }
        return Export.response(StatsCSV.rollup(v), filename: StatsCSV.filename("trend", [v.program, v.node, v.from, v.to]))
    }

    /// `GET /stats/compare?program=&indicator=&period=&format=` (hospital roles)
    func compare(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.compare(context, caller: caller, q: request.query)
        guard try csvWanted(request) else { return .json(v) }
        return Export.response(StatsCSV.compare(v), filename: StatsCSV.filename("compare", [v.program, v.indicator.code, v.period]))
    }

    /// `GET /stats/completeness?program=&form=&period=&node=&format=`
    func completeness(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.completeness(context, caller: caller, q: request.query)
        guard try csvWanted(request) else { return .json(v) }
        return Export.response(StatsCSV.completeness(v), filename: StatsCSV.filename("completeness", [v.program, v.form, v.period, v.node]))
    }

    /// `GET /stats/missing?program=&form=&period=&node=&format=`
    func missing(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let v = try Stats.missing(context, caller: caller, q: request.query)
        guard try csvWanted(request) else { return .json(v) }
        return Export.response(StatsCSV.missing(v), filename: StatsCSV.filename("missing", [v.program, v.form, v.period, v.node]))
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
