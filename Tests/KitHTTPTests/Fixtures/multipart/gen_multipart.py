#!/usr/bin/env python3
"""Writes multipart/form-data bodies made by real client libraries, for MultipartTests.

Usage: gen_multipart.py OUTDIR [--seed N] [--file-size BYTES]
The committed fixtures beside this script were made with: python3 gen_multipart.py .

For every case it writes OUTDIR/<case>.body (the exact request body) and adds an entry to
OUTDIR/manifest.json: {"case", "content_type", "body", "parts": [{"name", "filename", "content_type",
"data_hex"}]}. Cases need urllib3 and requests (skipped with a note on stderr when missing);
the email-package case uses the standard library only.
"""
import argparse
import json
import os
import random
import sys


def tricky_payload(rng, boundary, size):
    """Binary data with CRLFs and near-boundaries that must not end the part."""
    b = boundary.encode()
    pieces = [
        bytes(rng.getrandbits(8) for _ in range(size // 2)),
        b"\r\n", b"\r\n\r\n", b"\r\n--", b"\r\n--" + b[:-1], b"\r\n-" + b, b"--" + b + b"\r\n",
        b"\n--" + b + b"\n", b"\r--" + b + b"\r\n", b"\r\n--" + b + b"X\r\n",
        b"\r\n--" + b[: len(b) // 2] + b"\r\n",
        bytes(rng.getrandbits(8) for _ in range(size - size // 2)),
        b"\r\n",  # content ending in CRLF: the CRLF is data, the delimiter's CRLF comes after it
    ]
    return b"".join(pieces)


def part(name, filename, content_type, data):
    return {"name": name, "filename": filename, "content_type": content_type, "data_hex": data.hex()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--file-size", type=int, default=3000)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.outdir, exist_ok=True)
    cases = []

    def emit(case, content_type, body, parts):
        with open(os.path.join(a.outdir, case + ".body"), "wb") as f:
            f.write(body)
        cases.append({"case": case, "content_type": content_type, "body": case + ".body", "parts": parts})

    # 1. urllib3.encode_multipart_formdata (what requests uses underneath).
    try:
        import urllib3
        from urllib3.fields import RequestField

        boundary = "%032x" % rng.getrandbits(128)
        png = tricky_payload(rng, boundary, a.file_size)
        fields = [
            ("hospital_code", "110105001"),
            ("hospital_name", "北京协和医院 (东单院区)"),
            ("license", ("营业执照.png", png, "image/png")),
            ("empty", ""),
        ]
        body, content_type = urllib3.encode_multipart_formdata(fields, boundary=boundary)
        emit("urllib3", content_type, body, [
            part("hospital_code", None, None, b"110105001"),
            part("hospital_name", None, None, "北京协和医院 (东单院区)".encode()),
            part("license", "营业执照.png", "image/png", png),
            part("empty", None, None, b""),
        ])

        # A name with a double quote: urllib3 percent-encodes it as %22, like browsers (HTML5 rules).
        boundary = "%032x" % rng.getrandbits(128)
        rf = RequestField(name="scan", data=b"\xff\xd8\xff\xe0JPEG\xff\xd9", filename='盖章 "正本".jpg')
        rf.make_multipart(content_type="image/jpeg")
        body, content_type = urllib3.encode_multipart_formdata([rf], boundary=boundary)
        emit("urllib3-quote", content_type, body, [
            part("scan", "盖章 %22正本%22.jpg", "image/jpeg", b"\xff\xd8\xff\xe0JPEG\xff\xd9"),
        ])
    except ImportError as exc:
        print("skipping urllib3 cases: %s" % exc, file=sys.stderr)

    # 2. requests' prepared request.
    try:
        import requests

        pdf = b"%PDF-1.4\r\n" + bytes(rng.getrandbits(8) for _ in range(a.file_size)) + b"\r\n%%EOF\r\n"
        req = requests.Request(
            "POST", "http://127.0.0.1/upload",
            data={"year": "2024", "备注": "第一季度\r\n质量报告"},
            files={"report": ("医疗质量报告 2024 Q1.pdf", pdf, "application/pdf")},
        ).prepare()
        content_type = req.headers["Content-Type"]
        emit("requests", content_type, req.body, [
            part("year", None, None, b"2024"),
            part("备注", None, None, "第一季度\r\n质量报告".encode()),
            part("report", "医疗质量报告 2024 Q1.pdf", "application/pdf", pdf),
        ])
    except ImportError as exc:
        print("skipping requests case: %s" % exc, file=sys.stderr)

    # 3. The standard library's email package with the HTTP policy (CRLF), which writes RFC 2231
    #    filename*=utf-8''… for non-ASCII names.
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    from email.policy import HTTP

    msg = MIMEMultipart("form-data", policy=HTTP)
    text = MIMEText("张三", "plain", "utf-8")
    del text["Content-Transfer-Encoding"]
    text.set_payload("张三".encode("utf-8"))
    text.add_header("Content-Disposition", "form-data", name="contact")
    msg.attach(text)
    # The email generator normalises line endings in payloads, so this binary part carries no CR or LF.
    gif = b"GIF89a" + bytes(rng.choice([b for b in range(256) if b not in (10, 13)]) for _ in range(64)) + b";"
    app = MIMEApplication(gif, "gif", _encoder=lambda m: None)
    app.replace_header("Content-Type", "image/gif")
    app.add_header("Content-Disposition", "form-data", name="seal", filename=("utf-8", "", "公章.gif"))
    msg.attach(app)
    raw = msg.as_bytes(policy=HTTP)
    header_end = raw.index(b"\r\n\r\n")
    body = raw[header_end + 4:]
    emit("email", msg["Content-Type"], body, [
        part("contact", None, 'text/plain; charset="utf-8"', "张三".encode()),
        part("seal", "公章.gif", "image/gif", gif),
    ])

    with open(os.path.join(a.outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
