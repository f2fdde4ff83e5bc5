import Foundation
import KitPostgres
import XCTest

final class PGURLTests: XCTestCase {
    func testURLForms() {
        XCTAssertEqual(PGURL.withSearchPath("postgresql://u@h:5432/db", schema: "identity"),
                       "postgresql://u@h:5432/db?options=-csearch_path%3Didentity")
        XCTAssertEqual(PGURL.withSearchPath("postgresql://u@h/db?sslmode=disable", schema: "docs"),
                       "postgresql://u@h/db?sslmode=disable&options=-csearch_path%3Ddocs")
        XCTAssertEqual(PGURL.withSearchPath("postgres://u@h/db?options=-cstatement_timeout%3D5000", schema: "a"),
                       "postgres://u@h/db?options=-cstatement_timeout%3D5000%20-csearch_path%3Da")
        XCTAssertEqual(PGURL.withSearchPath("host=h dbname=db", schema: "reporting"),
                       "host=h dbname=db options='-csearch_path=reporting'")
        XCTAssertEqual(PGURL.withSearchPath("host=h options='-cwork_mem=8MB'", schema: "x"),
                       "host=h options='-cwork_mem=8MB' options='-cwork_mem=8MB -csearch_path=x'")
        XCTAssertEqual(PGURL.withParameter("postgresql://u@h/db?application_name=a", "application_name", "b c"),
                       "postgresql://u@h/db?application_name=b%20c")
        XCTAssertEqual(PGURL.withParameter("host=h", "application_name", "it's"), "host=h application_name='it\\'s'")
    }

    func testSearchPathReachesServer() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let odd = "Odd Schema \"q\""
        try scratch.admin.execute("CREATE SCHEMA " + TestDB.quote(odd))
        defer { _ = try? scratch.admin.execute("DROP SCHEMA " + TestDB.quote(odd) + " CASCADE") }
        try scratch.admin.execute("CREATE TABLE " + TestDB.quote(odd) + ".marker (v text)")
        try scratch.admin.query("INSERT INTO " + TestDB.quote(odd) + ".marker VALUES ($1)", ["odd"])

        let plain = try PGConnection(url: scratch.url)
        defer { plain.close() }
        XCTAssertEqual(try plain.query("SELECT current_schema() AS s").first?.string("s"), scratch.name)

        let quoted = try PGConnection(url: PGURL.withSearchPath(scratch.adminURL, schema: odd))
        defer { quoted.close() }
        XCTAssertEqual(try quoted.query("SELECT current_schema() AS s").first?.string("s"), odd)
        XCTAssertEqual(try quoted.query("SELECT v FROM marker").first?.string("v"), "odd")

        // key=value form of the same server.
        if let kv = Self.keyValueForm(scratch.adminURL) {
            let conn = try PGConnection(url: PGURL.withSearchPath(kv, schema: scratch.name))
            defer { conn.close() }
            XCTAssertEqual(try conn.query("SELECT current_schema() AS s").first?.string("s"), scratch.name)
        }
    }

    /// host=… port=… user=… dbname=… built from a postgresql:// URL (nil if it is not one).
    static func keyValueForm(_ url: String) -> String? {
        guard let c = URLComponents(string: url), c.scheme?.hasPrefix("postgres") == true else { return nil }
        var parts: [String] = []
        if let h = c.host, !h.isEmpty { parts.append("host='\(h)'") }
        if let p = c.port { parts.append("port=\(p)") }
        if let u = c.user { parts.append("user='\(u)'") }
        if let pw = c.password { parts.append("password='\(pw)'") }
        let db = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        if !db.isEmpty { parts.append("dbname='\(db)'") }
        return parts.joined(separator: " ")
    }
}
