import Foundation
import KitPostgres
import XCTest

final class MigratorTests: XCTestCase {
    private var directories: [URL] = []

    override func tearDown() {
        for d in directories { try? FileManager.default.removeItem(at: d) }
        directories.removeAll()
        super.tearDown()
    }

    private func makeDirectory(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(TestDB.randomName("kpg_migrations"))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        directories.append(dir)
        for (name, sql) in files {
            try Data(sql.utf8).write(to: dir.appendingPathComponent(name))
        }
        return dir
    }

    private func records(_ admin: PGConnection, _ schema: String) throws -> [Int] {
        try admin.query("SELECT version FROM \(TestDB.quote(schema)).schema_migrations ORDER BY version")
            .rows.map { try $0.int("version") }
    }

    func testAppliesInNumericOrderOnce() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let dir = try makeDirectory([
            "001_init.sql": "CREATE TABLE t (x int);",
            "2_add_y.sql": "ALTER TABLE t ADD COLUMN y int;\nINSERT INTO t VALUES (1, 2);",
            "10_add_z.sql": "ALTER TABLE t ADD COLUMN z int; UPDATE t SET z = y + 1;",
            "README.md": "not a migration",
            "notes.sql": "not numbered either",
        ])
        let pool = PGPool(url: scratch.adminURL, size: 2)
        defer { pool.shutdown() }
        let migrator = Migrator(pool: pool, schema: scratch.name, directory: dir)
        XCTAssertEqual(try migrator.migrations().map(\.version), [1, 2, 10])
        XCTAssertEqual(try migrator.migrations().map(\.name), ["init", "add_y", "add_z"])
        XCTAssertEqual(try migrator.migrate(), [1, 2, 10])
        XCTAssertEqual(try migrator.migrate(), [])
        XCTAssertEqual(try records(scratch.admin, scratch.name), [1, 2, 10])
        let row = try XCTUnwrap(scratch.admin.query("SELECT x, y, z FROM t").first)
        XCTAssertEqual(try row.int("z"), 3)
        let rec = try XCTUnwrap(scratch.admin.query(
            "SELECT name, checksum, applied_at FROM \(TestDB.quote(scratch.name)).schema_migrations WHERE version = $1", [10]).first)
        XCTAssertEqual(try rec.string("name"), "add_z")
        XCTAssertEqual(try rec.string("checksum"), try migrator.migrations().last?.checksum)
        XCTAssertLessThan(abs(try rec.date("applied_at").timeIntervalSinceNow), 120)
        // search_path was SET LOCAL: the pooled connection is back to its default.
        XCTAssertEqual(try pool.query("SHOW search_path").first?.string("search_path"), "\"$user\", public")
        // A new file is applied on the next run.
        try Data("CREATE TABLE u (id int);".utf8).write(to: dir.appendingPathComponent("011_u.sql"))
        XCTAssertEqual(try migrator.migrate(), [11])
    }

    func testChecksumIsSHA256OfFile() throws {
        let dir = try makeDirectory(["001_abc.sql": "abc", "002_empty.sql": ""])
        let pool = PGPool(url: "postgresql://unused@127.0.0.1:1/none", size: 1)
        let list = try Migrator(pool: pool, schema: "unused", directory: dir).migrations()
        XCTAssertEqual(list.map(\.checksum), [
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ])
        // A multi-block message (FIPS 180-2 example, 448 bits).
        let dir2 = try makeDirectory(["1_x.sql": "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"])
        XCTAssertEqual(try Migrator(pool: pool, schema: "unused", directory: dir2).migrations().first?.checksum,
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testDuplicateVersionsAreRejected() throws {
        let dir = try makeDirectory(["001_a.sql": "SELECT 1;", "1_b.sql": "SELECT 2;"])
        let pool = PGPool(url: "postgresql://unused@127.0.0.1:1/none", size: 1)
        XCTAssertThrowsError(try Migrator(pool: pool, schema: "unused", directory: dir).migrations()) { error in
            XCTAssertEqual((error as? MigrationError)?.kind, .duplicateVersion)
        }
    }

    func testChangedChecksumIsRefused() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let dir = try makeDirectory(["001_init.sql": "CREATE TABLE t (x int);", "002_more.sql": "CREATE TABLE u (x int);"])
        let pool = PGPool(url: scratch.adminURL, size: 1)
        defer { pool.shutdown() }
        let migrator = Migrator(pool: pool, schema: scratch.name, directory: dir)
        XCTAssertEqual(try migrator.migrate(), [1, 2])
        try Data("CREATE TABLE t (x int, y int);".utf8).write(to: dir.appendingPathComponent("001_init.sql"))
        try Data("CREATE TABLE v (x int);".utf8).write(to: dir.appendingPathComponent("003_v.sql"))
        XCTAssertThrowsError(try migrator.migrate()) { error in
            let e = error as? MigrationError
            XCTAssertEqual(e?.kind, .checksumMismatch, "\(error)")
            XCTAssertEqual(e?.version, 1)
        }
        XCTAssertEqual(try records(scratch.admin, scratch.name), [1, 2], "nothing applied after a checksum mismatch")
        // The advisory lock was released: another session can take it.
        XCTAssertEqual(pool.stats.inUse, 0)
    }

    func testFailingMigrationRollsBack() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let dir = try makeDirectory([
            "001_init.sql": "CREATE TABLE t (x int);",
            "002_bad.sql": "CREATE TABLE partial (x int);\nINSERT INTO partial VALUES (1);\nSELECT * FROM no_such_table;",
            "003_after.sql": "CREATE TABLE after (x int);",
        ])
        let pool = PGPool(url: scratch.adminURL, size: 1)
        defer { pool.shutdown() }
        let migrator = Migrator(pool: pool, schema: scratch.name, directory: dir)
        XCTAssertThrowsError(try migrator.migrate()) { error in
            let e = error as? PGError
            XCTAssertEqual(e?.sqlState, "42P01", "\(error)")
            XCTAssertTrue(e?.message.contains("002_bad.sql") ?? false, "\(error)")
        }
        XCTAssertEqual(try records(scratch.admin, scratch.name), [1])
        for table in ["partial", "after"] {
            XCTAssertNil(try scratch.admin.query("SELECT to_regclass($1) AS r", [scratch.name + "." + table]).first?.optionalString("r"))
        }
        XCTAssertEqual(pool.stats.idle, 1)
        // Fixed file: applies now, followed by the rest.
        try Data("CREATE TABLE partial (x int);".utf8).write(to: dir.appendingPathComponent("002_bad.sql"))
        XCTAssertEqual(try migrator.migrate(), [2, 3])
    }

    func testConcurrentMigratorsApplyEachFileOnce() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let dir = try makeDirectory([
            "001_log.sql": "CREATE TABLE applied_log (version int); SELECT pg_sleep(0.3); INSERT INTO applied_log VALUES (1);",
            "002_a.sql": "CREATE TABLE a (x int); INSERT INTO applied_log VALUES (2);",
            "003_b.sql": "CREATE TABLE b (x int); INSERT INTO applied_log VALUES (3);",
        ])
        let pools = [PGPool(url: scratch.adminURL, size: 1), PGPool(url: scratch.adminURL, size: 1)]
        defer { pools.forEach { $0.shutdown() } }
        let results = Locked<[[Int]]>([])
        let failures = Locked<[String]>([])
        let barrier = Barrier(parties: 2)
        let schema = scratch.name
        onThreads(2) { i in
            barrier.wait()
            do {
                let applied = try Migrator(pool: pools[i], schema: schema, directory: dir).migrate()
                results.withValue { $0.append(applied) }
            } catch {
                failures.withValue { $0.append("\(error)") }
            }
        }
        XCTAssertEqual(failures.current, [])
        XCTAssertEqual(results.current.flatMap { $0 }.sorted(), [1, 2, 3])
        XCTAssertEqual(try scratch.admin.query("SELECT version FROM applied_log ORDER BY version").rows.map { try $0.int("version") },
                       [1, 2, 3])
        XCTAssertEqual(try records(scratch.admin, scratch.name), [1, 2, 3])
    }

    func testTwoMigrationSetsShareASchemaWithSeparateTables() throws {
        let scratch = try ScratchSchema()
        defer { scratch.drop() }
        let kit = try makeDirectory(["001_kit.sql": "CREATE TABLE kit_things (x int);"])
        let service = try makeDirectory(["001_service.sql": "CREATE TABLE service_things (x int);",
                                         "002_more.sql": "ALTER TABLE service_things ADD COLUMN y int;"])
        let pool = PGPool(url: scratch.adminURL, size: 1)
        defer { pool.shutdown() }
        XCTAssertEqual(try Migrator(pool: pool, schema: scratch.name, directory: kit, table: "kit_migrations").migrate(), [1])
        XCTAssertEqual(try Migrator(pool: pool, schema: scratch.name, directory: service).migrate(), [1, 2])
        XCTAssertEqual(try Migrator(pool: pool, schema: scratch.name, directory: kit, table: "kit_migrations").migrate(), [])
        XCTAssertEqual(try Migrator(pool: pool, schema: scratch.name, directory: service).migrate(), [])
        let kitVersions = try scratch.admin.query("SELECT version, name FROM kit_migrations").rows.map { try $0.string("name") }
        XCTAssertEqual(kitVersions, ["kit"])
        XCTAssertEqual(try records(scratch.admin, scratch.name), [1, 2])
    }

    func testCreatesMissingSchema() throws {
        let admin = try TestDB.connect()
        defer { admin.close() }
        let schema = TestDB.randomName("kpg_new")
        defer { _ = try? admin.execute("DROP SCHEMA IF EXISTS \(TestDB.quote(schema)) CASCADE") }
        let dir = try makeDirectory(["001_init.sql": "CREATE TABLE t (x int);"])
        let pool = PGPool(url: try TestDB.adminURL(), size: 1)
        defer { pool.shutdown() }
        XCTAssertEqual(try Migrator(pool: pool, schema: schema, directory: dir).migrate(), [1])
        XCTAssertNotNil(try admin.query("SELECT to_regclass($1) AS r", [schema + ".t"]).first?.optionalString("r"))
    }

    /// The usual deployment: the schema exists, owned by a service role that has no CREATE
    /// privilege on the database.
    func testServiceRoleOwningItsSchema() throws {
        let adminURL = try TestDB.adminURL()
        let admin = try PGConnection(url: adminURL)
        defer { admin.close() }
        let role = TestDB.randomName("kpg_role")
        let schema = TestDB.randomName("kpg_svc")
        let password = TestDB.randomName("pw")
        try admin.query("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text) AS sql", [role, password])
            .first.map { try admin.execute(try $0.string("sql")) }
        defer {
            _ = try? admin.execute("DROP SCHEMA IF EXISTS \(TestDB.quote(schema)) CASCADE")
            _ = try? admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [role])
            _ = try? admin.execute("DROP ROLE IF EXISTS \(TestDB.quote(role))")
        }
        try admin.execute("CREATE SCHEMA \(TestDB.quote(schema)) AUTHORIZATION \(TestDB.quote(role))")
        let roleURL = PGURL.withParameter(PGURL.withParameter(adminURL, "user", role), "password", password)
        let pool = PGPool(url: PGURL.withSearchPath(roleURL, schema: schema), size: 2)
        defer { pool.shutdown() }
        XCTAssertEqual(try pool.query("SELECT current_user AS u").first?.string("u"), role)
        XCTAssertEqual(try pool.query("SELECT has_database_privilege(current_database(), 'CREATE') AS c").first?.bool("c"), false)
        let dir = try makeDirectory(["001_init.sql": "CREATE TABLE docs (id uuid PRIMARY KEY, title text NOT NULL);"])
        XCTAssertEqual(try Migrator(pool: pool, schema: schema, directory: dir).migrate(), [1])
        let id = UUID()
        try pool.query("INSERT INTO docs VALUES ($1, $2)", [id, "报告"])  // unqualified: search_path from the URL
        XCTAssertEqual(try pool.query("SELECT title FROM docs WHERE id = $1", [id]).first?.string("title"), "报告")
        XCTAssertEqual(try admin.query("SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = 'docs'", [schema])
            .first?.string("tableowner"), role)
    }
}
