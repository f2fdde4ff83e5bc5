import Foundation
import XCTest
@testable import ReportingService

/// Entered values, formulas and cross-field rules.
final class ValueRulesTests: XCTestCase {
    func indicator(_ code: String, _ type: IndicatorType, required: Bool = true, min: Decimal? = 0, max: Decimal? = nil,
                   decimals: Int = 2, choices: [String] = [], formula: FormulaKind? = nil, operands: [String] = []) -> IndicatorRecord {
        IndicatorRecord(id: code, position: 0, code: code, name: "指标\(code)", category: "住院", unit: "", type: type,
                        required: required, minValue: min, maxValue: max, decimals: decimals, maxLength: 10, choices: choices,
                        help: "", formula: formula, operands: operands, factor: 100)
    }

    var definition: FormDefinition {
        FormDefinition(version: VersionRecord(id: "v", formID: "f", code: "2018", name: "", firstPeriod: "2019-01", lastPeriod: nil),
                       indicators: [indicator("B01", .integer), indicator("B02", .integer),
                                    indicator("B03", .percent, required: false, min: nil, formula: .ratio, operands: ["B02", "B01"]),
                                    indicator("A01", .integer), indicator("A02", .integer),
                                    indicator("A03", .integer, required: false, min: nil, formula: .sum, operands: ["A01", "A02"]),
                                    indicator("C09", .text)],
                       rules: [RuleRecord(leftCodes: ["B02"], rightCode: "B01", message: "出院患者死亡人数（B02）不能大于出院人数（B01）")])
    }

    func converted(_ input: InputValue, _ ind: IndicatorRecord) -> StoredValue?? {
        if case .success(let v) = ValueRules.convert(input, for: ind) { return .some(v) }
        return nil
    }

    func problem(_ input: InputValue, _ ind: IndicatorRecord) -> String? {
        if case .failure(let p) = ValueRules.convert(input, for: ind) { return p.code }
        return nil
    }

    func testNumbersAreCheckedByType() {
        let int = indicator("B01", .integer, max: 1000)
        XCTAssertEqual(converted(.number(12), int), .some(.number(12)))
        XCTAssertEqual(converted(.string(" 12 "), int), .some(.number(12)))
        XCTAssertEqual(converted(.string(""), int), .some(nil))
        XCTAssertEqual(converted(.null, int), .some(nil))
        XCTAssertEqual(problem(.string("12.5"), int), "invalid_value")
        XCTAssertEqual(problem(.string("1e3"), int), "invalid_value")
        XCTAssertEqual(problem(.string("abc"), int), "invalid_value")
        XCTAssertEqual(problem(.string("1234567890123456"), int), "invalid_value")
        XCTAssertEqual(problem(.number(-1), int), "out_of_range")
        XCTAssertEqual(problem(.number(1001), int), "out_of_range")
        XCTAssertEqual(problem(.other, int), "invalid_value")
        let dec = indicator("B04", .decimal, max: 365, decimals: 2)
        XCTAssertEqual(converted(.string("8.25"), dec), .some(.number(Decimal(string: "8.25")!)))
        XCTAssertEqual(converted(.string("8.250"), dec), .some(.number(Decimal(string: "8.25")!)))
        XCTAssertEqual(problem(.string("8.251"), dec), "invalid_value")
        XCTAssertEqual(problem(.string("-"), dec), "invalid_value")
        XCTAssertEqual(problem(.string("1."), dec), "invalid_value")
    }

    func testTextDatesAndChoices() {
        XCTAssertEqual(converted(.string("2019-02-28"), indicator("D", .date)), .some(.text("2019-02-28")))
        XCTAssertEqual(problem(.string("2019-02-29"), indicator("D", .date)), "invalid_value")
        XCTAssertEqual(problem(.string("2019-2-1"), indicator("D", .date)), "invalid_value")
        let choice = indicator("G01", .choice, choices: ["三级甲等", "二级甲等"])
        XCTAssertEqual(converted(.string("三级甲等"), choice), .some(.text("三级甲等")))
        XCTAssertEqual(problem(.string("一级"), choice), "invalid_value")
        XCTAssertEqual(problem(.string("一二三四五六七八九十十"), indicator("T", .text)), "too_long")
        XCTAssertEqual(problem(.string("a\u{1}b"), indicator("T", .text)), "invalid_value")
        XCTAssertEqual(problem(.number(5), definition.indicator("B03")!), "read_only")
    }

    func testFormulasRulesAndTheMissingList() {
        let def = definition
        var values: [String: StoredValue] = ["B01": .number(300), "B02": .number(2), "A01": .number(1000)]
        var computed = ValueRules.compute(def, values)
        XCTAssertEqual(computed["B03"], .some(.number(Decimal(string: "0.67")!)))
        XCTAssertEqual(computed["A03"], .some(nil))   // a part is missing
        values["A02"] = .number(200)
        values["B01"] = .number(0)
        computed = ValueRules.compute(def, values)
        XCTAssertEqual(computed["A03"], .some(.number(1200)))
        XCTAssertEqual(computed["B03"], .some(nil))   // zero denominator
        XCTAssertEqual(ValueRules.brokenRules(def, values).map(\.field), ["B02"])
        let problems = ValueRules.submissionProblems(def, ["B01": .number(3), "B02": .number(4)])
        XCTAssertEqual(problems.map(\.field), ["A01", "A02", "C09", "B02"])
        XCTAssertEqual(problems.first?.message, "「指标A01」（A01）未填写")
        XCTAssertEqual(problems.last?.code, "rule_violation")
        XCTAssertEqual(ValueRules.submissionProblems(def, ["B01": .number(3), "B02": .number(3), "A01": .number(1),
                                                           "A02": .number(1), "C09": .text("张三")]), [])
    }
}
