"""Documents service end to end, through the gateway against real PostgreSQL: uploads of every
kind (multipart and raw), every bad case, storage and dedupe, access (owner, approver, operator,
stranger), sealing and versions."""
import io
import os
import socket
import time
import urllib.parse
import zipfile

import pytest
import requests

from conftest import unique_phone
from helpers import V1, latest_code, send_code
from test_documents_support import (API, EXT, MIB, MIME, Tokens, bearer, blob_path, image, internal_headers, nosniff,
                                    pdf, rows_for_object, sample_for, sha256, solid_bmp, sql, stored_files, upload, uuid7)


@pytest.fixture(scope="module")
def tokens(suite):
    return Tokens(suite)


@pytest.fixture(scope="module")
def kinds(gw):
    r = requests.get(gw + API + "/kinds", timeout=10)
    assert r.status_code == 200, r.text
    return {k["code"]: k for k in r.json()["items"]}


@pytest.fixture
def app(tokens):
    """A fresh registration application and its applicant's token."""
    app_id = uuid7()
    return app_id, f"registration:{app_id}", tokens.applicant(app_id)


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

def test_upload_every_kind_and_type_multipart_and_raw(gw, suite, tokens, kinds, tmp_path):
    for code, kind in kinds.items():
        for i, file_type in enumerate(kind["types"]):
            app_id = uuid7()
            token = tokens.applicant(app_id)
            obj = f"registration:{app_id}"
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
            other = uuid7()
            r2 = upload(gw, tokens.applicant(other), code, f"registration:{other}", sample_for(str(tmp_path), file_type),
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
    "png_for_jpg_bmp_gif_kind": ("licence_photo", lambda t: image(t, "png"), "licence.jpg", "image/jpeg", 415,
                                 "unsupported_media_type"),
    "jpeg_named_and_declared_pdf": ("licence_scan", lambda t: image(t, "jpg"), "scan.pdf", "application/pdf", 415,
                                    "file_type_mismatch"),
    "pdf_declared_png": ("licence_scan", lambda t: pdf("x"), "scan", "image/png", 415, "file_type_mismatch"),
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


def test_bad_requests(gw, app, tokens):
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


def test_upload_to_someone_elses_application_is_404(gw, suite, tokens, tmp_path):
    owner_app, stranger_app = uuid7(), uuid7()
    owner, stranger = tokens.applicant(owner_app), tokens.applicant(stranger_app)
    obj = f"registration:{owner_app}"
    assert upload(gw, owner, "licence_scan", obj, pdf("owner"), name="o.pdf").status_code == 201
    before = stored_files(suite)
    r = upload(gw, stranger, "licence_scan", obj, pdf("stranger"), name="s.pdf")
    assert r.status_code == 404 and error_code(r) == "not_found"
    # Also before the owner uploaded anything.
    r = upload(gw, stranger, "licence_scan", f"registration:{uuid7()}", pdf("x"), name="x.pdf")
    assert r.status_code == 404
    # A signed-in user is not the applicant either.
    user = tokens.access(uuid7(), [{"role": "institution_admin", "orgID": uuid7(), "scopePath": "86/33/3301/x"}])
    r = upload(gw, user, "licence_scan", obj, pdf("user"), name="u.pdf")
    assert r.status_code == 404
    assert stored_files(suite) == before
    assert rows_for_object(obj) == 1


# ---------------------------------------------------------------- storage

def test_same_bytes_stored_once(gw, suite, tokens, tmp_path):
    data = image(str(tmp_path), "png", 400, 300)
    digest = sha256(data)
    docs = []
    for _ in range(2):
        app_id = uuid7()
        r = upload(gw, tokens.applicant(app_id), "licence_scan", f"registration:{app_id}", data, name="same.png")
        assert r.status_code == 201, r.text
        docs.append(r.json())
    assert docs[0]["id"] != docs[1]["id"] and docs[0]["sha256"] == docs[1]["sha256"] == digest
    assert [f for f in stored_files(suite) if f.endswith(digest)] == [os.path.join("sha256", digest[:2], digest[2:4], digest)]
    assert not [f for f in stored_files(suite) if os.path.basename(f).startswith(".tmp")]


def test_delete_before_seal_removes_the_file_when_unreferenced(gw, suite, app, tokens):
    _, obj, token = app
    data = pdf("to delete")
    doc = upload(gw, token, "licence_scan", obj, data, name="d.pdf").json()
    assert os.path.exists(blob_path(suite, doc["sha256"]))
    # The same bytes on another application keep the file alive after the first delete.
    other = uuid7()
    other_doc = upload(gw, tokens.applicant(other), "licence_scan", f"registration:{other}", data, name="d.pdf").json()
    assert requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=bearer(token), timeout=10).status_code == 204
    assert os.path.exists(blob_path(suite, doc["sha256"]))
    assert requests.get(f"{gw}{API}/documents/{doc['id']}", headers=bearer(token), timeout=10).status_code == 404
    assert requests.delete(f"{gw}{API}/documents/{other_doc['id']}", headers=bearer(tokens.applicant(other)),
                           timeout=10).status_code == 204
    assert not os.path.exists(blob_path(suite, doc["sha256"]))
    assert sql("SELECT count(*) FROM documents.audit_log WHERE action = 'document.delete' AND object_id = :a1",
               doc["id"]) == "1"


# ---------------------------------------------------------------- access

def _province_centre(suite):
    """A provincial centre of Zhejiang in identity's organisation directory (every provincial
    centre of the province approves an institution admin's registration, contracts.md)."""
    r = requests.post(suite.url("identity") + "/api/identity/v1/internal/organisations", headers=internal_headers(suite),
                      json={"kind": "provincial_centre", "name": f"浙江省质控中心{uuid7()[-8:]}", "regionCode": "33",
                            "specialties": ["coronary_intervention"]}, timeout=10)
    assert r.status_code == 201, f"identity's internal organisations endpoint: {r.status_code} {r.text[:200]}"
    centre = r.json()
    assert centre["scopePath"] == "86/33"
    return centre


def test_download_as_owner_approver_operator_and_refused_to_strangers(gw, suite, app, tokens, tmp_path):
    app_id, obj, owner = app
    data = image(str(tmp_path), "jpg")
    doc = upload(gw, owner, "licence_scan", obj, data, name="许可证.jpg").json()
    content = gw + doc["contentPath"]
    meta = f"{gw}{API}/documents/{doc['id']}"
    listing = f"{gw}{API}/documents?object={obj}"

    # Owner.
    assert requests.get(content, headers=bearer(owner), timeout=10).content == data

    # Strangers: another applicant, an unrelated user, no token.
    stranger_app = tokens.applicant(uuid7())
    stranger_user = tokens.access(uuid7(), [{"role": "provincial_centre", "orgID": uuid7(), "scopePath": "86/44"}])
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
    assert requests.get(f"{gw}{API}/documents/{uuid7()}/content", headers=bearer(owner), timeout=10).status_code == 404
    assert requests.get(f"{gw}{API}/documents/not-an-id", headers=bearer(owner), timeout=10).status_code == 404

    # Platform operator: reads, cannot change.
    operator = tokens.access(uuid7(), [{"role": "platform_operator", "orgID": uuid7(), "scopePath": "86"}])
    assert requests.get(content, headers=bearer(operator), timeout=10).content == data
    assert requests.delete(meta, headers=bearer(operator), timeout=10).status_code == 404

    # Approver: a provincial centre of the province once approval holds a request on the application.
    centre = _province_centre(suite)
    approver = tokens.access(uuid7(), [{"role": "provincial_centre", "orgID": centre["id"], "scopePath": "86/33"}],
                             name="省级审核员")
    assert requests.get(content, headers=bearer(approver), timeout=10).status_code == 404
    request_body = {
        "type": "registration", "chain": "institution_admin_registration",
        "subject": {"service": "identity", "id": app_id},
        "title": "杭州市第一人民医院 医疗机构管理员注册申请",
        "applicant": {"name": "张三", "phoneMasked": "139****0001", "orgName": "杭州市第一人民医院"},
        "scopePath": "86/33/3301/pending", "provinceCode": "33", "cityCode": "3301",
        "specialty": "coronary_intervention", "institutionOrgID": None,
        "attachments": [doc["id"]], "details": {},
        "callbackPath": "/api/identity/v1/internal/approval-outcomes",
    }
    r = requests.post(suite.url("approval") + "/api/approval/v1/internal/requests", json=request_body,
                      headers={**internal_headers(suite), "Idempotency-Key": f"registration:{app_id}:1"}, timeout=10)
    assert r.status_code in (200, 201), f"approval's internal requests endpoint: {r.status_code} {r.text[:300]}"
    got = requests.get(content, headers=bearer(approver), timeout=10)
    assert got.status_code == 200, got.text[:300]
    assert got.content == data
    assert requests.get(listing, headers=bearer(approver), timeout=10).json()["total"] == 1
    # Approvers read; they do not change the applicant's files.
    assert requests.delete(meta, headers=bearer(approver), timeout=10).status_code == 404


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
    assert r.status_code in (401, 403, 404) and "sealedFiles" not in r.text   # the gateway never forwards it
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


def test_identity_seals_the_application_on_submit(gw, suite):
    """The real flow: identity's submission seals the application's files (outbox → internal seal)."""
    phone = unique_phone()
    assert send_code(gw, phone, "register").status_code == 201
    code, _ = latest_code(gw, phone)
    created = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True},
                            timeout=10).json()["created"]
    app_id, token = created["id"], created["applicantToken"]
    obj = f"registration:{app_id}"
    doc = upload(gw, token, "licence_scan", obj, pdf("licence for submission"), name="许可证.pdf")
    assert doc.status_code == 201, doc.text
    doc = doc.json()
    body = {"role": "institution_admin", "regionCode": "3301", "specialties": ["coronary_intervention"],
            "organisation": {"name": f"封存测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33010211", "level": "三级甲等",
                             "category": "综合医院", "address": "杭州市上城区解放路1号", "headName": "王院长"},
            "person": {"name": "张三", "email": f"seal{phone}@example.com"}, "documentIds": [doc["id"]]}
    assert requests.put(gw + V1 + f"/applications/{app_id}", json=body, headers=bearer(token), timeout=10).status_code == 200
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=bearer(token), timeout=10)
    assert r.status_code == 200, r.text
    deadline = time.time() + 15
    while time.time() < deadline:
        meta = requests.get(f"{gw}{API}/documents/{doc['id']}", headers=bearer(token), timeout=10).json()
        if meta["sealed"]:
            break
        time.sleep(0.2)
    assert meta["sealed"] is True, "identity's submission did not seal the application's documents"
    r = requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=bearer(token), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "document_sealed"


def test_report_files_are_visible_in_the_organisation_subtree_only(gw, tokens, tmp_path):
    """A report's scan (object report:<id>) uploaded by a clerk of institution A: A's admin and
    the provincial centre above it read it; B's admin and another province's centre get 404;
    only the uploader changes it."""
    inst_a, inst_b = uuid7(), uuid7()
    path_a, path_b = f"86/33/3301/{inst_a}", f"86/33/3301/{inst_b}"
    clerk = tokens.access(uuid7(), [{"role": "data_entry", "orgID": inst_a, "scopePath": path_a,
                                     "specialty": "coronary_intervention"}])
    obj = f"report:{uuid7()}"
    r = upload(gw, clerk, "annual_survey_scan", obj, image(str(tmp_path), "jpg"), name="附件4.jpg")
    assert r.status_code == 201, r.text
    doc = r.json()
    admin_a = tokens.access(uuid7(), [{"role": "institution_admin", "orgID": inst_a, "scopePath": path_a}])
    admin_b = tokens.access(uuid7(), [{"role": "institution_admin", "orgID": inst_b, "scopePath": path_b}])
    centre_33 = tokens.access(uuid7(), [{"role": "provincial_centre", "orgID": uuid7(), "scopePath": "86/33"}])
    centre_44 = tokens.access(uuid7(), [{"role": "provincial_centre", "orgID": uuid7(), "scopePath": "86/44"}])
    for who, status in [(clerk, 200), (admin_a, 200), (centre_33, 200), (admin_b, 404), (centre_44, 404)]:
        assert requests.get(gw + doc["contentPath"], headers=bearer(who), timeout=10).status_code == status
        listing = requests.get(f"{gw}{API}/documents", params={"object": obj}, headers=bearer(who), timeout=10)
        assert listing.status_code == status
    assert requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=bearer(admin_a), timeout=10).status_code == 404
    r = upload(gw, admin_b, "annual_survey_scan", obj, pdf("intruder"), name="x.pdf")
    assert r.status_code == 404
    assert requests.delete(f"{gw}{API}/documents/{doc['id']}", headers=bearer(clerk), timeout=10).status_code == 204
