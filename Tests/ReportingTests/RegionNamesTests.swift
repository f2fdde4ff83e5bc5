import XCTest
@testable import ReportingService

/// The cache of identity's regions for the statistics (Engine/RegionNames.swift), at fixed
/// instants: an answer is kept for `ttl`, a miss (identity not answering) for `retryAfter`, so a
/// table of regions asks identity once, not once per row.
final class RegionNamesTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func testAnAnswerIsKeptForTheTTL() {
        let parent = "test-ttl"   // a key nothing else uses
        var calls = 0
        let fetch = { () -> [RegionNames.Region]? in
            calls += 1
            return [RegionNames.Region(code: "330100", name: "杭州市", longitude: 120.2, latitude: 30.3)]
        }
        XCTAssertEqual(RegionNames.children(parent: parent, now: t0, fetch: fetch)["330100"]?.name, "杭州市")
        XCTAssertEqual(RegionNames.children(parent: parent, now: t0.addingTimeInterval(RegionNames.ttl - 1), fetch: fetch).count, 1)
        XCTAssertEqual(calls, 1)
        _ = RegionNames.children(parent: parent, now: t0.addingTimeInterval(RegionNames.ttl), fetch: fetch)
        XCTAssertEqual(calls, 2)
    }

    func testAMissIsRememberedBrieflyThenAskedAgain() {
        let parent = "test-miss"
        var calls = 0
        var answer: [RegionNames.Region]? = nil
        let fetch = { () -> [RegionNames.Region]? in calls += 1; return answer }
        for k in 0..<40 {   // one table's rows under the same parent
            XCTAssertTrue(RegionNames.children(parent: parent, now: t0.addingTimeInterval(Double(k) / 10), fetch: fetch).isEmpty)
        }
        XCTAssertEqual(calls, 1)
        answer = [RegionNames.Region(code: "330000", name: "浙江省", longitude: nil, latitude: nil)]
        XCTAssertEqual(RegionNames.children(parent: parent, now: t0.addingTimeInterval(RegionNames.retryAfter), fetch: fetch)["330000"]?.name, "浙江省")
        XCTAssertEqual(calls, 2)
    }
}
