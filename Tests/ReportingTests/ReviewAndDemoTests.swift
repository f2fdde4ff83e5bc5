import Foundation
import XCTest
@testable import ReportingService

/// Review statuses and the modification lock, CSV cells, and demo values that pass the checks.
final class ReviewAndDemoTests: XCTestCase {
    func testReturnedIsShownAsReturnedEvenPastTheDeadline() {
        let past = Window(opensAt: Date(timeIntervalSince1970: 0), closesAt: Date(timeIntervalSince1970: 100))
        let now = Date(timeIntervalSince1970: 1000)
        XCTAssertEqual(EntryState.status(.returned, window: past, now: now).label, "已退回")
        XCTAssertNil(EntryState.lock(status: .returned, window: past, lateEntry: true, now: now))
        XCTAssertEqual(EntryState.lock(status: .underReview, window: past, lateEntry: true, now: now)?.code, "report_under_review")
        XCTAssertEqual(EntryState.lock(status: .accepted, window: past, lateEntry: true, now: now)?.code, "report_accepted")
        XCTAssertEqual(EntryState.status(.accepted, window: past, now: now).label, "已通过")
    }

    func testCSVCellsAreQuotedAndFormulasDefused() {
        XCTAssertEqual(Export.field("出院人数"), "出院人数")
        XCTAssertEqual(Export.field("a,b"), "\"a,b\"")
        XCTAssertEqual(Export.field("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(Export.field("=1+2"), "'=1+2")
        XCTAssertEqual(Export.field("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(Export.field("-5", text: false), "-5")
        XCTAssertEqual(Export.line(["a", "b"]), "a,b\r\n")
    }

    func indicator(_ code: String, _ type: IndicatorType, max: Decimal? = nil, formula: FormulaKind? = nil,
                   operands: [String] = []) -> IndicatorRecord {
        IndicatorRecord(id: code, position: 0, code: code, name: code, category: "住院", unit: "", type: type, required: formula == nil,
                        minValue: 0, maxValue: max, decimals: 2, maxLength: 20, choices: type == .choice ? ["是", "否"] : [],
                        help: "", formula: formula, operands: operands, factor: 100)
    }

    func testDemoValuesPassTheChecksAndAreDeterministic() {
        let def = FormDefinition(
            version: VersionRecord(id: "v", formID: "f", code: "2018", name: "", firstPeriod: "2019-01", lastPeriod: nil),
            indicators: [indicator("B01", .integer), indicator("B02", .integer), indicator("B05", .integer), indicator("B06", .integer),
                         indicator("B03", .percent, formula: .ratio, operands: ["B02", "B01"]), indicator("P1", .percent, max: 100),
                         indicator("D1", .date), indicator("K1", .choice), indicator("T1", .text)],
            rules: [RuleRecord(leftCodes: ["B02"], rightCode: "B01", message: "B02 ≤ B01"),
                    RuleRecord(leftCodes: ["B06"], rightCode: "B05", message: "B06 ≤ B05"),
                    RuleRecord(leftCodes: ["B05"], rightCode: "B01", message: "B05 ≤ B01")])
        for n in 0..<200 {
            guard let v = DemoData.values(def, seed: "org:\(n)", day: "2026-01-05") else { return XCTFail("no values for seed \(n)") }
            XCTAssertTrue(ValueRules.submissionProblems(def, v).isEmpty)
            XCTAssertNotNil(v["B03"]?.num)
            XCTAssertLessThanOrEqual(v["P1"]!.num!, 100)
            XCTAssertEqual(v["D1"]?.txt, "2026-01-05")
        }
        XCTAssertEqual(DemoData.values(def, seed: "same", day: "2026-01-05"), DemoData.values(def, seed: "same", day: "2026-01-05"))
        if case .returned(let opinion) = DemoData.fate(seed: "x", index: 3, newest: false) {
            XCTAssertTrue(DemoData.opinions.contains(opinion))
        } else {
            XCTFail("the 4th newest month is returned")
        }
        XCTAssertEqual(DemoData.fate(seed: "x", index: 5, newest: false), .done(late: true))
    }
}
