"""Grants are exactly what was approved: program-bound password-only logins, specialty grants,
outcomes bound to the reviewed revision, login attempts claimed before the password check,
sub-accounts within their main account, proved phones. Every account here comes from the real
flows (registration → approval by signed-in centres → login with the SMS code)."""
import base64
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from conftest import unique_phone
from helpers import (V1, auth, captcha, credentials, decide_for_real, ensure_provincial_centre, full_login, internal_headers,
                     latest_code, login, messages, register_and_submit, register_provincial_centre, approved_account,
                     approval_request, wait_application, wait_request)

PROGRAM = "zj_monthly"  # SMS_LOGIN_OFF_PROGRAMS of the suite


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def program_login(base, login_name, password, program=PROGRAM):
    cid, answer = captcha(base)
    return requests.post(base + V1 + "/sessions", json={"login": login_name, "password": password, "captchaId": cid,
                                                       "captchaAnswer": answer, "program": program}, timeout=20)


def institution_body(phone, region="330100", **extra):
    return {"role": "institution_admin", "regionCode": region, "specialties": ["coronary_intervention"],
            "organisation": {"name": f"协作医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33010211", "level": "三级乙等",
                             "category": "综合医院", "address": "杭州市西湖区1号", "headName": "王院长"},
            "person": {"name": "赵管理"}, **extra}


def replay_outcome(suite, app_id, outcome, request_id, key=None):
    body = {"requestId": request_id, "type": "registration", "subjectId": app_id, "outcome": outcome}
    headers = internal_headers(suite) | {"Idempotency-Key": key or f"outcome:{request_id}:{uuid.uuid4()}"}
    return requests.post(suite.url("identity") + V1 + "/internal/approval-outcomes", json=body, headers=headers, timeout=10)


def application(gw, app_id, token):
    r = requests.get(gw + V1 + f"/applications/{app_id}", headers=auth(token), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def data_entry_sub_account(gw, main, specialty="coronary_intervention"):
    """A data-entry sub-account created by an institution admin; its first password change done."""
    phone = unique_phone()
    r = requests.post(gw + V1 + "/users", json={"displayName": "李填报", "phone": phone, "role": "data_entry",
                                                "specialty": specialty}, headers=auth(main["access"]), timeout=10)
    assert r.status_code == 201, r.text
    username, initial = credentials(gw, phone)
    s = full_login(gw, username, initial, phone)
    password = "Dt5#" + phone[-6:] + "q"
    r = requests.post(gw + V1 + "/me/password", json={"oldPassword": initial, "newPassword": password},
                      headers=auth(s["accessToken"]), timeout=20)
    assert r.status_code == 200, r.text
    return {"id": r.json()["user"]["id"], "username": username, "password": password, "phone": phone}


# --- 1. a password-only program login -------------------------------------------------------------

def test_program_login_keeps_the_sms_step_for_every_right_but_data_entry(gw, suite):
    admin = approved_account(gw, suite)
    r = program_login(gw, admin["username"], admin["password"])
    assert r.status_code == 202 and r.json()["smsRequired"] is True, r.text
    assert "accessToken" not in r.json()
    centre = register_provincial_centre(gw, suite, "320000", ["hypertension"])
    r = program_login(gw, centre["username"], centre["password"])
    assert r.status_code == 202 and r.json()["smsRequired"] is True, r.text


def test_program_login_of_data_entry_is_bound_to_the_program(gw, suite):
    admin = approved_account(gw, suite)
    entry = data_entry_sub_account(gw, admin)
    r = program_login(gw, entry["username"], entry["password"])
    assert r.status_code == 200, r.text
    token = r.json()["accessToken"]
    c = claims(token)
    assert c["program"] == PROGRAM
    assert c["roles"] and all(g["role"] == "data_entry" for g in c["roles"])
    # Approval and documents refuse a program-bound token, whatever its roles.
    for path in ["/api/approval/v1/inbox/count", "/api/documents/v1/documents?object=report:x"]:
        r = requests.get(gw + path, headers=auth(token), timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "program_token_refused", (path, r.text)
    # So does identity's account management; its own account view opts in.
    r = requests.post(gw + V1 + "/me/sms-code", headers=auth(token), timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "program_token_refused"
    assert requests.get(gw + V1 + "/me", headers=auth(token), timeout=10).status_code == 200
    # Its refresh token renews only the program-bound token.
    first = program_login(gw, entry["username"], entry["password"]).json()
    r = requests.post(gw + V1 + "/sessions/refresh", json={"refreshToken": first["refreshToken"]}, timeout=10)
    assert r.status_code == 200, r.text
    assert claims(r.json()["accessToken"])["program"] == PROGRAM
    # Without the program, the same account passes the SMS step and gets an unbound token.
    s = full_login(gw, entry["username"], entry["password"], entry["phone"])
    assert "program" not in claims(s["accessToken"])


# --- 2. grants carry the approved specialties --------------------------------------------------------

def test_provincial_centre_grants_carry_the_approved_specialties(gw, suite):
    one = register_provincial_centre(gw, suite, "320000", ["heart_failure"])
    roles = claims(one["access"])["roles"]
    assert roles and all(g["role"] == "provincial_centre" and g["specialty"] == "heart_failure" for g in roles), roles
    assert all(g["scopePath"] == "86/320000" for g in roles)
    two = register_provincial_centre(gw, suite, "320000", ["hypertension", "atrial_fibrillation"])
    roles = claims(two["access"])["roles"]
    assert sorted(g["specialty"] for g in roles) == ["atrial_fibrillation", "hypertension"], roles
    assert {g["role"] for g in roles} == {"provincial_centre"}


# --- 5. an outcome applies to the revision it decided ---------------------------------------------------

def test_outcome_of_an_earlier_revision_is_ignored_and_forged_ones_refused(gw, suite):
    ensure_provincial_centre(gw, suite, "330000")
    phone = unique_phone()
    app_id, tok = register_and_submit(gw, phone, institution_body(phone))
    first = wait_request(suite, app_id)
    # The applicant edits before anyone acted and submits revision 2.
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={"person": {"name": "赵改名"}}, headers=auth(tok), timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "draft", r.text
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(tok), timeout=10)
    assert r.status_code == 200 and r.json()["revision"] == 2
    second = wait_request(suite, app_id, min_id_not=first["id"])
    # Revision 1's request decided late (its delivery arrives after revision 2 was submitted).
    r = replay_outcome(suite, app_id, "approved", first["id"])
    assert r.status_code == 200 and r.json() == {"applied": False, "stale": True}, r.text
    assert application(gw, app_id, tok)["status"] == "pending"
    assert approval_request(suite, app_id)["id"] == second["id"]
    assert approval_request(suite, app_id)["status"] == "pending"
    assert not [m for m in messages(gw, phone) if "用户名" in m["body"]]
    # A request id this application never opened is refused, and changes nothing.
    r = replay_outcome(suite, app_id, "approved", f"req-{uuid.uuid4()}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "unknown_request", r.text
    # …also a real request of another application.
    other_phone = unique_phone()
    other_id, _ = register_and_submit(gw, other_phone, institution_body(other_phone))
    other = wait_request(suite, other_id)
    r = replay_outcome(suite, app_id, "approved", other["id"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "unknown_request", r.text
    assert application(gw, app_id, tok)["status"] == "pending"
    # The reviewed revision, approved for real, is applied.
    final = decide_for_real(gw, suite, app_id)
    assert final["id"] == second["id"] and final["status"] == "approved"
    assert wait_application(gw, app_id, tok, "approved")["person"]["name"] == "赵改名"


# --- 6. parallel guesses -------------------------------------------------------------------------------

def test_parallel_wrong_passwords_get_at_most_three_evaluations(gw, suite):
    acct = approved_account(gw, suite)
    # An identity instance whose freeze outlasts the burst (the suite's own is 4 s).
    suite.start("identity", instance=4, env={"LOGIN_LOCK_SECONDS": "600"})
    base = suite.url("identity", 4)
    try:
        captchas = [captcha(base) for _ in range(50)]

        def attempt(c):
            return requests.post(base + V1 + "/sessions", json={"login": acct["username"], "password": "Wrong#guess9",
                                                                "captchaId": c[0], "captchaAnswer": c[1]}, timeout=60)
        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(attempt, captchas))
        codes = [(r.status_code, r.json()["error"]["code"]) for r in answers]
        evaluated_wrong = [c for c in codes if c == (401, "invalid_credentials")]
        assert len(evaluated_wrong) <= 2, codes
        assert all(c in [(401, "invalid_credentials"), (423, "account_locked")] for c in codes), codes
        # Even the right password waits for the freeze.
        c = captcha(base)
        r = requests.post(base + V1 + "/sessions", json={"login": acct["username"], "password": acct["password"],
                                                         "captchaId": c[0], "captchaAnswer": c[1]}, timeout=20)
        assert r.status_code == 423 and r.json()["error"]["code"] == "account_locked"
    finally:
        suite.kill("identity#4")


# --- 7. nothing told before the password is right ---------------------------------------------------------

def test_unknown_locked_and_shared_phone_logins_answer_alike(gw, suite):
    unknown = "nobody" + unique_phone()
    acct = approved_account(gw, suite)
    for name in (unknown, acct["username"]):
        answers = [login(gw, name, "Wrong#pass1", expect=401).json() for _ in range(2)]
        r = login(gw, name, "Wrong#pass1", expect=423)
        assert r.json()["error"]["code"] == "account_locked"
        assert answers[0]["error"]["code"] == "invalid_credentials"
    # A phone shared by two accounts (a sub-account created with the main account's phone):
    # a wrong password is just wrong; the right one signs in to the account it belongs to.
    main = approved_account(gw, suite)
    r = requests.post(gw + V1 + "/users", json={"displayName": "王同机", "phone": main["phone"], "role": "data_entry",
                                                "specialty": "coronary_intervention"}, headers=auth(main["access"]), timeout=10)
    assert r.status_code == 201, r.text
    r = login(gw, main["phone"], "Wrong#pass1", expect=401)
    assert r.json()["error"]["code"] == "invalid_credentials"
    r = login(gw, main["phone"], main["password"], expect=202)
    assert r.json()["smsRequired"] is True


# --- 3. sub-accounts within their main account --------------------------------------------------------------

def test_sub_accounts_never_exceed_their_main_account(gw, suite):
    centre = register_provincial_centre(gw, suite, "320000", ["hypertension"])
    h = auth(centre["access"])
    refused = [
        ({"role": "specialty_admin", "specialty": "hypertension"}, "role_not_allowed"),   # hospital role at a centre
        ({"role": "data_entry", "specialty": "hypertension"}, "role_not_allowed"),
        ({"role": "institution_admin"}, "role_not_allowed"),
        ({"role": "platform_operator"}, "role_not_allowed"),
        ({"role": "national_centre"}, "role_not_allowed"),                                 # a right it does not have
        ({"role": "provincial_centre", "specialty": "cardiac_surgery"}, "specialty_not_covered"),
    ]
    for extra, code in refused:
        phone = unique_phone()
        r = requests.post(gw + V1 + "/users", json={"displayName": "越权者", "phone": phone, **extra}, headers=h, timeout=10)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (extra, r.text)
        assert messages(gw, phone) == []
    assert requests.get(gw + V1 + "/users", headers=h, timeout=10).json()["items"] == []
    # Within its own rights: its role, scope and specialty.
    r = requests.post(gw + V1 + "/users", json={"displayName": "孙审核", "phone": unique_phone(), "role": "provincial_centre",
                                                "specialty": "hypertension"}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
    assert r.json()["user"]["roles"] == [{"role": "provincial_centre", "orgID": centre["org"], "scopePath": "86/320000",
                                          "specialty": "hypertension"}] or \
        [(g["role"], g["scopePath"], g["specialty"]) for g in r.json()["user"]["roles"]] == [("provincial_centre", "86/320000", "hypertension")]
    # An institution's admin: hospital roles of its own institution only.
    admin = approved_account(gw, suite)
    ah = auth(admin["access"])
    for extra in ({"role": "provincial_centre", "specialty": "coronary_intervention"}, {"role": "institution_admin"},
                  {"role": "city_commission"}):
        r = requests.post(gw + V1 + "/users", json={"displayName": "越权者", "phone": unique_phone(), **extra}, headers=ah, timeout=10)
        assert r.status_code == 422 and r.json()["error"]["code"] == "role_not_allowed", (extra, r.text)
    assert requests.get(gw + V1 + "/users", headers=ah, timeout=10).json()["items"] == []
    me = requests.get(gw + V1 + "/me", headers=ah, timeout=10).json()
    r = requests.post(gw + V1 + "/users", json={"displayName": "周管理", "phone": unique_phone(), "role": "specialty_admin",
                                                "specialty": "cardiac_surgery"}, headers=ah, timeout=10)
    assert r.status_code == 201, r.text
    assert [(g["role"], g["scopePath"], g["specialty"]) for g in r.json()["user"]["roles"]] == \
        [("specialty_admin", me["roles"][0]["scopePath"], "cardiac_surgery")]


# --- 4. phones are proved by their holder ------------------------------------------------------------------

def test_new_phone_needs_a_code_sent_to_it(gw, suite):
    acct = approved_account(gw, suite)
    h = auth(acct["access"])
    new_phone = unique_phone()
    assert requests.post(gw + V1 + "/me/sms-code", headers=h, timeout=10).status_code == 201
    code, first_id = latest_code(gw, acct["phone"])
    # The old phone's code alone is not enough.
    r = requests.patch(gw + V1 + "/me", json={"phone": new_phone, "code": code}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["field"] == "newPhoneCode", r.text
    r = requests.patch(gw + V1 + "/me", json={"phone": new_phone, "code": code, "newPhoneCode": "000000"}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"].startswith("sms_code"), r.text
    assert requests.get(gw + V1 + "/me", headers=h, timeout=10).json()["phone"] == acct["phone"]
    # Both codes: the old phone's and the new phone's.
    assert requests.post(gw + V1 + "/me/sms-code", headers=h, timeout=10).status_code == 201
    code, _ = latest_code(gw, acct["phone"], after=first_id)
    r = requests.post(gw + V1 + "/me/sms-code", json={"phone": new_phone}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
    new_code, _ = latest_code(gw, new_phone)
    r = requests.patch(gw + V1 + "/me", json={"phone": new_phone, "code": code, "newPhoneCode": new_code}, headers=h, timeout=10)
    assert r.status_code == 200 and r.json()["phone"] == new_phone, r.text


def test_approval_grants_only_to_an_account_whose_holder_proved_the_phone(gw, suite):
    """A main account types someone else's phone into a sub-account; when that person's own
    application for the institution is approved, the role goes to a new account of the
    applicant, not to the sub-account the main account controls."""
    admin = approved_account(gw, suite)
    ah = auth(admin["access"])
    me = requests.get(gw + V1 + "/me", headers=ah, timeout=10).json()
    victim = unique_phone()
    r = requests.post(gw + V1 + "/users", json={"displayName": "假冒", "phone": unique_phone(), "role": "data_entry",
                                                "specialty": "coronary_intervention"}, headers=ah, timeout=10)
    assert r.status_code == 201, r.text
    sub = r.json()["user"]
    r = requests.patch(gw + V1 + f"/users/{sub['id']}", json={"phone": victim}, headers=ah, timeout=10)
    assert r.status_code == 200, r.text
    app_id, tok = register_and_submit(gw, victim, {"role": "institution_admin", "regionCode": "330100", "orgId": me["orgID"],
                                                   "person": {"name": "钱真人"}})
    assert decide_for_real(gw, suite, app_id)["status"] == "approved"
    wait_application(gw, app_id, tok, "approved")
    username, _ = credentials(gw, victim)
    assert username != sub["username"]
    # The phone's holder looks up the accounts of the phone: the sub-account kept only its own
    # role, the institution's admin role is on the applicant's new account.
    from helpers import send_code
    assert send_code(gw, victim, "lookup").status_code == 201
    code, _ = latest_code(gw, victim)
    r = requests.post(gw + V1 + "/accounts/lookup", json={"phone": victim, "code": code}, timeout=10)
    assert r.status_code == 200, r.text
    assert sorted(tuple(i["roles"]) for i in r.json()["items"]) == [("医疗机构管理员",), ("数据填报员/医师",)], r.text
