import XCTest
@testable import ReportingService

/// The allow-list sanitizer of notices (信息发布) against the usual XSS vectors: what comes out
/// holds only the allowed tags, an href only when it is http(s), and is balanced.
final class NoticeHtmlTests: XCTestCase {
    func clean(_ s: String) throws -> String { try NoticeHtml.sanitize(s) }

    /// No tag outside the allow-list, no attribute but a's href and rel, no event handler.
    func assertSafe(_ out: String, _ input: String, file: StaticString = #filePath, line: UInt = #line) {
        let lower = out.lowercased()
        for bad in ["<script", "<img", "<svg", "<iframe", "<style", "<object", "<embed", "<math", "<form", "<input",
                    "javascript:", "vbscript:", "data:", "onerror", "onload", "onclick", "style=", "<!--", "srcdoc"] {
            XCTAssertFalse(lower.contains(bad), "\(bad) survived in \(out.debugDescription) from \(input.debugDescription)", file: file, line: line)
        }
        var k = lower.startIndex
        while let lt = lower[k...].firstIndex(of: "<") {
            let rest = lower[lt...]
            let ok = ["<p>", "</p>", "<br>", "<strong>", "</strong>", "<em>", "</em>", "<ul>", "</ul>", "<ol>", "</ol>",
                      "<li>", "</li>", "<h3>", "</h3>", "</a>", "<a href=\"http"].contains { rest.hasPrefix($0) }
            XCTAssertTrue(ok, "unexpected markup at \(String(rest.prefix(30)).debugDescription) from \(input.debugDescription)", file: file, line: line)
            k = lower.index(after: lt)
        }
    }

    func testAllowedMarkupIsKept() throws {
        XCTAssertEqual(try clean("<p>第一段<br/>换行</p><h3>标题</h3><ul><li><strong>粗</strong>与<em>斜</em></li></ul><ol><li>一</li></ol>"),
                       "<p>第一段<br>换行</p><h3>标题</h3><ul><li><strong>粗</strong>与<em>斜</em></li></ul><ol><li>一</li></ol>")
        XCTAssertEqual(try clean("<P CLASS=x onclick=\"alert(1)\">大写</P>"), "<p>大写</p>")
        XCTAssertEqual(try clean("<b>粗</b><i>斜</i>"), "<strong>粗</strong><em>斜</em>")
        XCTAssertEqual(try clean("<a href=\"https://www.ncis.cn/x?a=1&amp;b=2\" target=_blank onclick=x>链接</a>"),
                       "<a href=\"https://www.ncis.cn/x?a=1&amp;b=2\" rel=\"noopener noreferrer\">链接</a>")
    }

    func testTextIsEscapedAndEntitiesPass() throws {
        XCTAssertEqual(try clean("1 < 2 > 0 & \"q\" 'a'"), "1 &lt; 2 &gt; 0 &amp; &quot;q&quot; &#39;a&#39;")
        XCTAssertEqual(try clean("&lt;script&gt; &#169; &#x4E2D;"), "&lt;script&gt; &#169; &#x4E2D;")
        XCTAssertEqual(try clean("<unclosed"), "&lt;unclosed")
        XCTAssertEqual(try clean("<"), "&lt;")
        XCTAssertEqual(try clean("<p title=\"x"), "&lt;p title=&quot;x")
    }

    func testScriptsAndDangerousElementsVanishWithTheirContent() throws {
        XCTAssertEqual(try clean("前<script>alert(1)</script>后"), "前后")
        XCTAssertEqual(try clean("前<SCRIPT src=//x.js></SCRIPT >后"), "前后")
        XCTAssertEqual(try clean("<style>body{display:none}</style>正文"), "正文")
        XCTAssertEqual(try clean("<svg><script>alert(1)</script></svg>正文"), "正文")
        XCTAssertEqual(try clean("<script>never closed"), "")
        XCTAssertEqual(try clean("<!-- <script>alert(1)</script> -->可见"), "可见")
        XCTAssertEqual(try clean("<textarea></textarea><script>x</script>"), "")
    }

    func testHrefsOtherThanHTTPAreDropped() throws {
        for href in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
                     "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "javascript&colon;alert(1)",
                     "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox", "//evil.example/x", "/relative",
                     "http:/\\evil", "https:///x", "http://a&#32;b", "https://x/&#34;onmouseover=alert(1)"] {
            let out = try clean("<a href=\"\(href)\">点我</a>")
            XCTAssertEqual(out, "点我", href)
        }
        XCTAssertEqual(try clean("<a href='http://ok.example'>单引号</a>"), "<a href=\"http://ok.example\" rel=\"noopener noreferrer\">单引号</a>")
        XCTAssertEqual(try clean("<a href=http://ok.example/a?b=1>无引号</a>"),
                       "<a href=\"http://ok.example/a?b=1\" rel=\"noopener noreferrer\">无引号</a>")
        // A quote decoded from a reference would end the attribute in a careless writer: dropped.
        XCTAssertEqual(try clean("<a href=http://ok.example/&#39;x>引号</a>"), "引号")
        // The value ends at its quote; what follows is another (dropped) attribute.
        XCTAssertEqual(try clean("<a href=\"https://x\"onmouseover=\"alert(1)\">x</a>"), "<a href=\"https://x\" rel=\"noopener noreferrer\">x</a>")
    }

    func testKnownVectors() throws {
        let vectors = [
            "<img src=x onerror=alert(1)>", "<svg/onload=alert(1)>", "<body onload=alert(1)>", "<iframe src=javascript:alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>", "<p onmouseover=\"alert(1)\">x</p>", "<math><mi xlink:href=javascript:alert(1)>",
            "<scr<script>ipt>alert(1)</scr</script>ipt>", "<<script>alert(1)//<</script>", "<p style=\"background:url(javascript:alert(1))\">",
            "<a href=\"http://x\" onclick=\"alert(1)\">x</a>", "<form action=javascript:alert(1)><input type=submit>",
            "<object data=javascript:alert(1)>", "<embed src=javascript:alert(1)>", "\"><script>alert(1)</script>",
            "<p>a</p\" onclick=alert(1)>", "<a href=\"http://x\"><a href=\"http://y\">nested</a></a>", "<div><p>x</div>",
            "<![CDATA[<script>alert(1)</script>]]>", "<?xml version=\"1.0\"?><p>x</p>", "<p/onclick=alert(1)>x",
            "<a\u{0C}href=javascript:alert(1)>x</a>", "<a href=\"https://x\"\nonclick=alert(1)>x</a>", "<li><ul><li><strong>",
            String(repeating: "<p>", count: 200) + "deep", "<a href=\"&#0000106&#0000097vascript:alert(1)\">x</a>",
            "<a href=\"https://example.com/&#x22;onmouseover=alert(1)\">x</a>",
        ]
        for v in vectors {
            let out = try clean(v)
            assertSafe(out, v)
            let opens = out.components(separatedBy: "<p>").count - 1, closes = out.components(separatedBy: "</p>").count - 1
            XCTAssertEqual(opens, closes, "unbalanced: \(out)")
            XCTAssertLessThanOrEqual(opens, NoticeHtml.maxDepth)
        }
    }

    func testLimitsAndPlainText() throws {
        XCTAssertThrowsError(try clean(String(repeating: "a", count: NoticeHtml.maxInputBytes + 1)))
        XCTAssertEqual(NoticeHtml.plainText("<p>通知：&lt;重要&gt;</p><ul><li>一</li></ul>"), "通知：<重要> 一")
    }

    /// A tag left open at the end (no '>', or an unclosed quote) makes every later '<' text: the
    /// parser does not scan to the end again from each one (20 KB of "<a x='" took 0.5 s).
    func testUnterminatedTagMakesTheRestText() throws {
        XCTAssertEqual(try clean("<p x='<b>粗</b>"), "&lt;p x=&#39;&lt;b&gt;粗&lt;/b&gt;")
        XCTAssertEqual(try clean("<em>斜<a href=\"https://x.cn <b>粗</b>"), "<em>斜&lt;a href=&quot;https://x.cn &lt;b&gt;粗&lt;/b&gt;</em>")
        XCTAssertEqual(try clean(String(repeating: "<a", count: 10_000)), String(repeating: "&lt;a", count: 10_000))
        let quotes = String(repeating: "<a x=' ", count: 2_857)
        XCTAssertEqual(try clean(quotes), String(repeating: "&lt;a x=&#39; ", count: 2_857))
    }
}
