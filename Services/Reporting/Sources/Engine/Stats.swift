import Foundation
import KitCore
import KitHTTP
import KitOffice
import KitPostgres
import Models
import ServiceKit

// MARK: views

struct StatIndicatorView: Encodable, Sendable {
    var code: String
    var name: String
    var category: String
    var unit: String
    /// rate (Σ numerator / Σ denominator × factor), sum, or mean
    var kind: String
}

/// One figure; the indicator's name, unit and kind are in the view's `indicators`.
struct RollupFigure: Encodable, Sendable {
    var node: String
    /// The region's name and coordinates (identity's GB/T 2260 table, RegionNames); absent for
    /// an institution or when identity does not answer.
    var name: String?
    var longitude: Double?
    var latitude: Double?
    var level: String
    var period: String?
    var indicator: String
    /// Numbers leave as Double: computed exactly in Decimal (StatsMath), shown by the shortest
    /// representation (a Decimal's own printing costs ten times more, over thousands of figures).
    var value: Double?
    var sum: Double
    var numerator: Double?
    var denominator: Double?
    var institutions: Int
}

struct RollupView: Encodable, Sendable {
    var program: String
    var programName: String
    var node: String
    /// The node's name (全国, 浙江省…) when known.
    var nodeName: String?
    var from: String
    var to: String
    var indicators: [StatIndicatorView]
    var rows: [RollupFigure]
}

struct ComparisonLevel: Encodable, Sendable {
    var level: String
    var node: String
    var institutions: Int
    var value: Double?
    var q1: Double?
    var median: Double?
    var q3: Double?
}

struct ComparisonView: Encodable, Sendable {
    var program: String
    var period: String
    var indicator: StatIndicatorView
    var own: Double?
    var levels: [ComparisonLevel]
}

struct CompletenessFigure: Encodable, Sendable {
    var node: String
    /// The institution's name when the row is an institution (from identity's directory).
    var name: String?
    var enrolled: Int
    var onTime: Int
    var late: Int
    var missing: Int
    var submittedRate: Double?
    var onTimeRate: Double?
}

struct CompletenessView: Encodable, Sendable {
    var program: String
    var form: String
    var period: String
    var node: String
    var deadline: String?
    var total: CompletenessFigure
    var rows: [CompletenessFigure]
}

struct MissingInstitution: Encodable, Sendable {
    var orgId: String
    var name: String?
    var scopePath: String
    var status: String
}

struct MissingView: Encodable, Sendable {
    var program: String
    var form: String
    var period: String
    var node: String
    var items: [MissingInstitution]
}

struct ReminderSent: Encodable, Sendable {
    var sent: Int
    var orgIds: [String]
}

struct ReminderView: Encodable, Sendable {
    var id: String
    var program: String
    var programName: String
    var form: String
    var formName: String
    var period: String
    var message: String
    var sentBy: String
    var sentAt: Date
}

struct ReminderBody: Decodable, Sendable {
    var program: String
    var form: String?
    var period: String
    var node: String?
    var message: String?
}

// MARK: operations

/// Statistics: rollups by region subtree, trends, a hospital's comparison with its province
/// and the nation, completeness and timeliness, reminders. Scope in SQL (StatsStore).
enum Stats {
    static let centreRoles = [Role.provincialCentre, .nationalCentre, .nationalSpecialtyCentre].map(\.rawValue)
    static let reminderMax = 500

    struct Query {
        var program: ProgramRecord
        var node: String
        var depth: Int
    }

    /// The program (403 for another program's bound token) and the node asked for, by default
    /// the caller's widest reader grant of the program; 403 `out_of_scope` when no grant of
    /// his covers it (checked in SQL).
    static func scoped(_ conn: PGConnection, caller: Caller, programCode: String?, node raw: String?,
                       roles: [String]? = nil) throws -> Query {
        guard let code = programCode, !code.isEmpty else {
            throw APIError.invalid("program", "请指定填报项目", code: "missing_field")
        }
        try caller.requireProgram(code)
        let p = try Entry.program(conn, code: code)
        let node: String
        if let raw, !raw.isEmpty {
            guard StatsMath.validNode(raw) else { throw APIError.invalid("node", "地区节点格式错误", code: "invalid_node") }
            node = raw
        } else {
            let mine = caller.claims.roles.filter { p.readerRoles.contains($0.role.rawValue) }.map(\.scopePath)
            guard let widest = mine.min(by: { StatsMath.depth($0) < StatsMath.depth($1) }) else { throw outOfScope }
            node = widest
        }
        guard try StatsStore.reads(conn, caller: caller, programID: p.id, node: node, roles: roles) else { throw outOfScope }
        return Query(program: p, node: node, depth: StatsMath.depth(node))
    }

    static let outOfScope = APIError(403, "out_of_scope", "无权查看该地区的统计数据")

    static func periodRange(_ p: ProgramRecord, from: String?, to: String?) throws -> (String, String) {
        guard let from, !from.isEmpty else { throw APIError.invalid("from", "请指定起始期间", code: "missing_field") }
        guard Period.parse(from, p.periodType) != nil else { throw APIError.invalid("from", "期间格式错误", code: "invalid_period") }
        let to = (to?.isEmpty == false) ? to! : from
        guard Period.parse(to, p.periodType) != nil else { throw APIError.invalid("to", "期间格式错误", code: "invalid_period") }
        guard from <= to else { throw APIError.invalid("to", "结束期间不能早于起始期间", code: "invalid_period") }
        return (from, to)
    }

    static func indicatorCode(_ raw: String?, required: Bool) throws -> String? {
        guard let raw, !raw.isEmpty else {
            if required { throw APIError.invalid("indicator", "请指定指标", code: "missing_field") }
            return nil
        }
        guard raw.utf8.count <= 16, raw.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0x5F }) else {
            throw APIError.invalid("indicator", "指标代码无效", code: "invalid_indicator")
        }
        return raw
    }

    static func view(_ i: StatIndicator) -> StatIndicatorView {
        StatIndicatorView(code: i.code, name: i.name, category: i.category, unit: i.unit,
                          kind: StatsMath.kind(formula: i.formula, type: i.type))
    }

    static func figure(_ r: RollupRow, _ i: StatIndicator, level: String) -> RollupFigure {
        let rate = i.formula == "ratio"
        return RollupFigure(node: r.node, name: nil, longitude: nil, latitude: nil, level: level, period: r.period, indicator: i.code,
                            value: double(StatsMath.figure(formula: i.formula, type: i.type, valueSum: r.valueSum,
                                                           numerator: r.numerator, denominator: r.denominator,
                                                           institutions: r.institutions, factor: i.factor, decimals: i.decimals)),
                            sum: double(r.valueSum), numerator: rate ? double(r.numerator) : nil,
                            denominator: rate ? double(r.denominator) : nil, institutions: r.institutions)
    }

    static func double(_ d: Decimal) -> Double { Double(truncating: d as NSDecimalNumber) }
    static func double(_ d: Decimal?) -> Double? { d.map(double) }

    /// The node and its children, every indicator (or one), summed over `from…to`.
    static func rollup(_ context: ServiceContext, caller: Caller, q: [String: String]) throws -> RollupView {
        try named(context, context.database.withConnection { conn in
            let s = try scoped(conn, caller: caller, programCode: q["program"], node: q["node"])
            let (from, to) = try periodRange(s.program, from: q["from"] ?? q["period"], to: q["to"])
            let code = try indicatorCode(q["indicator"], required: false)
            let indicators = try StatsStore.indicators(conn, programID: s.program.id)
            let byCode = Dictionary(indicators.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
            let rows = try StatsStore.rollup(conn, caller: caller, programID: s.program.id, node: s.node, depth: s.depth,
                                             from: from, to: to, indicator: code)
            return RollupView(program: s.program.code, programName: s.program.name, node: s.node, nodeName: nil, from: from, to: to,
                              indicators: indicators.filter { code == nil || $0.code == code }.map(view),
                              rows: rows.compactMap { r in
                                  byCode[r.indicator].map { figure(r, $0, level: r.depth == s.depth ? "self" : "child") }
                              })
        })
    }

    /// The view with its node's and rows' region names and coordinates (after the database
    /// work: identity is asked with no connection held; cached, RegionNames).
    static func named(_ context: ServiceContext, _ view: RollupView) -> RollupView {
        var v = view
        v.nodeName = RegionNames.name(context, node: v.node)
        for k in v.rows.indices {
            let node = v.rows[k].node
            if node == "86" { v.rows[k].name = "全国"; continue }
            guard let region = RegionNames.region(context, node: node) else { continue }
            v.rows[k].name = region.name
            v.rows[k].longitude = region.longitude
            v.rows[k].latitude = region.latitude
        }
        return v
    }

    /// One indicator at one node per period.
    static func trend(_ context: ServiceContext, caller: Caller, q: [String: String]) throws -> RollupView {
        try named(context, context.database.withConnection { conn in
            let s = try scoped(conn, caller: caller, programCode: q["program"], node: q["node"])
            let (from, to) = try periodRange(s.program, from: q["from"], to: q["to"])
            let code = try indicatorCode(q["indicator"], required: true)!
            guard let ind = try StatsStore.indicators(conn, programID: s.program.id).first(where: { $0.code == code }) else {
                throw APIError(404, "indicator_not_found", "该项目没有此数值指标")
            }
            let rows = try StatsStore.trend(conn, caller: caller, programID: s.program.id, node: s.node, from: from, to: to,
                                            indicator: code)
            return RollupView(program: s.program.code, programName: s.program.name, node: s.node, nodeName: nil, from: from, to: to,
                              indicators: [view(ind)], rows: rows.map { figure($0, ind, level: "self") })
        })
    }

    /// A hospital's own value of an indicator and period next to its province's and the
    /// nation's: pooled figure, median and quartiles of the institutions' values.
    static func compare(_ context: ServiceContext, caller: Caller, q: [String: String]) throws -> ComparisonView {
        let inst = try caller.requireInstitution()
        guard let code = q["program"], !code.isEmpty else { throw APIError.invalid("program", "请指定填报项目", code: "missing_field") }
        try caller.requireProgram(code)
        return try context.database.withConnection { conn in
            let p = try Entry.program(conn, code: code)
            let (period, _) = try periodRange(p, from: q["period"], to: nil)
            let ind = try indicatorCode(q["indicator"], required: true)!
            guard let i = try StatsStore.indicators(conn, programID: p.id).first(where: { $0.code == ind }) else {
                throw APIError(404, "indicator_not_found", "该项目没有此数值指标")
            }
            var levels: [ComparisonLevel] = []
            for (level, segments) in [("province", 2), ("nation", 1)] {
                guard let node = StatsMath.ancestor(inst.scopePath, segments: segments), node != inst.scopePath else { continue }
                let d = try StatsStore.distribution(conn, programID: p.id, period: period, node: node, indicator: ind)
                levels.append(ComparisonLevel(level: level, node: node, institutions: d.count,
                                              value: double(StatsMath.figure(formula: i.formula, type: i.type, valueSum: d.valueSum,
                                                                      numerator: d.numerator, denominator: d.denominator,
                                                                      institutions: d.count, factor: i.factor, decimals: i.decimals)),
                                              q1: d.q1, median: d.median, q3: d.q3))
            }
            return ComparisonView(program: p.code, period: period, indicator: view(i),
                                  own: double(try StatsStore.ownValue(conn, orgID: inst.orgID, programID: p.id, period: period,
                                                                      indicator: ind)),
                                  levels: levels)
        }
    }

    private static func form(_ conn: PGConnection, _ p: ProgramRecord, _ code: String?) throws -> FormRecord {
        let forms = try DefinitionCache.forms(conn, programID: p.id)
        if let code, !code.isEmpty {
            guard let f = forms.first(where: { $0.code == code }) else { throw APIError(404, "form_not_found", "填报表单不存在") }
            return f
        }
        guard let f = forms.first else { throw APIError(404, "form_not_found", "填报表单不存在") }
        return f
    }

    static func rate(_ part: Int, _ whole: Int) -> Double? {
        whole > 0 ? double(StatsMath.round(Decimal(part) * 100 / Decimal(whole), 1)) : nil
    }

    static func completenessFigure(_ node: String, enrolled: Int, onTime: Int, late: Int, missing: Int) -> CompletenessFigure {
        CompletenessFigure(node: node, name: nil, enrolled: enrolled, onTime: onTime, late: late, missing: missing,
                           submittedRate: rate(onTime + late, enrolled), onTimeRate: rate(onTime, enrolled))
    }

    /// Completeness and timeliness of a form and period under a node, per child node (region,
    /// or institution below the lowest region: those rows carry the institution's name).
    static func completeness(_ context: ServiceContext, caller: Caller, q: [String: String]) throws -> CompletenessView {
        var view = try context.database.withConnection { conn in
            let s = try scoped(conn, caller: caller, programCode: q["program"], node: q["node"])
            let f = try form(conn, s.program, q["form"])
            let (period, _) = try periodRange(s.program, from: q["period"], to: nil)
            let per = try Entry.period(period, s.program)
            let w = try Entry.window(conn, s.program, per)
            let rows = try StatsStore.completeness(conn, caller: caller, programID: s.program.id, formID: f.id, period: period,
                                                   node: s.node, depth: s.depth, closesAt: w?.closesAt)
            let figures = rows.map { completenessFigure($0.node, enrolled: $0.enrolled, onTime: $0.onTime, late: $0.late, missing: $0.missing) }
            let total = completenessFigure(s.node, enrolled: rows.reduce(0) { $0 + $1.enrolled }, onTime: rows.reduce(0) { $0 + $1.onTime },
                                           late: rows.reduce(0) { $0 + $1.late }, missing: rows.reduce(0) { $0 + $1.missing })
            return CompletenessView(program: s.program.code, form: f.code, period: period, node: s.node, deadline: w?.deadline,
                                    total: total, rows: figures)
        }
        // Region codes are digits (GB/T 2260); a child whose last segment is not is an institution.
        let institution = { (node: String) in node.split(separator: "/").last.map { !$0.allSatisfy(\.isNumber) } ?? false }
        for k in view.rows.indices where !institution(view.rows[k].node) {
            view.rows[k].name = RegionNames.name(context, node: view.rows[k].node)
        }
        let orgIDs = view.rows.filter { institution($0.node) }.compactMap { $0.node.split(separator: "/").last.map(String.init) }
        if !orgIDs.isEmpty {
            let names = OrganisationNames.of(context, ids: orgIDs)
            for k in view.rows.indices where institution(view.rows[k].node) {
                if let id = view.rows[k].node.split(separator: "/").last { view.rows[k].name = names[String(id)] }
            }
        }
        return view
    }

    /// The institutions under a node that have not submitted, with their names from identity's
    /// directory when it answers.
    static func missing(_ context: ServiceContext, caller: Caller, q: [String: String]) throws -> MissingView {
        var view = try context.database.withConnection { conn in
            let s = try scoped(conn, caller: caller, programCode: q["program"], node: q["node"])
            let f = try form(conn, s.program, q["form"])
            let (period, _) = try periodRange(s.program, from: q["period"], to: nil)
            let rows = try StatsStore.missing(conn, caller: caller, programID: s.program.id, formID: f.id, period: period,
                                              node: s.node, limit: 2000)
            return MissingView(program: s.program.code, form: f.code, period: period, node: s.node, items: rows.map {
                MissingInstitution(orgId: $0.orgID, name: nil, scopePath: $0.scopePath, status: $0.status ?? "not_started")
            })
        }
        let names = OrganisationNames.of(context, ids: view.items.map(\.orgId))
        for k in view.items.indices { view.items[k].name = names[view.items[k].orgId] }
        return view
    }

    /// Records a reminder to every institution under the node that has not submitted the
    /// period (centres only); they see it with their due list (`GET /stats/reminders`) and get it by
    /// SMS / e-mail through identity.
    static func remind(_ context: ServiceContext, caller: Caller, body: ReminderBody, request: Request) throws -> ReminderSent {
        let message = (body.message ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard message.count <= reminderMax else {
            throw APIError.invalid("message", "提醒内容不能超过\(reminderMax)个字", code: "too_long")
        }
        return try context.database.transaction { conn in
            let s = try scoped(conn, caller: caller, programCode: body.program, node: body.node, roles: centreRoles)
            let f = try form(conn, s.program, body.form)
            let (period, _) = try periodRange(s.program, from: body.period, to: nil)
            let per = try Entry.period(period, s.program)
            let deadline = try Entry.window(conn, s.program, per).map { "，截止日期 \($0.deadline)" } ?? ""
            let text = message.isEmpty ? "请尽快报送「\(s.program.name)」\(f.name) \(per.label)的数据\(deadline)。" : message
            let sender = caller.claims.roles.first { centreRoles.contains($0.role.rawValue) && $0.covers(s.node) }?.orgID ?? ""
            let orgs = try StatsStore.remind(conn, caller: caller, programID: s.program.id, formID: f.id, period: period,
                                             node: s.node, message: text, senderOrg: sender)
            // …and by SMS / e-mail to each institution's admins, through the outbox (identity's notify).
            let batch = UUID().uuidString.lowercased()
            for org in orgs {
                _ = try Reminders.notify(conn, org: org, subject: "数据报送提醒", text: text, key: "reporting:stats-remind:\(batch):\(org)")
            }
            try Audit.record(conn, AuditEntry(actorID: caller.id, actorOrg: sender, action: "stats.remind", objectType: "program",
                                              objectID: s.program.code,
                                              newValue: Audit.json(["form": f.code, "period": period, "node": s.node,
                                                                    "sent": String(orgs.count)]), request: request))
            return ReminderSent(sent: orgs.count, orgIds: orgs)
        }
    }

    /// Reminders sent to the caller's institution.
    static func reminders(_ context: ServiceContext, caller: Caller) throws -> [ReminderView] {
        let inst = try caller.requireInstitution()
        return try context.database.withConnection { conn in
            try StatsStore.reminders(conn, orgIDs: [inst.orgID], program: caller.program, limit: 50)
                .map { ReminderView(id: $0.id, program: $0.programCode, programName: $0.programName, form: $0.formCode,
                                    formName: $0.formName, period: $0.period, message: $0.message, sentBy: $0.sentByName,
                                    sentAt: $0.sentAt) }
        }
    }
}

// MARK: downloads

/// Every statistics table as rows (header first), downloaded as .csv (the shared CSVWriter: BOM,
/// CRLF, quoted, formula-safe) or .xlsx (the shared XLSXWriter, numbers as numbers).
enum StatsTable {
    enum Format: String { case json, csv, xlsx }

    /// A figure as a cell: whole numbers without ".0".
    static func number(_ d: Double?) -> String {
        guard let d, d.isFinite else { return "" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    static func rollup(_ v: RollupView) -> [[String]] {
        let indicators = Dictionary(v.indicators.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        return [["地区节点", "地区名称", "层级", "期间", "指标代码", "指标名称", "单位", "口径", "数值", "合计", "分子", "分母", "机构数"]]
            + v.rows.map { r in
                let i = indicators[r.indicator]
                return [r.node, r.name ?? "", r.level == "self" ? "本级" : "下级", r.period ?? "\(v.from)~\(v.to)", r.indicator, i?.name ?? "",
                        i?.unit ?? "", i?.kind == "rate" ? "率（分子合计/分母合计）" : (i?.kind == "sum" ? "合计" : "均值"),
                        number(r.value), number(r.sum), number(r.numerator), number(r.denominator), String(r.institutions)]
            }
    }

    static func compare(_ v: ComparisonView) -> [[String]] {
        [["期间", "指标代码", "指标名称", "比较范围", "地区节点", "机构数", "本机构数值", "合计口径数值", "P25", "中位数", "P75"]]
            + v.levels.map { l in
                [v.period, v.indicator.code, v.indicator.name, l.level == "province" ? "全省" : "全国", l.node,
                 String(l.institutions), number(v.own), number(l.value), number(l.q1), number(l.median), number(l.q3)]
            }
    }

    static func completeness(_ v: CompletenessView) -> [[String]] {
        [["地区节点", "机构名称", "应报机构数", "按时上报", "逾期上报", "未上报", "上报率%", "及时率%"]]
            + ([v.total] + v.rows).map { r in
                [r.node, r.name ?? "", String(r.enrolled), String(r.onTime), String(r.late), String(r.missing),
                 number(r.submittedRate), number(r.onTimeRate)]
            }
    }

    static func missing(_ v: MissingView) -> [[String]] {
        [["机构编号", "机构名称", "地区路径", "状态"]] + v.items.map { [$0.orgId, $0.name ?? "", $0.scopePath, $0.status] }
    }

    static func format(_ request: Request) throws -> Format {
        guard let raw = request.query["format"], !raw.isEmpty else { return .json }
        guard let f = Format(rawValue: raw) else {
            throw APIError.invalid("format", "格式只能是 json、csv 或 xlsx", code: "invalid_format")
        }
        return f
    }

    /// The rows as a download named `stats-<kind>-<parts>.<ext>`.
    static func response(_ rows: [[String]], format: Format, kind: String, parts: [String]) throws -> Response {
        let safe = parts.joined(separator: "-").filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        let name = "stats-\(kind)-\(safe.prefix(80))"
        let body: [UInt8], type: String, ext: String
        switch format {
        case .xlsx:
            let cells: [[Cell]] = rows.enumerated().map { k, row in
                row.map { v in
                    if k > 0, !v.isEmpty, v.utf8.count <= 30, let d = Double(v), d.isFinite,
                       v.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }) {
                        return .number(d)
                    }
                    return v.isEmpty ? .empty : .text(v)
                }
            }
            body = try XLSXWriter.data(Workbook(sheets: [Sheet(name: "统计", rows: cells, boldHeader: true)]))
            type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            ext = "xlsx"
        default:
            body = Array(CSVWriter.data(rows: rows, bom: true))
            type = "text/csv; charset=utf-8"
            ext = "csv"
        }
        return Response(status: 200, contentType: type,
                        headers: [("Content-Disposition", "attachment; filename=\"\(name).\(ext)\""), ("Cache-Control", "no-store")],
                        body: body)
    }
}

/// The background task folding the statistics' deltas into the rollups every second (the
/// reads see both, so this is housekeeping, not freshness), in batches of at most
/// `STATS_FOLD_BATCH` (500) deltas, one short transaction each, until a batch comes back short.
enum StatsFolder {
    static func task(_ context: ServiceContext) -> BackgroundTask {
        let batch = max(1, min(100_000, Env.int("STATS_FOLD_BATCH", 500)))
        return BackgroundTask(name: "reporting-stats-fold", interval: Env.double("STATS_FOLD_INTERVAL", 1)) {
            do {
                let moved = try context.database.withConnection { try StatsStore.foldBatch($0, limit: batch) }
                return moved >= batch
            } catch {
                context.logger.warning("stats fold failed", ["error": "\(error)"])
                return false
            }
        }
    }
}
