"""Small clients for the suite's flows, shared by the end-to-end tests."""
import re
import time

import requests

V1 = "/api/identity/v1"


def captcha(base):
    """A fresh captcha and its answer (from the dev-mode endpoint, as a newcomer would read it)."""
    c = requests.get(base + V1 + "/captcha", timeout=10).json()
    assert c["image"].startswith("data:image/png;base64,")
    answer = requests.get(base + V1 + f"/dev/captchas/{c['id']}", timeout=10).json()["answer"]
    return c["id"], answer


def messages(base, recipient):
    return requests.get(base + V1 + "/dev/messages", params={"recipient": recipient, "limit": 50}, timeout=10).json()["items"]


def latest_code(base, phone, after=None):
    """The newest 6-digit code sent to `phone` (dev inbox), waiting briefly for it."""
    deadline = time.time() + 10
    while time.time() < deadline:
        for m in messages(base, phone):
            match = re.search(r"验证码是(\d{6})", m["body"])
            if match and (after is None or m["id"] != after):
                return match.group(1), m["id"]
        time.sleep(0.1)
    raise AssertionError(f"no code for {phone}")


def random_ip():
    import random
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


# Set by conftest: identity's own URL.
IDENTITY_DIRECT = None


def send_code(base, phone, purpose, client_ip=None, via_gateway=False):
    """Asks for an SMS code. Every test runs from 127.0.0.1, so to keep the per-IP throttle
    about one simulated user the request goes to identity directly with a client address in
    X-Forwarded-For, as the gateway sends it (the gateway itself overwrites a client's own)."""
    cid, answer = captcha(base)
    headers = {}
    target = base
    if not via_gateway and IDENTITY_DIRECT:
        target = IDENTITY_DIRECT
        headers["X-Forwarded-For"] = client_ip or random_ip()
    return requests.post(target + V1 + "/sms-codes", json={"phone": phone, "purpose": purpose, "captchaId": cid,
                                                          "captchaAnswer": answer}, headers=headers, timeout=10)


def credentials(base, phone):
    """Username and initial password from the approval SMS."""
    deadline = time.time() + 15
    while time.time() < deadline:
        for m in messages(base, phone):
            match = re.search(r"用户名：(\w+)，(?:初始|新)密码：(\S+?)，", m["body"])
            if match:
                return match.group(1), match.group(2)
        time.sleep(0.2)
    raise AssertionError(f"no credentials for {phone}")


def login(base, login_name, password, expect=202):
    cid, answer = captcha(base)
    r = requests.post(base + V1 + "/sessions", json={"login": login_name, "password": password, "captchaId": cid,
                                                    "captchaAnswer": answer}, timeout=20)
    assert r.status_code == expect, r.text
    return r


def full_login(base, login_name, password, phone):
    """Password, then the SMS code: the session tokens."""
    before = None
    try:
        before = latest_code(base, phone)[1]
    except AssertionError:
        pass
    r = login(base, login_name, password)
    challenge = r.json()["challengeId"]
    code, _ = latest_code(base, phone, after=before)
    r = requests.post(base + V1 + "/sessions/verify", json={"challengeId": challenge, "code": code}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def approved_account(gw, suite, role="institution_admin", region="3301"):
    """A hospital registered, approved (simulated callback), first login done and password
    changed: returns a dict with username, password, phone, access and refresh tokens."""
    import uuid
    from conftest import unique_phone
    phone = unique_phone()
    r = send_code(gw, phone, "register")
    assert r.status_code == 201, r.text
    code, _ = latest_code(gw, phone)
    created = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True}, timeout=10).json()["created"]
    app_id, tok = created["id"], created["applicantToken"]
    body = {"role": role, "regionCode": region, "specialties": ["coronary_intervention"],
            "organisation": {"name": f"协作医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33010211", "level": "三级乙等",
                             "category": "综合医院", "address": "杭州市西湖区1号", "headName": "王院长"},
            "person": {"name": "赵管理", "email": f"admin{phone}@example.com"},
            "documentIds": [str(uuid.uuid4())]}
    assert requests.put(gw + V1 + f"/applications/{app_id}", json=body, headers=auth(tok), timeout=10).status_code == 200
    assert requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(tok), timeout=10).status_code == 200
    rid = f"req-{uuid.uuid4()}"
    r = requests.post(suite.url("identity") + V1 + "/internal/approval-outcomes",
                      json={"requestId": rid, "subjectId": app_id, "outcome": "approved"},
                      headers={"X-Internal-Token": suite.internal_token, "Idempotency-Key": f"outcome:{rid}"}, timeout=10)
    assert r.status_code == 200, r.text
    username, initial = credentials(gw, phone)
    session = full_login(gw, username, initial, phone)
    password = "Kp9#" + phone[-6:] + "xZ"
    r = requests.post(gw + V1 + "/me/password", json={"oldPassword": initial, "newPassword": password},
                      headers=auth(session["accessToken"]), timeout=20)
    assert r.status_code == 200, r.text
    tokens = r.json()
    return {"username": username, "password": password, "phone": phone, "access": tokens["accessToken"],
            "refresh": tokens["refreshToken"], "email": f"admin{phone}@example.com", "application": app_id,
            "applicantToken": tok}
