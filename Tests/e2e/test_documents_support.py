"""Helpers for the documents tests (no tests here): sample files made by independent tools
(ImageMagick, a hand-written PDF), uploads, database and storage probes. The people (applicants,
institution admins, centres …) come from actors.py: real registrations, approvals and logins."""
import base64
import hashlib
import os
import secrets
import subprocess
import time
import urllib.parse
import uuid

import requests

import helpers

MIB = 1024 * 1024
API = "/api/documents/v1"


def b64u(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def uuid7():
    ms = int(time.time() * 1000)
    raw = bytearray(ms.to_bytes(6, "big") + secrets.token_bytes(10))
    raw[6] = (raw[6] & 0x0F) | 0x70
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


# ---------------------------------------------------------------- people

def fresh_application(actors):
    """A new registration application through identity's wizard: (application id, object, applicant token)."""
    a = actors.applicant()
    return a.id, a.object, a.token


def bearer(token):
    return {"Authorization": "Bearer " + token}


# ---------------------------------------------------------------- sample files

def run(*cmd):
    subprocess.run(cmd, check=True, capture_output=True)


def image(tmp, fmt, width=320, height=200, name=None, extra=()):
    """A real image written by ImageMagick (`convert`), not by the code under test."""
    path = os.path.join(tmp, name or f"sample-{width}x{height}-{secrets.token_hex(3)}.{fmt}")
    # Noise makes every sample distinct (no accidental dedupe between tests).
    run("convert", "-seed", str(secrets.randbits(16)), "-size", f"{width}x{height}", "plasma:", *extra,
        f"{fmt}:{path}")
    with open(path, "rb") as f:
        return f.read()


def solid_bmp(tmp, width, height):
    """An uncompressed 24-bit BMP (size = 54 + rows padded to 4 bytes), distinct per call."""
    path = os.path.join(tmp, f"solid-{secrets.token_hex(3)}.bmp")
    colour = "#%06x" % secrets.randbits(24)
    run("convert", "-size", f"{width}x{height}", f"xc:{colour}", "-type", "TrueColor", f"BMP3:{path}")
    with open(path, "rb") as f:
        return f.read()


def pdf(text="documents e2e", size=None):
    """A small valid PDF written here by hand (helpers.pdf_document). With `size`, a padding
    stream makes the file exactly that many bytes."""
    if size is None:
        return helpers.pdf_document(text, pad=16)
    first = helpers.pdf_document(text, pad=0)
    data = helpers.pdf_document(text, pad=size - len(first))
    # The xref offsets' digits never change length here, so one correction is enough.
    if len(data) != size:
        data = helpers.pdf_document(text, pad=size - len(first) - (len(data) - size))
    assert len(data) == size
    return data

def sample_for(tmp, file_type):
    return {"pdf": lambda: pdf(f"sample {secrets.token_hex(4)}"),
            "jpeg": lambda: image(tmp, "jpg"),
            "png": lambda: image(tmp, "png"),
            "gif": lambda: image(tmp, "gif"),
            "bmp": lambda: image(tmp, "bmp", 120, 80)}[file_type]()


EXT = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "gif": "gif", "bmp": "bmp"}
MIME = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp"}


# ---------------------------------------------------------------- uploads

def multipart_raw(gw, token, kind, obj, data, disposition_name, content_type="application/octet-stream"):
    """A multipart upload written byte by byte, so that the part's file name can hold what no
    client library sends (a NUL, a raw CR or LF)."""
    boundary = "----e2e" + secrets.token_hex(8)
    body = (b"--" + boundary.encode() + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" +
            disposition_name + b"\"\r\nContent-Type: " + content_type.encode() + b"\r\n\r\n" + data +
            b"\r\n--" + boundary.encode() + b"--\r\n")
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token:
        headers.update(bearer(token))
    return requests.post(f"{gw}{API}/documents", params={"kind": kind, "object": obj}, data=body, headers=headers,
                         timeout=60)


def upload(gw, token, kind, obj, data, name="file.pdf", content_type="application/octet-stream", raw=False):
    url = f"{gw}{API}/documents"
    params = {"kind": kind, "object": obj}
    if raw:
        headers = {"Content-Type": content_type, "X-File-Name": urllib.parse.quote(name)}
        if token:
            headers.update(bearer(token))
        return requests.post(url, params=params, data=data, headers=headers, timeout=60)
    return requests.post(url, params=params, files={"file": (name, data, content_type)},
                         headers=bearer(token) if token else {}, timeout=60)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- probes

def stored_files(suite):
    """Every file under STORAGE_DIR (relative paths)."""
    out = []
    for dirpath, _, files in os.walk(suite.storage_dir):
        for f in files:
            out.append(os.path.relpath(os.path.join(dirpath, f), suite.storage_dir))
    return sorted(out)


def blob_path(suite, digest):
    return os.path.join(suite.storage_dir, "sha256", digest[:2], digest[2:4], digest)


def sql(query, *args):
    """One query as the documents service's own role (psql, independent of the service)."""
    from suite import read_env_file
    env = read_env_file(os.environ["TEST_SERVICES_ENV"])
    for i, a in enumerate(args, 1):
        query = query.replace(f":a{i}", "'" + str(a).replace("'", "''") + "'")
    out = subprocess.run(["psql", env["DOCUMENTS_DATABASE_URL"], "-v", "ON_ERROR_STOP=1", "-Atc", query],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def rows_for_object(obj):
    return int(sql("SELECT count(*) FROM documents.documents WHERE object_key = :a1", obj))


def nosniff(response):
    """X-Content-Type-Options is nosniff (the gateway may add its own copy of the header)."""
    value = response.headers.get("X-Content-Type-Options", "")
    return bool(value) and all(v.strip() == "nosniff" for v in value.split(","))


def internal_headers(suite):
    return {"X-Internal-Token": suite.internal_token, "Content-Type": "application/json"}
