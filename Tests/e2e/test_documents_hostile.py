"""Hostile uploads end to end: bytes that once killed the documents service, decompression
bombs and polyglots are refused with a clear 4xx, and the service keeps serving."""
import struct
import zlib

import pytest
import requests

from actors import actors_for

API = "/api/documents/v1"


@pytest.fixture(scope="module")
def actors(suite):
    return actors_for(suite)


def upload(gw, applicant, data, name):
    return requests.post(gw + API + "/documents", params={"kind": "licence_scan", "object": applicant.object},
                         files={"file": (name, data, "application/octet-stream")}, headers=applicant.headers, timeout=60)


def png(width, height):
    """A structurally valid PNG whose header claims width × height (one tiny IDAT)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def jpeg(width, height):
    """A JPEG whose frame header claims width × height."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof + sos + b"\x00" * 32 + b"\xff\xd9"


def small_pdf():
    body = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n")
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n"
    body += b"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return body


def zip_bytes():
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    return buf.getvalue()


def test_hostile_files_are_refused_and_the_service_keeps_serving(gw, suite, actors):
    applicant = actors.applicant()  # the real wizard: SMS code, applications/verify
    cases = [
        # The 50 bytes that killed the first release (startxref with nineteen 9s).
        ("overflow.pdf", b"%PDF-1.4\nstartxref\n" + b"9" * 19 + b"\n%%EOF\n"),
        ("longer-overflow.pdf", b"%PDF-1.4\nstartxref\n" + b"9" * 400 + b"\n%%EOF\n"),
        ("bomb.png", png(50000, 50000)),
        ("bomb.jpg", jpeg(60000, 60000)),
        ("zip-after-eof.pdf", small_pdf() + zip_bytes()),
    ]
    expected = {"overflow.pdf": "malformed_file", "longer-overflow.pdf": "malformed_file", "bomb.png": "image_too_large",
                "bomb.jpg": "image_too_large", "zip-after-eof.pdf": "polyglot_file"}
    for name, data in cases:
        r = upload(gw, applicant, data, name)
        assert r.status_code == 422 and r.json()["error"]["code"] == expected[name], (name, r.status_code, r.text)
        assert requests.get(suite.url("documents") + "/readyz", timeout=5).status_code == 200, f"documents died on {name}"
    # Nothing was stored for the application.
    listing = requests.get(gw + API + "/documents", params={"object": applicant.object}, headers=applicant.headers,
                           timeout=10)
    assert listing.status_code == 200 and listing.json()["items"] == [], listing.text
    # The same PDF without the appended archive is accepted: the refusal was for the polyglot.
    r = upload(gw, applicant, small_pdf(), "clean.pdf")
    assert r.status_code == 201, r.text
