import Foundation
import KitPostgres
import XCTest

final class InjectionTests: XCTestCase {
    func testInjectionAttemptIsStoredVerbatim() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        try db.execute("CREATE TABLE x (id serial PRIMARY KEY, body text NOT NULL)")
        let attacks = [
            "'; DROP TABLE x; --",
            "\"; DROP TABLE x; --",
            "1 OR 1=1",
            "$1",
            "\\'; SELECT pg_sleep(10); --",
            "Robert'); DROP TABLE x;--",
        ]
        for attack in attacks {
            let id = try XCTUnwrap(db.query("INSERT INTO x (body) VALUES ($1) RETURNING id", [attack]).first).int("id")
            XCTAssertEqual(try db.query("SELECT body FROM x WHERE id = $1", [id]).first?.string("body"), attack)
            // As a filter value it matches only itself.
            XCTAssertEqual(try db.query("SELECT count(*) AS n FROM x WHERE body = $1", [attack]).first?.int("n"), 1)
        }
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM x").first?.int("n"), attacks.count)
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM x WHERE id::text = $1", ["1 OR 1=1"]).first?.int("n"), 0)
        // Array elements are data too.
        let arrayAttack = ["a\"}, {\"b", "'; DROP TABLE x; --"]
        XCTAssertEqual(try db.query("SELECT $1::text[] AS a", [arrayAttack]).first?.stringArray("a"), arrayAttack)
        XCTAssertNotNil(try db.query("SELECT to_regclass($1) AS t", [scratch.name + ".x"]).first?.optionalString("t"))
    }
}
