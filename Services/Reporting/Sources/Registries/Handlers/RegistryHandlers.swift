import Foundation
import KitHTTP
import Models
import ServiceKit

/// Registries, cases, imports, exports and the registry year (thin: caller, body, engine, view).
struct RegistryHandlers {
    let context: ServiceContext

    /// `GET /registries?program=&period=`: the registry versions of a program (those of the
    /// period when given).
    func list(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let q = request.query
        guard let code = q["program"], !code.isEmpty else { throw APIError.invalid("program", "请选择填报项目", code: "missing_field") }
        try caller.requireProgram(code)
        let items = try context.database.withConnection { conn -> [RegistryView] in
            let program = try Entry.program(conn, code: code)
            var all = try RegistryStore.ofProgram(conn, programID: program.id)
            if let p = q["period"], !p.isEmpty { all = RegistryStore.forPeriod(all, period: try Entry.period(p, program).key) }
            return all.map(RegistryView.init)
        }
        return .json(PageView(items: items))
    }

    /// `GET /registries/:code?period=`: the version of the period.
    func detail(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let def = try context.database.withConnection { conn in
            try Cases.resolve(conn, caller: caller, code: try request.parameter("code"), periodKey: request.query["period"]).2
        }
        return .json(RegistryView(def))
    }

    /// `GET /registries/:code/template.csv|.xlsx?period=`
    func template(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return try CaseExport.template(context, caller: caller, code: try request.parameter("code"), period: request.query["period"],
                                       xlsx: request.path.hasSuffix(".xlsx"))
    }

    /// `GET /registry-years/:program/:period/templates.zip`: the year's templates in one zip.
    func templatesZip(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return try CaseExport.yearZip(context, caller: caller, program: try request.parameter("program"),
                                      period: try request.parameter("period"))
    }

    /// `GET /registries/:code/cases?period=&admission=&f.<CODE>=&org=&limit=&cursor=`
    func cases(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let paging = try Paging(request, defaultLimit: 20)
        return .json(try Cases.list(context, caller: caller, code: try request.parameter("code"), params: request.query, paging: paging))
    }

    /// `POST /registries/:code/cases` `{"period","values":{code: value}}`
    func create(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = try request.decode(CaseBody.self)
        return try refusing {
            .json(try Cases.create(context, caller: caller, code: try request.parameter("code"), body: body, request: request), status: 201)
        }
    }

    func show(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Cases.show(context, caller: caller, id: try request.parameter("id")))
    }

    /// `PUT /cases/:id` `{"values":{code: value|null}}`: changes the given fields.
    func update(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = try request.decode(CaseBody.self)
        return try refusing {
            .json(try Cases.update(context, caller: caller, id: try request.parameter("id"), body: body, request: request))
        }
    }

    func delete(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        try Cases.delete(context, caller: caller, id: try request.parameter("id"), request: request)
        return Response(status: 204)
    }

    /// `POST /registries/:code/imports?period=&mode=create|update&clear_blanks=1&filename=`
    /// with the file as the body: the dry run.
    func dryRun(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let options = try Imports.options(request.query)
        return .json(try Imports.dryRun(context, caller: caller, code: try request.parameter("code"), options: options,
                                        body: request.body, request: request), status: 201)
    }

    func importDetail(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Imports.show(context, caller: caller, id: try request.parameter("id")))
    }

    func commit(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try Imports.commit(context, caller: caller, id: try request.parameter("id"), request: request))
    }

    /// `GET /registries/:code/export.csv?period=&…filters`: no personal data.
    func export(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return try CaseExport.csv(context, caller: caller, code: try request.parameter("code"), params: request.query,
                                  xlsx: request.path.hasSuffix(".xlsx"))
    }

    func year(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        return .json(try RegistryYears.show(context, caller: caller, programCode: try request.parameter("program"),
                                            periodKey: try request.parameter("period"), org: request.query["org"]))
    }

    func scan(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = try request.decode(ScanBody.self)
        return .json(try RegistryYears.attachScan(context, caller: caller, programCode: try request.parameter("program"),
                                                  periodKey: try request.parameter("period"), body: body, request: request))
    }

    func submitYear(_ request: Request) throws -> Response {
        let caller = try Caller.from(context, request)
        let body = request.body.isEmpty ? YearSubmitBody() : try request.decode(YearSubmitBody.self)
        do {
            return .json(try RegistryYears.submit(context, caller: caller, programCode: try request.parameter("program"),
                                                  periodKey: try request.parameter("period"), body: body, request: request))
        } catch let r as YearIncomplete {
            return .json(YearRefusal(r), status: 422)
        }
    }

    private func refusing(_ body: () throws -> Response) throws -> Response {
        do { return try body() } catch let r as CaseRefused { return .json(CaseRefusal(r), status: 422) }
    }
}
