/// Conservative SQL classification used to decide whether a statement may be re-sent on a
/// fresh connection after the connection was lost (the reply may have been lost after the
/// statement took effect).
enum PGStatement {
    private static let safeLeading: Set<String> = [
        "SELECT", "VALUES", "TABLE", "SHOW", "SET", "RESET", "BEGIN", "START", "COMMIT", "END",
        "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE", "DISCARD", "LISTEN", "UNLISTEN", "DEALLOCATE",
        "WITH", "EXPLAIN",
    ]
    private static let dataChanging: Set<String> = [
        "INSERT", "UPDATE", "DELETE", "MERGE", "INTO", "ANALYZE", "ANALYSE", "COPY", "TRUNCATE",
        "CREATE", "DROP", "ALTER", "GRANT", "REVOKE", "CALL", "DO", "NOTIFY",
    ]

    /// True when re-running `sql` cannot change data: read-only queries and session or
    /// transaction control. `allowMultiple: false` treats several statements as unsafe.
    static func isRetrySafe(_ sql: String, allowMultiple: Bool = false) -> Bool {
        let (words, statements) = scan(sql)
        guard let first = words.first, safeLeading.contains(first) else { return false }
        if statements > 1 && !allowMultiple { return false }
        switch first {
        case "SELECT", "VALUES", "TABLE", "WITH", "EXPLAIN":
            return !words.contains { dataChanging.contains($0) }
        default:
            return true
        }
    }

    /// Upper-cased keywords outside literals/comments, and the number of non-empty statements.
    private static func scan(_ sql: String) -> ([String], Int) {
        let s = Array(sql.unicodeScalars)
        var words: [String] = []
        var statements = 0
        var sawToken = false
        var i = 0
        func isIdent(_ c: Unicode.Scalar) -> Bool {
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_" || c == "$" || c.value > 127
        }
        while i < s.count {
            let c = s[i]
            if c == "-", i + 1 < s.count, s[i + 1] == "-" {
                while i < s.count, s[i] != "\n" { i += 1 }
            } else if c == "/", i + 1 < s.count, s[i + 1] == "*" {
                var depth = 1
                i += 2
                while i < s.count, depth > 0 {
                    if s[i] == "*", i + 1 < s.count, s[i + 1] == "/" { depth -= 1; i += 2 }
                    else if s[i] == "/", i + 1 < s.count, s[i + 1] == "*" { depth += 1; i += 2 }
                    else { i += 1 }
                }
            } else if c == "'" || c == "\"" {
                sawToken = true
                i += 1
                while i < s.count {
                    if s[i] == c {
                        if i + 1 < s.count, s[i + 1] == c { i += 2; continue }
                        break
                    }
                    i += 1
                }
                i += 1
            } else if c == "$", i + 1 < s.count, !(s[i + 1] >= "0" && s[i + 1] <= "9") {
                // dollar quote $tag$ … $tag$
                var j = i + 1
                while j < s.count, s[j] != "$", isIdent(s[j]) { j += 1 }
                if j < s.count, s[j] == "$" {
                    let tag = Array(s[i...j])
                    sawToken = true
                    i = j + 1
                    while i < s.count {
                        if s[i] == "$", i + tag.count <= s.count, Array(s[i..<(i + tag.count)]) == tag {
                            i += tag.count
                            break
                        }
                        i += 1
                    }
                } else {
                    i += 1
                }
            } else if c == ";" {
                if sawToken { statements += 1 }
                sawToken = false
                i += 1
            } else if isIdent(c) {
                var j = i
                while j < s.count, isIdent(s[j]) { j += 1 }
                var w = String.UnicodeScalarView()
                w.append(contentsOf: s[i..<j])
                words.append(String(w).uppercased())
                sawToken = true
                i = j
            } else {
                if !(c == " " || c == "\n" || c == "\t" || c == "\r") { sawToken = true }
                i += 1
            }
        }
        if sawToken { statements += 1 }
        return (words, statements)
    }
}
