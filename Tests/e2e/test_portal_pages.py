"""The portal's other pages in a real browser: 账号查询, 忘记密码 by e-mail link, signing in
with the keyboard alone, 个人中心 (profile change with an SMS code), the 375-px phone layout,
and the dev inbox — present in dev mode, absent when dev mode is off."""
import os
import re
import uuid

import pytest
import requests

import helpers
from conftest import unique_phone
from portal_helpers import (PHONE, Keys, api_application, browsers, create_centre, last_message_id, pdf_bytes,  # noqa: F401
                            png_bytes, until, wait_code, wait_message, write_file)

V1 = "/api/identity/v1"


def mask(phone):
    return phone[:3] + "****" + phone[7:]


def no_horizontal_scroll(b):
    width = b.js("return document.documentElement.clientWidth")
    assert b.js("return document.documentElement.scrollWidth") <= width + 1, f"{b.driver.current_url} scrolls sideways"


def test_portal_account_pages(suite, gw, browsers):
    acct = helpers.approved_account(gw, suite)
    b = browsers("pages")

    # 账号查询: masked usernames of a verified phone
    b.open("#/lookup")
    b.page("lookup")
    b.fill("手机号", acct["phone"])
    b.fill_captcha()
    b.sms_code(acct["phone"])
    b.click("查询账号")
    results = b.css("[data-role='lookup-results']")
    shown = results.find_element("css selector", "strong").text
    assert "*" in shown and shown != acct["username"] and shown[:2] == acct["username"][:2]
    b.shot("20-lookup")

    # 忘记密码 with the registered e-mail address: a link to it, then 设置新密码 (the rule checked live)
    b.go("#/forgot")
    b.page("forgot")
    b.fill("用户名、邮箱或手机号", acct["email"])
    b.fill_captcha()
    b.click("找回密码")
    b.css("[data-role='reset-sent']")
    b.shot("21-forgot")
    link = wait_message(gw, acct["email"], r"/(#/reset-password\?token=[\w-]+)").group(1)
    b.open(link)
    b.page("reset-password")
    b.fill("新密码", "abc")
    b.fill("确认新密码", "abc")
    b.click("保存新密码")
    assert "8位" in b.wait_error("新密码")
    new_password = "Rs#" + acct["phone"][-5:] + "kqX"
    b.fill("新密码", new_password)
    b.fill("确认新密码", new_password)
    b.shot("22-reset-password")
    b.click("保存新密码")
    b.text_in("[data-page='reset-password']", "密码已重置")

    # signing in with the keyboard alone: type, Tab, Enter
    b.open("#/login")
    b.page("login")
    assert b.js("return document.activeElement.name") == "login"
    b.send_keys(acct["username"], Keys.TAB)
    assert b.js("return document.activeElement.name") == "password"
    b.send_keys(new_password, Keys.TAB)
    assert b.js("return document.activeElement.getAttribute('data-role')") == "captcha-input"
    before = last_message_id(gw, acct["phone"])
    b.send_keys(b.captcha_answer(), Keys.ENTER)
    b.css("[data-role='phone-masked']")
    assert b.js("return document.activeElement.name") == "code"
    b.send_keys(wait_code(gw, acct["phone"], before), Keys.ENTER)
    b.page("home")
    b.shot("23-home-institution-admin")

    # 个人中心: new e-mail confirmed by a code sent to the current phone
    # the access cookie gone (expired): the portal refreshes the session and carries on
    b.driver.delete_cookie("qs_access")
    b.go("#/profile")
    b.page("profile")
    assert not b.unlabelled(), b.unlabelled()
    b.fill("电子邮箱", "not-an-email")
    b.click("保存资料")
    assert "邮箱" in b.wait_error("电子邮箱")
    new_email = f"new{acct['phone']}@example.com"
    b.fill("电子邮箱", new_email)
    before = last_message_id(gw, acct["phone"])
    b.click("获取验证码")
    b.fill(f"短信验证码（发送至当前手机 {mask(acct['phone'])}）", wait_code(gw, acct["phone"], before))
    b.shot("24-profile")
    b.click("保存资料")
    b.text_in("[data-page='profile'] ~ section dl, section dl", new_email)
    me = b.js("return fetch('/api/session', {credentials: 'same-origin'}).then(r => r.json())")
    assert me["user"]["email"] == new_email
    assert b.driver.get_cookie("qs_access"), "the session was refreshed into a new access cookie"

    # the phone layout: 375 px wide, the menu behind a button, no sideways scrolling
    b.size(*PHONE)
    for page in ("home", "users", "approvals", "profile"):
        b.go(f"#/{page}")
        b.page(page)
        no_horizontal_scroll(b)
    b.go("#/home")
    b.page("home")
    b.shot("30-phone-home")
    b.click("菜单")
    b.css("#main-nav a[data-nav='users']")
    b.shot("31-phone-menu")
    b.css("[data-role='logout']").click()
    b.page("login")
    no_horizontal_scroll(b)
    b.shot("32-phone-login")
    b.open("#/register")
    b.page("register")
    no_horizontal_scroll(b)
    b.shot("33-phone-register")
    b.open("#/status")
    b.page("status")
    no_horizontal_scroll(b)
    assert not b.console_errors(), b.console_errors()


def test_portal_dev_inbox_only_in_dev_mode(suite, gw, browsers):
    b = browsers("dev")
    b.open("#/dev")
    b.page("dev")
    b.css("[data-role='messages'] tbody tr")
    assert b.all("[data-role='dev-link']")
    cid = requests.get(gw + V1 + "/captcha", timeout=10).json()["id"]
    b.fill("图形验证码编号", cid)
    b.click("查看答案")
    answer = b.css("[data-role='captcha-answer'] strong").text
    assert re.fullmatch(r"[A-Z0-9]{4}", answer), answer
    b.js("window.scrollTo(0, 0)")
    b.shot("17-dev-inbox")

    # Dev mode off: identity answers 404 for the dev API and the portal has no dev page.
    suite.start("identity", instance=1, env={"DEV_MODE": "0"})
    suite.start("gateway", instance=1, env={"IDENTITY_URLS": suite.url("identity", 1)})
    try:
        assert requests.get(suite.url("identity", 1) + V1 + "/dev/messages", timeout=10).status_code == 404
        prod = suite.url("gateway", 1)
        assert requests.get(prod + V1 + "/dev/messages", timeout=10).status_code == 404
        p = browsers("prod", base=prod)
        p.open("#/dev")
        p.page("not-found")
        assert not p.all("[data-role='dev-link']")
        p.shot("18-dev-off-not-found")
        p.open("#/login")
        p.page("login")
        p.css("img[data-captcha-id]")
        assert "开发模式" not in p.css("main").text
        assert not p.all("[data-role='dev-link']")
    finally:
        suite.kill("gateway#1")
        suite.kill("identity#1")


def test_portal_files_and_modules(gw, browsers):
    """Every module loads in the browser under the gateway's CSP, every route has its page
    file, and index.html carries no inline script or style."""
    portal = os.path.join(os.path.dirname(__file__), "..", "..", "Portal")
    modules = sorted("/" + os.path.relpath(os.path.join(d, f), portal).replace(os.sep, "/")
                     for d, _, files in os.walk(os.path.join(portal, "js")) for f in files if f.endswith(".js"))
    b = browsers("modules")
    b.open("#/login")
    b.page("login")
    failures = b.driver.execute_async_script("""
        const list = arguments[0], done = arguments[arguments.length - 1];
        Promise.allSettled(list.map(p => import(p))).then(rs =>
            done(rs.map((r, i) => r.status === "fulfilled" ? null : list[i] + ": " + r.reason).filter(Boolean)));
    """, modules)
    assert not failures, failures
    routes = b.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import("/js/app.js").then(m => done(m.routes.map(r => r.page)));
    """)
    assert {"login", "register", "status", "home", "approvals", "approval-detail", "users", "profile", "dev", "lookup",
            "forgot", "reset-password"} <= set(routes)
    for page in routes:
        assert f"/js/pages/{page}.js" in modules, page
    html = requests.get(gw + "/", timeout=10)
    assert html.status_code == 200 and "text/html" in html.headers["Content-Type"]
    for tag in re.findall(r"<script[^>]*>", html.text):
        assert "src=" in tag, tag
    assert "<style" not in html.text and "style=" not in html.text and not re.search(r"\son\w+=", html.text)
    assert "'unsafe-inline'" not in html.headers.get("Content-Security-Policy", "")
    assert not b.console_errors(), b.console_errors()


def test_portal_edit_before_review(suite, gw, browsers, tmp_path):
    """The applicant edits a submitted application from the status page before anyone acted
    and submits it again: it waits at the centres again (NCCQI: 审核前均可随时修改)."""
    tag = uuid.uuid4().hex[:5].upper()
    centre = create_centre(suite, "440000", f"广东省心血管病质控中心{tag}")
    phone = unique_phone()
    api_application(gw, phone, "440100", f"广州市修改测试医院{tag}")
    b = browsers("edit")
    b.open("#/status")
    b.fill("手机号", phone)
    b.fill_captcha()
    b.sms_code(phone)
    b.click("查询")
    b.text_in("[data-role='pending-orgs']", centre["name"], timeout=40)
    b.click("修改申请")
    b.page("register")
    b.css("[data-role='organisation-fields']")
    assert b.field("机构地址").get_attribute("value") == "人民路1号"  # everything kept
    assert len(b.all("[data-upload] li[data-document]")) == 1
    b.fill("机构地址", "人民路2号")
    for kind, name, data in (("confidentiality_pledge", "保密承诺函.pdf", pdf_bytes("pledge")), ("licence_scan", "许可证.png", png_bytes(seed=3))):
        b.css(f"input[data-kind='{kind}']", visible=False).send_keys(write_file(str(tmp_path), name, data))
        b.css(f"[data-upload='{kind}'] li[data-document]")
    b.click("提交审核")
    b.css("[data-role='submitted']")
    b.go("#/status")
    def waiting_again():
        return b.js("const e = document.querySelector('[data-role=pending-orgs]'); return e ? e.textContent : ''")

    until(lambda: centre["name"] in waiting_again(),
          action=lambda: b.js("const r = document.querySelector('[data-role=refresh]'); r && r.click()"),
          timeout=20, what="the edited application waiting at the centre again")
