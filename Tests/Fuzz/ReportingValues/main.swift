// libFuzzer target: what reporting parses from a hospital's request — period keys (URL and body),
// report values as the JSON body carries them (numbers, decimals, percents, dates, choices, text)
// converted and checked against every indicator type with bounds, the plain-decimal and date
// readers. The engine files are compiled into this harness (scripts/fuzz: TARGET_SOURCES).
import Foundation

private func indicator(_ type: IndicatorType) -> IndicatorRecord {
    IndicatorRecord(id: "i", position: 1, code: "B01", name: "出院人数", category: "住院", unit: "人", type: type,
                    required: true, minValue: type.isNumeric ? 0 : nil, maxValue: type.isNumeric ? 1_000_000_000 : nil,
                    decimals: type == .integer ? 0 : 2, maxLength: 200, choices: ["是", "否"], help: "",
                    formula: nil, operands: [], factor: 1)
}

private let indicators = [IndicatorType.integer, .decimal, .percent, .date, .choice, .text].map(indicator)
private let periodTypes: [PeriodType] = [.week, .month, .quarter, .year]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    for type in periodTypes {
        if let p = Period.parse(text, type) { precondition(p.key == text, "a parsed period must print as its key") }
    }
    if let (value, digits) = ValueRules.parseDecimal(text) {
        precondition(digits <= 6 && !value.isNaN, "plain decimal out of its bounds")
    }
    _ = ValueRules.isDate(text)
    // The body of PUT /reports/:id/values, as the service decodes it.
    if let values = try? JSONDecoder().decode([String: InputValue].self, from: Data(bytes)) {
        for (_, input) in values {
            for ind in indicators { _ = ValueRules.convert(input, for: ind) }
        }
    }
    for ind in indicators { _ = ValueRules.convert(.string(text), for: ind) }
    return 0
}
