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


def send_code(base, phone, purpose):
    cid, answer = captcha(base)
    r = requests.post(base + V1 + "/sms-codes", json={"phone": phone, "purpose": purpose, "captchaId": cid,
                                                     "captchaAnswer": answer}, timeout=10)
    return r


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
