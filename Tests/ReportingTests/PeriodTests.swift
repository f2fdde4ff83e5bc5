import Foundation
import KitCore
import XCTest
@testable import ReportingService

/// Periods and windows in China Standard Time, from fixed instants (never today's date).
final class PeriodTests: XCTestCase {
    func instant(_ s: String) -> Date { Time.parse(s)! }

    func program(_ type: PeriodType, open: (Int, Int), close: (Int, Int), late: Bool = true) -> ProgramRecord {
        ProgramRecord(id: "p", code: "p", name: "p", description: "", periodType: type, windowRule: .offset,
                      openAfterMonths: open.0, openAfterDays: open.1, closeAfterMonths: close.0, closeAfterDays: close.1,
                      deadlineText: "", lateEntry: late, entryRoles: [], readerRoles: [], reviewerRoles: [], orgKinds: [])
    }

    func testKeysParseStrictly() {
        XCTAssertEqual(Period.parse("2019-01", .month)?.label, "2019年1月")
        XCTAssertEqual(Period.parse("2020-Q4", .quarter)?.key, "2020-Q4")
        XCTAssertEqual(Period.parse("2024", .year)?.label, "2024年度")
        XCTAssertNotNil(Period.parse("2020-W53", .week))   // 2020 has 53 ISO weeks
        XCTAssertNil(Period.parse("2021-W53", .week))      // 2021 has 52
        for bad in ["2019-13", "2019-00", "2019-1", "2019-011", "1999-01", "2101-01", "２０19-01", "2019/01", "", "2019-0a"] {
            XCTAssertNil(Period.parse(bad, .month), bad)
        }
        XCTAssertNil(Period.parse("2019-01", .year))
        XCTAssertNil(Period.parse("2019-Q5", .quarter))
    }

    func testMonthStartsAtMidnightInChina() {
        let p = Period.parse("2019-01", .month)!
        XCTAssertEqual(p.start, instant("2018-12-31T16:00:00Z"))
        XCTAssertEqual(p.end, instant("2019-01-31T16:00:00Z"))
        // 00:30 on 1 February in Beijing is still 31 January in UTC, but February's period.
        XCTAssertEqual(Period.containing(instant("2019-01-31T16:30:00Z"), .month)?.key, "2019-02")
        XCTAssertEqual(Period.parse("2019-03", .month)?.previous?.key, "2019-02")
        XCTAssertEqual(Period.parse("2019-W01", .week)?.previous?.key, "2018-W52")
    }

    func testZhejiangDeadlineIsThe20thOfTheNextMonth() {
        let zj = program(.month, open: (0, 0), close: (0, 20))
        let w = zj.offsetWindow(Period.parse("2019-01", .month)!)!
        XCTAssertEqual(w.deadline, "2019-02-20")
        XCTAssertEqual(w.opensOn, "2019-02-01")
        XCTAssertTrue(w.isOpen(instant("2019-02-20T15:59:59Z")))   // 23:59:59 on the 20th, Beijing
        XCTAssertFalse(w.isOpen(instant("2019-02-20T16:00:00Z")))
        XCTAssertEqual(w.daysLeft(now: instant("2019-02-18T02:00:00Z")), 2)
        XCTAssertEqual(w.daysLeft(now: instant("2019-02-22T02:00:00Z")), -2)
        let onTime = program(.month, open: (0, 0), close: (0, 20), late: false)
        XCTAssertEqual(onTime.duePeriods(enrolledAt: instant("2000-01-01T00:00:00Z"), now: instant("2019-02-10T00:00:00Z")).map(\.key), ["2019-01"])
        XCTAssertEqual(onTime.duePeriods(enrolledAt: instant("2000-01-01T00:00:00Z"), now: instant("2019-02-25T00:00:00Z")).map(\.key), [])
    }

    func testOverdueSinceEnrolmentWhereLateEntryIsAllowed() {
        let zj = program(.month, open: (0, 0), close: (0, 20), late: true)
        // Enrolled on 10 November 2018 (October's window still open); on 25 February 2019
        // October, November, December and January are overdue, nothing is open.
        let enrolled = instant("2018-11-10T02:00:00Z"), now = instant("2019-02-25T02:00:00Z")
        XCTAssertEqual(zj.duePeriods(enrolledAt: enrolled, now: now).map(\.key), ["2019-01", "2018-12", "2018-11", "2018-10"])
        // On 10 February January is open and the earlier ones overdue.
        XCTAssertEqual(zj.duePeriods(enrolledAt: enrolled, now: instant("2019-02-10T02:00:00Z")).map(\.key),
                       ["2019-01", "2018-12", "2018-11", "2018-10"])
        // Enrolled after October's deadline: October is not due.
        XCTAssertEqual(zj.duePeriods(enrolledAt: instant("2018-11-25T02:00:00Z"), now: now).map(\.key), ["2019-01", "2018-12", "2018-11"])
        XCTAssertEqual(zj.duePeriods(enrolledAt: instant("2000-01-01T00:00:00Z"), now: now, limit: 3).count, 3)
    }

    func testStrokeWindowIsFebruaryToMarchOfTheNextYear() {
        let stroke = program(.year, open: (1, 0), close: (3, 0), late: false)
        let w = stroke.offsetWindow(Period.parse("2018", .year)!)!
        XCTAssertEqual(w.opensOn, "2019-02-01")
        XCTAssertEqual(w.deadline, "2019-03-31")
        XCTAssertEqual(stroke.duePeriods(enrolledAt: instant("2000-01-01T00:00:00Z"), now: instant("2019-03-01T00:00:00Z")).map(\.key), ["2018"])
        XCTAssertEqual(stroke.duePeriods(enrolledAt: instant("2000-01-01T00:00:00Z"), now: instant("2019-01-15T00:00:00Z")).map(\.key), [])
    }

    func testLockReasons() {
        let w = Window(opensAt: instant("2019-02-01T00:00:00+08:00"), closesAt: instant("2019-02-21T00:00:00+08:00"))
        let before = instant("2019-01-20T00:00:00Z"), during = instant("2019-02-10T00:00:00Z"), after = instant("2019-03-10T00:00:00Z")
        XCTAssertEqual(EntryState.lock(status: nil, window: w, lateEntry: false, now: before)?.code, "period_not_open")
        XCTAssertNil(EntryState.lock(status: .draft, window: w, lateEntry: false, now: during))
        XCTAssertEqual(EntryState.lock(status: .draft, window: w, lateEntry: false, now: after)?.code, "deadline_passed")
        XCTAssertNil(EntryState.lock(status: .draft, window: w, lateEntry: true, now: after))
        XCTAssertNil(EntryState.lock(status: .returned, window: w, lateEntry: false, now: during))
        XCTAssertEqual(EntryState.lock(status: .submitted, window: w, lateEntry: true, now: during)?.code, "report_submitted")
        XCTAssertEqual(EntryState.lock(status: .underReview, window: w, lateEntry: true, now: during)?.code, "report_under_review")
        XCTAssertEqual(EntryState.lock(status: .accepted, window: w, lateEntry: true, now: during)?.code, "report_accepted")
        XCTAssertEqual(EntryState.lock(status: nil, window: nil, lateEntry: true, now: during)?.code, "period_not_announced")
        XCTAssertEqual(EntryState.status(nil, window: w, now: during).label, "未填报")
        XCTAssertEqual(EntryState.status(.draft, window: w, now: during).label, "填报中")
        XCTAssertEqual(EntryState.status(.draft, window: w, now: after).label, "逾期")
        XCTAssertEqual(EntryState.status(.submitted, window: w, now: after).label, "已提交")
        XCTAssertEqual(EntryState.status(.returned, window: w, now: during).label, "已退回")
        XCTAssertEqual(EntryState.status(.accepted, window: w, now: after).label, "已通过")
        XCTAssertEqual(EntryState.status(.underReview, window: w, now: after).label, "审核中")
    }
}
