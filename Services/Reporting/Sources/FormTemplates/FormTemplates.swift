import Foundation
import KitOffice
import Models

/// Templates of the aggregate forms (Reporting I) and the reading of a filled one: one row per
/// indicator of the version (代码, 分类, 名称, 单位, 填报值, 说明, 填写要求). The .xlsx carries
/// program, form and version like the registries' templates (`OfficeFiles.stamped`). Reading
/// checks every value with `ValueRules` (the checks of entry) and plans the draft save the
/// commit applies. No SQL.
enum FormTemplates {
    static let header = ["指标代码", "分类", "指标名称", "单位", "填报值", "说明", "填写要求"]
    static let codeColumn = "指标代码", valueColumn = "填报值", commentColumn = "说明"
    /// A form has at most a few hundred indicators; anything far larger is no template.
    static let maxRows = 5_000, maxColumns = 50

    /// What the template is of.
    struct Identity: Sendable {
        var program: String
        var form: String
        var formName: String
        var version: String
    }

    // MARK: templates

    static func rows(_ def: FormDefinition) -> [[String]] {
        [header] + def.indicators.map { ind in
            [ind.code, ind.category, ind.name, ind.unit, "", "", requirement(ind)]
        }
    }

    /// What the 填写要求 column says of an indicator (computed ones: not to be filled).
    static func requirement(_ ind: IndicatorRecord) -> String {
        if ind.computed { return "自动计算，不需填写" + (ind.help.isEmpty ? "" : "（\(ind.help)）") }
        var parts: [String] = [ind.required ? "必填" : "选填"]
        switch ind.type {
        case .integer: parts.append("整数")
        case .decimal, .percent: parts.append(ind.decimals > 0 ? "数字，最多\(ind.decimals)位小数" : "整数")
        case .date: parts.append("日期（YYYY-MM-DD）")
        case .choice: parts.append("可选：" + ind.choices.joined(separator: "、"))
        case .text: parts.append("文字，不超过\(ind.maxLength)个字")
        }
        if let min = ind.minValue, let max = ind.maxValue { parts.append("\(min)–\(max)") }
        else if let min = ind.minValue { parts.append("不小于\(min)") }
        else if let max = ind.maxValue { parts.append("不大于\(max)") }
        if !ind.help.isEmpty { parts.append(ind.help) }
        return parts.joined(separator: "；")
    }

    static func xlsx(_ def: FormDefinition, identity: Identity, programName: String, periodLabel: String) throws -> [UInt8] {
        let grid = rows(def)
        let cells: [[Cell]] = grid.map { $0.map { $0.isEmpty ? .empty : .text($0) } }
        let main = Sheet(name: sheetName(identity.formName), rows: cells, columnWidths: [10, 12, 34, 8, 14, 24, 48], boldHeader: true)
        let help = Sheet(name: "填写说明", rows: [
            [.text("项目"), .text(programName)], [.text("表单"), .text(identity.formName)],
            [.text("指标版本"), .text(def.version.name.isEmpty ? def.version.code : def.version.name)],
            [.text("填报期间"), .text(periodLabel)],
            [.text("填写方法"), .text("在「填报值」列填写各指标的数值；「说明」列可填写数据说明（不超过200字）。自动计算的指标不需填写，导入时忽略。")],
            [.text("注意"), .text("请勿修改指标代码，请勿删除隐藏的工作表；指标版本变化后请下载最新模板。")],
        ], columnWidths: [12, 80])
        return try XLSXWriter.data(OfficeFiles.stamped([main, help], [("program", identity.program), ("form", identity.form),
                                                                      ("version", identity.version)]))
    }

    static func csv(_ def: FormDefinition) -> Data { CSVWriter.data(rows: rows(def)) }

    /// A valid sheet name from the form's name (at most 31 characters, none of []:*?/\).
    static func sheetName(_ name: String) -> String {
        let clean = String(name.unicodeScalars.filter { !"[]:*?/\\'".unicodeScalars.contains($0) && $0.value >= 0x20 }.map(Character.init))
        let cut = String(clean.prefix(31))
        return cut.isEmpty ? "指标" : cut
    }

    // MARK: reading

    /// The rows of an uploaded template (.xlsx, refused when hostile, or CSV) and, for an
    /// .xlsx, the metadata it carries (empty when none).
    static func read(_ body: [UInt8]) throws -> (rows: [[String]], meta: [String: String]) {
        guard !body.isEmpty else { throw APIError.invalid("file", "上传的文件为空", code: "empty_file") }
        if OfficeFiles.isZip(body) {
            let (rows, wb) = try OfficeFiles.sheetRows(body, maxRows: maxRows, maxColumns: maxColumns)
            return (rows, OfficeFiles.templateMeta(wb))
        }
        do {
            return (try CSVReader.rows(Data(body), maxRows: maxRows, maxFieldBytes: 4096), [:])
        } catch let e as OfficeError {
            throw APIError(422, e.code, e.message, field: "file")
        }
    }


    struct Summary: Codable, Sendable, Equatable {
        var valuesRead = 0
        var changed = 0
        var unchanged = 0
        var rejected = 0
        var commentsChanged = 0
    }

    /// A value as kept between dry run and commit.
    struct Value: Codable, Sendable, Equatable {
        var num: String?
        var txt: String?

        init(_ v: StoredValue) { num = v.num?.description; txt = v.txt }
        var stored: StoredValue { StoredValue(num: num.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) }, txt: txt) }
        var input: InputValue {
            if let n = num, let d = Decimal(string: n, locale: Locale(identifier: "en_US_POSIX")) { return .number(d) }
            return .string(txt ?? "")
        }
    }

    /// One value the file sets: before (as the dry run saw it) and after.
    struct Change: Codable, Sendable, Equatable {
        var code: String
        var name: String
        var old: Value?
        var new: Value?
    }

    struct CommentChange: Codable, Sendable, Equatable {
        var code: String
        var old: String?
        var new: String?
    }

    /// What a file would do to a report: the answer of the dry run and what the commit saves.
    struct Plan: Sendable {
        var summary = Summary()
        var errors: [CellProblem] = []
        /// every value read (changed or not), with the value the dry run saw
        var read: [Change] = []
        var comments: [CommentChange] = []

        var changes: [Change] { read.filter { $0.old != $0.new } }
    }

    /// Checks the file's identity and rows against `def` and plans the save over the report's
    /// `values` and `comments`. `identity`: what the template must be of; `otherVersions`: the
    /// codes of the form's other versions (a file naming one of their codes that this version
    /// lacks is an old template: refused).
    static func plan(rows: [[String]], meta: [String: String], identity: Identity, def: FormDefinition,
                     otherVersions: [(version: String, codes: Set<String>)], values: [String: StoredValue],
                     comments: [String: String], clearBlanks: Bool) throws -> Plan {
        try matchIdentity(meta, identity)
        guard let (headerRow, columns) = findHeader(rows) else {
            throw APIError(422, "header_mismatch", "文件中没有「指标代码」和「填报值」列，请使用下载的模板", field: "file")
        }
        let codeAt = columns.code, valueAt = columns.value, commentAt = columns.comment
        func cell(_ row: [String], _ k: Int?) -> String {
            guard let k, k >= 0, k < row.count else { return "" }
            return row[k].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // an old template names codes only its version has
        let known = Set(def.indicators.map(\.code))
        if meta["version"] == nil {
            let codes = Set(rows.dropFirst(headerRow + 1).map { cell($0, codeAt) }.filter { !$0.isEmpty })
            let foreign = codes.subtracting(known)
            if let old = otherVersions.first(where: { !foreign.isEmpty && foreign.isSubset(of: $0.codes) }) {
                throw APIError(422, "template_outdated", "文件是\(old.version)版指标的模板，与填报期间的指标版本（\(def.version.code)）不符，请下载最新模板", field: "file")
            }
        }
        var plan = Plan()
        var seen = Set<String>()
        let valueLabel = CellRef.column(valueAt) + "（\(valueColumn)）"
        for (k, row) in rows.enumerated() where k > headerRow {
            let rowNo = k + 1
            let code = cell(row, codeAt)
            guard !code.isEmpty else { continue }
            var raw = cell(row, valueAt)
            guard let ind = def.indicator(code) else {
                plan.summary.rejected += 1
                plan.errors.append(CellProblem(row: rowNo, column: CellRef.column(codeAt) + "（\(codeColumn)）", field: String(code.prefix(32)),
                                            value: String(code.prefix(64)), code: "unknown_indicator",
                                            message: "该表单的\(def.version.code)版指标中没有指标代码 \(code.prefix(32))，请下载最新模板"))
                continue
            }
            guard seen.insert(code).inserted else {
                plan.summary.rejected += 1
                plan.errors.append(CellProblem(row: rowNo, column: CellRef.column(codeAt) + "（\(codeColumn)）", field: code, value: code,
                                            code: "duplicate_in_file", message: "\(ind.label)在文件中重复出现"))
                continue
            }
            // computed indicators are shown, never imported
            if ind.computed { continue }
            if ind.type.isNumeric { raw = spreadsheetNumber(raw) }
            if raw.isEmpty {
                if clearBlanks, let old = values[code] {
                    plan.read.append(Change(code: code, name: ind.name, old: Value(old), new: nil))
                    plan.summary.changed += 1
                }
            } else if raw.unicodeScalars.contains(OfficeFiles.unusableScalar) {
                plan.summary.valuesRead += 1
                plan.summary.rejected += 1
                plan.errors.append(CellProblem(row: rowNo, column: valueLabel, field: code, value: "", code: "invalid_value",
                                            message: "\(ind.label)不是有效的值（公式错误或无效日期）"))
            } else {
                plan.summary.valuesRead += 1
                switch ValueRules.convert(.string(raw), for: ind) {
                case .failure(let p):
                    plan.summary.rejected += 1
                    plan.errors.append(CellProblem(row: rowNo, column: valueLabel, field: code, value: String(raw.prefix(200)),
                                                code: p.code, message: p.message))
                case .success(let new):
                    let old = values[code]
                    plan.read.append(Change(code: code, name: ind.name, old: old.map(Value.init), new: new.map(Value.init)))
                    if old == new { plan.summary.unchanged += 1 } else { plan.summary.changed += 1 }
                }
            }
            guard let commentAt else { continue }
            let text = cell(row, commentAt)
            let current = comments[code]
            if text.isEmpty {
                if clearBlanks, current != nil { plan.comments.append(CommentChange(code: code, old: current, new: nil)) }
            } else if text.count > Outliers.maxCommentLength {
                plan.summary.rejected += 1
                plan.errors.append(CellProblem(row: rowNo, column: CellRef.column(commentAt) + "（\(commentColumn)）", field: code,
                                            value: String(text.prefix(200)), code: "comment_too_long",
                                            message: "\(ind.label)的说明最多\(Outliers.maxCommentLength)个字"))
            } else if text != current {
                plan.comments.append(CommentChange(code: code, old: current, new: text))
            }
        }
        plan.summary.commentsChanged = plan.comments.count
        return plan
    }

    /// A number as a spreadsheet shows it: a cell computed by a formula holds binary noise
    /// (8.250000000000002 for 8.25) that no one typed; like Excel's display, 15 significant
    /// digits. Anything else is left as it is (and checked as typed).
    static func spreadsheetNumber(_ raw: String) -> String {
        let b = Array(raw.utf8)
        guard b.count > 16, b.count <= 40, b.contains(0x2E), !b.contains(where: { $0 == 0x65 || $0 == 0x45 }),
              b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D }),
              let d = Double(raw), d.isFinite, abs(d) < 1e15 else { return raw }
        var t = String(format: "%.15g", d)
        if t.contains("e") || t.contains("E") { return raw }
        if t.contains(".") {
            while t.hasSuffix("0") { t.removeLast() }
            if t.hasSuffix(".") { t.removeLast() }
        }
        return t
    }

    /// A workbook made from a template says which: another form's (or a registry's) is refused,
    /// another version's with 请下载最新模板.
    static func matchIdentity(_ meta: [String: String], _ identity: Identity) throws {
        guard !meta.isEmpty else { return }
        guard meta["registry"] == nil, meta["program"] == identity.program, meta["form"] == identity.form else {
            throw APIError(422, "wrong_template", "该文件不是「\(identity.formName)」的模板，请下载最新模板", field: "file")
        }
        guard let v = meta["version"], v == identity.version else {
            throw APIError(422, "template_outdated",
                           "模板的指标版本（\(meta["version"] ?? "未知")）与填报期间的指标版本（\(identity.version)）不符，请下载最新模板", field: "file")
        }
    }

    /// The header row (among the first 20) and the columns of code, value and comment; labels
    /// compared without blanks and a trailing `*`.
    static func findHeader(_ rows: [[String]]) -> (Int, (code: Int, value: Int, comment: Int?))? {
        func norm(_ s: String) -> String {
            var t = s.filter { !$0.isWhitespace }
            while t.hasSuffix("*") { t.removeLast() }
            return t
        }
        for (k, row) in rows.prefix(20).enumerated() {
            let labels = row.map(norm)
            if let c = labels.firstIndex(of: codeColumn), let v = labels.firstIndex(of: valueColumn) {
                return (k, (c, v, labels.firstIndex(of: commentColumn)))
            }
        }
        return nil
    }
}
