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
    # Internal endpoints are never reachable from outside, even with the secret.
    r = requests.get(gw + V1 + "/internal/organisations", headers={"X-Internal-Token": "guess"}, timeout=10)
    assert r.status_code in (401, 404)


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
    assert requests.get(gw + "/../../etc/passwd", timeout=10).status_code in (200, 404)  # never the file
    assert b"root:" not in requests.get(gw + "/..%2f..%2fetc/passwd", timeout=10).content


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
        # Round-robin: each instance's access log has half of the requests.
        time.sleep(0.5)
        logs = [open(os.path.join(suite.run_dir, name)).read() for name in ("identity.log", "identity-1.log")]
        assert [log.count(tag) for log in logs] == [3, 3]
        suite.kill("identity#1")
        for _ in range(6):
            assert requests.get(gw2 + "/api/identity/v1/specialties", timeout=10).status_code == 200
    finally:
        suite.kill("identity#1")
        suite.kill("gateway#2")
