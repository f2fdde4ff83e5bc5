import Foundation
import XCTest
@testable import ReportingService

/// The modified z-score over an institution's own history and the warnings built from it and
/// from the plausibility limits (Engine/Outliers.swift).
final class OutlierTests: XCTestCase {
    func testMedianOfOddAndEvenCounts() {
        XCTAssertEqual(OutlierMath.median([3, 1, 2]), 2)
        XCTAssertEqual(OutlierMath.median([4, 1, 3, 2]), 2.5)
        XCTAssertNil(OutlierMath.median([]))
    }

    func testModifiedZScoreIsPointSixSevenFourFiveTimesDeviationOverMAD() throws {
        // median 300, absolute deviations 10,10,0,20,20 → MAD 10
        let history: [Double] = [290, 310, 300, 280, 320]
        let z = try XCTUnwrap(OutlierMath.modifiedZ(400, history: history))
        XCTAssertEqual(z, 0.6745 * 100 / 10, accuracy: 1e-9)   // 6.745
        XCTAssertTrue(OutlierMath.isOutlier(z))
        let below = try XCTUnwrap(OutlierMath.modifiedZ(200, history: history))
        XCTAssertEqual(below, -6.745, accuracy: 1e-9)
        XCTAssertTrue(OutlierMath.isOutlier(below))
        // 0.6745 · 50 / 10 = 3.3725: within 3.5, no warning
        let near = try XCTUnwrap(OutlierMath.modifiedZ(350, history: history))
        XCTAssertEqual(near, 3.3725, accuracy: 1e-9)
        XCTAssertFalse(OutlierMath.isOutlier(near))
        // the threshold itself is not above 3.5
        XCTAssertFalse(OutlierMath.isOutlier(3.5))
        XCTAssertTrue(OutlierMath.isOutlier(3.5001))
    }

    func testMADOfZeroFallsBackToMeanAbsoluteDeviation() throws {
        // median 100, deviations 0,0,0,0,50 → MAD 0, mean AD 10
        let z = try XCTUnwrap(OutlierMath.modifiedZ(150, history: [100, 100, 100, 100, 150]))
        XCTAssertEqual(z, 50 / (1.253314 * 10), accuracy: 1e-9)
    }

    func testTooShortOrFlatHistoryGivesNoJudgement() {
        XCTAssertNil(OutlierMath.modifiedZ(1000, history: [1, 2, 3]))
        XCTAssertNil(OutlierMath.modifiedZ(1000, history: [5, 5, 5, 5, 5]))
        XCTAssertNil(OutlierMath.modifiedZ(.nan, history: [1, 2, 3, 4]))
    }

    func indicator(_ code: String, _ type: IndicatorType) -> IndicatorRecord {
        IndicatorRecord(id: code, position: 0, code: code, name: "指标\(code)", category: "住院", unit: "人", type: type,
                        required: true, minValue: 0, maxValue: nil, decimals: 2, maxLength: 10, choices: [],
                        help: "", formula: nil, operands: [], factor: 100)
    }

    var definition: FormDefinition {
        FormDefinition(version: VersionRecord(id: "v", formID: "f", code: "2018", name: "", firstPeriod: "2019-01", lastPeriod: nil),
                       indicators: [indicator("B01", .integer), indicator("B04", .decimal), indicator("C09", .text)], rules: [])
    }

    func past(_ xs: [Decimal]) -> [FieldWarning.HistoryPoint] {
        xs.enumerated().map { .init(period: "2019-0\(9 - $0.offset)", value: $0.element) }   // newest first
    }

    func testWarningsNameTheFieldTheHistoryAndTheComment() {
        let history = ["B01": past([300, 310, 290, 305, 295])]
        let values: [String: StoredValue] = ["B01": StoredValue(num: 3000, txt: nil), "B04": StoredValue(num: 45, txt: nil),
                                             "C09": StoredValue(num: nil, txt: "张三")]
        let limits = ["B04": PlausibilityLimit(warnMin: 1, warnMax: 30)]
        let ws = Outliers.warnings(definition, values: values, history: history, limits: limits, comments: [:], commentRequired: true)
        XCTAssertEqual(ws.map(\.field), ["B01", "B04"])
        XCTAssertEqual(ws.map(\.code), ["outlier", "above_plausible"])
        XCTAssertEqual(ws[0].median, 300)
        XCTAssertEqual(ws[0].history?.first?.period, "2019-05")   // oldest first in the answer
        XCTAssertTrue(ws[0].message.contains("「指标B01」（B01）") && ws[0].message.contains("中位数 300"), ws[0].message)
        XCTAssertTrue(ws.allSatisfy { $0.commentRequired && !$0.hasComment })
        XCTAssertEqual(Outliers.missingComments(ws).map(\.code), ["comment_required", "comment_required"])

        // with a comment, or where the program does not require one, nothing is missing
        let commented = Outliers.warnings(definition, values: values, history: history, limits: limits,
                                          comments: ["B01": "本月新院区开业", "B04": "长期康复病区"], commentRequired: true)
        XCTAssertEqual(commented.count, 2)
        XCTAssertTrue(Outliers.missingComments(commented).isEmpty)
        let optional = Outliers.warnings(definition, values: values, history: history, limits: limits, comments: [:],
                                         commentRequired: false)
        XCTAssertTrue(Outliers.missingComments(optional).isEmpty)

        // a usual value warns about nothing
        let usual = Outliers.warnings(definition, values: ["B01": StoredValue(num: 302, txt: nil), "B04": StoredValue(num: 8, txt: nil)],
                                      history: history, limits: limits, comments: [:], commentRequired: true)
        XCTAssertTrue(usual.isEmpty)
        let low = Outliers.warnings(definition, values: ["B04": StoredValue(num: Decimal(string: "0.5")!, txt: nil)],
                                    history: [:], limits: limits, comments: [:], commentRequired: true)
        XCTAssertEqual(low.map(\.code), ["below_plausible"])
    }
}
