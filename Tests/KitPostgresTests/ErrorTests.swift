import Foundation
import KitPostgres
import XCTest

final class ErrorTests: XCTestCase {
    func testUniqueViolation() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        try db.execute("CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL CONSTRAINT users_email_key UNIQUE)")
        let email = "secret.person@example.com"
        try db.query("INSERT INTO users (email) VALUES ($1)", [email])
        XCTAssertThrowsError(try db.query("INSERT INTO users (email) VALUES ($1)", [email])) { error in
            guard let e = error as? PGError else { return XCTFail("not a PGError: \(error)") }
            XCTAssertEqual(e.kind, .query)
            XCTAssertEqual(e.sqlState, "23505")
            XCTAssertTrue(e.isUniqueViolation)
            XCTAssertFalse(e.isSerializationFailure)
            XCTAssertEqual(e.constraint, "users_email_key")
            XCTAssertFalse(e.message.contains(email), e.message)
            XCTAssertFalse(e.description.contains(email), e.description)
            XCTAssertTrue(e.description.contains("23505"), e.description)
        }
        // The connection is still usable.
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM users").first?.int("n"), 1)
    }

    func testOtherConstraintsAndSyntaxErrors() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let db = scratch.admin
        try db.execute("""
            CREATE TABLE parent (id int PRIMARY KEY);
            CREATE TABLE child (id int PRIMARY KEY, parent_id int CONSTRAINT child_parent_fk REFERENCES parent,
                                qty int CONSTRAINT qty_positive CHECK (qty > 0));
            """)
        XCTAssertThrowsError(try db.query("INSERT INTO child VALUES ($1, $2, $3)", [1, 99, 1])) { error in
            let e = error as? PGError
            XCTAssertEqual(e?.sqlState, "23503")
            XCTAssertEqual(e?.isForeignKeyViolation, true)
            XCTAssertEqual(e?.constraint, "child_parent_fk")
        }
        XCTAssertThrowsError(try db.query("INSERT INTO child VALUES ($1, $2, $3)", [1, nil, -5])) { error in
            XCTAssertEqual((error as? PGError)?.sqlState, "23514")
            XCTAssertEqual((error as? PGError)?.constraint, "qty_positive")
        }
        XCTAssertThrowsError(try db.query("SELEC 1")) { error in
            XCTAssertEqual((error as? PGError)?.kind, .query)
            XCTAssertEqual((error as? PGError)?.sqlState, "42601")
            XCTAssertNil((error as? PGError)?.constraint)
        }
        XCTAssertThrowsError(try db.execute("CREATE TABLE parent (id int)")) { error in
            XCTAssertEqual((error as? PGError)?.sqlState, "42P07")
        }
    }

    func testDataExceptionMessagesDoNotEchoValues() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        let secret = "hunter2-not-a-number"
        XCTAssertThrowsError(try db.query("SELECT $1::int", [secret])) { error in
            let e = error as? PGError
            XCTAssertEqual(e?.sqlState, "22P02")
            XCTAssertEqual(e?.kind, .query)
            XCTAssertFalse(e?.message.contains(secret) ?? true, e?.message ?? "")
            XCTAssertTrue(e?.message.contains("integer") ?? false, e?.message ?? "")
        }
        XCTAssertThrowsError(try db.query("SELECT $1::int2", ["99999999"])) { error in
            XCTAssertFalse("\(error)".contains("99999999"), "\(error)")
        }
    }

    func testConnectionErrors() throws {
        XCTAssertThrowsError(try PGConnection(url: "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")) { error in
            XCTAssertEqual((error as? PGError)?.kind, .connection)
            XCTAssertFalse((error as? PGError)?.message.isEmpty ?? true)
        }
        XCTAssertThrowsError(try PGConnection(url: "postgresql://u:topsecret@127.0.0.1:1/db?bogus_option=1")) { error in
            XCTAssertEqual((error as? PGError)?.kind, .connection)
            XCTAssertFalse("\(error)".contains("topsecret"), "\(error)")
        }
        let db = try TestDB.connect()
        db.close()
        XCTAssertFalse(db.isAlive)
        XCTAssertThrowsError(try db.query("SELECT 1")) { XCTAssertEqual(($0 as? PGError)?.kind, .connection) }
        db.close()  // idempotent
    }

    func testCopyStatementThroughQueryIsRejectedCleanly() throws {
        let db = try TestDB.connect()
        defer { db.close() }
        try db.execute("CREATE TEMP TABLE c (x int)")
        XCTAssertThrowsError(try db.execute("COPY c FROM STDIN"))
        XCTAssertThrowsError(try db.execute("COPY c TO STDOUT"))
        XCTAssertEqual(try db.query("SELECT count(*) AS n FROM c").first?.int("n"), 0)
    }
}
