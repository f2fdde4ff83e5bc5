import Foundation
import XCTest
import KitMedia

final class FileNamesTests: XCTestCase {
    func testSanitize() {
        let cases: [(String, String)] = [
            ("营业执照.png", "营业执照.png"),
            ("医疗机构执业许可证（正本）.pdf", "医疗机构执业许可证（正本）.pdf"),
            ("C:\\Users\\张三\\Desktop\\盖章扫描件.jpg", "盖章扫描件.jpg"),
            ("/etc/passwd", "passwd"),
            ("../../etc/passwd", "passwd"),
            ("..\\..\\boot.ini", "boot.ini"),
            ("dir/sub/", "sub"),
            ("a..b...pdf", "a.b.pdf"),
            ("..", "file"),
            ("...", "file"),
            (".htaccess", "htaccess"),
            ("...hidden.png", "hidden.png"),
            ("  report .pdf  ", "report .pdf"),
            ("trailing dots...", "trailing dots"),
            ("", "file"),
            ("   ", "file"),
            ("/", "file"),
            ("\u{0}\u{1}\u{7F}", "file"),
            ("a\u{0}b\nc\r\td.png", "abcd.png"),
            ("invoice\u{202E}gpj.exe", "invoicegpj.exe"),     // right-to-left override removed
            ("zero\u{200B}width.pdf", "zerowidth.pdf"),
            ("c1\u{85}\u{9B}x.gif", "c1x.gif"),
            ("what?<a>|b:c*\"d\".bmp", "what__a__b_c__d_.bmp"),
            ("CON.pdf", "_CON.pdf"),
            ("nul", "_nul"),
            ("console.pdf", "console.pdf"),
            ("ｆｕｌｌ　ｗｉｄｔｈ.pdf", "ｆｕｌｌ　ｗｉｄｔｈ.pdf"),
            ("e\u{301}te\u{301}.pdf", "\u{E9}t\u{E9}.pdf"),      // NFD from macOS → NFC
            ("👨‍👩‍👧 family.png", "👨👩👧 family.png"),          // ZWJ (a format character) removed
        ]
        for (input, expected) in cases {
            XCTAssertEqual(FileNames.sanitize(input), expected, "input: \(input.debugDescription)")
        }
    }

    func testLengthLimitOnWholeCharactersKeepsExtension() {
        let long = String(repeating: "医", count: 150) + ".pdf"
        let s = FileNames.sanitize(long)
        XCTAssertEqual(s.count, 100)
        XCTAssertTrue(s.hasSuffix("医.pdf"))
        XCTAssertEqual(s, String(repeating: "医", count: 96) + ".pdf")

        let flags = String(repeating: "🇨🇳", count: 120)  // each flag is one character of two scalars
        let f = FileNames.sanitize(flags)
        XCTAssertEqual(f.count, 100)
        XCTAssertEqual(f.unicodeScalars.count, 200)

        let noExt = String(repeating: "a", count: 300)
        XCTAssertEqual(FileNames.sanitize(noExt), String(repeating: "a", count: 100))
        let longExt = "x." + String(repeating: "b", count: 120)  // not an extension: plain cut
        XCTAssertEqual(FileNames.sanitize(longExt).count, 100)
        XCTAssertEqual(FileNames.maxLength, 100)
    }

    func testIdempotent() {
        for input in ["../a..b/营业执照 (1).png", "C:\\x\\CON.pdf", String(repeating: "长", count: 200) + ".jpeg", "...", "a\u{202E}b"] {
            let once = FileNames.sanitize(input)
            XCTAssertEqual(FileNames.sanitize(once), once, input)
        }
    }

    func testContentDisposition() {
        XCTAssertEqual(FileNames.contentDisposition("营业执照.png"),
                       "attachment; filename=\"file.png\"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7.png")
        XCTAssertEqual(FileNames.contentDisposition("report 2024.pdf", inline: true),
                       "inline; filename=\"report 2024.pdf\"; filename*=UTF-8''report%202024.pdf")
        XCTAssertEqual(FileNames.contentDisposition("报告2024年度.pdf"),
                       "attachment; filename=\"_2024_.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A2024%E5%B9%B4%E5%BA%A6.pdf")
        XCTAssertEqual(FileNames.contentDisposition("../100%\"quoted\";x.pdf"),
                       "attachment; filename=\"100__quoted_;x.pdf\"; filename*=UTF-8''100%25_quoted_%3Bx.pdf")
        XCTAssertEqual(FileNames.contentDisposition(""), "attachment; filename=\"file\"; filename*=UTF-8''file")
        XCTAssertEqual(FileNames.contentDisposition("a\\b\r\nc.txt"), "attachment; filename=\"bc.txt\"; filename*=UTF-8''bc.txt")
    }

    func testContentDispositionIsParsableByPython() throws {
        let python = try TestSupport.python()
        let names = ["营业执照.png", "报告 (最终版) 2024.pdf", "naïve café.jpg", "a;b=c.gif", "100%.bmp"]
        let headers = names.map { FileNames.contentDisposition($0) }
        // Python's email package decodes the RFC 2231/5987 extended parameter independently of us.
        let script = """
        import sys, json
        from email.message import Message
        from email.utils import collapse_rfc2231_value
        out = []
        for h in json.loads(sys.stdin.read()):
            m = Message()
            m['Content-Disposition'] = h
            params = m.get_params(header='content-disposition')
            extended = [collapse_rfc2231_value(v) for k, v in params if k == 'filename' and isinstance(v, tuple)]
            plain = [v for k, v in params if k == 'filename' and not isinstance(v, tuple)]
            out.append([params[0][0], extended[0], plain[0].strip('"')])
        print(json.dumps(out, ensure_ascii=False))
        """
        let input = try JSONSerialization.data(withJSONObject: headers)
        let result = try TestSupport.run(python, ["-c", script], stdin: [UInt8](input))
        XCTAssertEqual(result.status, 0, result.stderr)
        let decoded = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String]])
        XCTAssertEqual(decoded.map { $0[0] }, Array(repeating: "attachment", count: names.count))
        XCTAssertEqual(decoded.map { $0[1] }, names.map(FileNames.sanitize))
        XCTAssertEqual(decoded.map { $0[2] }, ["file.png", "_ (_) 2024.pdf", "na_ve caf_.jpg", "a;b=c.gif", "100_.bmp"])
    }
}
