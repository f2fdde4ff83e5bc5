import Foundation

/// RFC 2047 encoded-words (`=?UTF-8?B?…?=`) for non-ASCII header text such as subjects.
public enum RFC2047 {
    /// An encoded-word is at most 75 characters: "=?UTF-8?B?" (10) + base64 + "?=" (2).
    static let maxEncodedWordLength = 75
    static let prefix = "=?UTF-8?B?"
    static let suffix = "?="
    /// Header lines are kept to this length where the text allows (RFC 5322 recommends 78).
    static let lineLimit = 78
    /// Longest text passed through unencoded (a header line must stay under RFC 5322's 998 octets).
    static let maxPassThroughLength = 900

    /// Encodes `text` for an unstructured header (Subject).
    ///
    /// Printable ASCII (0x20–0x7E) that cannot be mistaken for an encoded-word (no "=?") passes through
    /// unchanged; if it is longer than a header line it is folded at spaces ("\r\n " before a space,
    /// which unfolds back to the original). Anything else (non-ASCII, controls, CR/LF) becomes base64
    /// encoded-words of at most 75 characters, each holding whole UTF-8 characters (whole grapheme
    /// clusters where they fit, else whole scalars), joined by a header fold ("\r\n ").
    public static func encode(_ text: String) -> String {
        encode(text, offset: 0)
    }

    /// `offset`: characters already on the first line (e.g. `"Subject: ".count`), so lines stay ≤ 78.
    static func encode(_ text: String, offset: Int) -> String {
        if isPlain(text) { return fold(text, offset: offset) }
        return encodedWords(text, offset: offset).joined(separator: "\r\n ")
    }

    static func isPlain(_ text: String) -> Bool {
        text.utf8.count <= maxPassThroughLength
            && text.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
            && !text.contains("=?")
    }

    /// Folds plain text at spaces so lines stay within `lineLimit` where possible.
    static func fold(_ text: String, offset: Int) -> String {
        guard offset + text.utf8.count > lineLimit else { return text }
        let segments = text.split(separator: " ", omittingEmptySubsequences: false)
        var out = String(segments[0])
        var lineLength = offset + segments[0].utf8.count
        for segment in segments.dropFirst() {
            let length = segment.utf8.count
            if lineLength + 1 + length > lineLimit, !segment.isEmpty, lineLength > offset {
                out += "\r\n " + segment
                lineLength = 1 + length
            } else {
                out += " " + segment
                lineLength += 1 + length
            }
        }
        return out
    }

    /// UTF-8 bytes that fit in an encoded-word of at most `length` characters.
    static func bytesPerWord(length: Int) -> Int {
        max(3, (length - prefix.count - suffix.count) / 4 * 3)
    }

    /// The encoded-words for `text` (at least one, even for empty text). The first word leaves room
    /// for `offset` characters before it; later words follow a one-space fold.
    static func encodedWords(_ text: String, offset: Int = 0) -> [String] {
        let later = bytesPerWord(length: min(maxEncodedWordLength, lineLimit - 1))
        var limit = bytesPerWord(length: min(maxEncodedWordLength, max(lineLimit - offset, 24)))
        var words: [String] = []
        var chunk: [UInt8] = []
        func add(_ piece: [UInt8]) {
            if chunk.count + piece.count > limit, !chunk.isEmpty {
                words.append(word(chunk))
                chunk.removeAll(keepingCapacity: true)
                limit = later
            }
            chunk.append(contentsOf: piece)
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= later {
                add(bytes)
            } else {
                // A grapheme cluster too long for one word: split between its scalars (≤ 4 bytes each).
                for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        if !chunk.isEmpty || words.isEmpty { words.append(word(chunk)) }
        return words
    }

    private static func word(_ bytes: [UInt8]) -> String {
        prefix + Data(bytes).base64EncodedString() + suffix
    }

    /// Encodes a display name (an RFC 5322 phrase): atoms pass through, other printable ASCII is quoted,
    /// anything else becomes encoded-words.
    static func encodePhrase(_ name: String, offset: Int = 0) -> String {
        let atext = Set("!#$%&'*+-/=?^_`{|}~ ".utf8)
        let bytes = name.utf8
        if isPlain(name) {
            let isAtoms = bytes.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || atext.contains(c)
            }
            if isAtoms { return name }
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return encodedWords(name, offset: offset).joined(separator: "\r\n ")
    }
}
