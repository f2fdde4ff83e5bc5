"""忘记密码 by login name, registered e-mail or verified phone (issue #17): an e-mail address gets
exactly one link by mail, a phone exactly one SMS code (then the code sets the password), and
every identifier — known or not, throttled or not — gets the same answer, so the page never tells whether an
account exists. The captcha comes first, as for every anonymous SMS."""
import re

import requests

import helpers
from conftest import unique_phone
from helpers import V1, captcha, messages

RESETS = V1 + "/password-resets"


def ask(gw, login, solve=True):
    cid, answer = captcha(gw)
    return requests.post(gw + RESETS, json={"login": login, "captchaId": cid, "captchaAnswer": answer if solve else "XXXX"},
                         timeout=10)


def codes(gw, phone):
    return [m for m in messages(gw, phone) if "验证码是" in m["body"]]


def links(gw, email):
    return [m for m in messages(gw, email) if "#/reset-password?token=" in m["body"]]


def test_forgot_password_by_email_phone_or_name_answers_alike(suite, gw):
    acct = helpers.approved_account(gw, suite)
    phone, email = acct["phone"], acct["email"]

    # No captcha, no sending.
    r = ask(gw, email, solve=False)
    assert r.status_code == 422 and r.json()["error"]["code"] == "captcha_invalid", r.text
    assert links(gw, email) == []

    # By e-mail: one mail with a link, no SMS.
    sms_before = len(codes(gw, phone))
    r = ask(gw, email.upper())
    assert r.status_code == 202, r.text
    answer = r.json()
    assert len(links(gw, email)) == 1
    assert len(codes(gw, phone)) == sms_before

    # By phone: exactly one SMS code to the verified phone, no mail.
    r = ask(gw, phone)
    assert r.status_code == 202 and r.json() == answer
    assert len(codes(gw, phone)) == sms_before + 1
    assert len(links(gw, email)) == 1

    # Unknown identifiers: the same answer, nothing sent.
    ghost_phone = unique_phone()
    for unknown in (f"nobody{ghost_phone}@example.com", ghost_phone, "no_such_user_" + ghost_phone[-6:]):
        r = ask(gw, unknown)
        assert r.status_code == 202 and r.json() == answer, (unknown, r.text)
    assert messages(gw, ghost_phone) == [] and messages(gw, f"nobody{ghost_phone}@example.com") == []

    # A wrong code says the same for a known and an unknown phone; the right code sets the password.
    new_password = "Fp#" + phone[-5:] + "wQz"
    wrong = {}
    for who in (phone, ghost_phone):
        r = requests.post(gw + RESETS + "/confirm", json={"login": who, "code": "000000" if who == ghost_phone else "999999",
                                                          "newPassword": new_password}, timeout=10)
        assert r.status_code == 422, r.text
        wrong[who] = r.json()["error"]["code"]
    assert wrong[phone] == wrong[ghost_phone] == "reset_code_invalid"
    # (the wrong try above counted against the code; the code itself still works)
    code = re.search(r"验证码是(\d{6})", codes(gw, phone)[0]["body"]).group(1)
    r = requests.post(gw + RESETS + "/confirm", json={"login": phone, "code": code, "newPassword": new_password}, timeout=10)
    assert r.status_code == 204, r.text
    # Spent: the same code does not work twice.
    r = requests.post(gw + RESETS + "/confirm", json={"login": phone, "code": code, "newPassword": new_password + "x"}, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "reset_code_invalid"
    # The new password is the one that signs in.
    assert helpers.login(gw, acct["username"], new_password).status_code == 202
    assert helpers.login(gw, acct["username"], acct["password"], expect=401).status_code == 401

    # By login name (the account has an e-mail): a link to that e-mail.
    r = ask(gw, acct["username"])
    assert r.status_code == 202 and r.json() == answer
    assert len(links(gw, email)) == 2

    # The phone's limit (5 codes in 10 minutes, registration and login codes included) holds:
    # past it nothing more is sent, and the answer stays the same.
    for _ in range(6):
        r = ask(gw, phone)
        assert r.status_code == 202 and r.json() == answer, r.text
    assert len(codes(gw, phone)) == 5
