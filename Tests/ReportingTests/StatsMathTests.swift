import XCTest
@testable import ReportingService

/// The pure pieces of the statistics: rates pooled from summed parts (never an average of
/// rates), how each kind of indicator is combined, and region node paths by segments.
final class StatsMathTests: XCTestCase {
    func testRatesArePooledFromSummedParts() {
        // 1/10 (10 %) and 9/30 (30 %): pooled 10/40 = 25 %, the average of the rates is 20 %.
        let pooled = StatsMath.pooledRate(numerator: 1 + 9, denominator: 10 + 30, factor: 100, decimals: 2)
        XCTAssertEqual(pooled, Decimal(string: "25"))
        XCTAssertNotEqual(pooled, Decimal(string: "20"))
        XCTAssertEqual(StatsMath.figure(formula: "ratio", type: "percent", valueSum: 40, numerator: 10, denominator: 40,
                                        institutions: 2, factor: 100, decimals: 2), Decimal(string: "25"))
    }

    func testRateRoundsAndHasNoValueWithoutDenominator() {
        XCTAssertEqual(StatsMath.pooledRate(numerator: 1, denominator: 3, factor: 100, decimals: 2), Decimal(string: "33.33"))
        XCTAssertEqual(StatsMath.pooledRate(numerator: 2, denominator: 3, factor: 100, decimals: 1), Decimal(string: "66.7"))
        XCTAssertNil(StatsMath.pooledRate(numerator: 5, denominator: 0, factor: 100, decimals: 2))
    }

    func testCountsSumAndEnteredDecimalsAverageOverInstitutions() {
        XCTAssertEqual(StatsMath.figure(formula: nil, type: "integer", valueSum: 1234, numerator: 0, denominator: 0,
                                        institutions: 7, factor: 100, decimals: 0), 1234)
        XCTAssertEqual(StatsMath.figure(formula: "sum", type: "integer", valueSum: 50, numerator: 0, denominator: 0,
                                        institutions: 2, factor: 100, decimals: 0), 50)
        // average length of stay (entered decimal, no parts): mean over the institutions
        XCTAssertEqual(StatsMath.figure(formula: nil, type: "decimal", valueSum: Decimal(string: "16.5")!, numerator: 0,
                                        denominator: 0, institutions: 2, factor: 100, decimals: 2), Decimal(string: "8.25"))
        XCTAssertNil(StatsMath.figure(formula: nil, type: "decimal", valueSum: 0, numerator: 0, denominator: 0,
                                      institutions: 0, factor: 100, decimals: 2))
        XCTAssertEqual(StatsMath.kind(formula: "ratio", type: "percent"), "rate")
        XCTAssertEqual(StatsMath.kind(formula: nil, type: "integer"), "sum")
        XCTAssertEqual(StatsMath.kind(formula: nil, type: "decimal"), "mean")
    }

    func testNodePathsBySegmentsWhateverTheCodeLengths() {
        XCTAssertEqual(StatsMath.depth("86"), 1)
        XCTAssertEqual(StatsMath.depth("86/33/3301"), 3)
        XCTAssertEqual(StatsMath.depth("86/330000/330100/330106"), 4)
        XCTAssertEqual(StatsMath.ancestor("86/33/3301/org-1", segments: 2), "86/33")
        XCTAssertEqual(StatsMath.ancestor("86/330000/330100/330106/org-1", segments: 2), "86/330000")
        XCTAssertEqual(StatsMath.ancestor("86/33", segments: 1), "86")
        XCTAssertNil(StatsMath.ancestor("86", segments: 2))
        XCTAssertNil(StatsMath.ancestor("86", segments: 0))
        // prefix ranges in C collation: below "86/33" is ["86/33/", "86/330"), which leaves "86/330000" out
        let (lo, hi) = StatsStore.below("86/33")
        XCTAssertTrue("86/33/3301" >= lo && "86/33/3301" < hi)
        XCTAssertFalse("86/330000" >= lo && "86/330000" < hi)
        XCTAssertFalse("86/33" >= lo && "86/33" < hi)
    }

    func testNodeNamesAreChecked() {
        XCTAssertTrue(StatsMath.validNode("86"))
        XCTAssertTrue(StatsMath.validNode("86/330000/330100/0192f3a4-7b1c-7000-8000-000000000001"))
        for bad in ["", "/86", "86/", "86//33", "86/3'3", "86/33 ", "86/三三", String(repeating: "8", count: 201),
                    "1/2/3/4/5/6/7/8/9"] {
            XCTAssertFalse(StatsMath.validNode(bad), bad)
        }
    }
}
