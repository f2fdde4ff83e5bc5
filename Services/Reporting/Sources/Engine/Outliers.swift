import Foundation

/// Modified z-score (Iglewicz and Hoaglin): 0.6745 · (x − median) / MAD over the institution's
/// own history. No SQL.
enum OutlierMath {
    /// Warn above this |z|.
    static let threshold = 3.5
    /// Fewer past values than this: no judgement.
    static let minimumHistory = 4

    static func median(_ xs: [Double]) -> Double? {
        guard !xs.isEmpty else { return nil }
        let s = xs.sorted()
        let m = s.count / 2
        return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
    }

    /// The modified z-score of `x` against `history`; nil with fewer than `minimumHistory`
    /// values, or when the history has no spread at all (every past value equal). When the MAD
    /// is 0 but the values do vary, the mean absolute deviation × 1.253314 stands in for
    /// MAD / 0.6745 (the usual fallback, as in IBM's and DHIS2's descriptions).
    static func modifiedZ(_ x: Double, history: [Double]) -> Double? {
        let h = history.filter { $0.isFinite }
        guard h.count >= minimumHistory, x.isFinite, let med = median(h) else { return nil }
        let deviations = h.map { abs($0 - med) }
        if let mad = median(deviations), mad > 0 {
            return 0.6745 * (x - med) / mad
        }
        let meanAD = deviations.reduce(0, +) / Double(deviations.count)
        guard meanAD > 0 else { return nil }
        return (x - med) / (1.253314 * meanAD)
    }

    static func isOutlier(_ z: Double) -> Bool { abs(z) > threshold }
}

/// A warning on one value: it was stored (warnings never block), but it is far from the
/// institution's history or outside the indicator's plausibility limits.
struct FieldWarning: Encodable, Sendable, Equatable {
    var field: String
    var name: String
    var category: String
    /// `outlier` (history), `below_plausible`, `above_plausible` (limits)
    var code: String
    var message: String
    var zScore: Double?
    var median: Double?
    /// The past values compared with, oldest first, as `{period, value}`.
    var history: [HistoryPoint]?
    var warnMin: Decimal?
    var warnMax: Decimal?
    /// The program wants a 说明 before submission and the value has none yet.
    var commentRequired: Bool
    var hasComment: Bool

    struct HistoryPoint: Encodable, Sendable, Equatable {
        var period: String
        var value: Decimal
    }
}

/// Plausibility limits of one indicator.
struct PlausibilityLimit: Sendable {
    var warnMin: Decimal?
    var warnMax: Decimal?
}

enum Outliers {
    static let maxCommentLength = 200

    /// The warnings of a report's numeric values. `history`: code → past values, newest
    /// first (at most the program's number of periods); `limits`: code → limits.
    static func warnings(_ def: FormDefinition, values: [String: StoredValue], history: [String: [FieldWarning.HistoryPoint]],
                         limits: [String: PlausibilityLimit], comments: [String: String],
                         commentRequired: Bool) -> [FieldWarning] {
        var out: [FieldWarning] = []
        for ind in def.indicators where ind.type.isNumeric {
            guard let num = values[ind.code]?.num else { continue }
            let x = NSDecimalNumber(decimal: num).doubleValue
            let hasComment = !(comments[ind.code] ?? "").isEmpty
            func warning(_ code: String, _ message: String) -> FieldWarning {
                FieldWarning(field: ind.code, name: ind.name, category: ind.category, code: code, message: message,
                             commentRequired: commentRequired && !hasComment, hasComment: hasComment)
            }
            if let l = limits[ind.code] {
                if let lo = l.warnMin, num < lo {
                    var w = warning("below_plausible", "\(ind.label)为 \(num)\(ind.unit)，低于合理范围下限 \(lo)\(ind.unit)，请核实")
                    w.warnMin = l.warnMin; w.warnMax = l.warnMax
                    out.append(w)
                } else if let hi = l.warnMax, num > hi {
                    var w = warning("above_plausible", "\(ind.label)为 \(num)\(ind.unit)，高于合理范围上限 \(hi)\(ind.unit)，请核实")
                    w.warnMin = l.warnMin; w.warnMax = l.warnMax
                    out.append(w)
                }
            }
            let past = history[ind.code] ?? []
            let xs = past.map { NSDecimalNumber(decimal: $0.value).doubleValue }
            if let z = modifiedZ(x, past: xs), OutlierMath.isOutlier(z) {
                let med = OutlierMath.median(xs) ?? 0
                var w = warning("outlier", "\(ind.label)为 \(num)\(ind.unit)，与本机构近\(past.count)期数据（中位数 \(format(med))）差异较大（修正Z值 \(format(z))），请核实")
                w.zScore = (z * 100).rounded() / 100
                w.median = med
                w.history = Array(past.reversed())
                out.append(w)
            }
        }
        return out
    }

    private static func modifiedZ(_ x: Double, past: [Double]) -> Double? { OutlierMath.modifiedZ(x, history: past) }

    static func format(_ d: Double) -> String {
        let r = (d * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }

    /// Submission problems: warned values without the 说明 the program requires.
    static func missingComments(_ warnings: [FieldWarning]) -> [FieldProblem] {
        var seen = Set<String>()
        return warnings.filter { $0.commentRequired && seen.insert($0.field).inserted }.map {
            FieldProblem(field: $0.field, name: $0.name, category: $0.category, code: "comment_required",
                         message: "「\($0.name)」（\($0.field)）的数值需核实，请填写说明")
        }
    }
}
