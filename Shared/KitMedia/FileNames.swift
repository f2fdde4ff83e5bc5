import Foundation

/// User-supplied file names made safe for display, storage metadata and Content-Disposition.
public enum FileNames {
    /// Longest sanitised name, in characters (grapheme clusters).
    public static let maxLength = 100

    /// Sanitises a client-supplied file name:
    /// - Unicode NFC (macOS sends decomposed names);
    /// - keeps only the last path component, splitting on both `/` and `\`;
    /// - removes control characters (C0, DEL, C1), format characters (bidi overrides such as U+202E,
    ///   zero-width characters) and line/paragraph separators;
    /// - replaces the characters Windows forbids in names, `< > : " | ? *`, with `_`;
    /// - collapses runs of dots (so `..` never survives), trims white space, strips leading dots and
    ///   trailing dots (Windows drops them);
    /// - prefixes `_` to Windows device names (CON, NUL, COM1 …);
    /// - limits the result to `maxLength` characters, cutting whole characters and keeping a short
    ///   extension (≤ 16 characters) when it can;
    /// - keeps Chinese and every other printable character; an empty result becomes "file".
    public static func sanitize(_ name: String) -> String {
        let normalized = name.precomposedStringWithCanonicalMapping
        let component = normalized.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""

        var scalars = String.UnicodeScalarView()
        var previousWasDot = false
        for scalar in component.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate:
                continue
            default:
                break
            }
            if scalar == "." {
                if previousWasDot { continue }
                previousWasDot = true
            } else {
                previousWasDot = false
            }
            if "<>:\"|?*".unicodeScalars.contains(scalar) {
                scalars.append("_")
            } else {
                scalars.append(scalar)
            }
        }
        var result = trimEnds(String(scalars))

        var stem = result, ext = ""
        if let dot = result.lastIndex(of: "."), dot != result.startIndex {
            let candidate = String(result[result.index(after: dot)...])
            if !candidate.isEmpty && candidate.count <= 16 {
                stem = String(result[..<dot]); ext = candidate
            }
        }
        let reserved = Set(["CON", "PRN", "AUX", "NUL"] + (1...9).map { "COM\($0)" } + (1...9).map { "LPT\($0)" })
        if reserved.contains(stem.uppercased()) { stem = "_" + stem }

        let extLength = ext.isEmpty ? 0 : ext.count + 1
        if stem.count + extLength > maxLength {
            if extLength < maxLength / 2 {
                stem = trimEnds(String(stem.prefix(maxLength - extLength)))
            } else {
                stem = trimEnds(String((stem + (ext.isEmpty ? "" : "." + ext)).prefix(maxLength)))
                ext = ""
            }
        }
        result = ext.isEmpty ? stem : stem + "." + ext
        result = trimEnds(result)
        return result.isEmpty ? "file" : result
    }

    /// A Content-Disposition header value (RFC 6266 with an RFC 5987 extended parameter):
    /// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded UTF-8>`
    /// (`inline` instead of `attachment` when `inline` is true). The name is sanitised first. In the fallback
    /// every run of non-ASCII characters becomes one `_`, and `"`, `\` and `%` become `_`; when no letter or digit
    /// of the stem survives, the fallback is "file" plus the extension.
    public static func contentDisposition(_ name: String, inline: Bool = false) -> String {
        let safe = sanitize(name)
        var fallback = ""
        var lastWasReplacement = false
        for scalar in safe.unicodeScalars {
            if scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F {
                if scalar == "\"" || scalar == "\\" || scalar == "%" {
                    fallback.append("_")
                } else {
                    fallback.unicodeScalars.append(scalar)
                }
                lastWasReplacement = false
            } else if !lastWasReplacement {
                fallback.append("_")
                lastWasReplacement = true
            }
        }
        var fallbackStem = fallback, fallbackExt = ""
        if let dot = fallback.lastIndex(of: "."), dot != fallback.startIndex {
            fallbackStem = String(fallback[..<dot]); fallbackExt = String(fallback[dot...])
        }
        if !fallbackStem.unicodeScalars.contains(where: { $0.properties.isAlphabetic || ("0"..."9").contains($0) }) {
            fallback = "file" + fallbackExt
        }

        var encoded = ""
        for byte in safe.utf8 {
            if isAttrChar(byte) {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                encoded += String(format: "%%%02X", byte)
            }
        }
        return "\(inline ? "inline" : "attachment"); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }

    /// RFC 5987 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~".
    private static func isAttrChar(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        default: return "!#$&+-.^_`|~".utf8.contains(b)
        }
    }

    /// Trims white space and dots at the start, white space and dots at the end.
    private static func trimEnds(_ s: String) -> String {
        var scalars = Substring(s).unicodeScalars[...]
        while let f = scalars.first, f == "." || f.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let l = scalars.last, l == "." || l.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
