"""Accounts after registration: lockout, sessions, sub-accounts, profile, resets, lookup."""
import re
import time

import requests

from conftest import unique_phone
from helpers import (V1, approved_account, auth, captcha, credentials, decide_for_real, full_login, latest_code, login, messages,
                     register_and_submit, send_code, wait_application)


def test_three_wrong_passwords_freeze_the_account_and_it_thaws(gw, suite):
    acct = approved_account(gw, suite)
    for _ in range(2):
        r = login(gw, acct["username"], "Wrong#pass1", expect=401)
        assert r.json()["error"]["code"] == "invalid_credentials"
    r = login(gw, acct["username"], "Wrong#pass1", expect=423)
    err = r.json()["error"]
    assert err["code"] == "account_locked" and "分钟后再试" in err["message"]
    assert 0 < int(r.headers["Retry-After"]) <= 4
    # Even the right password is refused while frozen, and the freeze survives a restart.
    suite.kill("identity")
    suite.start("identity")
    r = login(gw, acct["username"], acct["password"], expect=423)
    # It thaws by itself (polled: the freeze is 4 s in the suite).
    deadline = time.monotonic() + int(r.headers["Retry-After"]) + 30
    while r.status_code == 423 and time.monotonic() < deadline:
        time.sleep(0.2)
        r = login(gw, acct["username"], acct["password"], expect=None)
    assert r.status_code == 202, r.text
    assert r.json()["smsRequired"] is True


def test_unknown_user_and_wrong_password_look_the_same(gw, suite):
    r1 = login(gw, "nobody" + unique_phone(), "Whatever#1", expect=401)
    acct = approved_account(gw, suite)
    r2 = login(gw, acct["username"], "Whatever#1", expect=401)
    assert r1.json() == r2.json()


def test_refresh_rotates_and_reuse_revokes_everything(gw, suite):
    acct = approved_account(gw, suite)
    r = requests.post(gw + V1 + "/sessions/refresh", json={"refreshToken": acct["refresh"]}, timeout=10)
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["refreshToken"] != acct["refresh"]
    # The old one again: refused, and the new one dies with it (stolen-token rule).
    r = requests.post(gw + V1 + "/sessions/refresh", json={"refreshToken": acct["refresh"]}, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "refresh_invalid"
    r = requests.post(gw + V1 + "/sessions/refresh", json={"refreshToken": second["refreshToken"]}, timeout=10)
    assert r.status_code == 401
    # Logout revokes.
    s = full_login(gw, acct["username"], acct["password"], acct["phone"])
    assert requests.post(gw + V1 + "/sessions/logout", json={"refreshToken": s["refreshToken"]}, timeout=10).status_code == 204
    assert requests.post(gw + V1 + "/sessions/refresh", json={"refreshToken": s["refreshToken"]}, timeout=10).status_code == 401


def test_sub_accounts_lifecycle(gw, suite):
    main = approved_account(gw, suite)
    h = auth(main["access"])
    sub_phone = unique_phone()
    r = requests.post(gw + V1 + "/users", json={"displayName": "李填报", "phone": sub_phone, "role": "data_entry",
                                                "specialty": "coronary_intervention"}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
    sub = r.json()["user"]
    assert sub["phone"] == sub_phone[:3] + "****" + sub_phone[-4:]
    username, initial = credentials(gw, sub_phone)
    assert username == sub["username"]
    # Listed (masked), editable.
    listed = requests.get(gw + V1 + "/users", headers=h, timeout=10).json()["items"]
    assert [u["id"] for u in listed] == [sub["id"]]
    assert "****" in listed[0]["phone"]
    r = requests.patch(gw + V1 + f"/users/{sub['id']}", json={"displayName": "李填报员"}, headers=h, timeout=10)
    assert r.status_code == 200 and r.json()["displayName"] == "李填报员"
    r = requests.patch(gw + V1 + f"/users/{sub['id']}", json={"phone": "2345"}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["field"] == "phone"
    # The sub-account signs in, must change its password first.
    s = full_login(gw, username, initial, sub_phone)
    assert s["mustChangePassword"] is True
    r = requests.post(gw + V1 + "/me/password", json={"oldPassword": initial, "newPassword": "Sub#2026pw"},
                      headers=auth(s["accessToken"]), timeout=20)
    assert r.status_code == 200, r.text
    s = r.json()
    # A sub-account cannot manage accounts (the rule itself, not the forced password change).
    for method, path, body in [("GET", "/users", None),
                               ("POST", "/users", {"displayName": "孙子号", "phone": unique_phone(), "role": "data_entry",
                                                   "specialty": "coronary_intervention"}),
                               ("POST", f"/users/{sub['id']}/reset-password", None)]:
        r = requests.request(method, gw + V1 + path, json=body, headers=auth(s["accessToken"]), timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden" and "主账号" in r.json()["error"]["message"], r.text
    initial = "Sub#2026pw"
    # Disabled: its sessions end and login is refused.
    r = requests.post(gw + V1 + f"/users/{sub['id']}/status", json={"enabled": False}, headers=h, timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "disabled"
    assert requests.post(gw + V1 + "/sessions/refresh", json={"refreshToken": s["refreshToken"]}, timeout=10).status_code == 401
    r = login(gw, username, initial, expect=403)
    assert r.json()["error"]["code"] == "account_disabled"
    assert requests.post(gw + V1 + f"/users/{sub['id']}/status", json={"enabled": True}, headers=h, timeout=10).status_code == 200
    # Reset password: a new one by SMS, change forced.
    before = len(messages(gw, sub_phone))
    assert requests.post(gw + V1 + f"/users/{sub['id']}/reset-password", headers=h, timeout=20).status_code == 200
    assert len(messages(gw, sub_phone)) == before + 1
    assert "新密码" in messages(gw, sub_phone)[0]["body"]
    # Another main account cannot see or touch it.
    other = approved_account(gw, suite)
    oh = auth(other["access"])
    assert requests.get(gw + V1 + "/users", headers=oh, timeout=10).json()["items"] == []
    assert requests.patch(gw + V1 + f"/users/{sub['id']}", json={"displayName": "黑客"}, headers=oh, timeout=10).status_code == 404
    assert requests.delete(gw + V1 + f"/users/{sub['id']}", headers=oh, timeout=10).status_code == 404
    # Delete: not itself; the sub-account yes.
    me = requests.get(gw + V1 + "/me", headers=h, timeout=10).json()
    r = requests.delete(gw + V1 + f"/users/{me['id']}", headers=h, timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "cannot_delete_self"
    assert requests.delete(gw + V1 + f"/users/{sub['id']}", headers=h, timeout=10).status_code == 204
    assert requests.get(gw + V1 + "/users", headers=h, timeout=10).json()["items"] == []


def test_profile_change_needs_sms_code(gw, suite):
    acct = approved_account(gw, suite)
    h = auth(acct["access"])
    r = requests.patch(gw + V1 + "/me", json={"displayName": "赵主任", "code": "000000"}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"].startswith("sms_code")
    assert requests.post(gw + V1 + "/me/sms-code", headers=h, timeout=10).status_code == 201
    code, _ = latest_code(gw, acct["phone"])
    r = requests.patch(gw + V1 + "/me", json={"displayName": "赵主任", "code": code}, headers=h, timeout=10)
    assert r.status_code == 200 and r.json()["displayName"] == "赵主任"
    # Wrong old password on change.
    r = requests.post(gw + V1 + "/me/password", json={"oldPassword": "nope", "newPassword": "Abcdef#123"}, headers=h, timeout=20)
    assert r.status_code == 422 and r.json()["error"]["code"] == "wrong_password"


def test_password_reset_by_email_link(gw, suite):
    acct = approved_account(gw, suite)
    def ask(login_name):  # the captcha comes first (test_password_recovery.py covers e-mail and phone)
        cid, answer = captcha(gw)
        return requests.post(gw + V1 + "/password-resets", json={"login": login_name, "captchaId": cid, "captchaAnswer": answer},
                             timeout=20)
    r = ask(acct["username"])
    assert r.status_code == 202
    # Unknown accounts get the same answer.
    assert ask("nobody-x").json() == r.json()
    mail = [m for m in messages(gw, acct["email"]) if m["subject"] == "质控上报平台密码重置"][0]
    token = re.search(r"token=([A-Za-z0-9_-]+)", mail["body"]).group(1)
    r = requests.post(gw + V1 + "/password-resets/confirm", json={"token": token, "newPassword": "short"}, timeout=20)
    assert r.status_code == 422
    r = requests.post(gw + V1 + "/password-resets/confirm", json={"token": token, "newPassword": "Reset#2026ok"}, timeout=20)
    assert r.status_code == 204
    # Single use.
    r = requests.post(gw + V1 + "/password-resets/confirm", json={"token": token, "newPassword": "Reset#2026ok2"}, timeout=20)
    assert r.status_code == 422 and r.json()["error"]["code"] == "reset_invalid"
    assert login(gw, acct["username"], "Reset#2026ok", expect=202).json()["smsRequired"]


def test_account_lookup_shows_masked_usernames(gw, suite):
    acct = approved_account(gw, suite)
    assert send_code(gw, acct["phone"], "lookup").status_code == 201
    code, _ = latest_code(gw, acct["phone"])
    r = requests.post(gw + V1 + "/accounts/lookup", json={"phone": acct["phone"], "code": code}, timeout=10)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) == 1
    shown = items[0]["username"]
    assert shown != acct["username"] and "*" in shown
    assert shown[:2] == acct["username"][:2] and shown[-2:] == acct["username"][-2:]
    assert items[0]["roles"] == ["医疗机构管理员"]


def test_resend_credentials_after_approval(gw, suite):
    acct = approved_account(gw, suite)
    r = requests.post(gw + V1 + f"/applications/{acct['application']}/credentials", headers=auth(acct["applicantToken"]), timeout=20)
    assert r.status_code == 200
    # The password was changed already: only the username is sent, never shown in the answer.
    assert acct["username"] in messages(gw, acct["phone"])[0]["body"]
    assert acct["username"] not in r.text
    # Three an hour (counted from the audit log), then refused with the wait.
    url = gw + V1 + f"/applications/{acct['application']}/credentials"
    statuses = [requests.post(url, headers=auth(acct["applicantToken"]), timeout=20).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    r = requests.post(url, headers=auth(acct["applicantToken"]), timeout=20)
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate_limited"


def test_admin_change_by_reapplication_resets_old_admin(gw, suite):
    """NCIS: a new institution admin approved for an existing institution replaces the old
    one; the old account loses the role, gets a reset password, both are told."""
    import uuid
    from helpers import send_code as send
    old = approved_account(gw, suite)
    me = requests.get(gw + V1 + "/me", headers=auth(old["access"]), timeout=10).json()
    org_id = me["orgID"]
    phone = unique_phone()
    assert send(gw, phone, "register").status_code == 201
    code, _ = latest_code(gw, phone)
    created = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True}, timeout=10).json()["created"]
    tok = created["applicantToken"]
    # A later applicant picks the existing institution and fills only personal data.
    hits = requests.get(gw + V1 + "/institutions", params={"region": "330100", "q": me["orgName"][:6]}, timeout=10).json()["items"]
    assert any(h["id"] == org_id and h["hasAdmin"] for h in hits)
    body = {"role": "institution_admin", "regionCode": "330100", "orgId": org_id, "person": {"name": "钱新管"},
            "documentIds": [str(uuid.uuid4())]}
    assert requests.put(gw + V1 + f"/applications/{created['id']}", json=body, headers=auth(tok), timeout=10).status_code == 200
    r = requests.post(gw + V1 + f"/applications/{created['id']}/submit", headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    assert decide_for_real(gw, suite, created["id"])["status"] == "approved"
    wait_application(gw, created["id"], tok, "approved")
    # The old admin's sessions and password are gone, and he was told.
    assert requests.post(gw + V1 + "/sessions/refresh", json={"refreshToken": old["refresh"]}, timeout=10).status_code == 401
    login(gw, old["username"], old["password"], expect=401)
    assert any("管理员已变更" in m["body"] for m in messages(gw, old["phone"]))
    username, initial = credentials(gw, phone)
    session = full_login(gw, username, initial, phone)
    assert [r["role"] for r in session["user"]["roles"]] == ["institution_admin"]
    assert session["user"]["orgID"] == org_id


def test_program_without_sms_step_signs_in_with_password_only(gw, suite):
    """Systems like Zhejiang's monthly reporting sign in without the SMS step — only data-entry
    accounts, and only into a token bound to that program (test_identity_grants.py); an
    institution's admin always passes the SMS step, and so does everyone for other programs."""
    acct = approved_account(gw, suite)
    for program in ("zj_monthly", "nccqi"):
        cid, answer = captcha(gw)
        r = requests.post(gw + V1 + "/sessions", json={"login": acct["username"], "password": acct["password"], "captchaId": cid,
                                                      "captchaAnswer": answer, "program": program}, timeout=20)
        assert r.status_code == 202 and r.json()["smsRequired"] is True, (program, r.text)
