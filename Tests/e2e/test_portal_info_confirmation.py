"""Issue 17, Zhejiang: the 机构信息确认 page. A Zhejiang institution administrator whose
confirmation is due sees a link on the home page, opens the page (last confirmed, due date,
the liaison's fields, the stamped 联络员信息表 upload), confirms, and sees the new date. Axe finds
no WCAG 2.1 AA violation on the page (as on the pages of test_portal_accessibility.py).
Identity checks the 联络员信息表 it is given: one of the caller's own `liaison_form` documents."""
import os
import secrets
import subprocess
from datetime import datetime, timedelta, timezone

import requests

import helpers
from actors import until
from helpers import V1, auth
from portal_helpers import browsers, pdf_bytes, write_file  # noqa: F401
from test_portal_accessibility import axe, check_page  # noqa: F401

URL = V1 + "/info-confirmation"
DOCS = "/api/documents/v1/documents"


def identity_sql(query):
    from suite import read_env_file
    url = read_env_file(os.environ["TEST_SERVICES_ENV"])["IDENTITY_DATABASE_URL"]
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", query], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def upload(gw, token, kind, obj, data=None):
    r = requests.post(gw + DOCS, params={"kind": kind, "object": obj}, headers=auth(token), timeout=30,
                      files={"file": ("form.pdf", data or pdf_bytes(kind), "application/pdf")})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_liaison_form_must_be_the_callers_own_liaison_form(gw, suite):
    admin = helpers.approved_account(gw, suite)   # a Zhejiang institution (330100)
    other = helpers.approved_account(gw, suite)
    h = auth(admin["access"])
    body = {"liaisonName": "孙联络", "liaisonPhone": "13912345678"}
    wrong_kind = upload(gw, admin["access"], "signed_application_form", "confirmation:" + secrets.token_hex(8))
    others = upload(gw, other["access"], "liaison_form", "confirmation:" + secrets.token_hex(8))
    for bad in (wrong_kind, others, "00000000-0000-4000-8000-000000000000", "not-an-id"):
        r = requests.post(gw + URL, json={**body, "liaisonFormId": bad}, headers=h, timeout=10)
        assert r.status_code == 422, r.text
        assert r.json()["error"]["code"] == "invalid_liaison_form" and r.json()["error"]["field"] == "liaisonFormId"
    assert requests.get(gw + URL, headers=h, timeout=10).json().get("lastConfirmedAt") is None   # nothing changed
    own = upload(gw, admin["access"], "liaison_form", "confirmation:" + secrets.token_hex(8))
    r = requests.post(gw + URL, json={**body, "liaisonFormId": own}, headers=h, timeout=10)
    assert r.status_code == 200 and r.json()["liaisonFormId"] == own, r.text


def test_due_confirmation_from_home_in_the_browser(gw, suite, browsers, axe, tmp_path):
    admin = helpers.approved_account(gw, suite)
    h = auth(admin["access"])
    org = requests.get(gw + URL, headers=h, timeout=10).json()["orgId"]
    # Registered seven months ago (never confirmed): the confirmation has lapsed.
    identity_sql(f"UPDATE organisations SET created_at = now() - interval '7 months' WHERE id = '{org}'")
    assert requests.get(gw + URL, headers=h, timeout=10).json()["status"] == "lapsed"

    b = browsers("info-confirmation")
    b.login(admin["username"], admin["password"], admin["phone"])
    b.text_in("[data-role='notice-info-confirmation']", "已过期")
    b.css("[data-role='notice-info-confirmation'] a").click()
    b.page("info-confirmation")
    b.text_in("[data-role='last-confirmed']", "尚未确认")
    b.text_in("[data-role='status']", "已过期")
    check_page(b, axe, "info-confirmation")

    b.fill("联络员姓名", "钱联络")
    b.fill("联络员手机", "13987654321")
    # 确认 without the stamped form: the page asks for it, nothing is sent
    b.click("确认")
    b.text_in("#liaison-form-file-error", "联络员信息表")
    assert requests.get(gw + URL, headers=h, timeout=10).json().get("lastConfirmedAt") is None
    path = write_file(str(tmp_path), "联络员信息表.pdf", pdf_bytes("liaison form"))
    b.css("[data-role='liaison-form']").send_keys(path)
    b.text_in("[data-role='liaison-form-uploaded']", "已上传")
    b.click("确认")
    b.wait(lambda d: "尚未确认" not in b.css("[data-role='last-confirmed']").text, what="the new confirmation date")
    b.text_in("[data-role='status']", "已确认")
    b.text_in("[data-role='liaison']", "钱联络")
    shown = b.css("[data-role='last-confirmed']").text
    s = requests.get(gw + URL, headers=h, timeout=10).json()
    confirmed = datetime.fromisoformat(s["lastConfirmedAt"]).astimezone(timezone(timedelta(hours=8)))
    assert shown == confirmed.strftime("%Y-%m-%d %H:%M"), (shown, s)
    assert s["status"] == "ok" and s["liaisonName"] == "钱联络" and s["liaisonFormId"]
    doc = requests.get(gw + DOCS + "/" + s["liaisonFormId"], headers=h, timeout=10).json()
    assert doc["kind"] == "liaison_form" and doc["object"].startswith("confirmation:")
    check_page(b, axe, "info-confirmation-confirmed")
    # home: no reminder any more
    b.go("#/home")
    b.page("home")
    until(lambda: not b.all("[data-role='notice-info-confirmation']"), what="the reminder gone")
