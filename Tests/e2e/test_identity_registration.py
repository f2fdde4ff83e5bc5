"""Identity over HTTP through the gateway against real PostgreSQL: verification, the
registration wizard, the approval outcome callback, first login, tokens."""
import time

import requests

from conftest import unique_phone
from helpers import (V1, auth, captcha, credentials, decide_for_real, ensure_provincial_centre, full_login, latest_code, login,
                     messages, send_code, wait_application, wait_request)


def internal(suite):
    return {"X-Internal-Token": suite.internal_token}


def register_until_pending(gw, phone, suite, role="institution_admin", name=None, region="330100"):
    """Steps 1–3 of the wizard and the submission; returns (application id, applicant token)."""
    ensure_provincial_centre(gw, suite, region[:2] + "0000")
    r = send_code(gw, phone, "register")
    assert r.status_code == 201, r.text
    assert r.json()["phoneMasked"] == phone[:3] + "****" + phone[-4:]
    code, _ = latest_code(gw, phone)
    r = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True}, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()["created"]
    app_id, token = created["id"], created["applicantToken"]
    body = {
        "role": role, "regionCode": region, "specialties": ["coronary_intervention", "heart_failure"],
        "organisation": {"name": name or f"测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33010211",
                         "level": "三级甲等", "category": "综合医院", "address": "杭州市上城区解放路1号",
                         "headName": "王院长", "headPhone": "13800000000", "contactName": "李联系", "contactPhone": phone},
        "person": {"name": "张三", "email": "zhangsan@example.com", "title": "质控办主任", "idNumber": "11010519491231002X"},
        "documentIds": ["0190a3c4-0000-7000-8000-000000000001"],
    }
    r = requests.put(gw + V1 + f"/applications/{app_id}", json=body, headers=auth(token), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["person"]["idNumber"] == "110105********002X"  # masked when shown
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(token), timeout=10)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "pending"
    return app_id, token


def replay_outcome(suite, app_id, outcome, request_id, opinion=None):
    """An outcome delivery as approval's outbox sends it (a replay of a real one, or a forged one)."""
    body = {"requestId": request_id, "type": "registration", "subjectId": app_id, "outcome": outcome, "opinion": opinion}
    headers = internal(suite) | {"Idempotency-Key": f"outcome:{request_id}"}
    return requests.post(suite.url("identity") + V1 + "/internal/approval-outcomes", json=body, headers=headers, timeout=10)


def test_register_approve_first_login_forces_change_then_sms_login(gw, suite):
    phone = unique_phone()
    app_id, token = register_until_pending(gw, phone, suite)
    # Editing is refused once submitted only if an approver acted; submitting twice is refused.
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(token), timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_submitted"

    # The provincial centre approves through approval; its outbox delivers the outcome.
    final = decide_for_real(gw, suite, app_id)
    assert final["status"] == "approved"
    wait_application(gw, app_id, token, "approved")
    request_id = final["id"]
    # Delivered again (retry): applied once only.
    r = replay_outcome(suite, app_id, "approved", request_id)
    assert r.status_code == 200 and r.json()["applied"] is False
    r = requests.get(suite.url("identity") + V1 + f"/internal/approval-outcomes/{request_id}", headers=internal(suite), timeout=10)
    assert r.json()["appliedCount"] == 1

    status = requests.get(gw + V1 + f"/applications/{app_id}", headers=auth(token), timeout=10).json()
    assert status["status"] == "approved"

    username, password = credentials(gw, phone)
    # The e-mail notice does not carry the password.
    mails = messages(gw, "zhangsan@example.com")
    assert mails and all(password not in m["body"] for m in mails)

    session = full_login(gw, username, password, phone)
    assert session["mustChangePassword"] is True
    access = session["accessToken"]
    # Everything but the password change is refused until it is changed.
    r = requests.post(gw + V1 + "/users", json={"displayName": "李四", "phone": unique_phone(), "role": "data_entry"},
                      headers=auth(access), timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "password_change_required"
    # The same in every other service: the shared token check refuses it, not just identity.
    for path in ["/api/approval/v1/inbox/count", "/api/documents/v1/documents?object=report:x"]:
        r = requests.get(gw + path, headers=auth(access), timeout=10)
        assert r.status_code == 403 and r.json()["error"]["code"] == "password_change_required", path
    # /me still answers (the portal needs to know who is signed in).
    assert requests.get(gw + V1 + "/me", headers=auth(access), timeout=10).json()["mustChangePassword"] is True
    # The rule is enforced on the server.
    for weak, why in [("short1", "至少8位"), ("abcdefgh", "两种"), (username + "1!", "用户名"), (phone + "a", "手机号"), ("password1", "常见")]:
        r = requests.post(gw + V1 + "/me/password", json={"oldPassword": password, "newPassword": weak}, headers=auth(access), timeout=20)
        assert r.status_code == 422, weak
        assert r.json()["error"]["code"] == "weak_password" and why in r.json()["error"]["message"]
    new_password = "Xq7#mLp2vR"
    r = requests.post(gw + V1 + "/me/password", json={"oldPassword": password, "newPassword": new_password}, headers=auth(access), timeout=20)
    assert r.status_code == 200, r.text
    assert r.json()["mustChangePassword"] is False
    # Old password no longer works; the new one with the SMS step does.
    login(gw, username, password, expect=401)
    session = full_login(gw, username, new_password, phone)
    me = requests.get(gw + V1 + "/me", headers=auth(session["accessToken"]), timeout=10).json()
    assert me["username"] == username
    assert [r["role"] for r in me["roles"]] == ["institution_admin"]
    assert me["roles"][0]["scopePath"].startswith("86/330000/330100/")


def test_rejection_opinion_reaches_applicant(gw, suite):
    phone = unique_phone()
    app_id, token = register_until_pending(gw, phone, suite)
    final = decide_for_real(gw, suite, app_id, decision="reject", opinion="执业许可证扫描件不清晰，请重新上传")
    assert final["status"] == "rejected"
    status = wait_application(gw, app_id, token, "rejected")
    assert status["status"] == "rejected"
    assert status["opinion"] == "执业许可证扫描件不清晰，请重新上传"
    assert any("执业许可证扫描件不清晰" in m["body"] for m in messages(gw, phone))


def test_sms_code_errors_are_distinct(gw):
    phone = unique_phone()
    verify = lambda code: requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True}, timeout=10)
    r = verify("123456")
    assert r.status_code == 422 and r.json()["error"]["code"] == "sms_code_missing"
    assert send_code(gw, phone, "register").status_code == 201
    code, _ = latest_code(gw, phone)
    wrong = "000000" if code != "000000" else "111111"
    r = verify(wrong)
    assert r.json()["error"]["code"] == "sms_code_invalid"
    assert verify(code).status_code == 201
    r = verify(code)
    assert r.json()["error"]["code"] == "sms_code_used"


def test_captcha_is_single_use_and_checked(gw):
    phone = unique_phone()
    cid, answer = captcha(gw)
    r = requests.post(gw + V1 + "/sms-codes", json={"phone": phone, "purpose": "register", "captchaId": cid, "captchaAnswer": "WRONG"}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "captcha_invalid"
    # The right answer after a wrong one: the captcha is spent.
    r = requests.post(gw + V1 + "/sms-codes", json={"phone": phone, "purpose": "register", "captchaId": cid, "captchaAnswer": answer}, timeout=10)
    assert r.status_code == 422
    r = requests.post(gw + V1 + "/sms-codes", json={"phone": "12345", "purpose": "register", "captchaId": cid, "captchaAnswer": answer}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["field"] == "phone"


def test_sms_throttle_per_phone(gw, suite):
    """5 codes per phone per 10 minutes (seeds); the 6th is refused with the wait time."""
    phone = unique_phone()
    for _ in range(5):
        assert send_code(gw, phone, "register").status_code == 201
    r = send_code(gw, phone, "register")
    assert r.status_code == 429
    assert 500 < int(r.headers["Retry-After"]) <= 600
    assert r.json()["error"]["code"] == "rate_limited"
    assert "秒后再试" in r.json()["error"]["message"]
    # The newest code is the valid one; an older one is refused as wrong.
    codes = [m for m in messages(gw, phone) if "验证码" in m["body"]]
    assert len(codes) == 5


def test_sms_throttle_per_client_ip(gw, suite):
    """30 anonymous code requests per client address per 10 minutes (the default), whatever
    the phones — on an identity instance with the default limit."""
    import helpers
    suite.start("identity", instance=3, env={"SMS_PER_IP_MAX": "30"})
    ip = "10.99.%d.%d" % (int(time.time()) % 250, int(time.time() * 1000) % 250)
    statuses = []
    saved = helpers.IDENTITY_DIRECT
    helpers.IDENTITY_DIRECT = suite.url("identity", 3)
    try:
        for i in range(31):
            statuses.append(send_code(gw, unique_phone(), "register", client_ip=ip).status_code)
    finally:
        helpers.IDENTITY_DIRECT = saved
        suite.kill("identity#3")
    assert statuses[:30] == [201] * 30
    assert statuses[30] == 429
    # That a forged X-Forwarded-For does not change who is counted is tested at the gateway
    # (test_gateway.py: test_forged_forwarded_for_from_an_untrusted_client_is_ignored).


def test_sms_flood_of_concurrent_requests_is_capped(gw, suite):
    """A scripted flood: 12 parallel sends to one phone give exactly five codes."""
    from concurrent.futures import ThreadPoolExecutor
    phone = unique_phone()
    captchas = [captcha(gw) for _ in range(12)]

    def send(c):
        return requests.post(suite.url("identity") + V1 + "/sms-codes", json={"phone": phone, "purpose": "register", "captchaId": c[0],
                                                          "captchaAnswer": c[1]}, headers={"X-Forwarded-For": f"10.1.{len(c[0]) % 200}.{int(c[0][-2:], 16)}"}, timeout=20).status_code
    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(send, captchas))
    assert statuses.count(201) == 5, statuses
    assert statuses.count(429) == 7
    assert len([m for m in messages(gw, phone) if "验证码" in m["body"]]) == 5


def test_validation_messages_are_chinese_with_field(gw, suite):
    phone = unique_phone()
    send_code(gw, phone, "register")
    code, _ = latest_code(gw, phone)
    created = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True}, timeout=10).json()["created"]
    tok = created["applicantToken"]
    url = gw + V1 + f"/applications/{created['id']}"
    r = requests.put(url, json={"person": {"name": "张三", "idNumber": "110105194912310021"}}, headers=auth(tok), timeout=10)
    assert r.status_code == 422 and r.json()["error"]["field"] == "person.idNumber"
    r = requests.put(url, json={"organisation": {"name": "某医院", "licenceNo": "123"}}, headers=auth(tok), timeout=10)
    assert r.json()["error"]["code"] == "invalid_licence"
    r = requests.put(url, json={"role": "platform_operator"}, headers=auth(tok), timeout=10)
    assert r.status_code == 422
    # Submitting an incomplete application lists what is missing.
    r = requests.post(url + "/submit", headers=auth(tok), timeout=10)
    assert r.status_code == 422 and r.json()["error"]["field"] == "role"
    # Another applicant's token cannot touch this application.
    other = unique_phone()
    send_code(gw, other, "register")
    code2, _ = latest_code(gw, other)
    tok2 = requests.post(gw + V1 + "/applications/verify", json={"phone": other, "code": code2, "create": True}, timeout=10).json()["created"]["applicantToken"]
    assert requests.get(url, headers=auth(tok2), timeout=10).status_code == 404
    assert requests.put(url, json={"role": "data_entry"}, headers=auth(tok2), timeout=10).status_code == 404
    assert requests.get(url, timeout=10).status_code == 401


def test_keys_and_token_verified_by_another_service(gw, suite):
    keys = requests.get(gw + "/api/identity/keys", timeout=10).json()["keys"]
    assert keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519"
    # A tampered token is refused everywhere.
    r = requests.get(gw + V1 + "/me", headers=auth("eyJhbGciOiJub25lIn0.e30."), timeout=10)
    assert r.status_code == 401


def test_edit_before_review_then_resubmit_keeps_one_open_request(gw, suite):
    """Editing a submitted application (nobody acted) and submitting again at once: the late
    withdrawal of the old revision never closes the new revision's request."""
    for _ in range(3):
        phone = unique_phone()
        app_id, token = register_until_pending(gw, phone, suite)
        url = gw + V1 + f"/applications/{app_id}"
        # Wait until approval has the first revision, so the edit really withdraws something.
        first = wait_request(suite, app_id)
        r = requests.put(url, json={"person": {"name": "张三丰"}}, headers=auth(token), timeout=10)
        assert r.status_code == 200 and r.json()["status"] == "draft"
        assert requests.post(url + "/submit", headers=auth(token), timeout=10).json()["revision"] == 2
        # Both outbox rows delivered: the new request open, the old one withdrawn (the applicant
        # follows both in approval with the applicant token).
        wait_request(suite, app_id, min_id_not=first["id"])
        deadline = time.monotonic() + 30
        old_status = None
        while time.monotonic() < deadline and old_status != "withdrawn":
            old_status = requests.get(gw + f"/api/approval/v1/requests/{first['id']}", headers=auth(token), timeout=10).json()["status"]
            time.sleep(0.1)
        assert old_status == "withdrawn"
        assert requests.get(url, headers=auth(token), timeout=10).json()["status"] == "pending"
        progress = requests.get(url, headers=auth(token), timeout=10).json()["progress"]
        assert progress["status"] == "pending", progress
