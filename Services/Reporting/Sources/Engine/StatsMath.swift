import Foundation

/// Pure pieces of the statistics: how a figure is made from summed parts, and region node paths.
enum StatsMath {
    /// A rate from summed parts: Σ numerator / Σ denominator × factor, rounded to `decimals`
    /// (nil when the denominator is 0). Never an average of the institutions' rates.
    static func pooledRate(numerator: Decimal, denominator: Decimal, factor: Decimal, decimals: Int) -> Decimal? {
        guard denominator != 0 else { return nil }
        return round(numerator * factor / denominator, decimals)
    }

    /// The figure of an indicator at a node: a rate (ratio indicators) from its summed parts;
    /// a count (integers and sums) summed; an entered decimal or percent (e.g. an average length
    /// of stay, which has no parts) as the mean over the institutions behind it.
    static func figure(formula: String?, type: String, valueSum: Decimal, numerator: Decimal, denominator: Decimal,
                       institutions: Int, factor: Decimal, decimals: Int) -> Decimal? {
        if formula == "ratio" {
            return pooledRate(numerator: numerator, denominator: denominator, factor: factor, decimals: decimals)
        }
        if formula == "sum" || type == "integer" { return valueSum }
        guard institutions > 0 else { return nil }
        return round(valueSum / Decimal(institutions), decimals)
    }

    /// "rate", "sum" or "mean": how `figure` combines an indicator.
    static func kind(formula: String?, type: String) -> String {
        if formula == "ratio" { return "rate" }
        if formula == "sum" || type == "integer" { return "sum" }
        return "mean"
    }

    static func round(_ d: Decimal, _ decimals: Int) -> Decimal {
        var x = d, out = Decimal()
        NSDecimalRound(&out, &x, max(0, min(decimals, 6)), .plain)
        return out
    }

    /// Number of segments of a node path ("86/33" → 2).
    static func depth(_ node: String) -> Int { node.split(separator: "/", omittingEmptySubsequences: false).count }

    /// The first `segments` segments of a path (its ancestor at that depth), nil when shorter.
    static func ancestor(_ path: String, segments: Int) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments >= 1, parts.count >= segments else { return nil }
        return parts.prefix(segments).joined(separator: "/")
    }

    /// A node path as callers may name one: 1–8 non-empty segments of ASCII letters, digits,
    /// '-' or '_', at most 200 bytes.
    static func validNode(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard !b.isEmpty, b.count <= 200 else { return false }
        var segments = 1, segmentLength = 0
        for c in b {
            if c == 0x2F {
                guard segmentLength > 0 else { return false }
                segments += 1
                segmentLength = 0
                continue
            }
            let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2D || c == 0x5F
            guard ok else { return false }
            segmentLength += 1
        }
        return segmentLength > 0 && segments <= 8
    }
}
