import Foundation
import KitClient
import XCTest

/// SMTPMailer against real aiosmtpd servers (Fixtures/smtp_peer.py); the saved messages are decoded
/// with Python's email package (Fixtures/parse_mail.py).
final class SMTPMailerTests: XCTestCase {
    var peer: PeerProcess?
    var outbox: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        try Self.ensureAiosmtpd()
        outbox = FileManager.default.temporaryDirectory.appendingPathComponent("kitclient-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outbox, withIntermediateDirectories: true)
        peer = try PeerProcess(script: "smtp_peer.py", arguments: [outbox.path])
    }

    override func tearDown() {
        peer?.stop()
        peer = nil
        if let outbox { try? FileManager.default.removeItem(at: outbox) }
        super.tearDown()
    }

    /// aiosmtpd is a test-only Python package; install it with pip when missing.
    static func ensureAiosmtpd() throws {
        if try PeerProcess.python(["-c", "import aiosmtpd"]).0 == 0 { return }
        _ = try PeerProcess.python(["-m", "pip", "install", "--quiet", "aiosmtpd"])
        guard try PeerProcess.python(["-c", "import aiosmtpd"]).0 == 0 else {
            throw MissingPythonPackage(name: "aiosmtpd")
        }
    }

    var plainURL: String { "smtp://127.0.0.1:\(peer?.ports[0] ?? 0)" }
    var authURL: String { "smtp://127.0.0.1:\(peer?.ports[1] ?? 0)" }

    let subject = "【质量报告】第三季度审批结果通知 —— 请于本周五前确认，谢谢！📋"
    let body = "张经理，您好：\n\n第三季度质量报告已审批通过。\n.以点开头的一行\n\n此致\n敬礼"

    func savedMessages() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: outbox, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "eml" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func parse(_ file: URL) throws -> [String: Any] {
        let script = PeerProcess.fixtures.appendingPathComponent("parse_mail.py").path
        let (status, data) = try PeerProcess.python([script, file.path])
        XCTAssertEqual(status, 0)
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func envelope(_ file: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: file.deletingPathExtension().appendingPathExtension("json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func testChineseMailArrivesIntact() throws {
        let mailer = SMTPMailer(url: plainURL)
        let message = MailMessage(from: "质量系统 <noreply@quality.example>",
                                  to: ["zhang@example.com", "李四 <li@example.org>"], subject: subject, body: body)
        try mailer.send(message)

        let files = try savedMessages()
        XCTAssertEqual(files.count, 1)
        let file = try XCTUnwrap(files.first)
        let parsed = try parse(file)
        XCTAssertEqual(parsed["subject"] as? String, subject)
        let decodedBody = (parsed["body"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        XCTAssertEqual(decodedBody, body)
        XCTAssertEqual(parsed["from_display"] as? String, "质量系统")
        XCTAssertEqual(parsed["to_addresses"] as? [String], ["zhang@example.com", "li@example.org"])
        XCTAssertEqual(parsed["content_type"] as? String, "text/plain")
        XCTAssertEqual(parsed["charset"] as? String, "utf-8")
        XCTAssertEqual(parsed["transfer_encoding"] as? String, "base64")
        XCTAssertNotNil(parsed["date"] as? String)
        let messageID = try XCTUnwrap(parsed["message_id"] as? String)
        XCTAssertTrue(messageID.hasPrefix("<") && messageID.hasSuffix("@quality.example>"), messageID)
        XCTAssertEqual(parsed["all_lines_crlf"] as? Bool, true)
        XCTAssertLessThanOrEqual(parsed["max_line_length"] as? Int ?? 999, 78)
        XCTAssertEqual(parsed["defects"] as? [String], [])

        let env = try envelope(file)
        XCTAssertEqual(env["mail_from"] as? String, "noreply@quality.example")
        XCTAssertEqual(env["rcpt_tos"] as? [String], ["zhang@example.com", "li@example.org"])
    }

    func testEachSendHasItsOwnMessageID() throws {
        let mailer = SMTPMailer(url: plainURL)
        for i in 0..<2 {
            try mailer.send(MailMessage(from: "a@x.org", to: ["b@y.org"], subject: "n\(i)", body: "x"))
        }
        let ids = try savedMessages().map { try parse($0)["message_id"] as? String ?? "" }
        XCTAssertEqual(ids.count, 2)
        XCTAssertNotEqual(ids[0], ids[1])
    }

    func test550AtRecipientIsPermanent() throws {
        try assertFails(to: "reject550@example.com") { error in
            guard case .permanent(550, let text) = error else { return XCTFail("expected permanent 550, got \(error)") }
            XCTAssertTrue(text.contains("No such user"), text)
        }
    }

    func test451AtRecipientIsTransient() throws {
        try assertFails(to: "defer451@example.com") { error in
            guard case .transient(451, _) = error else { return XCTFail("expected transient 451, got \(error)") }
        }
    }

    func test550AtDataIsPermanent() throws {
        try assertFails(to: "data550@example.com") { error in
            guard case .permanent(550, _) = error else { return XCTFail("expected permanent 550, got \(error)") }
        }
    }

    func test451AtDataIsTransient() throws {
        try assertFails(to: "data451@example.com") { error in
            guard case .transient(451, _) = error else { return XCTFail("expected transient 451, got \(error)") }
        }
    }

    func testOneRejectedRecipientFailsTheWholeMessage() throws {
        try assertFails(to: "ok@example.com", "reject550@example.com") { error in
            guard case .permanent(550, _) = error else { return XCTFail("expected permanent 550, got \(error)") }
        }
    }

    func testAuthenticatedSend() throws {
        let mailer = SMTPMailer(url: authURL, username: "mailer", password: "secret")
        try mailer.send(MailMessage(from: "a@x.org", to: ["b@y.org"], subject: "登录", body: "ok"))
        let files = try savedMessages()
        XCTAssertEqual(files.count, 1)
        XCTAssertEqual(try envelope(files[0])["server"] as? String, "auth")
    }

    func testWrongPasswordIsPermanent() throws {
        let mailer = SMTPMailer(url: authURL, username: "mailer", password: "wrong")
        XCTAssertThrowsError(try mailer.send(MailMessage(from: "a@x.org", to: ["b@y.org"], subject: "s", body: "b"))) { error in
            guard case MailError.permanent(535, _)? = error as? MailError else { return XCTFail("expected 535, got \(error)") }
        }
        XCTAssertEqual(try savedMessages().count, 0)
    }

    func testMissingLoginOnAuthServerIsPermanent() throws {
        let mailer = SMTPMailer(url: authURL)
        XCTAssertThrowsError(try mailer.send(MailMessage(from: "a@x.org", to: ["b@y.org"], subject: "s", body: "b"))) { error in
            guard case MailError.permanent(530, _)? = error as? MailError else { return XCTFail("expected 530, got \(error)") }
        }
    }

    func testCredentialsWithoutServerAuthAreNotSentInTheClear() throws {
        // The plain server offers no AUTH: libcurl would skip login and report success.
        let mailer = SMTPMailer(url: plainURL, username: "mailer", password: "secret")
        XCTAssertThrowsError(try mailer.send(MailMessage(from: "a@x.org", to: ["b@y.org"], subject: "s", body: "b"))) { error in
            guard case MailError.transport(let text)? = error as? MailError else { return XCTFail("expected .transport, got \(error)") }
            XCTAssertTrue(text.contains("AUTH"), text)
        }
        usleep(200_000)
        XCTAssertEqual(try savedMessages().count, 0, "the message was not delivered")
    }

    func testRequireTLSWithoutSTARTTLSFails() throws {
        let mailer = SMTPMailer(url: plainURL, requireTLS: true)
        XCTAssertThrowsError(try mailer.send(MailMessage(from: "a@x.org", to: ["b@y.org"], subject: "s", body: "b"))) { error in
            guard case MailError.transport? = error as? MailError else { return XCTFail("expected .transport, got \(error)") }
        }
        XCTAssertEqual(try savedMessages().count, 0, "no clear-text fallback")
    }

    func testConnectRefusedIsTransport() throws {
        let mailer = SMTPMailer(url: "smtp://127.0.0.1:\(PeerProcess.unusedPort())", timeout: 3)
        XCTAssertThrowsError(try mailer.send(MailMessage(from: "a@x.org", to: ["b@y.org"], subject: "s", body: "b"))) { error in
            guard case MailError.transport? = error as? MailError else { return XCTFail("expected .transport, got \(error)") }
        }
    }

    func testInvalidAddressesArePermanent() throws {
        let mailer = SMTPMailer(url: plainURL)
        for (from, to) in [("not-an-address", ["b@y.org"]), ("a@x.org", ["b@y.org\r\nRCPT TO:<c@z.org>"]), ("a@x.org", [])] {
            XCTAssertThrowsError(try mailer.send(MailMessage(from: from, to: to, subject: "s", body: "b"))) { error in
                guard case MailError.permanent(0, _)? = error as? MailError else { return XCTFail("expected permanent 0, got \(error)") }
            }
        }
        XCTAssertEqual(try savedMessages().count, 0)
    }

    private func assertFails(to recipients: String..., check: (MailError) -> Void,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let mailer = SMTPMailer(url: plainURL)
        let message = MailMessage(from: "a@x.org", to: recipients, subject: subject, body: body)
        XCTAssertThrowsError(try mailer.send(message), file: file, line: line) { error in
            guard let mailError = error as? MailError else { return XCTFail("not a MailError: \(error)", file: file, line: line) }
            check(mailError)
        }
        XCTAssertEqual(try savedMessages().count, 0, file: file, line: line)
    }
}

struct MissingPythonPackage: Error, CustomStringConvertible {
    let name: String
    var description: String { "python3 package \(name) is missing and `python3 -m pip install \(name)` failed" }
}
