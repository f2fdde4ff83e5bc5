"""Before submit, identity checks at documents that every required kind of material for the role
and program is uploaded and belongs to this application (issue 17). The suite's identity runs
with the check off (most tests submit placeholder ids); this test submits through an identity with
REGISTRATION_CHECK_DOCUMENTS=1 (the checking_identity fixture)."""
import uuid

import requests

from actors import actors_for
from helpers import V1, auth, wait_request


def test_submit_needs_every_required_kind_on_this_application(gw, suite, checking_identity):
    a = actors_for(suite).applicant()
    phone, app_id, tok = a.phone, a.id, a.token
    body = {"role": "institution_admin", "regionCode": "330100", "specialties": [], "program": "hqms",
            "organisation": {"name": f"材料测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33017711", "level": "二级甲等",
                             "category": "综合医院", "address": "人民路1号", "headName": "材院长"},
            "person": {"name": "材管理"}}
    form, pledge, licence = (a.upload(k) for k in ("signed_application_form", "confidentiality_pledge", "licence_scan"))

    def submit(ids):
        r = requests.put(checking_identity + f"/applications/{app_id}", json={**body, "documentIds": ids}, headers=auth(tok), timeout=10)
        assert r.status_code == 200, r.text
        return requests.post(checking_identity + f"/applications/{app_id}/submit", headers=auth(tok), timeout=20)

    # HQMS: the stamped 系统使用须知及同意书 is missing
    r = submit([form, pledge, licence])
    assert r.status_code == 422 and r.json()["error"]["code"] == "missing_document", r.text
    assert r.json()["error"]["field"] == "upload:terms_consent_form"
    # a document of another application (uploaded by another applicant) does not count
    foreign = actors_for(suite).applicant().upload("terms_consent_form")
    r = submit([form, pledge, licence, foreign])
    assert r.status_code == 422 and r.json()["error"]["code"] == "document_not_owned", r.text
    r = submit([form, pledge, licence, str(uuid.uuid4())])  # nobody's
    assert r.status_code == 422 and r.json()["error"]["code"] == "document_not_owned", r.text
    # a new institution without its licence scan
    consent = a.upload("terms_consent_form")
    r = submit([form, pledge, consent])
    assert r.status_code == 422 and r.json()["error"]["field"] == "upload:licence_scan", r.text
    shown = requests.get(checking_identity + f"/applications/{app_id}", headers=auth(tok), timeout=10).json()
    assert shown["status"] == "draft"  # every refusal changed nothing
    # everything there: submitted, reviewed by the platform (HQMS)
    r = submit([form, pledge, licence, consent])
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
    assert wait_request(suite, app_id)["chain"] == "platform_registration"
