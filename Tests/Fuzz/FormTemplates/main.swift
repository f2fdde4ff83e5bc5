// libFuzzer target: a filled form template as a hospital uploads it (POST /reports/:id/imports):
// the bytes read as .xlsx (when a zip) or CSV by the office readers, the template's stamp, the
// header found by its labels and every row checked against an indicator of each type with the
// checks of entry, with and without clear_blanks. The engine files are compiled into this
// harness (scripts/fuzz: TARGET_SOURCES); `Imports` and `Outliers` are the two constants they
// read from files that hold SQL.
import Foundation
import Models

enum Imports { static let maxRows = 200_000 }
enum Outliers { static let maxCommentLength = 200 }

private func indicator(_ code: String, _ pos: Int, _ type: IndicatorType, formula: FormulaKind? = nil) -> IndicatorRecord {
    IndicatorRecord(id: code, position: pos, code: code, name: "指标\(code)", category: "住院", unit: "人", type: type,
                    required: true, minValue: type.isNumeric ? 0 : nil, maxValue: type.isNumeric ? 1_000_000 : nil,
                    decimals: type == .integer ? 0 : 2, maxLength: 50, choices: ["是", "否"], help: "",
                    formula: formula, operands: formula == nil ? [] : ["B01", "B02"], factor: 100)
}

private let definition = FormDefinition(
    version: VersionRecord(id: "v", formID: "f", code: "2018", name: "2018版", firstPeriod: "2019-01", lastPeriod: nil),
    indicators: [indicator("B01", 1, .integer), indicator("B02", 2, .decimal), indicator("B03", 3, .percent, formula: .ratio),
                 indicator("C01", 4, .date), indicator("C02", 5, .choice), indicator("C09", 6, .text)],
    rules: [])
private let identity = FormTemplates.Identity(program: "zj_monthly", form: "core", formName: "核心指标", version: "2018")
private let current: [String: StoredValue] = ["B01": .number(5), "C09": .text("张三")]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    guard let (rows, meta) = try? FormTemplates.read(bytes) else { return 0 }
    for clear in [false, true] {
        guard let plan = try? FormTemplates.plan(rows: rows, meta: meta, identity: identity, def: definition,
                                                 otherVersions: [("2013", ["B01", "C03"])], values: current,
                                                 comments: ["B01": "说明"], clearBlanks: clear) else { continue }
        let s = plan.summary
        precondition(s.changed + s.unchanged == plan.read.count, "every value read is changed or unchanged")
        precondition(plan.errors.allSatisfy { $0.row >= 2 && $0.row <= rows.count }, "an error names a row of the file")
        precondition(!plan.read.contains { $0.code == "B03" }, "a computed indicator is never imported")
        precondition(s.commentsChanged == plan.comments.count)
    }
    return 0
}
