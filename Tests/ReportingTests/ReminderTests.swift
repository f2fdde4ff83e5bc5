import Foundation
import KitCore
import XCTest
@testable import ReportingService

/// Which deadline reminder is due at a fixed instant (Engine/Reminders.swift).
final class ReminderTests: XCTestCase {
    func instant(_ s: String) -> Date { Time.parse(s)! }

    func testBeforeWithinTheDaysAndOnTheDeadlineDay() {
        // Zhejiang's 2019-01: 1–20 February (China Standard Time)
        let w = Window(opensAt: instant("2019-01-31T16:00:00Z"), closesAt: instant("2019-02-20T16:00:00Z"))
        XCTAssertNil(Reminders.kind(w, now: instant("2019-02-16T10:00:00+08:00"), days: 3))      // 4 days left
        XCTAssertEqual(Reminders.kind(w, now: instant("2019-02-17T00:00:00+08:00"), days: 3), "before")
        XCTAssertEqual(Reminders.kind(w, now: instant("2019-02-19T23:59:00+08:00"), days: 3), "before")
        XCTAssertEqual(Reminders.kind(w, now: instant("2019-02-20T00:00:00+08:00"), days: 3), "deadline")
        XCTAssertEqual(Reminders.kind(w, now: instant("2019-02-20T23:59:59+08:00"), days: 3), "deadline")
        XCTAssertNil(Reminders.kind(w, now: instant("2019-02-21T00:00:00+08:00"), days: 3))      // closed
        XCTAssertEqual(Reminders.kind(w, now: instant("2019-02-10T10:00:00+08:00"), days: 10), "before")
        XCTAssertNil(Reminders.kind(w, now: instant("2019-01-31T10:00:00+08:00"), days: 30))     // not open yet
    }

    func testTextSaysTheProgramPeriodAndDeadline() {
        let t = Reminders.text(program: "浙江省医疗质量核心指标月报", periodLabel: "2019年1月", deadline: "2019-02-20", daysLeft: 3)
        XCTAssertTrue(t.contains("「浙江省医疗质量核心指标月报」2019年1月") && t.contains("2019-02-20（还有3天）"), t)
        XCTAssertTrue(Reminders.text(program: "p", periodLabel: "x", deadline: "2019-02-20", daysLeft: 0).contains("今天"))
    }
}
