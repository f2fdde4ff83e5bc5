import Foundation
import KitClient
import XCTest

/// SMTPMailer.render produces a complete RFC 5322 message with CRLF line ends.
final class MailRenderTests: XCTestCase {
    let date = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 +0000

    func testHeadersAndBody() throws {
        let message = MailMessage(from: "质量系统 <noreply@example.com>", to: ["a@example.com", "Bob Li <b@example.org>"],
                                  subject: "审批通知", body: "您好：\n报告已通过。\n.\n谢谢")
        let text = SMTPMailer.render(message, date: date, messageID: "abc123@example.com")
        let parts = text.components(separatedBy: "\r\n\r\n")
        XCTAssertGreaterThanOrEqual(parts.count, 2)
        let head = parts[0]
        XCTAssertTrue(head.hasPrefix("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"), head)
        XCTAssertTrue(head.contains("\r\nFrom: =?UTF-8?B?"), head)
        XCTAssertTrue(head.contains(" <noreply@example.com>\r\n"), head)
        XCTAssertTrue(head.contains("\r\nTo: a@example.com,\r\n Bob Li <b@example.org>\r\n"), head)
        XCTAssertTrue(head.contains("\r\nSubject: \(RFC2047.encode("审批通知"))\r\n"), head)
        XCTAssertTrue(head.contains("\r\nMessage-ID: <abc123@example.com>\r\n"), head)
        XCTAssertTrue(head.contains("\r\nMIME-Version: 1.0\r\n"))
        XCTAssertTrue(head.contains("\r\nContent-Type: text/plain; charset=UTF-8\r\n"))
        XCTAssertTrue(head.hasSuffix("Content-Transfer-Encoding: base64"))

        // Only CRLF line ends, and the base64 body in lines of at most 76.
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        XCTAssertFalse(text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        XCTAssertTrue(text.hasSuffix("\r\n"))
        let bodyLines = parts[1].components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertTrue(bodyLines.allSatisfy { $0.count <= 76 })
        let decoded = Data(base64Encoded: bodyLines.joined()).map { String(decoding: $0, as: UTF8.self) }
        XCTAssertEqual(decoded, "您好：\r\n报告已通过。\r\n.\r\n谢谢", "text/plain canonical form uses CRLF")
    }

    func testLongBodyWrapsAt76() {
        let body = String(repeating: "质量", count: 500)
        let text = SMTPMailer.render(MailMessage(from: "a@x.org", to: ["b@y.org"], subject: "s", body: body),
                                     date: date, messageID: "<id@x.org>")
        let lines = text.components(separatedBy: "\r\n")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 78 }, "no line longer than 78")
        XCTAssertTrue(text.contains("\r\nMessage-ID: <id@x.org>\r\n"), "brackets are not doubled")
        XCTAssertEqual(lines.filter { $0.count == 76 }.count, 4000 / 76)  // 3000 bytes → 4000 base64 chars
    }

    func testPlainASCIISubjectAndQuotedDisplayName() {
        let message = MailMessage(from: "\"Li, Wei\" <wei@x.org>", to: ["b@y.org"], subject: "Weekly report", body: "ok")
        let text = SMTPMailer.render(message, date: date, messageID: "m@x.org")
        XCTAssertTrue(text.contains("\r\nSubject: Weekly report\r\n"))
        XCTAssertTrue(text.contains("\r\nFrom: \"Li, Wei\" <wei@x.org>\r\n"), text)
    }
}
