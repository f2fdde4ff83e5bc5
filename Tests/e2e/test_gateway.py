"""The gateway: cookie sessions, CSRF, edge token checks, security headers, the portal's
files, rate limits, several instances of a service."""
import gzip
import time

import requests

from helpers import V1, approved_account, auth, captcha, latest_code, messages


def browser_login(gw, acct):
    """Signs in the way the portal does; returns a requests session holding the cookies."""
    s = requests.Session()
    s.headers["Origin"] = gw
    cid, answer = captcha(gw)
    r = s.post(gw + "/api/session/login", json={"login": acct["username"], "password": acct["password"],
                                                 "captchaId": cid, "captchaAnswer": answer}, timeout=20)
    assert r.status_code == 202, r.text
    code, _ = latest_code(gw, acct["phone"])
    r = s.post(gw + "/api/session/verify", json={"challengeId": r.json()["challengeId"], "code": code}, timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert "accessToken" not in body and "refreshToken" not in body
    assert body["user"]["username"] == acct["username"]
    cookies = r.headers.get("Set-Cookie", "")
    assert "qs_access=" in cookies and "HttpOnly" in cookies and "SameSite=Strict" in cookies
    return s


def test_cookie_session_csrf_refresh_logout(gw, suite):
    acct = approved_account(gw, suite)
    s = browser_login(gw, acct)
    # The cookie authenticates API calls; the token never reaches page scripts.
    assert s.get(gw + "/api/session", timeout=10).json()["user"]["username"] == acct["username"]
    assert s.get(gw + V1 + "/me", timeout=10).status_code == 200
    # A state change from another origin, or with no origin at all, is refused.
    evil = s.post(gw + V1 + "/me/sms-code", headers={"Origin": "http://evil.example"}, timeout=10)
    assert evil.status_code == 403 and evil.json()["error"]["code"] == "csrf_failed"
    bare = requests.post(gw + V1 + "/me/sms-code", cookies=s.cookies, timeout=10)
    assert bare.status_code == 403
    assert s.post(gw + V1 + "/me/sms-code", timeout=10).status_code == 201
    # Refresh rotates the cookies; logout clears them.
    old = s.cookies.get("qs_refresh")
    r = s.post(gw + "/api/session/refresh", timeout=10)
    assert r.status_code == 200 and s.cookies.get("qs_refresh") != old
    r = s.post(gw + "/api/session/logout", timeout=10)
    assert r.status_code == 204
    assert s.get(gw + "/api/session", timeout=10).status_code == 401


def test_edge_refuses_missing_and_bad_tokens(gw):
    r = requests.get(gw + "/api/approval/v1/inbox", timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = requests.get(gw + "/api/approval/v1/inbox", headers=auth("x.y.z"), timeout=10)
    assert r.status_code == 401
    # Internal endpoints are never reachable from outside, even with the secret: without a
    # token the edge answers 401 first; with a valid one the gateway does not route them (404).
    r = requests.get(gw + V1 + "/internal/organisations", headers={"X-Internal-Token": "guess"}, timeout=10)
    assert r.status_code == 401


def test_security_headers_everywhere(gw):
    for path in ["/", "/api/identity/v1/specialties", "/api/nothing", "/api/approval/v1/inbox"]:
        r = requests.get(gw + path, timeout=10)
        csp = r.headers.get("Content-Security-Policy", "")
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert r.headers.get("X-Content-Type-Options") == "nosniff", path
        assert r.headers.get("Referrer-Policy") == "no-referrer", path


def test_portal_files_etag_and_gzip(gw):
    r = requests.get(gw + "/", headers={"Accept-Encoding": "identity"}, timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "<script" in r.text and 'type="module"' in r.text
    etag = r.headers["ETag"]
    r2 = requests.get(gw + "/", headers={"If-None-Match": etag}, timeout=10)
    assert r2.status_code == 304 and r2.content == b""
    raw = requests.get(gw + "/", headers={"Accept-Encoding": "gzip"}, stream=True, timeout=10)
    assert raw.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(raw.raw.read()) == r.content
    # Unknown page paths get the portal (hash routing); unknown API paths a JSON 404.
    assert requests.get(gw + "/some/page", timeout=10).headers["Content-Type"].startswith("text/html")
    assert requests.get(gw + "/api/nope", timeout=10).json()["error"]["code"] == "not_found"


def raw_get(base, target, source="127.0.0.1", headers=()):
    """A GET whose target is sent exactly as written (clients normalise `..` and `//` away),
    from a chosen loopback source address; returns (status, headers, body)."""
    import http.client
    from urllib.parse import urlparse
    u = urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10, source_address=(source, 0))
    try:
        conn.putrequest("GET", target, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def test_path_traversal_and_non_canonical_paths_are_refused(gw):
    # Sent raw: the dot segments reach the gateway, which refuses them instead of serving a file.
    for target in ["/../../etc/passwd", "/..%2f..%2fetc/passwd", "/css/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd"]:
        status, _, body = raw_get(gw, target)
        assert status == 400, (target, status)
        assert b"root:" not in body and b"bad_path" in body, target


def test_double_slash_does_not_skip_the_token_check(gw):
    # `//api/...` is routed like `/api/...`; it must not pass the edge without a token.
    for target in ["//api/approval/v1/inbox", "/./api/approval/v1/inbox", "/api//approval/v1/inbox"]:
        status, _, body = raw_get(gw, target)
        assert status == 400 and b"bad_path" in body, (target, status)  # refused before any routing
    # The canonical spelling is the one that reaches the check.
    status, _, body = raw_get(gw, "/api/approval/v1/inbox")
    assert status == 401 and b"unauthorized" in body


def test_forged_forwarded_for_from_an_untrusted_client_is_ignored(suite):
    """A client on 127.0.0.2 is not a trusted proxy: its X-Forwarded-For is not believed, so
    inventing a new address per request does not escape the per-address limit."""
    suite.start("gateway", instance=3, env={"RATE_LIMIT_IP": "0.5", "RATE_LIMIT_IP_BURST": "4"})
    try:
        base = suite.url("gateway", 3)
        statuses = [raw_get(base, "/api/identity/v1/specialties", source="127.0.0.2",
                            headers=[("X-Forwarded-For", f"10.0.0.{i}")])[0] for i in range(1, 7)]
        assert statuses[:4] == [200] * 4 and statuses[4:] == [429, 429], statuses
        # From the trusted loopback address the header is believed: each forwarded client has its own budget,
        # and several X-Forwarded-For lines are read as one list whose last untrusted hop is the client.
        for i in range(6):
            status, _, _ = raw_get(base, "/api/identity/v1/specialties",
                                   headers=[("X-Forwarded-For", "203.0.113.9"), ("X-Forwarded-For", f"198.51.100.{i + 1}")])
            assert status == 200, i
        # The first line alone is not the client: 203.0.113.9 still has its whole budget.
        for _ in range(4):
            assert raw_get(base, "/api/identity/v1/specialties", headers=[("X-Forwarded-For", "203.0.113.9")])[0] == 200
        assert raw_get(base, "/api/identity/v1/specialties", headers=[("X-Forwarded-For", "203.0.113.9")])[0] == 429
    finally:
        suite.kill("gateway#3")


def test_every_instance_down_is_a_clear_503_with_retry_after(suite):
    """A second identity instance behind its own gateway, killed: the gateway answers 503 with
    Retry-After and a Chinese message, and serves again once the service is back."""
    suite.start("identity", instance=5)
    suite.start("gateway", instance=5, env={"IDENTITY_URLS": suite.url("identity", 5)})
    try:
        base = suite.url("gateway", 5)
        assert requests.get(base + "/api/identity/v1/specialties", timeout=10).status_code == 200
        suite.kill("identity#5")
        r = requests.get(base + "/api/identity/v1/specialties", timeout=10)
        assert r.status_code == 503, r.text
        assert int(r.headers["Retry-After"]) >= 1
        err = r.json()["error"]
        assert err["code"] == "service_unavailable" and "秒后重试" in err["message"]
        suite.start("identity", instance=5)
        import time as _t
        deadline = _t.time() + 30
        while _t.time() < deadline:
            if requests.get(base + "/api/identity/v1/specialties", timeout=10).status_code == 200:
                break
            _t.sleep(0.3)
        else:
            raise AssertionError("the gateway did not serve the restarted instance")
    finally:
        suite.kill("identity#5")
        suite.kill("gateway#5")
        # Gateways started later list every known identity instance: forget this one.
        suite.ports.pop("identity#5", None)


def test_rate_limit_per_address(suite):
    suite.start("gateway", instance=1, env={"RATE_LIMIT_IP": "1", "RATE_LIMIT_IP_BURST": "5"})
    try:
        url = suite.url("gateway", 1) + "/api/identity/v1/specialties"
        statuses = [requests.get(url, timeout=10).status_code for _ in range(8)]
        assert statuses[:5] == [200] * 5
        assert 429 in statuses[5:]
        r = requests.get(url, timeout=10)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.json()["error"]["code"] == "rate_limited"
    finally:
        suite.kill("gateway#1")


def test_rate_limit_per_account(gw, suite):
    """One signed-in account has its own budget whatever address it comes from: past the burst
    it gets 429 with Retry-After; another account is not affected."""
    suite.start("gateway", instance=4, env={"RATE_LIMIT_ACCOUNT": "0.5", "RATE_LIMIT_ACCOUNT_BURST": "3"})
    try:
        base = suite.url("gateway", 4)
        first = approved_account(gw, suite)
        second = approved_account(gw, suite)
        s1, s2 = first["access"], second["access"]
        statuses = [requests.get(base + V1 + "/me", headers=auth(s1), timeout=10).status_code for _ in range(5)]
        assert statuses[:3] == [200] * 3 and statuses[3:] == [429, 429], statuses
        r = requests.get(base + V1 + "/me", headers=auth(s1), timeout=10)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1 and r.json()["error"]["code"] == "rate_limited"
        assert requests.get(base + V1 + "/me", headers=auth(s2), timeout=10).status_code == 200
    finally:
        suite.kill("gateway#4")


def test_two_instances_round_robin_and_failover(suite):
    """A second identity instance behind a second gateway: both serve; one killed, the other
    carries on."""
    suite.start("identity", instance=1)
    gw2 = None
    try:
        suite.start("gateway", instance=2)
        gw2 = suite.url("gateway", 2)
        import os
        import uuid
        tag = "rr-" + uuid.uuid4().hex[:12]
        for i in range(6):
            r = requests.get(gw2 + "/api/identity/v1/specialties", headers={"X-Request-Id": f"{tag}-{i}"}, timeout=10)
            assert r.status_code == 200
        # Round-robin: each instance's access log has half of the requests (logs are flushed in
        # batches: wait until all six lines are written).
        def counts():
            return [open(os.path.join(suite.run_dir, name)).read().count(tag) for name in ("identity.log", "identity-1.log")]
        deadline = time.time() + 10
        while sum(counts()) < 6 and time.time() < deadline:
            time.sleep(0.1)
        assert counts() == [3, 3]
        suite.kill("identity#1")
        for _ in range(6):
            assert requests.get(gw2 + "/api/identity/v1/specialties", timeout=10).status_code == 200
    finally:
        suite.kill("identity#1")
        suite.kill("gateway#2")


def head_only_answer(base, target, length, wait=5, extra=""):
    """Sends only a request head announcing `length` body bytes and returns the status line the
    server answers with before any body byte is sent (None when it waits for the body)."""
    import socket
    from urllib.parse import urlparse
    u = urlparse(base)
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall((f"POST {target} HTTP/1.1\r\nHost: {u.hostname}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                   f"Content-Length: {length}\r\n{extra}\r\n").encode())
        s.settimeout(wait)
        try:
            data = s.recv(4096)
        except socket.timeout:
            return None
        return data.split(b"\r\n", 1)[0].decode()


def test_oversize_upload_refused_from_its_headers_at_the_gateway(gw):
    """A 5 MiB kind: a 6 MiB upload is refused with 413 by the gateway itself, from the
    Content-Length, before a body byte is read (the kinds' limits come from documents)."""
    import time as _t
    target = "/api/documents/v1/documents?kind=legal_person_certificate&object=registration:x"
    deadline = _t.time() + 30
    line = head_only_answer(gw, target, 6 << 20)
    while (line is None or " 413 " not in line) and _t.time() < deadline:  # the gateway learns the kinds at start
        _t.sleep(0.3)
        line = head_only_answer(gw, target, 6 << 20)
    assert line is not None and " 413 " in line, line
    # A 10 MiB kind takes the same size: the gateway waits for that body (no early answer).
    assert head_only_answer(gw, "/api/documents/v1/documents?kind=licence_scan&object=registration:x", 6 << 20, wait=2) is None
    # Past the gateway's overall limit every kind is refused at once.
    assert " 413 " in head_only_answer(gw, "/api/documents/v1/documents?kind=licence_scan&object=registration:x", 12 << 20)


def test_upload_without_a_token_is_refused_before_its_body_with_expect_continue(gw):
    """curl and browsers send `Expect: 100-continue` with large uploads: the edge answers 401 at
    once instead of inviting the body (and 100 Continue with a valid token is the server's)."""
    target = "/api/documents/v1/documents?kind=licence_scan&object=registration:x"
    line = head_only_answer(gw, target, 1 << 20, extra="Expect: 100-continue\r\n")
    assert line is not None and " 401 " in line, line
    line = head_only_answer(gw, target, 1 << 20, extra="Expect: 100-continue\r\nAuthorization: Bearer x.y.z\r\n")
    assert line is not None and " 401 " in line, line
    # Without Expect the server must read the body first: no early answer.
    assert head_only_answer(gw, target, 1 << 20, wait=2) is None
