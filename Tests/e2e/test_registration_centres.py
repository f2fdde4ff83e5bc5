"""Centres and commissions, and requests that would wait forever (issue 17).

- A second member of a provincial centre or a city commission finds the organisation by region
  and kind (public GET /api/identity/v1/organisations) and joins it: no second organisation,
  the grants are the existing organisation's. Approval is the same next level up as for the
  first member (national centre for a centre, the platform for a commission).
- A stage for which no organisation exists goes to the next level up, and the applicant's
  status says so; operators list requests waiting longer than APPROVAL_STALE_DAYS."""
import re
import signal
import time
import uuid

import requests

from conftest import unique_phone  # noqa: F401
from helpers import (V1, ALL_SPECIALTIES, auth, centre_actor, decide_for_real, first_login, internal_headers,
                     open_application, operator_actor, register_and_submit, register_provincial_centre, wait_application,
                     wait_request)
from portal_helpers import browsers  # noqa: F401

# provinces tried, in order, when a test needs one without any provincial centre
QUIET_PROVINCES = ["540000", "630000", "640000", "460000", "520000", "530000", "450000", "360000", "220000", "230000",
                   "150000", "140000", "130000", "120000", "210000", "340000", "350000", "410000", "430000", "500000",
                   "610000", "620000"]


def operator(gw, suite, timeout=150):
    """The platform operator signed in (helpers.operator_actor, cached). Another test may have
    sent the operator's phone a code moments ago (one per minute): polled until accepted."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return operator_actor(gw, suite)
        except AssertionError as e:
            wait = re.search(r'"retryAfter":(\d+)', str(e))
            if not wait or time.monotonic() + int(wait.group(1)) > deadline:
                raise
            time.sleep(int(wait.group(1)))  # the server's own Retry-After, then once more


def orgs(suite, kind, under):
    r = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite),
                     params={"kind": kind, "under": under}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def public_bodies(gw, kind, region):
    r = requests.get(gw + V1 + "/organisations", params={"kind": kind, "region": region}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def draft(gw, phone, body):
    app_id, tok = open_application(gw, phone)
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={"documentIds": [str(uuid.uuid4())], **body}, headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    return app_id, tok


def submit(gw, app_id, tok):
    return requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(tok), timeout=10)


def quiet_province(suite):
    """A province without any provincial centre yet (other tests add centres to random ones)."""
    for p in QUIET_PROVINCES:
        if not orgs(suite, "provincial_centre", f"86/{p}"):
            return p
    raise AssertionError("every candidate province has a provincial centre")


def test_a_second_member_joins_the_existing_provincial_centre(gw, suite):
    province = "640000"
    first = register_provincial_centre(gw, suite, province, ["hypertension", "heart_failure"])
    centre_id = first["org"]
    before = orgs(suite, "provincial_centre", f"86/{province}")
    listed = public_bodies(gw, "provincial_centre", province)
    assert centre_id in [o["id"] for o in listed]
    mine = next(o for o in listed if o["id"] == centre_id)
    assert sorted(mine["specialties"]) == ["heart_failure", "hypertension"]

    # refused: specialties the centre does not cover; a centre of another province; not a centre
    phone = unique_phone()
    base = {"role": "provincial_centre", "regionCode": province, "orgId": centre_id, "person": {"name": "孙副主任"}}
    app_id, tok = draft(gw, phone, {**base, "specialties": ["hypertension", "cardiac_surgery"]})
    r = submit(gw, app_id, tok)
    assert r.status_code == 422 and r.json()["error"]["code"] == "specialty_not_covered", r.text
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={**base, "regionCode": "630000", "specialties": ["hypertension"]},
                     headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    r = submit(gw, app_id, tok)
    assert r.status_code == 422 and r.json()["error"]["code"] == "organisation_mismatch", r.text

    # joins: the national centre approves, the account belongs to the existing centre
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={**base, "specialties": ["hypertension"]}, headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    r = submit(gw, app_id, tok)
    assert r.status_code == 200, r.text
    req = wait_request(suite, app_id)
    assert req["chain"] == "provincial_centre_registration" and req["scopePath"] == f"86/{province}/{centre_id}"
    final = decide_for_real(gw, suite, app_id)
    assert final["status"] == "approved", final
    wait_application(gw, app_id, tok, "approved")
    _, _, tokens = first_login(gw, phone)
    assert tokens["user"]["orgID"] == centre_id
    assert [(g["role"], g["orgID"], g["scopePath"], g["specialty"]) for g in tokens["user"]["roles"]] == \
        [("provincial_centre", centre_id, f"86/{province}", "hypertension")]
    after = orgs(suite, "provincial_centre", f"86/{province}")
    assert sorted(o["id"] for o in after) == sorted(o["id"] for o in before)  # no second organisation


def test_a_second_member_joins_the_existing_city_commission(gw, suite):
    city = "640100"
    phone1 = unique_phone()
    app1, tok1 = register_and_submit(gw, phone1, {"role": "city_commission", "regionCode": city, "specialties": [],
                                                   "organisation": {"name": f"银川市卫生健康委{phone1[-6:]}"},
                                                   "person": {"name": "周科长"}})
    operator(gw, suite)  # the platform approves (signed in before, see operator())
    assert decide_for_real(gw, suite, app1)["status"] == "approved"
    wait_application(gw, app1, tok1, "approved")
    commission = next(o for o in public_bodies(gw, "city_commission", city) if o["name"] == f"银川市卫生健康委{phone1[-6:]}")
    before = orgs(suite, "city_commission", "86/640000/640100")

    phone2 = unique_phone()
    app2, tok2 = draft(gw, phone2, {"role": "city_commission", "regionCode": city, "orgId": commission["id"], "specialties": [],
                                    "person": {"name": "吴干事"}})
    r = submit(gw, app2, tok2)
    assert r.status_code == 200, r.text
    req = wait_request(suite, app2)
    assert req["chain"] == "platform_registration"  # the platform approves, as for the first member
    assert decide_for_real(gw, suite, app2)["status"] == "approved"
    wait_application(gw, app2, tok2, "approved")
    _, _, tokens = first_login(gw, phone2)
    assert [(g["role"], g["orgID"], g["scopePath"]) for g in tokens["user"]["roles"]] == \
        [("city_commission", commission["id"], "86/640000/640100")]
    assert sorted(o["id"] for o in orgs(suite, "city_commission", "86/640000/640100")) == sorted(o["id"] for o in before)

    # a commission of another city is not joined
    phone3 = unique_phone()
    app3, tok3 = draft(gw, phone3, {"role": "city_commission", "regionCode": "640200", "orgId": commission["id"],
                                    "specialties": [], "person": {"name": "郑干事"}})
    r = submit(gw, app3, tok3)
    assert r.status_code == 422 and r.json()["error"]["code"] == "organisation_mismatch", r.text


def test_the_public_organisation_lookup_is_bounded_to_centres_and_commissions(gw):
    for params, field in (({"kind": "institution", "region": "330000"}, "kind"), ({"kind": "provincial_centre"}, "region"),
                          ({"kind": "provincial_centre", "region": "33"}, "region")):
        r = requests.get(gw + V1 + "/organisations", params=params, timeout=10)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text


def test_an_application_in_a_province_without_a_centre_goes_up_and_says_so(gw, suite, browsers):  # noqa: F811
    province = quiet_province(suite)
    city = requests.get(gw + V1 + "/regions", params={"parent": province}, timeout=10).json()["items"][0]["code"]
    phone = unique_phone()
    app_id, tok = register_and_submit(gw, phone, {
        "role": "institution_admin", "regionCode": city, "specialties": [],
        "organisation": {"name": f"无中心省份测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "00010211", "level": "二级甲等",
                         "category": "综合医院", "address": "人民路1号", "headName": "林院长"},
        "person": {"name": "林管理"}})
    # the all-of stage of the province's centres found nobody: it went to the national centre
    deadline = time.monotonic() + 30
    while True:
        view = requests.get(gw + V1 + f"/applications/{app_id}", headers=auth(tok), timeout=10).json()
        stage = ((view.get("progress") or {}).get("stages") or [{}])[0]
        if stage.get("escalationNote"):
            break
        assert time.monotonic() < deadline, view
        time.sleep(0.2)
    assert stage["escalatedFrom"] == "省级质控中心审批"
    assert "该省尚无省级质控中心" in stage["escalationNote"] and "国家质控中心" in stage["escalationNote"]
    assert stage["status"] == "pending" and stage["rule"] == "any"
    # the applicant's status page says so
    b = browsers("status")
    b.open("#/status")
    b.fill("手机号", phone)
    b.fill_captcha()
    b.sms_code(phone)
    b.click("查询")
    shown = b.text_in("[data-role='escalated']", "已自动转由国家质控中心审批", timeout=40)
    assert "该省尚无省级质控中心" in shown.text and "省级质控中心审批" in shown.text
    assert "国家质控中心审批（自动上转）" in b.css("[data-role='waiting']").text
    b.shot("registration-status-escalated")
    national = centre_actor(gw, suite, "00000000-0000-7000-8000-000000000002", "national_centre")
    req = wait_request(suite, app_id)
    inbox = requests.get(gw + "/api/approval/v1/inbox", headers=national["headers"], params={"limit": 100}, timeout=10).json()
    assert req["id"] in [i["id"] for i in inbox["items"]]
    history = requests.get(gw + f"/api/approval/v1/requests/{req['id']}/history", headers=national["headers"], timeout=10).json()
    assert any(h["event"] == "stage_escalated" and "尚无" in (h["note"] or "") for h in history["items"]), history
    final = decide_for_real(gw, suite, app_id)
    assert final["status"] == "approved", final
    wait_application(gw, app_id, tok, "approved")


def test_a_specialty_stage_without_a_centre_of_that_specialty_goes_up(gw, suite):
    province = quiet_province(suite)
    centre = requests.post(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite), timeout=10,
                           json={"kind": "provincial_centre", "name": f"专科测试中心{uuid.uuid4().hex[:6]}", "regionCode": province,
                                 "specialties": ["hypertension"]}).json()
    base = suite.url("approval") + "/api/approval/v1/internal/requests"
    city = province[:2] + "0100"
    opened = {}
    for specialty in ("hypertension", "cardiac_surgery"):
        subject = str(uuid.uuid4())
        r = requests.post(base, headers=internal_headers(suite), timeout=10, json={
            "type": "monthly_submission", "chain": "specialty_submission", "subject": {"service": "reporting", "id": subject},
            "title": f"专科数据 {specialty}", "applicant": {"name": "张三"}, "scopePath": f"86/{province}/{city}/{uuid.uuid4()}",
            "specialty": specialty})
        assert r.status_code == 201, r.text
        opened[specialty] = subject

    def stage_of(subject):
        r = requests.get(base + "/by-subject", params={"service": "reporting", "id": subject}, headers=internal_headers(suite), timeout=10)
        return r.json()["stages"][0]
    deadline = time.monotonic() + 30
    while not stage_of(opened["cardiac_surgery"]).get("escalationNote"):
        assert time.monotonic() < deadline, stage_of(opened["cardiac_surgery"])
        time.sleep(0.2)
    moved = stage_of(opened["cardiac_surgery"])
    assert moved["role"] == "national_centre" and moved["escalatedFrom"] == "省级质控中心审核（对应专业）", moved
    assert moved["escalationNote"] == "该省尚无负责心外科的省级质控中心，已自动转由国家质控中心审批", moved
    # the one whose centre exists stays with it (checked, not moved)
    kept = stage_of(opened["hypertension"])
    assert kept["role"] == "provincial_centre" and not kept.get("escalationNote"), kept
    assert centre["id"]


def test_operators_see_requests_waiting_too_long(gw, suite):
    phone = unique_phone()
    app_id, tok = register_and_submit(gw, phone, {"role": "city_commission", "regionCode": "640300", "specialties": [],
                                                  "organisation": {"name": f"吴忠市卫健委{phone[-6:]}"}, "person": {"name": "超期"}})
    rid = wait_request(suite, app_id)["id"]
    op = operator(gw, suite)
    url = gw + "/api/approval/v1/stale"
    # the default (APPROVAL_STALE_DAYS=7): a request of today is not stale
    r = requests.get(url, headers=op["headers"], timeout=10)
    assert r.status_code == 200 and r.json()["days"] == 7, r.text
    assert rid not in [i["id"] for i in r.json()["items"]]
    inbox = requests.get(gw + "/api/approval/v1/inbox", headers=op["headers"], params={"limit": 100}, timeout=10).json()
    assert next(i for i in inbox["items"] if i["id"] == rid)["stale"] is False
    # waiting longer than 0 days
    r = requests.get(url, headers=op["headers"], params={"days": "0", "limit": "200"}, timeout=10)
    assert r.status_code == 200, r.text
    item = next(i for i in r.json()["items"] if i["id"] == rid)
    assert item["stageName"] == "平台运营审批" and item["waitingDays"] == 0 and item["approvers"] == "平台运营"
    for bad in ("-1", "366", "x"):
        r = requests.get(url, headers=op["headers"], params={"days": bad}, timeout=10)
        assert r.status_code == 422 and r.json()["error"]["field"] == "days", r.text
    # nobody but an operator
    national = centre_actor(gw, suite, "00000000-0000-7000-8000-000000000002", "national_centre")
    r = requests.get(url, headers=national["headers"], timeout=10)
    assert r.status_code == 403, r.text
    assert requests.get(url, timeout=10).status_code == 401

    # the number of days is configured: an approval instance with APPROVAL_STALE_DAYS=0
    suite.start("approval", instance=2, env={"APPROVAL_STALE_DAYS": "0"})
    try:
        other = suite.url("approval", instance=2) + "/api/approval/v1"
        r = requests.get(other + "/stale", headers=op["headers"], params={"limit": "200"}, timeout=10)
        assert r.status_code == 200 and r.json()["days"] == 0, r.text
        assert rid in [i["id"] for i in r.json()["items"]]
        inbox = requests.get(other + "/inbox", headers=op["headers"], params={"limit": 100}, timeout=10).json()
        assert next(i for i in inbox["items"] if i["id"] == rid)["stale"] is True
    finally:
        suite.kill("approval#2", signal.SIGTERM)
    assert ALL_SPECIALTIES

