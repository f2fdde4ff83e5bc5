"""Documents service end to end, through the gateway against real PostgreSQL: uploads of every
kind (multipart and raw), every bad case, the type judged by content alone, storage and dedupe,
access (owner, approver, operator, stranger), sealing, versions and the evidence lock.

Every token is one identity issued through the real flows (actors.py): applicants from the
wizard's applications/verify, users registered, approved and signed in with the SMS step."""
import io
import os
import socket
import urllib.parse
import uuid
import zipfile

import pytest
import requests

from actors import actors_for, until
from test_documents_support import (API, EXT, MIB, MIME, bearer, blob_path, fresh_application, image, internal_headers,
                                    multipart_raw, nosniff, pdf, rows_for_object, sample_for, sha256, solid_bmp, sql,
                                    stored_files, upload)


@pytest.fixture(scope="module")
def actors(suite):
    return actors_for(suite)


@pytest.fixture(scope="module")
def kinds(gw):
    r = requests.get(gw + API + "/kinds", timeout=10)
    assert r.status_code == 200, r.text
    return {k["code"]: k for k in r.json()["items"]}


@pytest.fixture
def app(actors):
    """A fresh registration application and its applicant's token (identity's wizard)."""
    return fresh_application(actors)


def error_code(r):
    return r.json()["error"]["code"]


# ---------------------------------------------------------------- kinds

def test_kinds_carry_the_seed_limits(kinds):
    assert kinds["licence_scan"]["maxBytes"] == 10 * MIB
    assert set(kinds["licence_scan"]["types"]) == {"pdf", "jpeg", "png"}
    assert kinds["licence_photo"]["types"] == ["jpeg", "bmp", "gif"]
    assert kinds["licence_photo"]["maxBytes"] == 5 * MIB - 1          # "小于 5M"
    assert kinds["institution_info_form"]["types"] == ["jpeg", "pdf"]
    assert kinds["institution_info_form"]["maxBytes"] == 5 * MIB
    assert kinds["institution_info_form"]["maxFiles"] == 3
    for code in ["signed_application_form", "confidentiality_pledge", "legal_person_certificate",
                 "practitioner_certificate", "annual_survey_scan", "case_abstract_file"]:
        assert code in kinds
    for k in kinds.values():
        assert k["name"] and k["hint"] and k["accept"].startswith(".")


# ---------------------------------------------------------------- uploads of every kind

def test_upload_every_kind_and_type_multipart_and_raw(gw, suite, actors, kinds, tmp_path):
    for code, kind in kinds.items():
        for i, file_type in enumerate(kind["types"]):
            _, obj, token = fresh_application(actors)
            data = sample_for(str(tmp_path), file_type)
            name = f"{kind['name']}-{i}.{EXT[file_type]}"
            raw = i % 2 == 1
            r = upload(gw, token, code, obj, data, name=name, content_type=MIME[file_type], raw=raw)
            assert r.status_code == 201, (code, file_type, raw, r.text)
            doc = r.json()
            assert doc["kind"] == code and doc["object"] == obj
            assert doc["fileType"] == file_type and doc["contentType"] == MIME[file_type]
            assert doc["size"] == len(data) and doc["sha256"] == sha256(data)
            assert doc["version"] == 1 and doc["sealed"] is False
            assert doc["fileName"] == name
            # Stored once, under its hash, byte for byte.
            with open(blob_path(suite, doc["sha256"]), "rb") as f:
                assert f.read() == data
            got = requests.get(gw + doc["contentPath"], headers=bearer(token), timeout=30)
            assert got.status_code == 200 and got.content == data
            # The other way of uploading works for the same kind too (another application: some
            # kinds take one file only).
            _, other_obj, other_token = fresh_application(actors)
            r2 = upload(gw, other_token, code, other_obj, sample_for(str(tmp_path), file_type),
                        name=name, content_type=MIME[file_type], raw=not raw)
            assert r2.status_code == 201, (code, file_type, not raw, r2.text)


def test_raw_upload_without_name_gets_kind_name_and_extension(gw, app, tmp_path):
    _, obj, token = app
    data = image(str(tmp_path), "jpg")
    r = requests.post(f"{gw}{API}/documents", params={"kind": "licence_photo", "object": obj}, data=data,
                      headers={**bearer(token), "Content-Type": "application/octet-stream"}, timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["fileName"] == "医疗机构执业许可证照片.jpg"


def test_download_headers(gw, suite, app, tmp_path):
    _, obj, token = app
    data = pdf("download headers")
    doc = upload(gw, token, "licence_scan", obj, data, name="执业许可证 扫描件.pdf").json()
    r = requests.get(gw + doc["contentPath"], headers=bearer(token), timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/pdf"
    assert nosniff(r)
    direct = requests.get(suite.url("documents") + doc["contentPath"], headers=bearer(token), timeout=10)
    assert direct.headers["X-Content-Type-Options"] == "nosniff"
    assert direct.headers["Cache-Control"] == "private, no-store"
    cd = r.headers["Content-Disposition"]
    assert cd.startswith("attachment; filename=\"")
    assert "filename*=UTF-8''" + urllib.parse.quote("执业许可证 扫描件.pdf", safe="") in cd
    assert int(r.headers["Content-Length"]) == len(data)
    inline = requests.get(gw + doc["contentPath"], params={"inline": "1"}, headers=bearer(token), timeout=10)
    assert inline.headers["Content-Disposition"].startswith("inline; ")
    meta = requests.get(f"{gw}{API}/documents/{doc['id']}", headers=bearer(token), timeout=10).json()
    assert meta["versions"][0]["sha256"] == sha256(data)
    listing = requests.get(f"{gw}{API}/documents", params={"object": obj}, headers=bearer(token), timeout=10).json()
    assert [d["id"] for d in listing["items"]] == [doc["id"]]
    assert "createdBy" not in listing["items"][0] and "uploadedBy" not in listing["items"][0]


# ---------------------------------------------------------------- bad input: clear errors, nothing stored

def _jpeg_with_zip(tmp):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.html", "<html><script>alert(1)</script></html>")
    return image(tmp, "jpg") + buf.getvalue()


BAD_CASES = {
    # name: (kind, make bytes, file name, content type, status, code)
    "zero_byte": ("licence_scan", lambda t: b"", "empty.pdf", "application/pdf", 422, "empty_file"),
    "truncated_pdf": ("licence_scan", lambda t: pdf("cut")[:300], "cut.pdf", "application/pdf", 422, "truncated_file"),
    "truncated_jpeg": ("licence_scan", lambda t: image(t, "jpg")[:-300], "cut.jpg", "image/jpeg", 422, "truncated_file"),
    "polyglot_jpeg_zip": ("licence_scan", _jpeg_with_zip, "photo.jpg", "image/jpeg", 422, "polyglot_file"),
    "html_named_pdf": ("licence_scan", lambda t: b"<!doctype html><html><body>hi</body></html>", "scan.pdf",
                       "application/pdf", 415, "unsupported_media_type"),
    # named and declared as a JPEG the kind accepts: the content (PNG) decides, and is refused
    "png_for_jpg_bmp_gif_kind": ("licence_photo", lambda t: image(t, "png"), "licence.jpg", "image/jpeg", 415,
                                 "unsupported_media_type"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
@pytest.mark.parametrize("raw", [False, True], ids=["multipart", "raw"])
def test_bad_files_refused_and_nothing_stored(gw, suite, app, tmp_path, case, raw):
    kind, make, name, ctype, status, code = BAD_CASES[case]
    _, obj, token = app
    data = make(str(tmp_path))
    before = stored_files(suite)
    r = upload(gw, token, kind, obj, data, name=name, content_type=ctype, raw=raw)
    assert r.status_code == status, r.text
    assert error_code(r) == code
    assert r.json()["error"]["message"]           # a Chinese message for the user
    assert stored_files(suite) == before
    assert rows_for_object(obj) == 0


# ---------------------------------------------------------------- the content alone decides

CONTENT_DECIDES = {
    # name: (kind, format written by ImageMagick / by hand, name sent, Content-Type sent,
    #        stored file type, stored name)
    "phone_jpeg_sent_as_png": ("licence_scan", "jpg", "photo.png", "image/png", "jpeg", "photo.jpg"),
    "jpeg_named_and_declared_pdf": ("licence_scan", "jpg", "scan.pdf", "application/pdf", "jpeg", "scan.jpg"),
    "pdf_declared_png_no_extension": ("licence_scan", "pdf", "扫描件", "image/png", "pdf", "扫描件.pdf"),
    "gif_named_and_declared_bmp": ("licence_photo", "gif", "证照.bmp", "image/bmp", "gif", "证照.gif"),
    "right_extension_kept_as_written": ("licence_photo", "jpg", "IMG_0001.JPEG", "image/png", "jpeg", "IMG_0001.JPEG"),
}


def _made(tmp, fmt):
    return pdf(f"content decides {os.urandom(4).hex()}") if fmt == "pdf" else image(tmp, fmt)


@pytest.mark.parametrize("case", sorted(CONTENT_DECIDES))
@pytest.mark.parametrize("raw", [False, True], ids=["multipart", "raw"])
def test_the_content_decides_type_and_extension(gw, app, tmp_path, case, raw):
    """The declared name and Content-Type never decide: a phone's JPEG sent as photo.png with
    image/png is accepted where the kind takes JPEG, and kept as photo.jpg."""
    kind, fmt, name, ctype, stored_type, stored_name = CONTENT_DECIDES[case]
    _, obj, token = app
    data = _made(str(tmp_path), fmt)
    r = upload(gw, token, kind, obj, data, name=name, content_type=ctype, raw=raw)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert (doc["fileType"], doc["contentType"], doc["fileName"]) == (stored_type, MIME[stored_type], stored_name)
    got = requests.get(gw + doc["contentPath"], headers=bearer(token), timeout=10)
    assert got.content == data and got.headers["Content-Type"] == MIME[stored_type]
    assert urllib.parse.quote(stored_name, safe="") in got.headers["Content-Disposition"]


LONG_NAMES = {
    # 3-byte characters: 120 given, the sanitiser keeps 95 + ".pdf"; 83 fit in 255 bytes
    "chinese": ("报" * 120 + ".pdf", "报" * 83 + ".pdf"),
    # one ASCII byte first: the 84th 报 would end at byte 254 + ".pdf" > 255
    "offset": ("a" + "报" * 100 + ".pdf", "a" + "报" * 83 + ".pdf"),
    # a thumb with a skin tone is one character of 8 bytes: never split between its two scalars
    "grapheme": ("\U0001F44D\U0001F3FD" * 60 + ".pdf", "\U0001F44D\U0001F3FD" * 31 + ".pdf"),
    "short": ("年度报告.pdf", "年度报告.pdf"),
}


@pytest.mark.parametrize("case", sorted(LONG_NAMES))
def test_display_names_cut_at_255_bytes_on_a_character_boundary(gw, app, case):
    given, kept = LONG_NAMES[case]
    _, obj, token = app
    r = upload(gw, token, "licence_scan", obj, pdf("long name " + case), name=given, content_type="application/pdf",
               raw=True)
    assert r.status_code == 201, r.text
    name = r.json()["fileName"]
    assert name == kept and len(name.encode()) <= 255


# Names a client library never sends: a NUL, a raw CR or LF inside the part's quoted file name.
ODD_PART_NAMES = {
    "nul_before_other_extension": b"scan.jpg\x00.pdf",
    "crlf_before_other_extension": b"scan.jpg\r\n.pdf",
    "lone_cr": b"scan.png\r.pdf",
    "lone_lf": b"scan.gif\n.pdf",
    "only_nul": b"\x00",
}


@pytest.mark.parametrize("case", sorted(ODD_PART_NAMES))
def test_nul_and_raw_line_breaks_in_a_part_file_name(gw, suite, app, case):
    """Either the part is refused whole, or the upload is judged by its content (a PDF here,
    whatever extension the sanitiser leaves of the name); never a verdict from the name."""
    _, obj, token = app
    data = pdf("odd name " + case)
    before = stored_files(suite)
    r = multipart_raw(gw, token, "licence_scan", obj, data, ODD_PART_NAMES[case], "image/jpeg")
    if r.status_code == 400:
        # rule: a part header the parser cannot take is a malformed multipart body; nothing kept
        assert error_code(r) == "malformed_multipart", r.text
        assert stored_files(suite) == before and rows_for_object(obj) == 0
    else:
        # rule: the content alone decides the type and the stored extension
        assert r.status_code == 201, r.text
        doc = r.json()
        assert doc["fileType"] == "pdf" and doc["fileName"].endswith(".pdf"), doc
        assert not any(c in doc["fileName"] for c in "\x00\r\n")


@pytest.mark.parametrize("case", ["nul", "crlf"])
def test_nul_and_line_breaks_in_x_file_name_are_judged_by_content(gw, app, case):
    """The raw upload's X-File-Name is percent-encoded, so a NUL or CR/LF arrives decoded in the
    name: the content (a PDF) decides, the name only loses those characters."""
    _, obj, token = app
    name = {"nul": "scan.jpg\x00.png", "crlf": "scan.jpg\r\n.png"}[case]
    r = upload(gw, token, "licence_scan", obj, pdf("x-file-name " + case), name=name, content_type="image/png",
               raw=True)
    assert r.status_code == 201, r.text
    assert r.json()["fileType"] == "pdf" and r.json()["fileName"] == "scan.jpg.pdf"


MALFORMED_MULTIPART = {
    "no_boundary": ("multipart/form-data", lambda data: data),
    "boundary_never_in_body": ("multipart/form-data; boundary=nowhere", lambda data: b"just bytes " + data),
    "unterminated_part_head": ("multipart/form-data; boundary=XyZ",
                               lambda data: b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; fil"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED_MULTIPART))
def test_malformed_multipart_refused_and_nothing_changed(gw, suite, app, case):
    ctype, make = MALFORMED_MULTIPART[case]
    _, obj, token = app
    before = stored_files(suite)
    r = requests.post(f"{gw}{API}/documents", params={"kind": "licence_scan", "object": obj},
                      data=make(pdf("malformed " + case)), headers={**bearer(token), "Content-Type": ctype}, timeout=10)
    assert r.status_code == 400 and error_code(r) == "malformed_multipart", r.text
    assert r.json()["error"]["message"]
    assert stored_files(suite) == before
    assert rows_for_object(obj) == 0 and objects_row(obj) == 0


def test_bad_requests(gw, app):
    _, obj, token = app
    data = pdf("x")
    r = upload(gw, token, "no_such_kind", obj, data)
    assert r.status_code == 422 and error_code(r) == "invalid_kind"
    r = upload(gw, token, "licence_scan", "registration:../../etc", data)
    assert r.status_code == 422 and error_code(r) == "invalid_object"
    r = requests.post(f"{gw}{API}/documents", params={"kind": "licence_scan", "object": obj},
                      files={"other": ("a.pdf", data, "application/pdf")}, headers=bearer(token), timeout=10)
    assert r.status_code == 400 and error_code(r) == "missing_file"
    r = requests.post(f"{gw}{API}/documents", params={"kind": "licence_scan", "object": obj},
                      files=[("file", ("a.pdf", data, "application/pdf")), ("file", ("b.pdf", data, "application/pdf"))],
                      headers=bearer(token), timeout=10)
    assert r.status_code == 400 and error_code(r) == "too_many_parts"
    r = upload(gw, None, "licence_scan", obj, data)
    assert r.status_code == 401
    r = upload(gw, "not-a-token", "licence_scan", obj, data)
    assert r.status_code == 401
    assert rows_for_object(obj) == 0


def _raw_head(port, path, length, extra=b""):
    """Sends only a request head announcing `length` bytes; returns what the server answers
    before any body byte is sent."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\n" + extra +
                  b"Content-Length: " + str(length).encode() + b"\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


def test_oversize_refused_at_the_header_per_kind(gw, suite, app):
    _, obj, token = app
    before = stored_files(suite)
    q = urllib.parse.urlencode({"kind": "institution_info_form", "object": obj})
    auth = b"Authorization: Bearer " + token.encode() + b"\r\n"
    # 5 MiB kind: a head announcing 6 MiB is answered 413 at once, without the body.
    answer = _raw_head(suite.port("documents"), f"{API}/documents?{q}", 6 * MIB, auth)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    # 10 MiB kind: the same 6 MiB head is accepted (the server waits for the body: 100-continue not asked).
    q10 = urllib.parse.urlencode({"kind": "licence_scan", "object": obj})
    with socket.create_connection(("127.0.0.1", suite.port("documents")), timeout=3) as s:
        s.sendall(f"POST {API}/documents?{q10} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n".encode() + auth +
                  f"Content-Length: {6 * MIB}\r\n\r\n".encode())
        assert s.recv(100).startswith(b"HTTP/1.1 100 ")
    # Through the gateway, with a real file one byte over the limit: 413, nothing stored.
    r = upload(gw, token, "institution_info_form", obj, pdf("big", size=5 * MIB + 1), name="big.pdf")
    assert r.status_code == 413 and error_code(r) == "payload_too_large", r.text[:300]
    r = upload(gw, token, "licence_photo", obj, solid_bmp("/tmp", 1300, 1400), name="big.bmp", raw=True)
    assert r.status_code == 413, r.text[:300]
    r = upload(gw, token, "licence_scan", obj, pdf("huge", size=10 * MIB + 1), name="huge.pdf", raw=True)
    assert r.status_code == 413, r.text[:300]
    assert stored_files(suite) == before
    assert rows_for_object(obj) == 0
    # Exactly at the limit is fine.
    r = upload(gw, token, "institution_info_form", obj, pdf("edge", size=5 * MIB), name="edge.pdf")
    assert r.status_code == 201, r.text[:300]
    assert r.json()["size"] == 5 * MIB


def test_too_many_files_per_object(gw, app):
    _, obj, token = app
    ids = []
    for i in range(3):
        r = upload(gw, token, "institution_info_form", obj, pdf(f"file {i}"), name=f"信息收集表{i}.pdf")
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    r = upload(gw, token, "institution_info_form", obj, pdf("fourth"), name="第四份.pdf")
    assert r.status_code == 409 and error_code(r) == "too_many_files"
    assert "3" in r.json()["error"]["message"]
    assert rows_for_object(obj) == 3
    # Another kind on the same application has its own count.
    assert upload(gw, token, "licence_scan", obj, pdf("licence"), name="licence.pdf").status_code == 201
    # Deleting one makes room again.
    assert requests.delete(f"{gw}{API}/documents/{ids[0]}", headers=bearer(token), timeout=10).status_code == 204
    assert upload(gw, token, "institution_info_form", obj, pdf("again"), name="again.pdf").status_code == 201


NAMES = {
    "../../etc/passwd.pdf": "passwd.pdf",
    "..\\..\\windows\\system32\\evil.pdf": "evil.pdf",
    "/var/lib/documents/sha256/x.pdf": "x.pdf",
    "..pdf": "pdf.pdf",
    "CON.pdf": "_CON.pdf",
    "a\u202egnp.pdf": "agnp.pdf",
    "报告\r\nX-Injected: 1.pdf": "报告X-Injected_ 1.pdf",
    "名单<script>.pdf": "名单_script_.pdf",
}


@pytest.mark.parametrize("given", sorted(NAMES))
def test_path_traversal_and_odd_names_are_sanitised(gw, suite, app, given):
    _, obj, token = app
    data = pdf("name " + given.encode("unicode_escape").decode())
    r = upload(gw, token, "licence_scan", obj, data, name=given, content_type="application/pdf", raw=True)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["fileName"] == NAMES[given]
    # Stored under its hash only: nothing named after the client's name anywhere.
    for rel in stored_files(suite):
        parts = rel.split(os.sep)
        assert parts[0] == "sha256" and len(parts) == 4 and len(parts[3]) == 64, rel
    got = requests.get(gw + doc["contentPath"], headers=bearer(token), timeout=10)
    assert got.status_code == 200 and got.content == data
    assert "\n" not in got.headers["Content-Disposition"] and "X-Injected" not in got.headers


def test_upload_to_someone_elses_application_is_404(gw, suite, actors, tmp_path):
    _, obj, owner = fresh_application(actors)
    _, _, stranger = fresh_application(actors)
    _, untouched, _ = fresh_application(actors)
    user = actors.institution(actors.random_city_province())
    assert upload(gw, owner, "licence_scan", obj, pdf("owner"), name="o.pdf").status_code == 201
    before = stored_files(suite)
    r = upload(gw, stranger, "licence_scan", obj, pdf("stranger"), name="s.pdf")
    assert r.status_code == 404 and error_code(r) == "not_found"
    # Also before the owner uploaded anything.
    r = upload(gw, stranger, "licence_scan", untouched, pdf("x"), name="x.pdf")
    assert r.status_code == 404
    # A signed-in user is not the applicant either.
    r = upload(gw, user.token, "licence_scan", obj, pdf("user"), name="u.pdf")
    assert r.status_code == 404
    assert stored_files(suite) == before
    assert rows_for_object(obj) == 1


def objects_row(key):
    return int(sql("SELECT count(*) FROM documents.objects WHERE key = :a1", key))


def test_only_the_applicant_creates_its_registration_folder(gw, suite, actors):
    """A signed-in user's upload to an application's folder that does not exist yet is refused
    (404, no folder made for him to own); the application's own applicant token creates it, and
    so does identity sealing it with the internal token."""
    app_id, obj, token = fresh_application(actors)
    user = actors.institution(actors.random_city_province())
    before = stored_files(suite)
    for target in [obj, f"registration:{uuid.uuid4()}"]:
        r = upload(gw, user.token, "licence_scan", target, pdf("squatter"), name="s.pdf")
        assert r.status_code == 404 and error_code(r) == "not_found", r.text
        assert objects_row(target) == 0
    assert stored_files(suite) == before
    r = upload(gw, token, "licence_scan", obj, pdf("mine"), name="mine.pdf")
    assert r.status_code == 201, r.text
    assert objects_row(obj) == 1
    # the user still cannot add to it, now that it exists
    r = upload(gw, user.token, "licence_scan", obj, pdf("squatter 2"), name="s.pdf")
    assert r.status_code == 404
    assert rows_for_object(obj) == 1
    # the internal seal (identity on submission) makes the folder of an application with no files
    _, sealed_obj, sealed_token = fresh_application(actors)
    r = requests.post(suite.url("documents") + API + "/internal/seal", json={"object": sealed_obj},
                      headers=internal_headers(suite), timeout=10)
    assert r.status_code == 200 and r.json()["sealedFiles"] == 0, r.text
    assert objects_row(sealed_obj) == 1
    assert upload(gw, sealed_token, "licence_scan", sealed_obj, pdf("after seal"), name="a.pdf").status_code == 201


# ---------------------------------------------------------------- storage

def test_same_bytes_stored_once(gw, suite, actors, tmp_path):
    data = image(str(tmp_path), "png", 400, 300)
    digest = sha256(data)
    docs = []
    for _ in range(2):
        _, obj, token = fresh_application(actors)
        r = upload(gw, token, "licence_scan", obj, data, name="same.png")
        assert r.status_code == 201, r.text
        docs.append(r.json())
    assert docs[0]["id"] != docs[1]["id"] and docs[0]["sha256"] == docs[1]["sha256"] == digest
    assert [f for f in stored_files(suite) if f.endswith(digest)] == [os.path.join("sha256", digest[:2], digest[2:4], digest)]
    assert not [f for f in stored_files(suite) if os.path.basename(f).startswith(".tmp")]


def test_delete_before_seal_removes_the_file_when_unreferenced(gw, suite, app, actors):
    _, obj, token = app
    data = pdf("to delete")
    doc = upload(gw, token, "licence_scan", obj, data, name="d.pdf").json()
    assert os.path.exists(blob_path(suite, doc["sha256"]))
    # The same bytes on another application keep the file alive after the first delete.
    _, other_obj, other_token = fresh_application(actors)
    other_doc = upload(gw, other_token, "licence_scan", other_obj, data, name="d.pdf").json()
    assert requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=bearer(token), timeout=10).status_code == 204
    assert os.path.exists(blob_path(suite, doc["sha256"]))
    assert requests.get(f"{gw}{API}/documents/{doc['id']}", headers=bearer(token), timeout=10).status_code == 404
    assert requests.delete(f"{gw}{API}/documents/{other_doc['id']}", headers=bearer(other_token),
                           timeout=10).status_code == 204
    assert not os.path.exists(blob_path(suite, doc["sha256"]))
    assert sql("SELECT count(*) FROM documents.audit_log WHERE action = 'document.delete' AND object_id = :a1",
               doc["id"]) == "1"


# ---------------------------------------------------------------- access

def institution_body(actors, province, phone, document_ids):
    return {"role": "institution_admin", "regionCode": actors.city_of(province), "specialties": ["coronary_intervention"],
            "organisation": {"name": f"文档测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33010211",
                             "level": "三级甲等", "category": "综合医院", "address": "人民路1号", "headName": "王院长"},
            "person": {"name": "张三", "email": f"doc{phone}@example.com"}, "documentIds": document_ids}


def test_download_as_owner_approver_operator_and_refused_to_strangers(gw, suite, actors, tmp_path):
    province = actors.random_city_province()
    other = actors.random_city_province(exclude=(province,))
    centre = actors.provincial_centre(province, "coronary_intervention")
    a = actors.applicant()
    data = image(str(tmp_path), "jpg")
    doc = upload(gw, a.token, "licence_scan", a.object, data, name="许可证.jpg").json()
    content = gw + doc["contentPath"]
    meta = f"{gw}{API}/documents/{doc['id']}"
    listing = f"{gw}{API}/documents?object={a.object}"

    # Owner.
    assert requests.get(content, headers=a.headers, timeout=10).content == data

    # Strangers: another applicant, a provincial centre of another province, no token.
    _, _, stranger_app = fresh_application(actors)
    stranger_user = actors.provincial_centre(other, "coronary_intervention").token
    for t in [stranger_app, stranger_user]:
        for url in [content, meta, listing]:
            r = requests.get(url, headers=bearer(t), timeout=10)
            assert r.status_code == 404, (url, r.text)
            assert error_code(r) == "not_found"
        assert requests.delete(meta, headers=bearer(t), timeout=10).status_code == 404
        assert requests.put(content, data=pdf("x"), headers={**bearer(t), "Content-Type": "application/pdf"},
                            timeout=10).status_code == 404
    assert requests.get(content, timeout=10).status_code == 401
    # Unknown and malformed ids look the same as someone else's.
    assert requests.get(f"{gw}{API}/documents/{uuid.uuid4()}/content", headers=a.headers, timeout=10).status_code == 404
    assert requests.get(f"{gw}{API}/documents/not-an-id", headers=a.headers, timeout=10).status_code == 404

    # Platform operator: reads, cannot change.
    operator = actors.operator()
    assert requests.get(content, headers=operator.headers, timeout=10).content == data
    assert requests.delete(meta, headers=operator.headers, timeout=10).status_code == 404

    # Approver: the province's provincial centre, once the submitted application has a request
    # at approval (identity opens it on submission).
    assert requests.get(content, headers=centre.headers, timeout=10).status_code == 404
    a.fill(institution_body(actors, province, a.phone, [doc["id"]]))
    a.submit()
    actors.request_of(a.id)
    got = requests.get(content, headers=centre.headers, timeout=10)
    assert got.status_code == 200, got.text[:300]
    assert got.content == data
    assert requests.get(listing, headers=centre.headers, timeout=10).json()["total"] == 1
    # Approvers read; they do not change the applicant's files.
    assert requests.delete(meta, headers=centre.headers, timeout=10).status_code == 404
    # The other province's centre still does not.
    assert requests.get(content, headers=bearer(stranger_user), timeout=10).status_code == 404


# ---------------------------------------------------------------- sealing and versions

def test_replace_before_seal_then_seal_then_new_versions(gw, suite, app, tmp_path):
    _, obj, token = app
    first, second, third = pdf("first"), pdf("second"), image(str(tmp_path), "png")
    doc = upload(gw, token, "signed_application_form", obj, first, name="账号申请表.pdf").json()
    content = gw + doc["contentPath"]

    # Before sealing: replace in place, the old file goes.
    r = requests.put(content, data=second, headers={**bearer(token), "Content-Type": "application/pdf",
                                                    "X-File-Name": urllib.parse.quote("账号申请表-改.pdf")}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1 and len(r.json()["versions"]) == 1
    assert r.json()["fileName"] == "账号申请表-改.pdf"
    assert not os.path.exists(blob_path(suite, sha256(first)))
    assert requests.get(content, headers=bearer(token), timeout=10).content == second

    # Seal (identity, on submission): internal only.
    seal_url = suite.url("documents") + API + "/internal/seal"
    assert requests.post(seal_url, json={"object": obj}, timeout=10).status_code == 403
    r = requests.post(gw + API + "/internal/seal", json={"object": obj}, headers=internal_headers(suite), timeout=10)
    # the gateway never forwards it: without a session it stops at sign-in (401) ...
    assert r.status_code == 401 and "sealedFiles" not in r.text
    # ... and with one it answers internal paths 404
    r = requests.post(gw + API + "/internal/seal", json={"object": obj}, headers={**internal_headers(suite), **bearer(token)},
                      timeout=10)
    assert r.status_code == 404 and "sealedFiles" not in r.text
    r = requests.post(seal_url, json={"object": obj}, headers=internal_headers(suite), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["sealedFiles"] == 1

    # Sealed: no deletion; replacing adds version 2 and keeps version 1.
    r = requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=bearer(token), timeout=10)
    assert r.status_code == 409 and error_code(r) == "document_sealed"
    r = requests.put(content, files={"file": ("扫描件.png", third, "image/png")}, headers=bearer(token), timeout=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == 2 and body["sealed"] is False and body["fileType"] == "png"
    assert [(v["version"], v["sealed"]) for v in body["versions"]] == [(1, True), (2, False)]
    assert requests.get(content, headers=bearer(token), timeout=10).content == third
    old = requests.get(content, params={"version": 1}, headers=bearer(token), timeout=10)
    assert old.status_code == 200 and old.content == second
    assert os.path.exists(blob_path(suite, sha256(second)))

    # Version 2 is not sealed yet: replaced in place until the next seal.
    fourth = pdf("fourth")
    r = requests.put(content, data=fourth, headers={**bearer(token), "Content-Type": "application/pdf"}, timeout=10)
    assert r.json()["version"] == 2
    assert not os.path.exists(blob_path(suite, sha256(third)))
    r = requests.post(seal_url, json={"object": obj}, headers=internal_headers(suite), timeout=10)
    assert r.json()["sealedFiles"] == 1 and r.json()["sealCount"] == 2
    r = requests.put(content, data=pdf("fifth"), headers={**bearer(token), "Content-Type": "application/pdf"}, timeout=10)
    assert r.json()["version"] == 3

    # The replacement is checked like an upload (kind's types and size).
    r = requests.put(content, data=image(str(tmp_path), "gif"), headers={**bearer(token), "Content-Type": "image/gif"},
                     timeout=10)
    assert r.status_code == 415 and error_code(r) == "unsupported_media_type"

    # Every change left an audit row.
    actions = sql("SELECT string_agg(action, ',' ORDER BY at) FROM documents.audit_log WHERE object_id IN (:a1, :a2)",
                  doc["id"], obj)
    assert actions.split(",") == ["document.upload", "document.replace", "object.seal", "document.new_version",
                                  "document.replace", "object.seal", "document.new_version"]


def test_seal_is_applied_once_per_delivery_and_identity_seals_on_submit(gw, suite, app):
    _, obj, token = app
    seal_url = suite.url("documents") + API + "/internal/seal"
    first = upload(gw, token, "licence_scan", obj, pdf("first submission"), name="a.pdf").json()
    key = {"Idempotency-Key": f"seal:{obj.split(':')[1]}:1"}
    r = requests.post(seal_url, json={"object": obj}, headers={**internal_headers(suite), **key}, timeout=10)
    assert r.json()["sealedFiles"] == 1
    # A file added afterwards is not sealed by a late redelivery of the same submission's seal.
    second = upload(gw, token, "licence_scan", obj, pdf("added later"), name="b.pdf").json()
    r = requests.post(seal_url, json={"object": obj}, headers={**internal_headers(suite), **key}, timeout=10)
    assert r.status_code == 200 and r.json()["sealedFiles"] == 0
    meta = requests.get(f"{gw}{API}/documents/{second['id']}", headers=bearer(token), timeout=10).json()
    assert meta["sealed"] is False
    assert requests.delete(f"{gw}{API}/documents/{second['id']}", headers=bearer(token), timeout=10).status_code == 204
    assert requests.delete(f"{gw}{API}/documents/{first['id']}", headers=bearer(token), timeout=10).status_code == 409


def document_meta(gw, token, doc_id):
    r = requests.get(f"{gw}{API}/documents/{doc_id}", headers=bearer(token), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_identity_seals_the_application_on_submit(gw, suite, actors):
    """The real flow: identity's submission seals the application's files (outbox → internal seal)."""
    province = actors.random_city_province()
    actors.provincial_centre(province, "coronary_intervention")
    a = actors.applicant()
    doc = upload(gw, a.token, "licence_scan", a.object, pdf("licence for submission"), name="许可证.pdf")
    assert doc.status_code == 201, doc.text
    doc = doc.json()
    a.fill(institution_body(actors, province, a.phone, [doc["id"]]))
    a.submit()
    until(lambda: document_meta(gw, a.token, doc["id"])["sealed"], timeout=15,
          what="identity's submission to seal the application's documents")
    r = requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=a.headers, timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "document_sealed"


def test_sealed_evidence_is_locked_once_an_approver_acted(gw, suite, actors, tmp_path):
    """Submitted files may still be corrected (a new version) while nobody has acted; once an
    approver has acted, the folder is what was judged: no replacement, no new file, no deletion
    (409 evidence_locked, nothing changed). A change then is a new request."""
    province = actors.random_city_province()
    actors.provincial_centre(province, "coronary_intervention")
    a = actors.applicant()
    first = pdf("evidence v1")
    doc = upload(gw, a.token, "licence_scan", a.object, first, name="许可证.pdf").json()
    a.fill(institution_body(actors, province, a.phone, [doc["id"]]))
    a.submit()
    until(lambda: document_meta(gw, a.token, doc["id"])["sealed"], timeout=40, what="the seal on submission")
    content = gw + doc["contentPath"]
    # nobody acted yet: a correction becomes version 2, version 1 kept
    second = pdf("evidence v2")
    r = requests.put(content, data=second, headers={**a.headers, "Content-Type": "application/pdf"}, timeout=10)
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    # one provincial centre of the province approves (an all-of stage: acted, maybe not final)
    req = actors.request_of(a.id)
    stage = until(lambda: (lambda s: s if s["status"] == "pending" else None)(actors.request_of(a.id)["stages"][0]),
                  what="the stage's organisations")
    centre = actors.centre_account(stage["pendingOrgs"][0]["id"])
    assert actors.decide(centre, req["id"]).status_code == 200
    before = (stored_files(suite), rows_for_object(a.object),
              sql("SELECT count(*) FROM documents.audit_log WHERE object_id IN (:a1, :a2)", doc["id"], a.object),
              document_meta(gw, a.token, doc["id"])["versions"])
    r = requests.put(content, data=pdf("evidence v3"), headers={**a.headers, "Content-Type": "application/pdf"},
                     timeout=10)
    assert r.status_code == 409 and error_code(r) == "evidence_locked", r.text
    r = requests.put(content, files={"file": ("许可证.png", image(str(tmp_path), "png"), "image/png")},
                     headers=a.headers, timeout=10)
    assert r.status_code == 409 and error_code(r) == "evidence_locked", r.text
    r = upload(gw, a.token, "licence_scan", a.object, pdf("late addition"), name="补充.pdf")
    assert r.status_code == 409 and error_code(r) == "evidence_locked", r.text
    r = requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=a.headers, timeout=10)
    assert r.status_code == 409 and error_code(r) == "evidence_locked", r.text
    after = (stored_files(suite), rows_for_object(a.object),
             sql("SELECT count(*) FROM documents.audit_log WHERE object_id IN (:a1, :a2)", doc["id"], a.object),
             document_meta(gw, a.token, doc["id"])["versions"])
    assert after == before
    got = requests.get(content, headers=a.headers, timeout=10)
    assert got.content == second
    # the approver reads exactly what he judged
    assert requests.get(content, headers=centre.headers, timeout=10).content == second


def test_report_files_are_visible_in_the_organisation_subtree_only(gw, actors, tmp_path):
    """A report's scan (object report:<id>) uploaded by a data-entry clerk of institution A: A's
    admin and the provincial centre above it read it; B's admin (same province) and another
    province's centre get 404; only the uploader changes it. The clerk is approved by his
    specialty admin, who is approved by the provincial centre of that specialty: needs identity
    to issue the specialty on provincial-centre grants."""
    province = actors.random_city_province()
    other = actors.random_city_province(exclude=(province,))
    clerk = actors.data_entry(province, "coronary_intervention")
    admin_a = actors.institution(province)
    admin_b = actors.institution(province, tag="b")
    centre = actors.provincial_centre(province, "coronary_intervention")
    centre_other = actors.provincial_centre(other, "coronary_intervention")
    assert clerk.org_id == admin_a.org_id and admin_b.org_id != admin_a.org_id
    obj = f"report:{uuid.uuid4()}"
    r = upload(gw, clerk.token, "annual_survey_scan", obj, image(str(tmp_path), "jpg"), name="附件4.jpg")
    assert r.status_code == 201, r.text
    doc = r.json()
    for who, status in [(clerk, 200), (admin_a, 200), (centre, 200), (admin_b, 404), (centre_other, 404)]:
        assert requests.get(gw + doc["contentPath"], headers=who.headers, timeout=10).status_code == status, who
        listing = requests.get(f"{gw}{API}/documents", params={"object": obj}, headers=who.headers, timeout=10)
        assert listing.status_code == status
    assert requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=admin_a.headers, timeout=10).status_code == 404
    r = upload(gw, admin_b.token, "annual_survey_scan", obj, pdf("intruder"), name="x.pdf")
    assert r.status_code == 404
    assert requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=clerk.headers, timeout=10).status_code == 204
