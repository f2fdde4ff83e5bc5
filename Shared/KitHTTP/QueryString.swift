extension Request {
    /// One parameter of a raw query string, decoded like `query` (the last value wins), for code
    /// that sees only the raw query: a route's `bodyLimit`, which runs before a `Request` exists.
    public static func queryValue(_ rawQuery: String, _ name: String) -> String? {
        var found: String?
        for pair in rawQuery.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard formDecode(kv[0]) == name else { continue }
            found = kv.count > 1 ? formDecode(kv[1]) : ""
        }
        return found
    }
}
