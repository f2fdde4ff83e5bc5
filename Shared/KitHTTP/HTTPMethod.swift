/// Request methods the kit routes. Parsed from bytes without allocating.
public enum HTTPMethod: String, Sendable, CaseIterable, Hashable {
    case GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS

    /// Parses an upper-case token; nil for anything else (the server answers 501/400).
    static func parse(_ p: UnsafePointer<UInt8>, _ n: Int) -> HTTPMethod? {
        func eq(_ s: StaticString) -> Bool {
            guard s.utf8CodeUnitCount == n else { return false }
            let q = s.utf8Start
            for i in 0..<n where p[i] != q[i] { return false }
            return true
        }
        switch n {
        case 3: return eq("GET") ? .GET : eq("PUT") ? .PUT : nil
        case 4: return eq("POST") ? .POST : eq("HEAD") ? .HEAD : nil
        case 5: return eq("PATCH") ? .PATCH : nil
        case 6: return eq("DELETE") ? .DELETE : nil
        case 7: return eq("OPTIONS") ? .OPTIONS : nil
        default: return nil
        }
    }
}
