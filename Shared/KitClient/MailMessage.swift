import Foundation

/// A plain-text mail. `from` and each `to` are either a bare address ("a@example.com") or a
/// display name with an address ("质量系统 <noreply@example.com>").
public struct MailMessage: Sendable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String

    public init(from: String, to: [String], subject: String, body: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Why a mail was not accepted, classified by the SMTP reply code (CURLINFO_RESPONSE_CODE).
public enum MailError: Error, Sendable, CustomStringConvertible {
    /// 4xx: try again later (greylisting, mailbox busy, server overloaded, …).
    case transient(Int, String)
    /// 5xx: do not retry (unknown mailbox, rejected content, authentication failed, …). Code 0 is used
    /// for messages rejected before any SMTP exchange (an invalid address).
    case permanent(Int, String)
    /// No usable SMTP reply: connect failure, timeout, TLS required but unavailable, no AUTH offered
    /// although credentials are configured, …
    case transport(String)

    public var description: String {
        switch self {
        case .transient(let code, let m): return "SMTP transient failure \(code): \(m)"
        case .permanent(let code, let m): return "SMTP permanent failure \(code): \(m)"
        case .transport(let m): return "SMTP transport failure: \(m)"
        }
    }
}

/// An address as written in a header and as used in the envelope.
struct MailAddress: Equatable {
    var displayName: String?
    var address: String

    /// Parses "addr" or "Name <addr>" / "\"Name\" <addr>". Nil when the address part is unusable.
    static func parse(_ text: String) -> MailAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name: String?
        var addr = trimmed
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            addr = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            var n = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if n.count >= 2, n.hasPrefix("\""), n.hasSuffix("\"") {
                n = String(n.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            name = n.isEmpty ? nil : n
        }
        guard isValidAddress(addr) else { return nil }
        if let n = name, n.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return nil
        }
        return MailAddress(displayName: name, address: addr)
    }

    /// A pragmatic addr-spec check: local@domain, printable ASCII or UTF-8 (SMTPUTF8 peers), no
    /// whitespace, controls or characters that would break the envelope or header.
    static func isValidAddress(_ addr: String) -> Bool {
        guard let at = addr.lastIndex(of: "@"), at != addr.startIndex, addr.index(after: at) != addr.endIndex else {
            return false
        }
        return !addr.unicodeScalars.contains { s in
            s.value <= 0x20 || s.value == 0x7F || "<>(),;:\\\"[]".unicodeScalars.contains(s)
        }
    }

    var domain: String {
        address.lastIndex(of: "@").map { String(address[address.index(after: $0)...]) } ?? "localhost"
    }

    /// The header form: `address` or `encoded-name <address>`; `offset` is what precedes it on its line.
    func headerValue(offset: Int) -> String {
        guard let displayName else { return address }
        let name = RFC2047.encodePhrase(displayName, offset: offset)
        let lastLine = name.components(separatedBy: "\r\n").last ?? name
        let onFirstLine = !name.contains("\r\n")
        let used = (onFirstLine ? offset : 0) + lastLine.utf8.count
        // Fold before the address when it would push the line past 78 characters.
        return used + address.utf8.count + 3 > 78 ? "\(name)\r\n <\(address)>" : "\(name) <\(address)>"
    }
}
