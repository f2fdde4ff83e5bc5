import Foundation
import KitOffice
import Models
import XCTest
@testable import ReportingService

/// Templates of the aggregate forms: what the .xlsx carries (rows, the stamp shared with the
/// registries' templates) and how a filled one is read into a draft save with the checks of entry.
final class FormTemplateTests: XCTestCase {
    func ind(_ code: String, _ pos: Int, _ type: IndicatorType = .integer, name: String? = nil, required: Bool = true,
             min: Decimal? = 0, max: Decimal? = nil, decimals: Int = 0, choices: [String] = [],
             formula: FormulaKind? = nil, operands: [String] = []) -> IndicatorRecord {
        IndicatorRecord(id: "id-\(code)", position: pos, code: code, name: name ?? "指标\(code)", category: "住院", unit: "人", type: type,
                        required: required, minValue: min, maxValue: max, decimals: decimals, maxLength: 20, choices: choices,
                        help: "", formula: formula, operands: operands, factor: 100)
    }

    var def: FormDefinition {
        FormDefinition(version: VersionRecord(id: "v2018", formID: "f", code: "2018", name: "医疗质量核心指标（2018版）",
                                              firstPeriod: "2019-01", lastPeriod: nil),
                       indicators: [ind("B01", 1, name: "出院人数"), ind("B02", 2, name: "出院患者死亡人数"),
                                    ind("B03", 3, .percent, name: "住院患者死亡率", required: false, min: nil, decimals: 2,
                                        formula: .ratio, operands: ["B02", "B01"]),
                                    ind("B04", 4, .decimal, name: "出院患者平均住院日", max: 365, decimals: 2),
                                    ind("C09", 5, .text, name: "填报人", min: nil)],
                       rules: [])
    }
    let identity = FormTemplates.Identity(program: "zj_monthly", form: "core", formName: "医疗质量核心指标", version: "2018")

    func testTheXLSXTemplateHasOneRowPerIndicatorAndCarriesItsIdentity() throws {
        let bytes = try FormTemplates.xlsx(def, identity: identity, programName: "浙江省医疗质量核心指标月报", periodLabel: "2019年3月")
        let wb = try XLSXReader.read(bytes: bytes)
        XCTAssertEqual(wb.sheets.map(\.name), ["医疗质量核心指标", "填写说明", "_meta"])
        XCTAssertEqual(wb.sheets[2].state, .veryHidden)
        let rows = wb.sheets[0].rows.map { $0.map(OfficeFiles.text) }
        XCTAssertEqual(rows[0], FormTemplates.header)
        XCTAssertEqual(rows.count, 1 + def.indicators.count)
        XCTAssertEqual(Array(rows[1].prefix(4)), ["B01", "住院", "出院人数", "人"])
        XCTAssertTrue(rows[3].last?.hasPrefix("自动计算") == true, "a computed indicator is shown and says so: \(rows[3])")
        XCTAssertTrue(rows[4].last?.contains("最多2位小数") == true)
        XCTAssertEqual(OfficeFiles.templateMeta(wb), ["program": "zj_monthly", "form": "core", "version": "2018"])
        XCTAssertEqual(wb.definedNames["qs_version"], "\"2018\"")
        // the _meta sheet alone says the same (a program that drops defined names)
        var withoutNames = wb
        withoutNames.definedNames = [:]
        XCTAssertEqual(OfficeFiles.templateMeta(withoutNames)["form"], "core")
        // a form template is no registry template
        XCTAssertNil(OfficeFiles.templateIdentity(wb))
    }

    func testRegistryTemplatesStillCarryTheirIdentity() throws {
        let wb = OfficeFiles.stamped([Sheet(name: "溶栓个案")], [("program", "stroke_annual"), ("registry", "stroke_ivt"), ("version", "2018")])
        let read = try XLSXReader.read(bytes: try XLSXWriter.data(wb))
        XCTAssertEqual(OfficeFiles.templateIdentity(read)?.registry, "stroke_ivt")
        XCTAssertEqual(OfficeFiles.templateIdentity(read)?.version, "2018")
    }

    func filled(_ values: [String: String], comments: [String: String] = [:]) -> [[String]] {
        FormTemplates.rows(def).map { row in
            guard row[0] != "指标代码" else { return row }
            var r = row
            r[4] = values[row[0]] ?? ""
            r[5] = comments[row[0]] ?? ""
            return r
        }
    }

    func plan(_ rows: [[String]], meta: [String: String]? = nil, values: [String: StoredValue] = [:],
              comments: [String: String] = [:], clear: Bool = false) throws -> FormTemplates.Plan {
        try FormTemplates.plan(rows: rows, meta: meta ?? ["program": "zj_monthly", "form": "core", "version": "2018"],
                               identity: identity, def: def,
                               otherVersions: [("2013", ["B01", "B02", "C03"])], values: values, comments: comments, clearBlanks: clear)
    }

    func testValuesAreCheckedLikeEntryAndPlannedAsADraftSave() throws {
        let p = try plan(filled(["B01": "1200", "B02": "12", "B03": "99", "B04": "400", "C09": "张三"], comments: ["B02": "疫情影响"]),
                         values: ["B02": .number(12), "C09": .text("李四")])
        XCTAssertEqual(p.summary, FormTemplates.Summary(valuesRead: 4, changed: 2, unchanged: 1, rejected: 1, commentsChanged: 1))
        XCTAssertEqual(p.errors, [CellProblem(row: 5, column: "E（填报值）", field: "B04", value: "400", code: "out_of_range",
                                                         message: "「出院患者平均住院日」（B04）不能大于365")])
        XCTAssertEqual(p.changes.map(\.code), ["B01", "C09"], "the computed B03 is ignored, B02 unchanged")
        XCTAssertEqual(p.read.count, 3)
        XCTAssertEqual(p.comments, [FormTemplates.CommentChange(code: "B02", old: nil, new: "疫情影响")])
    }

    func testFormulaNoiseIsReadAsTheSpreadsheetShowsIt() throws {
        XCTAssertEqual(FormTemplates.spreadsheetNumber("8.250000000000002"), "8.25")
        XCTAssertEqual(FormTemplates.spreadsheetNumber("0.30000000000000004"), "0.3")
        XCTAssertEqual(FormTemplates.spreadsheetNumber("8.333333333333334"), "8.33333333333333")
        XCTAssertEqual(FormTemplates.spreadsheetNumber("12.5"), "12.5", "short numbers as typed")
        XCTAssertEqual(FormTemplates.spreadsheetNumber("1.0000000000000000e3"), "1.0000000000000000e3")
        let p = try plan(filled(["B04": "8.250000000000002", "C09": "0.30000000000000004"]))
        XCTAssertEqual(p.changes.first { $0.code == "B04" }?.new?.num, "8.25")
        XCTAssertEqual(p.changes.first { $0.code == "C09" }?.new?.txt, "0.30000000000000004", "text is never touched")
        // a real third decimal stays refused, as in entry
        XCTAssertEqual(try plan(filled(["B04": "8.333333333333334"])).errors.first?.code, "invalid_value")
    }

    func testBlanksLeaveValuesAloneUnlessClearBlanks() throws {
        let values: [String: StoredValue] = ["B01": .number(5), "B02": .number(1)]
        let kept = try plan(filled(["B01": "6"]), values: values, comments: ["B02": "说明"])
        XCTAssertEqual(kept.changes.map(\.code), ["B01"])
        XCTAssertTrue(kept.comments.isEmpty)
        let cleared = try plan(filled(["B01": "6"]), values: values, comments: ["B02": "说明"], clear: true)
        XCTAssertEqual(cleared.changes.map(\.code), ["B01", "B02"])
        XCTAssertNil(cleared.changes[1].new)
        XCTAssertEqual(cleared.comments, [FormTemplates.CommentChange(code: "B02", old: "说明", new: nil)])
    }

    func testBadRowsAreNamedByRowColumnAndValue() throws {
        var rows = filled(["B01": "12.5", "B02": "abc", "B04": OfficeFiles.unusable])
        rows.append(["Z99", "", "", "", "3"])
        rows.append(["B01", "", "", "", "7"])
        let p = try plan(rows)
        XCTAssertEqual(p.errors.map(\.row), [2, 3, 5, 7, 8])
        XCTAssertEqual(p.errors.map(\.code), ["invalid_value", "invalid_value", "invalid_value", "unknown_indicator", "duplicate_in_file"])
        XCTAssertEqual(p.errors[0].message, "「出院人数」（B01）请输入整数")
        XCTAssertEqual(p.errors[1].value, "abc")
        XCTAssertTrue(p.changes.isEmpty)
    }

    func testAnotherVersionsOrFormsTemplateIsRefused() throws {
        XCTAssertThrowsError(try plan(filled([:]), meta: ["program": "zj_monthly", "form": "core", "version": "2013"])) { e in
            XCTAssertEqual((e as? APIError)?.code, "template_outdated")
            XCTAssertTrue((e as? APIError)?.message.contains("请下载最新模板") == true)
        }
        XCTAssertThrowsError(try plan(filled([:]), meta: ["program": "zj_monthly", "form": "general", "version": "2018"])) { e in
            XCTAssertEqual((e as? APIError)?.code, "wrong_template")
        }
        XCTAssertThrowsError(try plan(filled([:]), meta: ["program": "stroke_annual", "registry": "stroke_ivt", "version": "2018"])) { e in
            XCTAssertEqual((e as? APIError)?.code, "wrong_template")
        }
        // a CSV (no stamp) naming a code only the 2013 version has is an old template
        XCTAssertThrowsError(try plan([FormTemplates.header, ["B01", "", "", "", "1"], ["C03", "", "", "", "2"]], meta: [:])) { e in
            XCTAssertEqual((e as? APIError)?.code, "template_outdated")
        }
        // without the columns it is no template
        XCTAssertThrowsError(try plan([["代码", "值"], ["B01", "1"]], meta: [:])) { e in
            XCTAssertEqual((e as? APIError)?.code, "header_mismatch")
        }
        // a CSV of this version is read by its labels (a title row above the header is fine)
        let csv = try plan([["医疗质量核心指标"], ["指标代码 *", "填报值"], ["B01", "3"]], meta: [:])
        XCTAssertEqual(csv.summary.changed, 1)
    }

    func testTheCSVTemplateReadsBackToTheSameRows() throws {
        let (rows, meta) = try FormTemplates.read([UInt8](FormTemplates.csv(def)))
        XCTAssertEqual(rows, FormTemplates.rows(def))
        XCTAssertTrue(meta.isEmpty)
        XCTAssertThrowsError(try FormTemplates.read([])) { XCTAssertEqual(($0 as? APIError)?.code, "empty_file") }
        XCTAssertThrowsError(try FormTemplates.read([0x50, 0x4B, 0x03, 0x04] + [UInt8](repeating: 0, count: 40))) { e in
            XCTAssertEqual((e as? APIError)?.status, 422)
        }
    }
}
