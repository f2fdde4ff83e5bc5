"""Streamed uploads (docs/uploads.md), end to end: large files through the gateway with curl
are stored byte for byte (hash and size) without being held in memory by documents or the
gateway, and refused or interrupted uploads leave nothing on disk.

Runs its own documents instance (own storage, licence_scan raised to 200 MiB) behind its own
gateway instance (GATEWAY_MAX_BODY raised to match); tokens are the applicant tokens identity
issues through the wizard (actors.py)."""
import hashlib
import json
import os
import socket
import subprocess
import time
import urllib.parse

import pytest
import requests

from actors import actors_for
from test_documents_support import API, bearer, fresh_application, pdf

MIB = 1024 * 1024
BIG = 200 * MIB
INSTANCE = 17


@pytest.fixture(scope="module")
def actors(suite):
    return actors_for(suite)


@pytest.fixture(scope="module")
def stack(suite, tmp_path_factory):
    """(gateway URL, documents URL, documents' storage dir, documents pid, gateway pid)."""
    storage = str(tmp_path_factory.mktemp("stream-store"))
    docs = suite.start("documents", instance=INSTANCE,
                       env={"STORAGE_DIR": storage, "DOC_MAX_BYTES_LICENCE_SCAN": str(BIG)})
    gw = suite.start("gateway", instance=INSTANCE,
                     env={"DOCUMENTS_URLS": suite.url("documents", INSTANCE), "GATEWAY_MAX_BODY": str(BIG + MIB)})
    base = suite.url("gateway", INSTANCE)
    # The gateway learns the kinds' limits from documents in the background: wait for the raised one.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        r = requests.get(base + API + "/kinds", timeout=5)
        if r.status_code == 200 and any(k["code"] == "licence_scan" and k["maxBytes"] == BIG for k in r.json()["items"]):
            break
        time.sleep(0.1)
    yield base, suite.url("documents", INSTANCE), storage, docs.pid, gw.pid


def big_pdf(path, size):
    """A valid one-page PDF of exactly `size` bytes (random bytes in a stream), written in pieces;
    returns its SHA-256."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]

    def layout(pad):
        out, offs = bytearray(b"%PDF-1.4\n"), []
        for i, o in enumerate(objs, 1):
            offs.append(len(out))
            out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
        offs.append(len(out))
        out += b"4 0 obj\n<< /Length %d >>\nstream\n" % pad
        tail = b"\nendstream\nendobj\n"
        xref = len(out) + pad + len(tail)
        tail += (b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs) +
                 b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
        return bytes(out), tail

    pad = size
    for _ in range(5):
        head, tail = layout(pad)
        pad = size - len(head) - len(tail)
    head, tail = layout(pad)
    assert len(head) + pad + len(tail) == size
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        f.write(head)
        digest.update(head)
        left = pad
        while left:
            chunk = os.urandom(min(left, 4 * MIB))
            f.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
        f.write(tail)
        digest.update(tail)
    assert os.path.getsize(path) == size
    return digest.hexdigest()


def curl_upload(url, path, token, extra=()):
    out = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", *extra,
                          "-H", "Authorization: Bearer " + token, url],
                         capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr
    body, _, status = out.stdout.rpartition(b"\n")
    return int(status), body


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def leftovers(storage):
    incoming = os.path.join(storage, "incoming")
    return sorted(os.listdir(incoming)) if os.path.isdir(incoming) else []


def blobs(storage):
    out = []
    for dirpath, _, files in os.walk(os.path.join(storage, "sha256")):
        out += [os.path.join(dirpath, f) for f in files]
    return sorted(out)


def until(what, condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def upload_url(base, kind, obj):
    return f"{base}{API}/documents?" + urllib.parse.urlencode({"kind": kind, "object": obj})


def test_large_raw_upload_through_the_gateway_is_stored_whole_without_being_held(stack, actors, tmp_path):
    base, _, storage, docs_pid, gw_pid = stack
    size = 160 * MIB
    path = str(tmp_path / "big.pdf")
    digest = big_pdf(path, size)
    _, obj, token = fresh_application(actors)
    docs_before, gw_before = peak_rss(docs_pid), peak_rss(gw_pid)
    status, body = curl_upload(upload_url(base, "licence_scan", obj), path, token,
                               ["--data-binary", "@" + path, "-H", "Content-Type: application/pdf", "-H", "X-File-Name: big.pdf"])
    assert status == 201, body[:500]
    doc = json.loads(body)
    assert doc["size"] == size and doc["sha256"] == digest and doc["fileType"] == "pdf"
    stored = os.path.join(storage, "sha256", digest[:2], digest[2:4], digest)
    assert os.path.getsize(stored) == size
    h = hashlib.sha256()
    with open(stored, "rb") as f:
        for chunk in iter(lambda: f.read(4 * MIB), b""):
            h.update(chunk)
    assert h.hexdigest() == digest
    assert leftovers(storage) == []
    # Neither process held the file: their peak memory grew by far less than its 160 MiB.
    assert peak_rss(docs_pid) - docs_before < 64 * MIB
    assert peak_rss(gw_pid) - gw_before < 64 * MIB


def test_large_multipart_upload_chunked_through_the_gateway(stack, actors, tmp_path):
    base, _, storage, _, _ = stack
    size = 60 * MIB
    path = str(tmp_path / "form.pdf")
    digest = big_pdf(path, size)
    _, obj, token = fresh_application(actors)
    # Chunked (no Content-Length) multipart, the way a streaming client sends it.
    status, body = curl_upload(upload_url(base, "licence_scan", obj), path, token,
                               ["-F", f"file=@{path};type=application/pdf;filename=扫描件.pdf",
                                "-H", "Transfer-Encoding: chunked"])
    assert status == 201, body[:500]
    doc = json.loads(body)
    assert doc["size"] == size and doc["sha256"] == digest and doc["fileName"] == "扫描件.pdf"
    assert os.path.getsize(os.path.join(storage, "sha256", digest[:2], digest[2:4], digest)) == size
    assert leftovers(storage) == []


def test_refused_uploads_leave_nothing_on_disk(stack, actors, tmp_path):
    base, direct, storage, _, _ = stack
    before = blobs(storage)
    _, obj, token = fresh_application(actors)
    # Not a known format: refused from its first bytes (415).
    junk = str(tmp_path / "junk.bin")
    with open(junk, "wb") as f:
        f.write(os.urandom(30 * MIB))
    status, body = curl_upload(upload_url(base, "licence_scan", obj), junk, token,
                               ["--data-binary", "@" + junk, "-H", "Content-Type: application/pdf"])
    assert status == 415, body[:300]
    # A PDF with a ZIP appended: judged on the written file, refused (422), the file removed.
    poly = str(tmp_path / "poly.pdf")
    big_pdf(poly, 20 * MIB)
    with open(poly, "ab") as f:
        # Short enough that %%EOF stays in the last 1024 bytes (else it is "truncated" first).
        f.write(b"PK\x03\x04" + os.urandom(200) + b"PK\x01\x02" + b"\0" * 64 + b"PK\x05\x06" + b"\0" * 18)
    status, body = curl_upload(upload_url(base, "licence_scan", obj), poly, token,
                               ["--data-binary", "@" + poly, "-H", "Content-Type: application/pdf"])
    assert status == 422 and json.loads(body)["error"]["code"] == "polyglot_file", body[:300]
    # Over the kind's limit mid-stream (chunked, so no Content-Length to refuse it from): 413,
    # straight to documents and through the gateway.
    over = str(tmp_path / "over.pdf")
    big_pdf(over, 6 * MIB)
    for target in (direct, base):
        status, body = curl_upload(upload_url(target, "institution_info_form", obj), over, token,
                                   ["--data-binary", "@" + over, "-H", "Content-Type: application/pdf",
                                    "-H", "Transfer-Encoding: chunked"])
        assert status == 413, (target, body[:300])
    assert blobs(storage) == before
    until("temporary files to be removed", lambda: leftovers(storage) == [])


def test_refusal_decided_while_the_body_streams_comes_first(stack, actors, tmp_path):
    """Whether the caller may add to the folder is asked (database, identity) while the body is
    already being written: a signed-in user without rights on someone else's registration folder
    gets 404, not the 415 or 413 its body earns meanwhile, and nothing is kept; the folder's own
    applicant gets those. (Through the gateway a chunked body past the kind's public limit is
    refused by the gateway itself, before documents is asked.)"""
    base, direct, storage, _, _ = stack
    _, obj, owner = fresh_application(actors)
    # The folder exists: its applicant put a file in it.
    r = requests.post(upload_url(base, "licence_scan", obj), data=pdf("owner's scan"),
                      headers={**bearer(owner), "Content-Type": "application/pdf"}, timeout=30)
    assert r.status_code == 201, r.text
    before = blobs(storage)
    stranger = actors.national().token
    junk = str(tmp_path / "junk-streamed.bin")
    with open(junk, "wb") as f:
        f.write(os.urandom(3 * MIB))
    over = str(tmp_path / "over-streamed.pdf")
    big_pdf(over, 12 * MIB)
    chunked = ["-H", "Content-Type: application/pdf", "-H", "Transfer-Encoding: chunked"]
    for target in (direct, base):
        url = upload_url(target, "institution_info_form", obj)
        status, body = curl_upload(url, junk, stranger, ["--data-binary", "@" + junk, *chunked])
        assert status == 404, (target, status, body[:300])
        status, body = curl_upload(url, junk, owner, ["--data-binary", "@" + junk, *chunked])
        assert status == 415, (target, status, body[:300])
    url = upload_url(direct, "institution_info_form", obj)
    status, body = curl_upload(url, over, stranger, ["--data-binary", "@" + over, *chunked])
    assert status == 404, (status, body[:300])
    status, body = curl_upload(url, over, owner, ["--data-binary", "@" + over, *chunked])
    assert status == 413 and json.loads(body)["error"]["code"] == "payload_too_large", body[:300]
    assert blobs(storage) == before
    until("temporary files to be removed", lambda: leftovers(storage) == [])


def test_client_disconnect_mid_body_leaves_no_temporary_file(stack, actors):
    base, direct, storage, _, _ = stack
    _, obj, token = fresh_application(actors)
    before = blobs(storage)
    for target in (base, direct):
        host, port = urllib.parse.urlsplit(target).netloc.split(":")
        s = socket.create_connection((host, int(port)))
        path = urllib.parse.urlsplit(upload_url(target, "licence_scan", obj))
        head = (f"POST {path.path}?{path.query} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/pdf\r\nContent-Length: {100 * MIB}\r\n\r\n").encode()
        s.sendall(head + b"%PDF-1.4\n" + os.urandom(4 * MIB))
        # The file is being written as it arrives...
        until("the upload to reach the disk", lambda: leftovers(storage) != [])
        s.close()
        # ...and removed once the client is gone.
        until("the temporary file to be removed", lambda: leftovers(storage) == [])
    assert blobs(storage) == before
