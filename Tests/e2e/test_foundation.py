"""The suite starts, every service is healthy, and the gateway routes to each one."""
import json
import socket

import requests

SERVICES = ["identity", "documents", "approval", "reporting"]


def test_every_service_healthy_through_gateway(gw):
    r = requests.get(gw + "/api/readyz", timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready"
    assert body["checks"] == {s: "ok" for s in SERVICES}


def test_each_service_readyz_reports_database(suite):
    for s in SERVICES:
        r = requests.get(suite.url(s) + "/readyz", timeout=5)
        assert r.status_code == 200
        assert r.json() == {"status": "ready", "service": s, "checks": {"database": "ok"}}


def test_gateway_routes_by_service_prefix(gw, suite):
    # Public routes of two services answer through the gateway, the request id travels along.
    r = requests.get(gw + "/api/identity/v1/specialties", headers={"X-Request-Id": "e2e-route-1"}, timeout=5)
    assert r.status_code == 200 and len(r.json()["items"]) == 13 and "stroke" in [x["code"] for x in r.json()["items"]]
    assert r.headers["X-Request-Id"] == "e2e-route-1"
    import time
    deadline = time.time() + 10  # access logs are flushed in batches: wait for the line, not a fixed time
    while "e2e-route-1" not in open(suite.run_dir + "/identity.log").read():
        assert time.time() < deadline, "the request id never reached identity's access log"
        time.sleep(0.1)
    assert requests.get(gw + "/api/documents/v1/kinds", timeout=5).status_code == 200
    # An unknown path under a service's prefix reaches that service: 404 in the envelope.
    r = requests.get(suite.url("approval") + "/api/approval/v1/does-not-exist", timeout=5)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_unknown_route_is_json_404(gw):
    r = requests.get(gw + "/api/nothing-here", timeout=5)
    assert r.status_code == 404
    assert r.headers["Content-Type"].startswith("application/json")
    assert r.json()["error"]["code"] == "not_found"


def test_malformed_request_line_gets_400_and_close(suite):
    port = suite.port("identity")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GARBAGE\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    assert data.startswith(b"HTTP/1.1 400 ")
    assert b"Connection: close" in data
    body = data.split(b"\r\n\r\n", 1)[1]
    assert json.loads(body)["error"]["code"] == "malformed_request"


def test_oversize_body_refused_before_read(suite):
    # Content-Length above the route limit: 413 at once, without sending the body.
    port = suite.port("identity")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"POST /api/identity/v1/anything HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n")
        data = s.recv(65536)
    assert data.startswith(b"HTTP/1.1 413 ")


def test_service_roles_are_isolated():
    """identity's role cannot read reporting's tables (nor create in public)."""
    import os
    import subprocess
    from suite import read_env_file
    env = read_env_file(os.environ["TEST_SERVICES_ENV"])
    identity_url = env["IDENTITY_DATABASE_URL"]
    out = subprocess.run(["psql", identity_url, "-Atc", "SELECT count(*) FROM reporting.programs"],
                         capture_output=True, text=True)
    assert out.returncode != 0
    assert "permission denied" in out.stderr
    out = subprocess.run(["psql", env["REPORTING_DATABASE_URL"], "-Atc", "SELECT count(*) FROM reporting.programs"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    out = subprocess.run(["psql", identity_url, "-Atc", "CREATE TABLE public.sneaky (x int)"],
                         capture_output=True, text=True)
    assert out.returncode != 0
