// json-bench: FastJSON vs Foundation's JSONEncoder (configured like the suite's JSON.encoder()).
// Run in release: swift run -c release json-bench [seconds-per-measurement]
import Foundation
import KitCore
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Shapes

/// (a) The bench server's greeting: 3 fields, one Chinese string.
struct Greeting: Codable, Sendable {
    let message: String
    let service: String
    let ok: Bool
}

/// (b) A page of 50 records with 10 fields: optionals, dates, nested arrays.
struct Record: Codable, Sendable {
    enum Status: String, Codable, Sendable { case draft, submitted, approved, rejected }
    struct Reviewer: Codable, Sendable {
        let id: Int
        let name: String
    }
    let id: Int64
    let title: String
    let status: Status
    let score: Double
    let createdAt: Date
    let dueAt: Date?
    let tags: [String]
    let reviewers: [Reviewer]
    let note: String?
    let archived: Bool
}

struct Page: Codable, Sendable {
    let items: [Record]
    let total: Int
    let nextCursor: String?
}

let greeting = Greeting(message: "你好，质控", service: "bench", ok: true)

func record(_ i: Int) -> Record {
    let statuses: [Record.Status] = [.draft, .submitted, .approved, .rejected]
    let created = Date(timeIntervalSince1970: 1_764_000_000 + Double(i) * 3600.125)
    let due: Date? = i % 3 == 0 ? nil : Date(timeIntervalSince1970: 1_765_000_000 + Double(i) * 60)
    let tags: [String] = i % 5 == 0 ? [] : ["line-\(i % 7)", "shift-\(i % 3)", "urgent"]
    let reviewers: [Record.Reviewer] = (0..<(i % 3)).map { Record.Reviewer(id: 500 + $0, name: "审核员\($0)") }
    let note: String? = i % 2 == 0 ? nil : "checked at station \(i)\nok"
    return Record(id: 10_000 + Int64(i), title: "质量报告 #\(i): line \(i % 7) \"inspection\"",
                  status: statuses[i % 4], score: Double(i) * 1.75 + 0.1, createdAt: created, dueAt: due,
                  tags: tags, reviewers: reviewers, note: note, archived: i % 10 == 0)
}

let page = Page(items: (0..<50).map(record), total: 1234, nextCursor: "c2VjcmV0LWN1cnNvcg")

// MARK: - Reference encoder (what JSON.encoder() is)

func rfc3339(_ date: Date) -> String {
    let totalMs = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    var t = time_t((totalMs / 1000) + 8 * 3600)
    let ms = Int((totalMs % 1000 + 1000) % 1000)
    var parts = tm()
    gmtime_r(&t, &parts)
    return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00",
                  Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                  Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms)
}

let foundationEncoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.withoutEscapingSlashes]
    e.dateEncodingStrategy = .custom { date, encoder in
        var c = encoder.singleValueContainer()
        try c.encode(rfc3339(date))
    }
    return e
}()

// MARK: - Timing

@inline(__always) func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

nonisolated(unsafe) var sink = 0

/// A benchmark variant: one operation, returning something to keep alive.
struct Variant {
    let label: String
    let body: () throws -> Int
    var batch = 1
    var best = Double.infinity
}

/// Measures the variants in turns (so that load from other processes hits them alike), for
/// `rounds` rounds of about `seconds` each; keeps each one's best round, in ns per operation.
func measure(_ variants: inout [Variant], seconds: Double, rounds: Int = 5) throws {
    for v in variants.indices {  // warm up and size batches to ~5 ms
        var batch = 1
        while true {
            let start = now()
            for _ in 0..<batch { sink &+= try variants[v].body() }
            if now() - start > 5_000_000 || batch > 1 << 24 { break }
            batch *= 2
        }
        variants[v].batch = batch
    }
    for _ in 0..<rounds {
        for v in variants.indices {
            let batch = variants[v].batch
            var ops = 0
            let start = now()
            let deadline = start + UInt64(seconds * 1e9)
            var end = start
            repeat {
                for _ in 0..<batch { sink &+= try variants[v].body() }
                ops += batch
                end = now()
            } while end < deadline
            variants[v].best = min(variants[v].best, Double(end - start) / Double(ops))
        }
    }
}

func sameJSON(_ a: [UInt8], _ b: Data) -> Bool {
    guard let x = try? JSONSerialization.jsonObject(with: Data(a), options: [.fragmentsAllowed]) as? NSObject,
          let y = try? JSONSerialization.jsonObject(with: b, options: [.fragmentsAllowed]) as? NSObject else { return false }
    return x.isEqual(y)
}

func run<T: Encodable>(_ name: String, _ value: T, seconds: Double) throws {
    let fastBytes = try FastJSON.encode(value)
    let foundationBytes = try foundationEncoder.encode(value)
    guard sameJSON(fastBytes, foundationBytes) else {
        print("MISMATCH for \(name):\n  \(String(decoding: fastBytes, as: UTF8.self))\n  \(String(decoding: foundationBytes, as: UTF8.self))")
        exit(1)
    }

    var buffer: [UInt8] = []
    buffer.reserveCapacity(fastBytes.count * 2)
    var variants = [
        Variant(label: "JSONEncoder.encode -> Data") { try foundationEncoder.encode(value).count },
        Variant(label: "JSONEncoder.encode -> [UInt8]") { Array(try foundationEncoder.encode(value)).count },
        Variant(label: "FastJSON.encode -> [UInt8]") { try FastJSON.encode(value).count },
        Variant(label: "FastJSON.encode(into: reused)") {
            buffer.removeAll(keepingCapacity: true)
            try FastJSON.encode(value, into: &buffer)
            return buffer.count
        },
    ]
    try measure(&variants, seconds: seconds)

    print("\(name) — \(fastBytes.count) bytes of JSON")
    for v in variants {
        let pad = String(repeating: " ", count: max(0, 34 - v.label.count))
        let mbs = Double(fastBytes.count) / v.best * 1e9 / 1e6
        print("  \(v.label)\(pad)\(String(format: "%10.0f ns/op  %8.0f ops/s  %7.1f MB/s", v.best, 1e9 / v.best, mbs))")
    }
    let foundation = variants[0].best, fast = variants[2].best, fastInto = variants[3].best
    print(String(format: "  speed-up: %.1fx (fresh buffer), %.1fx (reused buffer) vs JSONEncoder -> Data",
                 foundation / fast, foundation / fastInto))
}

let seconds = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 0.3
#if DEBUG
print("warning: debug build; run `swift run -c release json-bench` for real figures")
#endif
try run("(a) greeting, 3 fields with a Chinese string", greeting, seconds: seconds)
try run("(b) page of 50 records, 10 fields each (optionals, dates, nested arrays)", page, seconds: seconds)
if sink == 42 { print("") }  // keep the results alive
