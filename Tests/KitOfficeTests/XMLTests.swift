import XCTest
@testable import KitOffice

final class XMLTests: XCTestCase {
    private func events(_ s: String, maxDepth: Int = 64) throws -> [XMLEvent] {
        var p = try XMLPullParser(Array(s.utf8), maxDepth: maxDepth)
        var out: [XMLEvent] = []
        while let e = try p.next() { out.append(e) }
        return out
    }
    private func refused(_ s: String, _ expected: OfficeError? = nil, maxDepth: Int = 64, line: UInt = #line) {
        XCTAssertThrowsError(try events(s, maxDepth: maxDepth), line: line) { error in
            guard let e = error as? OfficeError else { return XCTFail("\(error)", line: line) }
            if let expected { XCTAssertEqual(e, expected, line: line) } else if case .xmlMalformed = e {} else {
                XCTFail("\(e)", line: line)
            }
        }
    }

    func testElementsAttributesPrefixesText() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- comment --><x:sheet xmlns:x="urn:x" r:id='rId1'><c t="s"><v>12</v></c><e/></x:sheet>
            """
        XCTAssertEqual(try events(xml), [
            .start(name: "x:sheet", attributes: [XMLAttribute(name: "xmlns:x", value: "urn:x"), XMLAttribute(name: "r:id", value: "rId1")]),
            .start(name: "c", attributes: [XMLAttribute(name: "t", value: "s")]),
            .start(name: "v", attributes: []), .text("12"), .end(name: "v"), .end(name: "c"),
            .start(name: "e", attributes: []), .end(name: "e"),
            .end(name: "x:sheet"),
        ])
    }

    func testEntitiesAndCDATA() throws {
        let xml = "<t a=\"&quot;&lt;&amp;&#65;&#x4E2D;\">&lt;b&gt; &amp; &apos;&#x1F600;<![CDATA[<raw & stuff>]]></t>"
        let e = try events(xml)
        XCTAssertEqual(e[0], .start(name: "t", attributes: [XMLAttribute(name: "a", value: "\"<&A中")]))
        XCTAssertEqual(e[1], .text("<b> & '😀"))
        XCTAssertEqual(e[2], .text("<raw & stuff>"))
        refused("<t>&nbsp;</t>")
        refused("<t>&#0;</t>")
        refused("<t>&#xD800;</t>")
        refused("<t>&#x110000;</t>")
        refused("<t>&#+65;</t>")
        refused("<t>&#x-41;</t>")
        refused("<t>a & b</t>")
        refused("<t a=\"<\"/>")
    }

    func testDoctypeRefused() {
        refused("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>", .xmlDoctype)
        let laughs = """
            <?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">\
            <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\
            <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>
            """
        refused(laughs, .xmlDoctype)
        refused("<x><!DOCTYPE y></x>", .xmlDoctype)
        refused("<x><!ENTITY y \"z\"></x>", .xmlDoctype)
    }

    func testDepthLimit() throws {
        let deep = String(repeating: "<a>", count: 10) + String(repeating: "</a>", count: 10)
        XCTAssertEqual(try events(deep, maxDepth: 10).count, 20)
        refused(deep, .xmlTooDeep(limit: 9), maxDepth: 9)
        refused(String(repeating: "<a>", count: 100_000), .xmlTooDeep(limit: 64))
    }

    func testMalformed() {
        for bad in ["", "<a>", "<a></b>", "<a><b></a></b>", "</a>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>", "<a/><b/>",
                    "text<a/>", "<a x=\"1\"y=\"2\"/>", "<a><!-- open</a>", "<a><![CDATA[x</a>", "<1a/>", "<a", "<a x/>"] {
            refused(bad)
        }
        XCTAssertThrowsError(try XMLPullParser([0xFF, 0xFE, 0x3C, 0x00]))
    }

    func testReadTextAndSkip() throws {
        var p = try XMLPullParser(Array("<r><a>x<b>y</b>z</a><c><d/></c><e>end</e></r>".utf8))
        _ = try p.next()
        _ = try p.next()
        XCTAssertEqual(try p.readText(), "xyz")
        _ = try p.next()
        try p.skipElement()
        XCTAssertEqual(try p.next(), .start(name: "e", attributes: []))
    }
}
