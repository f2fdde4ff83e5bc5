import XCTest
@testable import KitHTTP
import Models

final class RouterTests: XCTestCase {
    func name(_ r: Router, _ m: HTTPMethod, _ p: String) -> String {
        switch r.match(m, p) {
        case .found(let route, let params):
            return route.pattern + (params.isEmpty ? "" : " " + params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))
        case .methodNotAllowed(let a): return "405 " + a.map(\.rawValue).sorted().joined(separator: ",")
        case .notFound: return "404"
        }
    }

    func testMatching() {
        let r = Router()
        let h: Handler = { _ in .text("x") }
        r.get("/api/identity/v1/users", h)
        r.post("/api/identity/v1/users", h)
        r.get("/api/identity/v1/users/:id", h)
        r.get("/api/identity/v1/users/me", h)
        r.delete("/api/identity/v1/users/:id/roles/:role", h)
        r.get("/api/documents/*rest", h)
        r.get("/", h)

        XCTAssertEqual(name(r, .GET, "/api/identity/v1/users"), "/api/identity/v1/users")
        XCTAssertEqual(name(r, .GET, "/api/identity/v1/users/"), "/api/identity/v1/users")
        XCTAssertEqual(name(r, .GET, "/api/identity/v1/users/me"), "/api/identity/v1/users/me")
        XCTAssertEqual(name(r, .GET, "/api/identity/v1/users/u%20v"), "/api/identity/v1/users/:id id=u v")
        XCTAssertEqual(name(r, .DELETE, "/api/identity/v1/users/7/roles/admin"), "/api/identity/v1/users/:id/roles/:role id=7,role=admin")
        XCTAssertEqual(name(r, .PUT, "/api/identity/v1/users"), "405 GET,POST")
        XCTAssertEqual(name(r, .HEAD, "/api/identity/v1/users"), "/api/identity/v1/users")
        XCTAssertEqual(name(r, .GET, "/api/identity/v2/users"), "404")
        XCTAssertEqual(name(r, .GET, "/api/documents/a/b/c.pdf"), "/api/documents/*rest rest=a/b/c.pdf")
        XCTAssertEqual(name(r, .GET, "/api/documents"), "/api/documents/*rest rest=")
        XCTAssertEqual(name(r, .GET, "/"), "/")
        XCTAssertEqual(name(r, .GET, "/nope"), "404")
    }

    func testMiddlewareOrder() throws {
        struct Tag: Middleware {
            let tag: String
            func handle(_ request: Request, next: Handler) throws -> Response {
                var r = try next(request)
                r.headers.append(("X-Tag", tag))
                return r
            }
        }
        let r = Router()
        r.use(Tag(tag: "outer"))
        r.use(Tag(tag: "inner"))
        r.get("/x") { _ in .text("ok") }
        guard case .found(let route, _) = r.match(.GET, "/x") else { return XCTFail() }
        let resp = try route.handler(Request(method: .GET, path: "/x"))
        XCTAssertEqual(resp.headers.map(\.1), ["inner", "outer"])
    }
}

final class RequestInputTests: XCTestCase {
    struct Body: Decodable { let login: String }

    func testEscapedNULIsRefusedWithA400() {
        let req = Request(method: .POST, path: "/x", body: Array(#"{"login":"a\u0000b"}"#.utf8))
        XCTAssertThrowsError(try req.decode(Body.self)) { e in
            XCTAssertEqual((e as? APIError)?.code, "invalid_characters")
        }
        // An escaped backslash before "u0000" is plain text, not NUL.
        let ok = Request(method: .POST, path: "/x", body: Array(#"{"login":"a\\u0000b"}"#.utf8))
        XCTAssertEqual(try ok.decode(Body.self).login, #"a\u0000b"#)
    }

    func testQueryDropsNUL() {
        let req = Request(method: .GET, path: "/x", rawQuery: "q=a%00b&r=%E4%B8%AD")
        XCTAssertEqual(req.query, ["q": "ab", "r": "中"])
    }
}
