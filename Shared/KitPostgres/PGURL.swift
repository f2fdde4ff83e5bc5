import CPostgres
import Foundation

/// Connection-string helpers.
public struct PGURL {
    /// Returns `url` with `options=-csearch_path=<schema>` added (merged with any existing
    /// `options`). Works for `postgresql://` URLs (percent-encoded query parameter) and for
    /// libpq `key=value` strings (quoted value). Non-trivial schema names are double-quoted.
    public static func withSearchPath(_ url: String, schema: String) -> String {
        withOption(url, "-csearch_path=" + escapeOptionWord(searchPathIdentifier(schema)))
    }

    /// Returns `url` with a libpq connection keyword set (replacing an earlier value), e.g.
    /// `PGURL.withParameter(url, "application_name", "identity")`.
    public static func withParameter(_ url: String, _ keyword: String, _ value: String) -> String {
        if isURI(url) {
            var (base, params) = splitQuery(url)
            params.removeAll { $0.key == keyword }
            params.append((keyword, value))
            return joinQuery(base, params)
        }
        return appendKeyword(url, keyword, value)
    }

    // MARK: - Internals

    static func withOption(_ url: String, _ option: String) -> String {
        if isURI(url) {
            var (base, params) = splitQuery(url)
            if let i = params.lastIndex(where: { $0.key == "options" }) {
                params[i].value += " " + option
            } else {
                params.append(("options", option))
            }
            return joinQuery(base, params)
        }
        let existing = (try? ConnInfo.parse(url))?.last(where: { $0.0 == "options" })?.1
        return appendKeyword(url, "options", existing.map { $0 + " " + option } ?? option)
    }

    static func isURI(_ s: String) -> Bool {
        s.hasPrefix("postgresql://") || s.hasPrefix("postgres://")
    }

    private static func splitQuery(_ url: String) -> (String, [(key: String, value: String)]) {
        guard let q = url.firstIndex(of: "?") else { return (url, []) }
        let base = String(url[..<q])
        var params: [(key: String, value: String)] = []
        for part in url[url.index(after: q)...].split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]).removingPercentEncoding ?? String(kv[0])
            let value = kv.count > 1 ? (String(kv[1]).removingPercentEncoding ?? String(kv[1])) : ""
            params.append((key, value))
        }
        return (base, params)
    }

    private static func joinQuery(_ base: String, _ params: [(key: String, value: String)]) -> String {
        guard !params.isEmpty else { return base }
        return base + "?" + params.map { percentEncode($0.key) + "=" + percentEncode($0.value) }.joined(separator: "&")
    }

    static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    private static func appendKeyword(_ conninfo: String, _ key: String, _ value: String) -> String {
        var quoted = "'"
        for ch in value {
            if ch == "'" || ch == "\\" { quoted += "\\" }
            quoted.append(ch)
        }
        quoted += "'"
        let trimmed = conninfo.trimmingWhitespace()
        return (trimmed.isEmpty ? "" : trimmed + " ") + key + "=" + quoted
    }

    /// A schema name as written in search_path: bare when it is a lower-case identifier.
    static func searchPathIdentifier(_ schema: String) -> String {
        let simple = !schema.isEmpty && schema.unicodeScalars.enumerated().allSatisfy { i, c in
            (c >= "a" && c <= "z") || c == "_" || (i > 0 && ((c >= "0" && c <= "9") || c == "$"))
        }
        return simple ? schema : "\"" + schema.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Escapes whitespace and backslashes for the server's `options` word splitting.
    static func escapeOptionWord(_ s: String) -> String {
        var out = ""
        for ch in s {
            if ch == "\\" || ch.isWhitespace { out += "\\" }
            out.append(ch)
        }
        return out
    }
}

/// libpq connection-string parsing (both URL and key=value forms).
enum ConnInfo {
    /// The keywords explicitly set in `conninfo`, in libpq's order.
    static func parse(_ conninfo: String) throws -> [(String, String)] {
        var err: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &err) else {
            var message = "invalid connection string"
            if let err {
                message += ": " + String(cString: err).trimmingWhitespace()
                PQfreemem(err)
            }
            throw PGError(kind: .connection, message: message)
        }
        defer { PQconninfoFree(options) }
        var result: [(String, String)] = []
        var i = 0
        while let keyword = options[i].keyword {
            if let val = options[i].val {
                result.append((String(cString: keyword), String(cString: val)))
            }
            i += 1
        }
        return result
    }

    /// Parameters for PQconnectdbParams: the parsed URL plus this module's session defaults.
    static func connectParameters(_ url: String) throws -> [(String, String)] {
        var params = try parse(url)
        func has(_ k: String) -> Bool { params.contains { $0.0 == k } }
        if !has("client_encoding") { params.append(("client_encoding", "UTF8")) }
        if !has("connect_timeout") && ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] == nil {
            params.append(("connect_timeout", "10"))
        }
        if !has("fallback_application_name") {
            let name = ProcessInfo.processInfo.processName
            params.append(("fallback_application_name", name.isEmpty ? "KitPostgres" : name))
        }
        // Text formats this module decodes, whatever the server's defaults are.
        let session = "-c DateStyle=ISO,MDY -c bytea_output=hex"
        if let i = params.firstIndex(where: { $0.0 == "options" }) {
            params[i].1 += " " + session
        } else if let env = ProcessInfo.processInfo.environment["PGOPTIONS"], !env.isEmpty {
            params.append(("options", env + " " + session))
        } else {
            params.append(("options", session))
        }
        return params
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
