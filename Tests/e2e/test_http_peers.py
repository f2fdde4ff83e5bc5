"""The HTTP kit against tools nobody here wrote: ab (keep-alive, concurrency), curl
(chunked uploads, HTTP/1.0), slowhttptest (slow clients). Every run is bounded."""
import json
import re
import subprocess
import time

import requests


def test_ab_keepalive_concurrency_has_no_failures(suite):
    url = suite.url("identity") + "/api/identity/v1/specialties"
    out = subprocess.run(["ab", "-q", "-k", "-n", "3000", "-c", "50", "-s", "10", url],
                         capture_output=True, text=True, timeout=120).stdout
    assert re.search(r"Complete requests:\s+3000", out), out
    assert re.search(r"Failed requests:\s+0", out), out
    assert "Non-2xx" not in out
    assert re.search(r"Keep-Alive requests:\s+3000", out), out


def test_curl_chunked_upload_and_http10(suite):
    base = suite.url("identity")
    # A chunked JSON body (curl sends Transfer-Encoding: chunked when told to).
    out = subprocess.run(["curl", "-s", "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/json",
                          "--data-binary", json.dumps({"phone": "1", "code": "1"}),
                          base + "/api/identity/v1/applications/verify"], capture_output=True, text=True, timeout=20).stdout
    assert json.loads(out)["error"]["field"] == "phone"
    out = subprocess.run(["curl", "-s", "-0", "-i", base + "/healthz"], capture_output=True, text=True, timeout=20).stdout
    assert out.startswith("HTTP/1.1 200") and "Connection: close" in out


def established(port):
    """Established TCP connections to a local port, from /proc/net/tcp (state 01)."""
    count = 0
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[3] == "01" and int(fields[1].split(":")[1], 16) == port:
                count += 1
    return count


def test_slowloris_does_not_starve_the_server(suite):
    """slowhttptest holds 300 connections sending headers slowly for 20 s; meanwhile normal
    requests are answered, and the slow connections are closed by the head timeout."""
    port = suite.port("documents")
    attack = subprocess.Popen(["slowhttptest", "-H", "-c", "300", "-r", "150", "-i", "4", "-l", "20", "-x", "16",
                               "-p", "3", "-u", f"http://127.0.0.1:{port}/readyz", "-o", suite.run_dir + "/slowloris"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        # Wait until the attack holds its connections (counted from the kernel's table), not a fixed time.
        deadline = time.time() + 15
        while established(port) < 200:
            assert time.time() < deadline and attack.poll() is None, "slowhttptest never opened its connections"
            time.sleep(0.2)
        ok = 0
        for _ in range(10):
            r = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            ok += r.status_code == 200
            time.sleep(0.5)
        assert ok == 10
    finally:
        out, _ = attack.communicate(timeout=60)
    out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out)
    assert re.search(r"service available:\s+YES", out), out[-2000:]
    # The server closed the slow connections itself (head timeout, 10 s) before the tool's
    # 20 s test length ran out.
    assert "No open connections left" in out, out[-2000:]
    ended = int(re.search(r"Test ended on (\d+)", out).group(1))
    assert ended < 20, out[-2000:]
