import Foundation
import KitClient
import XCTest

/// SMTPMailer's CA file (CURLOPT_CAINFO, identity's SMTP_CA_FILE) against a real aiosmtpd relay
/// that offers STARTTLS with a certificate of a CA made here with the openssl command line: the
/// relay is refused while only the system store is trusted, and reached with the CA file.
final class SMTPCAFileTests: XCTestCase {
    var peer: PeerProcess?
    var dir: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        try SMTPMailerTests.ensureAiosmtpd()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("kitclient-smtp-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        try makeCA(name: "ca", cn: "院内测试根证书")
        try makeCA(name: "other", cn: "另一个根证书")
        try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", path("server.key"), "-out", path("server.csr"),
                     "-subj", "/CN=127.0.0.1"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: path("server.ext"), atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                     "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext")])
        peer = try PeerProcess(script: "smtp_tls_peer.py", arguments: [path("out"), path("server.pem"), path("server.key")])
    }

    override func tearDown() {
        peer?.stop()
        peer = nil
        if let dir { try? FileManager.default.removeItem(at: dir) }
        super.tearDown()
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func makeCA(name: String, cn: String) throws {
        try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("\(name).key"), "-out", path("\(name).pem"),
                     "-days", "2", "-subj", "/CN=\(cn)", "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    func openssl(_ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["openssl"] + arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "openssl \(arguments.joined(separator: " "))")
        if p.terminationStatus != 0 { throw CocoaError(.fileWriteUnknown) }
    }

    var url: String { "smtp://127.0.0.1:\(peer?.port ?? 0)" }
    let message = MailMessage(from: "noreply@quality.example", to: ["zhang@hospital.example"], subject: "密码重置", body: "正文")

    func delivered() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: path("out")).filter { $0.hasSuffix(".eml") }.count
    }

    func testRelayOfAnUnknownCAIsRefused() throws {
        let mailer = SMTPMailer(url: url, requireTLS: true, timeout: 10)
        XCTAssertThrowsError(try mailer.send(message)) { error in
            guard case MailError.transport? = error as? MailError else { return XCTFail("expected .transport, got \(error)") }
        }
        XCTAssertEqual(try delivered(), 0, "nothing sent to a relay whose certificate is not trusted")
    }

    func testAnotherCAFileDoesNotTrustTheRelay() throws {
        let mailer = SMTPMailer(url: url, requireTLS: true, timeout: 10, caFile: path("other.pem"))
        XCTAssertThrowsError(try mailer.send(message))
        XCTAssertEqual(try delivered(), 0)
    }

    func testTheCAFileMakesTheRelayTrusted() throws {
        let mailer = SMTPMailer(url: url, requireTLS: true, timeout: 10, caFile: path("ca.pem"))
        try mailer.send(message)
        XCTAssertEqual(try delivered(), 1)
    }
}
