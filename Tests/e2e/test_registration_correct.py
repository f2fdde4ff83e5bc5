"""A rejected application is corrected and submitted again (issue 17): its data and documents
stay, it becomes a draft when edited, the next submission opens a new approval request (a new
revision), and the new decision is applied. An approved one stays closed."""
import uuid

import requests

from conftest import unique_phone  # noqa: F401
from helpers import (V1, auth, decide_for_real, ensure_provincial_centre, register_and_submit, wait_application,
                     wait_request)


def test_a_rejected_application_is_corrected_and_approved(gw, suite):
    ensure_provincial_centre(gw, suite, "330000")
    phone = unique_phone()
    doc = str(uuid.uuid4())
    body = {"role": "institution_admin", "regionCode": "330106", "specialties": [], "documentIds": [doc],
            "organisation": {"name": f"更正测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33010611", "level": "二级甲等",
                             "category": "综合医院", "address": "西湖区1号", "headName": "陈院长"},
            "person": {"name": "陈管理"}}
    app_id, tok = register_and_submit(gw, phone, body)
    first = wait_request(suite, app_id)
    assert decide_for_real(gw, suite, app_id, decision="reject", opinion="机构地址不完整")["status"] == "rejected"
    rejected = wait_application(gw, app_id, tok, "rejected")
    assert rejected["opinion"] == "机构地址不完整" and rejected["editable"] is True
    # corrected: only the address changes; everything else (documents included) stays
    fixed = dict(body["organisation"], address="杭州市西湖区文三路1号")
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={"organisation": fixed}, headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["documentIds"] == [doc] and draft["regionCode"] == "330106"
    assert draft["organisation"]["address"] == "杭州市西湖区文三路1号" and draft["person"]["name"] == "陈管理"
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(tok), timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "pending" and r.json()["revision"] == 2, r.text
    second = wait_request(suite, app_id, min_id_not=first["id"])
    assert second["id"] != first["id"]
    assert decide_for_real(gw, suite, app_id)["status"] == "approved"
    done = wait_application(gw, app_id, tok, "approved")
    assert done["editable"] is False
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={"person": {"name": "再改"}}, headers=auth(tok), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "application_closed", r.text
