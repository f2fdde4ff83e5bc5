import CCurl
import Foundation

/// Sends plain-text UTF-8 mail through an SMTP relay with libcurl. Blocking; safe to share between threads
/// (each `send` uses its own curl handle and connection).
public final class SMTPMailer: @unchecked Sendable {
    public let url: String
    private let username: String?
    private let password: String?
    public let requireTLS: Bool
    public let timeout: TimeInterval
    /// A PEM file of CA certificates trusted for the relay's TLS certificate (CURLOPT_CAINFO)
    /// instead of the system store: mail relays of hospitals often use an internal CA.
    public let caFile: String?

    /// url: smtp://host:port or smtps://host:port (an optional path sets the EHLO name).
    /// requireTLS → CURLUSESSL_ALL: STARTTLS is mandatory on smtp:// (never a silent clear-text fallback).
    /// With a username, the message is sent only after a successful AUTH; a server that offers no AUTH
    /// fails with `MailError.transport` instead of silently accepting mail without login.
    public init(url: String, username: String? = nil, password: String? = nil, requireTLS: Bool = false,
                timeout: TimeInterval = 15, caFile: String? = nil) {
        self.url = url
        self.caFile = caFile.flatMap { $0.isEmpty ? nil : $0 }
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
        self.timeout = timeout
        CurlGlobal.ensureInitialized()
    }

    /// Sends one message to all recipients (all or nothing: a rejected recipient fails the send).
    /// Throws `MailError` classified by the server's last reply code: 4xx `.transient`, 5xx `.permanent`,
    /// no reply `.transport`.
    public func send(_ message: MailMessage) throws {
        guard let from = MailAddress.parse(message.from) else {
            throw MailError.permanent(0, "invalid sender address \(message.from.debugDescription)")
        }
        guard !message.to.isEmpty else { throw MailError.permanent(0, "no recipients") }
        var recipients: [MailAddress] = []
        for raw in message.to {
            guard let address = MailAddress.parse(raw) else {
                throw MailError.permanent(0, "invalid recipient address \(raw.debugDescription)")
            }
            recipients.append(address)
        }
        let lower = url.lowercased()
        guard lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://") else {
            throw MailError.transport("unsupported mail URL \(url.debugDescription) (smtp:// or smtps://)")
        }

        let messageID = Self.makeMessageID(domain: from.domain)
        let text = Self.render(message, date: Date(), messageID: messageID)
        let state = SMTPTransferState(payload: Array(text.utf8), requiresAuth: username != nil)
        let rcptList = CurlStringList(recipients.map { "<\($0.address)>" })

        guard let handle = CurlHandle() else { throw MailError.transport("curl_easy_init failed") }
        handle.armErrorBuffer()
        handle.set(CURLOPT_URL, url)
        handle.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        handle.set(CURLOPT_NOSIGNAL, 1)
        handle.set(CURLOPT_TIMEOUT_MS, HTTPClient.milliseconds(timeout))
        handle.set(CURLOPT_CONNECTTIMEOUT_MS, HTTPClient.milliseconds(timeout))
        handle.set(CURLOPT_UPLOAD, 1)  // without it curl issues VRFY instead of sending
        handle.set(CURLOPT_MAIL_FROM, "<\(from.address)>")
        handle.set(CURLOPT_MAIL_RCPT, list: rcptList)
        handle.set(CURLOPT_INFILESIZE_LARGE, offset: Int64(state.payload.count))
        handle.set(CURLOPT_READFUNCTION, callback: kitClientSMTPRead)
        handle.set(CURLOPT_READDATA, pointer: Unmanaged.context(state))
        handle.set(CURLOPT_VERBOSE, 1)
        handle.setDebugFunction(kitClientSMTPDebug)
        handle.set(CURLOPT_DEBUGDATA, pointer: Unmanaged.context(state))
        if requireTLS {
            handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        }
        if let caFile {
            handle.set(CURLOPT_CAINFO, caFile)
        }
        if let username {
            handle.set(CURLOPT_USERNAME, username)
            handle.set(CURLOPT_PASSWORD, password ?? "")
        }

        let code = withExtendedLifetime((state, rcptList)) { handle.perform() }
        guard code != CURLE_OK else { return }

        let reply = handle.infoLong(CURLINFO_RESPONSE_CODE)
        var detail = handle.errorMessage(code)
        if !state.failureReply.isEmpty { detail += " (server: \(state.failureReply))" }
        if state.refusedUnauthenticated {
            throw MailError.transport("server offered no AUTH although credentials are configured; not sent")
        }
        switch reply {
        case 400..<500: throw MailError.transient(reply, detail)
        case 500..<600: throw MailError.permanent(reply, detail)
        default: throw MailError.transport(detail)
        }
    }

    /// The full RFC 5322 message (CRLF line ends): Date, From, To, RFC 2047 Subject, Message-ID, MIME
    /// headers, and the body as base64 UTF-8 text/plain in lines of 76. `messageID` may be given with or
    /// without angle brackets.
    public static func render(_ message: MailMessage, date: Date = Date(), messageID: String) -> String {
        var lines: [String] = []
        lines.append("Date: \(rfc5322Date(date))")
        lines.append("From: \(headerAddress(message.from, offset: "From: ".count))")
        lines.append("To: \(message.to.enumerated().map { headerAddress($1, offset: $0 == 0 ? "To: ".count : 1) }.joined(separator: ",\r\n "))")
        lines.append("Subject: \(RFC2047.encode(message.subject, offset: "Subject: ".count))")
        lines.append("Message-ID: \(bracketed(messageID))")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=UTF-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines.append(contentsOf: base64Lines(canonicalText(message.body)))
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func makeMessageID(domain: String) -> String {
        let host = domain.isEmpty ? "localhost" : domain
        return "<\(UUID().uuidString.lowercased())@\(host)>"
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }

    private static func bracketed(_ id: String) -> String {
        let clean = stripControls(id).trimmingCharacters(in: .whitespaces)
        if clean.hasPrefix("<") && clean.hasSuffix(">") { return clean }
        return "<\(clean)>"
    }

    private static func headerAddress(_ raw: String, offset: Int) -> String {
        if let parsed = MailAddress.parse(raw) { return parsed.headerValue(offset: offset) }
        return stripControls(raw)  // render never throws; `send` rejects such addresses first
    }

    private static func stripControls(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
    }

    /// text/plain canonical form: every line break is CRLF (before base64, per RFC 2045).
    static func canonicalText(_ body: String) -> [UInt8] {
        let unified = body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return Array(unified.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    static func base64Lines(_ bytes: [UInt8], width: Int = 76) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: width, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }
}
