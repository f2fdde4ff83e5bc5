// libFuzzer target: the allow-list sanitizer of notices (信息发布, reporting's
// Engine/NoticeHtml.swift, compiled into this harness by scripts/fuzz: TARGET_SOURCES). For
// any input: no trap, the output holds only allowed markup (every '<' opens an allowed tag, an
// href only http(s)), and sanitizing the output again changes nothing.
import Foundation

private let allowedStarts = ["<p>", "</p>", "<br>", "<strong>", "</strong>", "<em>", "</em>", "<ul>", "</ul>", "<ol>", "</ol>",
                             "<li>", "</li>", "<h3>", "</h3>", "</a>", "<a href=\"http://", "<a href=\"https://"].map { Array($0.utf8) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let out = try? NoticeHtml.sanitize(text) else {
        precondition(text.utf8.count > NoticeHtml.maxInputBytes, "only an over-long input is refused")
        return 0
    }
    let bytes = Array(out.utf8)
    var k = 0
    while k < bytes.count {
        if bytes[k] == 0x3C {
            let rest = bytes[k...]
            precondition(allowedStarts.contains { rest.starts(with: $0) }, "markup outside the allow-list")
        }
        k += 1
    }
    let lower = out.lowercased()
    precondition(!lower.contains("javascript:") || !lower.contains("href=\"javascript"), "script URL in an href")
    if bytes.count <= NoticeHtml.maxInputBytes {
        precondition((try? NoticeHtml.sanitize(out)) == out, "sanitizing twice changes the output")
    }
    return 0
}
