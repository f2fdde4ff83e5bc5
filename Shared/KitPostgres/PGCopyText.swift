/// COPY's text format, field by field: backslash, tab, newline and carriage return escaped.
public enum PGCopyText {
    /// Appends `value` as a COPY text field; false (nothing appended past the NUL) when it holds
    /// a NUL character, which PostgreSQL text cannot store.
    @discardableResult
    public static func append(_ value: String, to out: inout [UInt8]) -> Bool {
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\\"): out.append(92); out.append(92)
            case 9: out.append(92); out.append(UInt8(ascii: "t"))
            case 10: out.append(92); out.append(UInt8(ascii: "n"))
            case 13: out.append(92); out.append(UInt8(ascii: "r"))
            case 0: return false
            default: out.append(b)
            }
        }
        return true
    }
}
