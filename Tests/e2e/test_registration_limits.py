"""Issue 17, materials limits checked by identity: NCIS takes at most three JPG/PDF files of at
most 5 MiB per application, the licence scan included (the seeds: 最多只允许上传三份文件，每份文件的
大小不能超过5M); a 医师个人 account (data entry as an individual physician) exists only for the
three intervention specialties (冠心病介入、先心病介入、心律失常介入)."""
import requests

from actors import actors_for
from helpers import V1, auth, wait_request
from test_documents_support import pdf

DOCS = "/api/documents/v1/documents"
MIB = 1024 * 1024


def png_bytes():
    import struct
    import zlib

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    raw = b"\x00\xff\xff\xff"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def ncis_body(phone, program="ncis"):
    return {"role": "institution_admin", "regionCode": "330100", "specialties": [], "program": program,
            "organisation": {"name": f"抽样调查医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33017712", "level": "二级甲等",
                             "category": "综合医院", "address": "人民路2号", "headName": "抽院长"},
            "person": {"name": "抽管理"}}


def test_ncis_at_most_three_files_on_save_and_submit(gw, suite):
    """The suite's identity (documents check off) still refuses a fourth file for NCIS, at save
    and at submit; the same four files are fine for NCCQI."""
    a = actors_for(suite).applicant()
    phone, app_id, tok = a.phone, a.id, a.token
    ids = [a.upload(k) for k in ("signed_application_form", "confidentiality_pledge", "licence_scan", "licence_scan")]
    body = ncis_body(phone)
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={**body, "documentIds": ids}, headers=auth(tok), timeout=10)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "too_many_documents" and err["field"] == "documentIds" and "三份" in err["message"]
    shown = requests.get(gw + V1 + f"/applications/{app_id}", headers=auth(tok), timeout=10).json()
    assert shown["documentIds"] == [] and shown.get("program") != "ncis"  # the refusal changed nothing
    # NCCQI: four files are accepted at save
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={**body, "program": "nccqi", "documentIds": ids},
                     headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    # switching that draft to NCIS keeps the four files: refused
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={"program": "ncis"}, headers=auth(tok), timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_documents", r.text
    # three: saved and submitted, reviewed by the platform
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={**body, "documentIds": ids[:3]}, headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(tok), timeout=20)
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
    assert wait_request(suite, app_id)["chain"] == "platform_registration"


def test_ncis_files_jpg_or_pdf_of_at_most_5_mib(gw, suite, checking_identity):
    """With the documents check on: a PDF over 5 MiB (documents takes up to 10 MB for NCCQI) or a
    PNG is refused for NCIS at submit with the upload box's field; 5 MiB exactly passes."""
    a = actors_for(suite).applicant()
    phone, app_id, tok = a.phone, a.id, a.token
    body = ncis_body(phone)
    form = a.upload("signed_application_form")
    pledge = a.upload("confidentiality_pledge")
    big = a.upload("licence_scan", data=pdf("licence_scan", size=5 * MIB + 1))
    png = a.upload("licence_scan", data=png_bytes(), name="licence.png", ctype="image/png")
    exact = a.upload("licence_scan", data=pdf("licence_scan", size=5 * MIB))
    listed = {d["id"]: d for d in requests.get(gw + DOCS, params={"object": f"registration:{app_id}"},
                                               headers=auth(tok), timeout=10).json()["items"]}
    assert listed[big]["size"] == 5 * MIB + 1 and listed[exact]["size"] == 5 * MIB

    def submit(ids, program="ncis"):
        r = requests.put(checking_identity + f"/applications/{app_id}", json={**body, "program": program, "documentIds": ids},
                         headers=auth(tok), timeout=10)
        assert r.status_code == 200, r.text
        return requests.post(checking_identity + f"/applications/{app_id}/submit", headers=auth(tok), timeout=20)

    r = submit([form, pledge, big])
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "file_too_large" and err["field"] == "upload:licence_scan" and "5M" in err["message"]
    r = submit([form, pledge, png])
    assert r.status_code == 422 and r.json()["error"]["code"] == "unsupported_file_type", r.text
    assert requests.get(checking_identity + f"/applications/{app_id}", headers=auth(tok), timeout=10).json()["status"] == "draft"
    # 5 MiB exactly: submitted
    r = submit([form, pledge, exact])
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text


def test_ncis_large_file_is_fine_for_nccqi(gw, suite, checking_identity):
    """The 5 MiB bound is NCIS's: the same large licence scan passes for an NCCQI institution."""
    a = actors_for(suite).applicant()
    phone, app_id, tok = a.phone, a.id, a.token
    ids = [a.upload("signed_application_form"), a.upload("confidentiality_pledge"),
           a.upload("licence_scan", data=pdf("licence_scan", size=6 * MIB))]
    r = requests.put(checking_identity + f"/applications/{app_id}", json={**ncis_body(phone, "nccqi"), "documentIds": ids},
                     headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    r = requests.post(checking_identity + f"/applications/{app_id}/submit", headers=auth(tok), timeout=20)
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text


def test_individual_physician_only_for_intervention_specialties(gw, suite):
    actors = actors_for(suite)
    province = actors.random_city_province()
    admin = actors.institution(province)
    city = admin.scope_path.split("/")[2]

    def physician(specialty, flag=True):
        a = actors.applicant()
        doc = a.upload_scan()
        a.fill({"role": "data_entry", "regionCode": city, "orgId": admin.org_id, "specialties": [specialty],
                "person": {"name": "钱医生", "physician": flag}, "documentIds": [doc]})
        return a, requests.post(f"{gw}{V1}/applications/{a.id}/submit", headers=a.headers, timeout=20)

    a, r = physician("hypertension")
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "physician_specialty_not_allowed" and err["field"] == "specialties" and "介入" in err["message"]
    assert requests.get(f"{gw}{V1}/applications/{a.id}", headers=a.headers, timeout=10).json()["status"] == "draft"
    # the same specialty as an ordinary data-entry user: accepted
    _, r = physician("hypertension", flag=False)
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
    # each of the three intervention specialties: accepted, the flag kept
    for spec in ("coronary_intervention", "congenital_intervention", "arrhythmia_intervention"):
        a, r = physician(spec)
        assert r.status_code == 200 and r.json()["status"] == "pending", r.text
        assert r.json()["person"]["physician"] is True
    # 医师个人 is a data-entry kind only
    a = actors.applicant()
    doc = a.upload_scan()
    a.fill({"role": "specialty_admin", "regionCode": city, "orgId": admin.org_id, "specialties": ["coronary_intervention"],
            "person": {"name": "孙医生", "physician": True}, "documentIds": [doc]})
    r = requests.post(f"{gw}{V1}/applications/{a.id}/submit", headers=a.headers, timeout=20)
    assert r.status_code == 422 and r.json()["error"]["code"] == "physician_role", r.text
