"""Identity's refusals, each reached on its own and each leaving everything as it was: other
tenants, other applicants, closed applications, login and code errors, organisation
conflicts, the internal API and the start-up checks. Accounts come from the real flows."""
import time
import uuid

import pytest
import requests

from conftest import unique_phone
from helpers import (V1, approval_request, approved_account, auth, captcha, centre_actor, credentials, decide_for_real,
                     ensure_provincial_centre, full_login, internal_headers, latest_code, login, messages, register_and_submit,
                     send_code, wait_application, wait_request)


def institution_body(phone, region="330100", name=None, licence=None):
    return {"role": "institution_admin", "regionCode": region, "specialties": ["coronary_intervention"],
            "organisation": {"name": name or f"拒绝医院{phone[-6:]}", "licenceNo": licence or "PDY" + phone + "33010211",
                             "level": "三级乙等", "category": "综合医院", "address": "杭州市西湖区1号", "headName": "王院长"},
            "person": {"name": "赵管理"}}


def application(gw, app_id, token):
    r = requests.get(gw + V1 + f"/applications/{app_id}", headers=auth(token), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def error(r, status, code):
    assert r.status_code == status and r.json()["error"]["code"] == code, (status, code, r.status_code, r.text)
    return r.json()["error"]


def test_other_tenants_cannot_disable_or_reset_a_sub_account(gw, suite):
    main = approved_account(gw, suite)
    sub_phone = unique_phone()
    r = requests.post(gw + V1 + "/users", json={"displayName": "李填报", "phone": sub_phone, "role": "data_entry",
                                                "specialty": "coronary_intervention"}, headers=auth(main["access"]), timeout=10)
    assert r.status_code == 201, r.text
    sub = r.json()["user"]
    sent = len(messages(gw, sub_phone))
    other = approved_account(gw, suite)
    oh = auth(other["access"])
    error(requests.post(gw + V1 + f"/users/{sub['id']}/status", json={"enabled": False}, headers=oh, timeout=10), 404, "not_found")
    error(requests.post(gw + V1 + f"/users/{sub['id']}/reset-password", headers=oh, timeout=10), 404, "not_found")
    listed = requests.get(gw + V1 + "/users", headers=auth(main["access"]), timeout=10).json()["items"]
    assert [(u["id"], u["status"]) for u in listed] == [(sub["id"], "active")]
    assert len(messages(gw, sub_phone)) == sent  # no new password went out
    username, initial = credentials(gw, sub_phone)
    assert login(gw, username, initial, expect=202).json()["smsRequired"]  # the password is unchanged


def test_another_applicants_token_cannot_submit_or_fetch_credentials(gw, suite):
    ensure_provincial_centre(gw, suite, "330000")
    phone = unique_phone()
    r = send_code(gw, phone, "register")
    assert r.status_code == 201
    code, _ = latest_code(gw, phone)
    created = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True},
                            timeout=10).json()["created"]
    body = {**institution_body(phone), "documentIds": [str(uuid.uuid4())]}
    assert requests.put(gw + V1 + f"/applications/{created['id']}", json=body, headers=auth(created["applicantToken"]),
                        timeout=10).status_code == 200
    intruder = approved_account(gw, suite)
    r = requests.post(gw + V1 + f"/applications/{created['id']}/submit", headers=auth(intruder["applicantToken"]), timeout=10)
    error(r, 404, "not_found")
    assert application(gw, created["id"], created["applicantToken"])["status"] == "draft"
    # The intruder's token on someone else's approved application: no credentials sent.
    victim = approved_account(gw, suite)
    sent = len(messages(gw, victim["phone"]))
    r = requests.post(gw + V1 + f"/applications/{victim['application']}/credentials", headers=auth(intruder["applicantToken"]),
                      timeout=20)
    error(r, 404, "not_found")
    assert len(messages(gw, victim["phone"])) == sent
    login(gw, victim["username"], victim["password"], expect=202)  # password untouched


def test_review_started_application_closed_and_not_approved(gw, suite):
    # Two provincial centres in the province: both must approve an institution.
    province = "440000"
    ensure_provincial_centre(gw, suite, province)
    r = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite),
                     params={"kind": "provincial_centre", "under": f"86/{province}"}, timeout=10)
    if len(r.json()["items"]) < 2:
        from helpers import register_provincial_centre
        register_provincial_centre(gw, suite, province, ["coronary_intervention"])
    phone = unique_phone()
    app_id, tok = register_and_submit(gw, phone, institution_body(phone, region="440100"))
    req = wait_request(suite, app_id)
    # Not approved yet: no credentials.
    error(requests.post(gw + V1 + f"/applications/{app_id}/credentials", headers=auth(tok), timeout=20), 409, "not_approved")
    assert not [m for m in messages(gw, phone) if "用户名" in m["body"]]
    stage = next(st for st in req["stages"] if st["status"] == "pending")
    assert len(stage["pendingOrgs"]) >= 2, stage
    actor = centre_actor(gw, suite, stage["pendingOrgs"][0]["id"])
    r = requests.post(gw + f"/api/approval/v1/requests/{req['id']}/decisions", json={"decision": "approve", "opinion": "同意"},
                      headers=actor["headers"], timeout=20)
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text
    # An approver acted: the applicant can no longer edit.
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={"person": {"name": "改名者"}}, headers=auth(tok), timeout=10)
    error(r, 409, "review_started")
    shown = application(gw, app_id, tok)
    assert shown["status"] == "pending" and shown["person"]["name"] == "赵管理" and shown["revision"] == 1
    assert approval_request(suite, app_id)["id"] == req["id"]
    # Decided: closed.
    assert decide_for_real(gw, suite, app_id)["status"] == "approved"
    wait_application(gw, app_id, tok, "approved")
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={"person": {"name": "改名者"}}, headers=auth(tok), timeout=10)
    error(r, 409, "application_closed")
    assert application(gw, app_id, tok)["person"]["name"] == "赵管理"


def test_login_errors_challenge_invalid_and_ambiguous_login(gw, suite):
    r = requests.post(gw + V1 + "/sessions/verify", json={"challengeId": str(uuid.uuid4()), "code": "123456"}, timeout=10)
    error(r, 422, "challenge_invalid")
    # Two accounts on one phone with the same password: told only after the password is right.
    main = approved_account(gw, suite)
    r = requests.post(gw + V1 + "/users", json={"displayName": "王同机", "phone": main["phone"], "role": "data_entry",
                                                "specialty": "coronary_intervention"}, headers=auth(main["access"]), timeout=10)
    assert r.status_code == 201, r.text
    sub_user = r.json()["user"]["username"]
    deadline = time.monotonic() + 15
    initial = None
    while initial is None and time.monotonic() < deadline:
        for m in messages(gw, main["phone"]):
            if sub_user in m["body"] and "初始密码" in m["body"]:
                initial = m["body"].split("初始密码：")[1].split("，")[0]
                break
        else:
            time.sleep(0.1)
    assert initial
    s = full_login(gw, sub_user, initial, main["phone"])
    r = requests.post(gw + V1 + "/me/password", json={"oldPassword": initial, "newPassword": main["password"]},
                      headers=auth(s["accessToken"]), timeout=20)
    assert r.status_code == 200, r.text
    error(login(gw, main["phone"], "Wrong#pass7", expect=401), 401, "invalid_credentials")
    error(login(gw, main["phone"], main["password"], expect=422), 422, "ambiguous_login")
    # By username each still signs in.
    assert login(gw, main["username"], main["password"], expect=202).json()["smsRequired"]


def test_expired_sms_code_is_refused_and_creates_nothing(gw, suite):
    import helpers
    suite.start("identity", instance=6, env={"SMS_CODE_TTL": "0"})
    saved = helpers.IDENTITY_DIRECT
    helpers.IDENTITY_DIRECT = suite.url("identity", 6)
    try:
        phone = unique_phone()
        assert send_code(gw, phone, "register").status_code == 201
        code, _ = latest_code(gw, phone)
        r = requests.post(suite.url("identity", 6) + V1 + "/applications/verify",
                          json={"phone": phone, "code": code, "create": True}, timeout=10)
        error(r, 422, "sms_code_expired")
    finally:
        helpers.IDENTITY_DIRECT = saved
        suite.kill("identity#6")
    # Nothing was created for the phone: a fresh code shows no applications.
    assert send_code(gw, phone, "status").status_code == 201
    code, _ = latest_code(gw, phone)
    r = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code}, timeout=10)
    assert r.status_code == 200 and r.json()["applications"] == [], r.text


def refused_delivery(gw, suite, app_id, tok, code):
    """Approved in approval, but identity refuses the outcome: approval's delivery fails with
    409, a replay answers the code, and the application stays pending without an account."""
    final = decide_for_real(gw, suite, app_id)
    assert final["status"] == "approved"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        d = requests.get(suite.url("approval") + f"/api/approval/v1/internal/requests/{final['id']}/delivery",
                         headers=internal_headers(suite), timeout=10).json()
        if "409" in (d.get("lastError") or ""):
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"delivery not refused: {d}")
    r = requests.post(suite.url("identity") + V1 + "/internal/approval-outcomes",
                      json={"requestId": final["id"], "subjectId": app_id, "outcome": "approved"},
                      headers=internal_headers(suite) | {"Idempotency-Key": f"replay:{uuid.uuid4()}"}, timeout=10)
    error(r, 409, code)
    assert application(gw, app_id, tok)["status"] == "pending"


def test_organisation_exists_for_a_second_directory_entry_of_one_name(suite):
    """The operator's directory refuses a second organisation of the same name in one region
    (409 organisation_exists) and creates nothing."""
    url = suite.url("identity") + V1 + "/internal/organisations"
    headers = {"X-Internal-Token": suite.internal_token}
    name = f"杭州市同名测试医院{uuid.uuid4().hex[:6]}"
    r = requests.post(url, headers=headers, json={"kind": "institution", "name": name, "regionCode": "330100"}, timeout=10)
    assert r.status_code == 201, r.text
    r = requests.post(url, headers=headers, json={"kind": "institution", "name": name, "regionCode": "330100"}, timeout=10)
    error(r, 409, "organisation_exists")
    listed = requests.get(url, headers=headers, params={"kind": "institution", "under": "86/330000/330100"}, timeout=10).json()["items"]
    assert [o["name"] for o in listed].count(name) == 1


def test_two_applications_for_one_new_institution_approved_at_once(gw, suite):
    """Two administrators of one new hospital approved at the same moment: both approved, one
    institution (before the name lock the second outcome hit organisation_exists and was lost)."""
    from concurrent.futures import ThreadPoolExecutor
    ensure_provincial_centre(gw, suite, "330000")
    name = f"杭州市并发测试医院{uuid.uuid4().hex[:6]}"
    apps = []
    for _ in range(2):
        phone = unique_phone()
        body = institution_body(phone, name=name)
        apps.append(register_and_submit(gw, phone, body))
    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda a: decide_for_real(gw, suite, a[0])["status"], apps))
    assert done == ["approved", "approved"]
    for app_id, token in apps:
        wait_application(gw, app_id, token, "approved")
    listed = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers={"X-Internal-Token": suite.internal_token},
                          params={"kind": "institution", "under": "86/330000/330100"}, timeout=10).json()["items"]
    assert [o["name"] for o in listed].count(name) == 1


def test_licence_taken(gw, suite):
    ensure_provincial_centre(gw, suite, "330000")
    p1, p2 = unique_phone(), unique_phone()
    licence = "PDY" + p1 + "33010211"
    a1, t1 = register_and_submit(gw, p1, institution_body(p1, licence=licence))
    a2, t2 = register_and_submit(gw, p2, institution_body(p2, licence=licence))
    assert decide_for_real(gw, suite, a1)["status"] == "approved"
    wait_application(gw, a1, t1, "approved")
    refused_delivery(gw, suite, a2, t2, "licence_taken")
    assert not [m for m in messages(gw, p2) if "用户名" in m["body"]]


def test_operator_accounts_only_for_centres(gw, suite):
    url = suite.url("identity") + V1 + "/internal/users"
    admin = approved_account(gw, suite)
    institution = requests.get(gw + V1 + "/me", headers=auth(admin["access"]), timeout=10).json()["orgID"]
    # A centre of one specialty, added by the operator (in a province no registration here uses).
    r = requests.post(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite), timeout=10,
                      json={"kind": "provincial_centre", "name": f"运营质控中心{uuid.uuid4().hex[:6]}", "regionCode": "150000",
                            "specialties": ["hypertension"]})
    assert r.status_code == 201, r.text
    centre = r.json()
    uncovered = "cardiac_surgery"
    username = "op" + uuid.uuid4().hex[:10]
    base = {"displayName": "运营创建", "phone": unique_phone(), "password": "Op#2026pass", "username": username}
    cases = [({"orgId": "00000000-0000-7000-8000-000000000001", "role": "platform_operator"}, "role_not_allowed"),
             ({"orgId": institution, "role": "institution_admin"}, "role_not_allowed"),
             ({"orgId": institution, "role": "data_entry", "specialty": "coronary_intervention"}, "role_not_allowed"),
             ({"orgId": "00000000-0000-7000-8000-000000000002", "role": "provincial_centre"}, "role_not_allowed")]
    cases.append(({"orgId": centre["id"], "role": "provincial_centre", "specialty": uncovered}, "specialty_not_covered"))
    for extra, code in cases:
        error(requests.post(url, json={**base, **extra}, headers=internal_headers(suite), timeout=10), 422, code)
    # Nothing was created: the username is still free.
    r = requests.post(url, json={**base, "orgId": centre["id"], "role": "provincial_centre"}, headers=internal_headers(suite),
                      timeout=10)
    assert r.status_code == 201, r.text
    assert [(g["role"], g["scopePath"], g["specialty"]) for g in r.json()["roles"]] == [("provincial_centre", "86/150000", "hypertension")]


@pytest.mark.parametrize("method,path", [
    ("GET", "/internal/organisations"), ("POST", "/internal/organisations"), ("POST", "/internal/users"),
    ("POST", "/internal/approval-outcomes"), ("GET", "/internal/approval-outcomes/x"),
    ("GET", f"/internal/applications/{uuid.uuid4()}/form-data")])
def test_internal_endpoints_need_the_internal_token(suite, method, path):
    for headers in ({}, {"X-Internal-Token": "wrong-" + suite.internal_token}):
        r = requests.request(method, suite.url("identity") + V1 + path, json={}, headers=headers, timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden", (path, headers, r.text)


@pytest.mark.parametrize("service,env", [
    ("identity", {"DEV_MODE": "0", "INTERNAL_TOKEN": ""}),
    ("approval", {"DEV_MODE": "0", "INTERNAL_TOKEN": ""}),
    ("identity", {"DEV_MODE": "0", "INTERNAL_TOKEN": "dev-internal-token-change-me"}),
    ("identity", {"DEV_MODE": "0", "TOKEN_KEY_FILE": "", "TOKEN_SIGNING_KEY": ""})])
def test_services_refuse_to_start_outside_dev_mode_without_secrets(suite, service, env):
    try:
        with pytest.raises(RuntimeError, match="exited with 1"):
            suite.start(service, instance=7, env=env)
        assert "DEV_MODE" in open(f"{suite.run_dir}/{service}-7.log", encoding="utf-8", errors="replace").read()
    finally:
        suite.kill(f"{service}#7")
