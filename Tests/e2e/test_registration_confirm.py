"""Issue 17, Zhejiang: an institution confirms its general information and its liaison (联络员)
at least every six months; a confirmation with a new liaison makes it the institution's
contact; reminders by SMS to the institution administrators before the confirmation lapses,
once per due date (dev trigger with a fixed "now", like reporting's reminders)."""
import secrets
import time
import uuid
from datetime import datetime, timedelta

import requests

import helpers
from actors import actors_for
from conftest import unique_phone  # noqa: F401
from helpers import V1, auth
from test_portal_info_confirmation import upload

URL = V1 + "/info-confirmation"


def run(suite, now):
    r = requests.post(suite.url("identity") + V1 + "/internal/info-confirmation/reminders/run", json={"now": now.isoformat()},
                      headers={"X-Internal-Token": suite.internal_token}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def sms_count(gw, phone, text):
    return sum(1 for m in helpers.messages(gw, phone) if text in m["body"])


def test_confirmation_every_six_months_with_reminders_once(gw, suite):
    admin = helpers.approved_account(gw, suite)   # a Zhejiang institution (330100)
    h = auth(admin["access"])
    r = requests.get(gw + URL, headers=h, timeout=10)
    assert r.status_code == 200, r.text
    before = r.json()
    assert before.get("lastConfirmedAt") is None and before["status"] == "ok"

    # refusals change nothing
    for bad, field in [({"liaisonName": "", "liaisonPhone": "13900000000"}, "liaisonName"),
                       ({"liaisonName": "孙联络", "liaisonPhone": "139"}, "liaisonPhone")]:
        r = requests.post(gw + URL, json=bad, headers=h, timeout=10)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text
    assert requests.get(gw + URL, headers=h, timeout=10).json().get("lastConfirmedAt") is None

    liaison = unique_phone()
    # a new liaison brings the stamped 联络员信息表 (server-side, not only on the page)
    r = requests.post(gw + URL, json={"liaisonName": "孙联络", "liaisonPhone": liaison}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "liaison_form_required", r.text
    assert r.json()["error"]["field"] == "liaisonFormId"
    assert requests.get(gw + URL, headers=h, timeout=10).json().get("lastConfirmedAt") is None
    form = upload(gw, admin["access"], "liaison_form", "confirmation:" + secrets.token_hex(8))
    r = requests.post(gw + URL, json={"liaisonName": "孙联络", "liaisonPhone": liaison, "liaisonFormId": form}, headers=h, timeout=10)
    assert r.status_code == 200, r.text
    # the same liaison confirms again without a new form
    r = requests.post(gw + URL, json={"liaisonName": "孙联络", "liaisonPhone": liaison}, headers=h, timeout=10)
    assert r.status_code == 200, r.text
    s = r.json()
    confirmed = datetime.fromisoformat(s["lastConfirmedAt"])
    due = datetime.fromisoformat(s["dueAt"])
    assert s["status"] == "ok" and s["liaisonName"] == "孙联络" and s["liaisonPhoneMasked"] != liaison
    assert 181 <= (due - confirmed).days <= 184   # six calendar months

    org = s["orgId"]
    # 20 days before the due date: nothing yet
    out = run(suite, due - timedelta(days=20))
    assert org not in out["sent"]
    # 10 days before: one reminder to the administrator; a second run sends nothing more
    out = run(suite, due - timedelta(days=10))
    assert org in out["sent"]
    assert next(x for x in out["statuses"] if x["orgId"] == org)["status"] == "due_soon"
    deadline = time.monotonic() + 15
    while sms_count(gw, admin["phone"], "即将到期") < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert sms_count(gw, admin["phone"], "即将到期") == 1
    assert org not in run(suite, due - timedelta(days=9))["sent"]
    # past the due date: lapsed (the same due date: no second reminder)
    out = run(suite, due + timedelta(days=1))
    assert next(x for x in out["statuses"] if x["orgId"] == org)["status"] == "lapsed"
    assert org not in out["sent"]

    # confirming again with a new liaison: a new due date six months on, the contact replaced
    new_liaison = unique_phone()
    form = upload(gw, admin["access"], "liaison_form", "confirmation:" + secrets.token_hex(8))
    r = requests.post(gw + URL, json={"liaisonName": "钱联络", "liaisonPhone": new_liaison, "liaisonFormId": form},
                      headers=h, timeout=10)
    assert r.status_code == 200, r.text
    again = r.json()
    assert again["liaisonName"] == "钱联络" and datetime.fromisoformat(again["dueAt"]) >= due
    assert datetime.fromisoformat(again["lastConfirmedAt"]) >= confirmed


def test_only_zhejiang_institution_admins_confirm(gw, suite):
    actors = actors_for(suite)
    province = actors.random_city_province()
    other = actors.institution(province)          # an institution outside Zhejiang
    centre = actors.provincial_centre(province, "coronary_intervention")
    for who in (other, centre):
        assert requests.get(gw + URL, headers=who.headers, timeout=10).status_code == 403
        r = requests.post(gw + URL, json={"liaisonName": "孙联络", "liaisonPhone": unique_phone()}, headers=who.headers, timeout=10)
        assert r.status_code == 403, r.text
    assert requests.get(gw + URL, timeout=10).status_code == 401
    # the dev trigger is internal
    r = requests.post(gw + V1 + "/internal/info-confirmation/reminders/run", json={"now": "2030-01-01T00:00:00+08:00"}, timeout=10)
    assert r.status_code in (401, 403, 404), r.text


def test_new_zhejiang_institution_brings_its_stamped_liaison_form(gw, suite, checking_identity):
    """The 联络员信息表（盖章） is a documents kind (JPG/PDF, 5 MB) and a required material of a new
    institution registering for the Zhejiang program (identity's check on)."""
    kinds = requests.get(gw + "/api/documents/v1/kinds", timeout=10).json()
    kind = next(k for k in (kinds["items"] if isinstance(kinds, dict) else kinds) if k["code"] == "liaison_form")
    assert kind["name"] == "联络员信息表（盖章）"
    a = actors_for(suite).applicant()
    phone, app_id, tok = a.phone, a.id, a.token
    body = {"role": "institution_admin", "regionCode": "330100", "specialties": [], "program": "zhejiang",
            "organisation": {"name": f"浙江联络医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33017713", "level": "二级甲等",
                             "category": "综合医院", "address": "人民路3号", "headName": "浙院长"},
            "person": {"name": "浙管理"}}
    ids = [a.upload(k) for k in ("signed_application_form", "confidentiality_pledge", "licence_scan")]

    def submit(ids):
        r = requests.put(checking_identity + f"/applications/{app_id}", json={**body, "documentIds": ids}, headers=auth(tok), timeout=10)
        assert r.status_code == 200, r.text
        return requests.post(checking_identity + f"/applications/{app_id}/submit", headers=auth(tok), timeout=20)

    r = submit(ids)
    assert r.status_code == 422 and r.json()["error"]["field"] == "upload:liaison_form", r.text
    r = submit(ids + [a.upload("liaison_form")])
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text


def test_notify_reaches_the_institution_admins_once_per_idempotency_key(gw, suite):
    """Identity's internal notify (reporting's deadline reminders use it): one SMS and one e-mail
    to each institution administrator; the same Idempotency-Key repeated queues nothing new, a
    new key queues again; the internal token is required."""
    actors = actors_for(suite)
    hospital = actors.institution(actors.random_city_province(), tag="notify")
    url = suite.url("identity") + V1 + f"/internal/organisations/{hospital.org_id}/notify"
    body = {"subject": "数据报送提醒", "text": f"通知测试{uuid.uuid4().hex[:8]}"}
    internal = {"X-Internal-Token": suite.internal_token}

    def sent(key):
        r = requests.post(url, json=body, headers={**internal, "Idempotency-Key": key}, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def queued():
        sms = [m for m in helpers.messages(gw, hospital.phone) if body["text"] in m["body"]]
        mail = [m for m in helpers.messages(gw, f"admin{hospital.phone}@example.com") if body["text"] in m["body"]]
        return len(sms), len(mail)

    r = requests.post(url, json=body, timeout=10)
    assert r.status_code in (401, 403), r.text
    assert queued() == (0, 0)
    key = str(uuid.uuid4())
    assert sent(key) == {"sms": 1, "email": 1}
    assert sent(key) == {"sms": 0, "email": 0}
    assert queued() == (1, 1)
    assert sent(str(uuid.uuid4())) == {"sms": 1, "email": 1}
    assert queued() == (2, 2)
