"""Issue 17: NCIS's materials limits are enforced by documents when a file is uploaded into an
NCIS application's folder (at most three JPG/PDF files of at most 5 MiB per application, the
licence scan included; the seeds: 上传文件支持格式 JPG和PDF，最多只允许上传三份文件，每份文件的
大小不能超过5M). Identity holds the application's program and the rule
(`internal/applications/:id/upload-policy`); documents asks it at upload. Other programs keep
documents' per-kind limits (10 MB, three per kind)."""
import requests

from actors import actors_for
from helpers import V1
from test_documents_support import MIB, bearer, image, pdf, rows_for_object, upload
from test_registration_limits import ncis_body, png_bytes

DOCS = "/api/documents/v1/documents"


def ncis_applicant(suite, program="ncis"):
    a = actors_for(suite).applicant()
    a.fill(ncis_body(a.phone, program))
    return a


def live(gw, a):
    r = requests.get(gw + DOCS, params={"object": a.object}, headers=a.headers, timeout=10)
    assert r.status_code == 200, r.text
    return [d["id"] for d in r.json()["items"]]


def test_fourth_file_refused_at_upload_for_ncis(gw, suite):
    a = ncis_applicant(suite)
    ids = [a.upload(k) for k in ("signed_application_form", "institution_info_form", "licence_scan")]
    # the fourth, of a kind not yet used (documents' own per-kind limit is three): refused
    r = upload(gw, a.token, "confidentiality_pledge", a.object, pdf("fourth"), "pledge.pdf")
    assert r.status_code == 409, r.text
    err = r.json()["error"]
    assert err["code"] == "too_many_documents" and "三份" in err["message"] and "NCIS" in err["message"], err
    # the same as a raw streamed body (X-File-Name): refused too, nothing stored
    r = upload(gw, a.token, "licence_scan", a.object, pdf("fourth raw"), "licence.pdf", "application/pdf", raw=True)
    assert r.status_code == 409 and r.json()["error"]["code"] == "too_many_documents", r.text
    assert sorted(live(gw, a)) == sorted(ids) and rows_for_object(a.object) == 3
    # a deleted file frees its place
    r = requests.delete(gw + DOCS + "/" + ids[0], headers=a.headers, timeout=10)
    assert r.status_code in (200, 204), r.text
    a.upload("confidentiality_pledge")
    assert len(live(gw, a)) == 3


def test_four_files_fine_for_nccqi(gw, suite):
    """The bound is NCIS's: an NCCQI application takes a fourth file."""
    a = ncis_applicant(suite, "nccqi")
    for k in ("signed_application_form", "institution_info_form", "licence_scan", "confidentiality_pledge"):
        a.upload(k)
    assert len(live(gw, a)) == 4


def test_ncis_takes_jpg_and_pdf_only_at_upload(gw, suite, tmp_path):
    a = ncis_applicant(suite)
    # licence_scan takes PNG for other programs; NCIS does not
    r = upload(gw, a.token, "licence_scan", a.object, png_bytes(), "licence.png", "image/png")
    assert r.status_code == 415, r.text
    err = r.json()["error"]
    assert err["code"] == "type_not_allowed" and "JPG" in err["message"] and "PDF" in err["message"], err
    assert rows_for_object(a.object) == 0
    jpg = upload(gw, a.token, "licence_scan", a.object, image(str(tmp_path), "jpg"), "licence.jpg", "image/jpeg")
    assert jpg.status_code == 201 and jpg.json()["fileType"] == "jpeg", jpg.text
    # replacing a file's content with a PNG: refused, the JPEG stays
    r = requests.put(gw + DOCS + "/" + jpg.json()["id"] + "/content", files={"file": ("x.png", png_bytes(), "image/png")},
                     headers=bearer(a.token), timeout=30)
    assert r.status_code == 415 and r.json()["error"]["code"] == "type_not_allowed", r.text
    shown = requests.get(gw + DOCS + "/" + jpg.json()["id"], headers=a.headers, timeout=10).json()
    assert shown["fileType"] == "jpeg"
    # the same PNG on an NCCQI application: accepted
    b = ncis_applicant(suite, "nccqi")
    r = upload(gw, b.token, "licence_scan", b.object, png_bytes(), "licence.png", "image/png")
    assert r.status_code == 201, r.text


def test_ncis_file_of_at_most_5_mib_at_upload(gw, suite):
    a = ncis_applicant(suite)
    r = upload(gw, a.token, "licence_scan", a.object, pdf("big", size=5 * MIB + 1), "big.pdf", "application/pdf")
    assert r.status_code == 413, r.text
    assert r.json()["error"]["code"] == "payload_too_large" and "5 MB" in r.json()["error"]["message"], r.text
    r = upload(gw, a.token, "licence_scan", a.object, pdf("big raw", size=6 * MIB), "big.pdf", "application/pdf", raw=True)
    assert r.status_code == 413, r.text
    assert rows_for_object(a.object) == 0
    r = upload(gw, a.token, "licence_scan", a.object, pdf("exact", size=5 * MIB), "exact.pdf", "application/pdf")
    assert r.status_code == 201 and r.json()["size"] == 5 * MIB, r.text
    # NCCQI keeps documents' 10 MB bound for the licence scan
    b = ncis_applicant(suite, "nccqi")
    r = upload(gw, b.token, "licence_scan", b.object, pdf("nccqi big", size=6 * MIB), "big.pdf", "application/pdf")
    assert r.status_code == 201, r.text
