import Foundation

/// Demo history (dev mode, SEED_DEMO=1): plausible values for a form and what became of each
/// period. Deterministic: the same hospital and period always get the same numbers. No SQL.
enum DemoData {
    /// The demo hospitals identity's demo seed creates (matched by name in identity's directory).
    static let hospitals: [(name: String, region: String)] = [
        ("浙江省人民医院（演示）", "330100"),
        ("宁波市第一医院（演示）", "330200"),
        ("温州市中心医院（演示）", "330300"),
    ]

    /// A small deterministic generator (SplitMix64) seeded from a text.
    struct Rand {
        var state: UInt64
        init(_ seed: String) {
            var h: UInt64 = 1469598103934665603
            for b in seed.utf8 { h = (h ^ UInt64(b)) &* 1099511628211 }
            state = h
        }
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
        mutating func int(_ lo: Int, _ hi: Int) -> Int { hi <= lo ? lo : lo + Int(next() % UInt64(hi - lo + 1)) }
        mutating func chance(_ percent: Int) -> Bool { int(1, 100) <= percent }
    }

    /// Values for every entered indicator of `def` that pass the checks and rules (formulas are
    /// computed by the caller); nil when none could be made.
    static func values(_ def: FormDefinition, seed: String, day: String) -> [String: StoredValue]? {
        var r = Rand(seed)
        var out: [String: StoredValue] = [:]
        let lefts = Set(def.rules.flatMap(\.leftCodes))
        for ind in def.indicators where !ind.computed {
            switch ind.type {
            case .integer:
                let lo = max(0, NSDecimalNumber(decimal: ind.minValue ?? 0).intValue)
                var hi = ind.maxValue.map { NSDecimalNumber(decimal: $0).intValue } ?? (lefts.contains(ind.code) ? 60 : 5000)
                if hi < lo { hi = lo }
                out[ind.code] = .number(Decimal(r.int(lo, min(hi, lo + 5000))))
            case .decimal, .percent:
                let lo = NSDecimalNumber(decimal: ind.minValue ?? 0).doubleValue
                let hi = ind.maxValue.map { NSDecimalNumber(decimal: $0).doubleValue } ?? (ind.type == .percent ? 100 : 30)
                let v = lo + (hi - lo) * Double(r.int(5, 60)) / 100
                out[ind.code] = .number(ValueRules.round(Decimal(v), ind.decimals))
            case .date: out[ind.code] = .text(day)
            case .choice: if !ind.choices.isEmpty { out[ind.code] = .text(ind.choices[r.int(0, ind.choices.count - 1)]) }
            case .text: out[ind.code] = .text(String("质控科".prefix(max(1, ind.maxLength))))
            }
        }
        // Parts never exceed their totals: shrink the left side of a broken rule (a few rounds,
        // since a part of one rule may be the total of another).
        for _ in 0..<4 {
            for rule in def.rules {
                guard let right = out[rule.rightCode]?.num else { continue }
                let left = rule.leftCodes.compactMap { out[$0]?.num }
                guard left.reduce(Decimal(0), +) > right else { continue }
                let share = NSDecimalNumber(decimal: right).intValue / max(1, rule.leftCodes.count * 8)
                for code in rule.leftCodes { out[code] = .number(Decimal(r.int(0, max(0, share)))) }
            }
        }
        for (code, v) in ValueRules.compute(def, out) { out[code] = v }
        return ValueRules.submissionProblems(def, out).isEmpty ? out : nil
    }

    /// What became of a period: accepted (or submitted where nobody reviews), returned with an
    /// opinion, late, or still a draft.
    enum Fate: Equatable { case done(late: Bool), returned(opinion: String), draft, none }

    static let opinions = ["出院人数与病案首页统计不一致，请核实后重新提交。", "手术患者并发症发生例数偏高，请确认数据口径。",
                           "门诊处方数与上月差异较大，请核实。"]

    /// `index`: 0 for the newest period. Every hospital has a returned month (the 4th newest)
    /// and a late one (the 6th); the others are accepted, some late.
    static func fate(seed: String, index: Int, newest: Bool) -> Fate {
        var r = Rand(seed + ":fate")
        if newest { return r.chance(50) ? .draft : .none }
        if index == 3 { return .returned(opinion: opinions[r.int(0, opinions.count - 1)]) }
        if index == 5 { return .done(late: true) }
        return .done(late: r.chance(15))
    }
}
