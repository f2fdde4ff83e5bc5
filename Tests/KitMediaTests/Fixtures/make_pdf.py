#!/usr/bin/env python3
"""Writes a minimal one-page PDF with a correct cross-reference table (standard library only).

Usage: make_pdf.py OUT [--version 1.4] [--crlf] [--text "Hello"] [--compress]
"""
import argparse
import zlib


def build(version="1.4", eol=b"\n", text="Hello", compress=False):
    content = ("BT /F1 24 Tf 72 720 Td (%s) Tj ET" % text).encode("latin-1")
    if compress:
        stream_dict = b"<< /Length %d /Filter /FlateDecode >>" % len(zlib.compress(content))
        content = zlib.compress(content)
    else:
        stream_dict = b"<< /Length %d >>" % len(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        stream_dict + eol + b"stream" + eol + content + eol + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-" + version.encode() + eol + b"%\xe2\xe3\xcf\xd3" + eol)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + eol + body + eol + b"endobj" + eol
    xref = len(out)
    out += b"xref" + eol + b"0 %d" % (len(objects) + 1) + eol
    out += b"0000000000 65535 f\r\n"  # xref entries are exactly 20 bytes
    for off in offsets:
        out += b"%010d 00000 n\r\n" % off
    out += b"trailer" + eol + b"<< /Size %d /Root 1 0 R >>" % (len(objects) + 1) + eol
    out += b"startxref" + eol + b"%d" % xref + eol + b"%%EOF" + eol
    return bytes(out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--version", default="1.4")
    ap.add_argument("--crlf", action="store_true")
    ap.add_argument("--text", default="Hello")
    ap.add_argument("--compress", action="store_true")
    a = ap.parse_args()
    with open(a.out, "wb") as f:
        f.write(build(a.version, b"\r\n" if a.crlf else b"\n", a.text, a.compress))
