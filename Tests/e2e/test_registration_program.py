"""The program an applicant registers for (issue 17): one of the seeds' programs or none, and
it decides who reviews an institution: NCIS and HQMS the platform, the others the centres."""
import uuid

import requests

from conftest import unique_phone  # noqa: F401
from helpers import V1, auth, open_application, wait_request


def draft(gw, phone):
    return open_application(gw, phone)


def institution(phone, program):
    return {"role": "institution_admin", "regionCode": "330100", "specialties": [], "program": program,
            "documentIds": [str(uuid.uuid4())],
            "organisation": {"name": f"项目测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33019911", "level": "二级甲等",
                             "category": "综合医院", "address": "人民路1号", "headName": "项院长"},
            "person": {"name": "项管理"}}


def test_the_program_is_one_of_the_seeds_and_decides_the_reviewer(gw, suite):
    phone = unique_phone()
    app_id, tok = draft(gw, phone)
    r = requests.put(gw + V1 + f"/applications/{app_id}", json=institution(phone, "nccqi_old"), headers=auth(tok), timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_program" and r.json()["error"]["field"] == "program"
    shown = requests.get(gw + V1 + f"/applications/{app_id}", headers=auth(tok), timeout=10).json()
    assert shown.get("program") is None and shown.get("role") is None  # refused: nothing changed
    for program, chain in (("ncis", "platform_registration"), ("hqms", "platform_registration"),
                           ("stroke", "institution_admin_registration"), ("", "institution_admin_registration")):
        phone = unique_phone()
        app_id, tok = draft(gw, phone)
        r = requests.put(gw + V1 + f"/applications/{app_id}", json=institution(phone, program), headers=auth(tok), timeout=10)
        assert r.status_code == 200 and r.json().get("program") == (program or None), r.text
        r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(tok), timeout=10)
        assert r.status_code == 200, r.text
        assert wait_request(suite, app_id)["chain"] == chain, program
