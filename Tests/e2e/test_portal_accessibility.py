"""The portal against WCAG 2.1 AA with axe-core in Chromium, and what a newcomer hit on the
approval pages (issue #17).

axe-core 4.x (MPL-2.0, a test tool only) comes from the PyPI package axe-playwright-python, which
ships axe.min.js: fetched once with pip into a cache directory (AXE_CACHE, default
~/.cache/quality-e2e/axe), never committed. Every page listed is checked with the rules tagged
wcag2a, wcag2aa, wcag21a, wcag21aa and must have zero violations: home (with a notice), login,
register, the approvals inbox, an approval's detail, the reporting due page, feedback; the
Zhejiang 机构信息确认 page is checked (before and after 确认) in test_portal_info_confirmation.py.

The approval fixes: the 审批类型 filter lists the chains' real names (its options were inserted
as text), on a phone the decision buttons stay on screen, the history names people (not login
names), a request closed by one centre's 不同意 shows no other centre as 待审批, the rejection SMS
does not end in "。。", and page and server both say 审核意见."""
import glob
import os
import re
import subprocess
import sys
import tempfile
import zipfile

import pytest
import requests
from selenium.webdriver.common.by import By

from actors import actors_for, until
from helpers import messages
from portal_helpers import browsers  # noqa: F401

AXE_PACKAGE = "axe-playwright-python==0.1.8"   # ships axe-core 4.12.x as axe_playwright_python/axe.min.js
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SPECIALTY = "coronary_intervention"
APPROVAL = "/api/approval/v1"


def axe_source():
    cache = os.environ.get("AXE_CACHE") or os.path.expanduser("~/.cache/quality-e2e/axe")
    path = os.path.join(cache, "axe.min.js")
    if not os.path.exists(path):
        os.makedirs(cache, exist_ok=True)
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", d, AXE_PACKAGE],
                           check=True, timeout=300)
            wheel = glob.glob(os.path.join(d, "*.whl"))[0]
            with zipfile.ZipFile(wheel) as z:
                data = z.read("axe_playwright_python/axe.min.js")
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    source = open(path, encoding="utf-8").read()
    assert re.match(r"/\*! axe v4\.", source), "axe-core 4.x expected"
    return source


@pytest.fixture(scope="module")
def axe():
    return axe_source()


def check_page(b, axe_js, name):
    """Runs axe on the page shown and fails with every WCAG 2.1 AA violation it reports."""
    b.wait_ready()
    b.js(axe_js)
    result = b.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: "tag", values: arguments[0] }, resultTypes: ["violations"] })
          .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").slice(0, 2).join(" ")) }))))
          .catch(e => done([{ id: "axe-error", help: String(e), nodes: [] }]));""", TAGS)
    b.shot(f"a11y-{name}")
    assert result == [], f"{name}: WCAG 2.1 AA violations:\n" + "\n".join(
        f"  {v['id']} ({v.get('impact')}): {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in result)


def pending_member_request(a, admin):
    """A specialty-admin application at the admin's institution, waiting in the admin's inbox
    (its first stage is the institution's)."""
    applicant, req = a.member_application("specialty_admin", admin, SPECIALTY)
    return applicant, req["id"]


def test_pages_have_no_wcag_violations_and_approvals_work_on_a_phone(suite, gw, browsers, axe):
    a = actors_for(suite)
    province = a.random_city_province()
    centre = a.provincial_centre(province, SPECIALTY)
    admin = a.institution(province, tag="a11y")
    _, rid = pending_member_request(a, admin)
    r = requests.post(gw + "/api/reporting/v1/notices", headers=centre.headers, timeout=10, json={
        "title": "无障碍检查通知", "body": '<p>请阅读<a href="https://example.org/manual">填报手册</a>后上报。</p>'})
    assert r.status_code == 201, r.text

    b = browsers("a11y")
    b.open("#/login")
    b.page("login")
    # The skip link leads to the main region, not to the router's "#/".
    assert b.css("#skip-link", visible=False).get_attribute("href").endswith("#main")
    check_page(b, axe, "login")
    b.open("#/register")
    b.page("register")
    check_page(b, axe, "register")

    b.login(admin.username, admin.password, admin.phone)
    b.text_in("[data-role='notices'] li", "无障碍检查通知")
    link = b.css("[data-role='notices'] .notice-body a")
    assert link.value_of_css_property("text-decoration-line") == "underline", "a link in running text is underlined"
    check_page(b, axe, "home")

    # 审批管理: the type filter lists the chains by name.
    b.css("[data-nav='approvals']").click()
    b.page("approvals")
    select = b.field("审批类型")
    b.wait(lambda d: len(select.find_elements(By.TAG_NAME, "option")) > 1, what="chain options")
    options = [o.text for o in select.find_elements(By.TAG_NAME, "option")]
    chains = requests.get(gw + APPROVAL + "/chains", headers=admin.headers, timeout=10).json()["items"]
    assert options[0] == "全部类型" and options[1:] == [c["name"] for c in chains], options
    assert not any("[object" in o for o in options)
    inbox = requests.get(f"{gw}{APPROVAL}/inbox", params={"limit": 100}, headers=admin.headers, timeout=10).json()["items"]
    member_chain = next(i["chainName"] for i in inbox if i["id"] == rid)
    b.fill("审批类型", member_chain)
    b.click("筛选")
    b.css(f"[data-role='inbox'] tr[data-request='{rid}']")
    check_page(b, axe, "approvals")

    b.go(f"#/approvals/{rid}")
    b.page("approval-detail")
    b.css("[data-role='decide']")
    check_page(b, axe, "approval-detail")

    # On a phone the decision buttons stay on screen while reading from the top.
    b.size(375, 740)
    b.js("window.scrollTo(0, 0)")
    approve = b.css("[data-role='decide'] [data-decision='approve']")
    inside = b.js("""const r = arguments[0].getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0 &&
                            document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === arguments[0];""", approve)
    assert inside, "同意 is on screen and not covered on a 375×740 phone"
    b.shot("a11y-phone-decision-bar")
    b.size(1366, 900)

    b.go("#/reporting")
    b.page("reporting-due")
    check_page(b, axe, "reporting-due")
    b.go("#/feedback")
    b.page("feedback-mine")
    check_page(b, axe, "feedback")


def test_closed_request_history_names_and_rejection_text(suite, gw, browsers):
    """In a province with two provincial centres, an institution's registration waits for both;
    one says 不同意: the request is closed, the other centre is not shown as 待审批."""
    a = actors_for(suite)
    province = a.random_city_province()
    a.provincial_centre(province, SPECIALTY)
    a.provincial_centre(province, "cardiac_surgery")
    applicant = a.applicant()
    doc = applicant.upload_scan()
    applicant.fill({"role": "institution_admin", "regionCode": a.city_of(province), "specialties": [SPECIALTY],
                    "organisation": {"name": f"关闭进度测试医院{applicant.phone[-6:]}", "licenceNo": "PDY" + applicant.phone + "33010211",
                                     "level": "三级甲等", "category": "综合医院", "address": "人民路2号", "headName": "孙院长"},
                    "person": {"name": "周申请"}, "documentIds": [doc]})
    applicant.submit()
    rid = a.request_of(applicant.id)["id"]

    def stage():
        s = requests.get(suite.url("approval") + APPROVAL + "/internal/requests/by-subject",
                         params={"service": "identity", "id": applicant.id}, headers=a.internal, timeout=10).json()
        st = s["stages"][s["currentStage"] - 1]
        return st if st["status"] == "pending" and len(st["pendingOrgs"]) >= 2 else None
    orgs = until(stage, what="an all-of stage of two centres")["pendingOrgs"]
    first, second = a.centre_account(orgs[0]["id"]), a.centre_account(orgs[1]["id"])

    # The second centre says 不同意 (an opinion required, named 审核意见) before the first acts.
    r = a.decide(second, rid, "reject")
    assert r.status_code == 422 and "审核意见" in r.json()["error"]["message"], r.text
    r = a.decide(second, rid, "reject", "执业许可证扫描件不清晰。")
    assert r.status_code == 200 and r.json()["status"] == "rejected", r.text

    # The history names the person who decided, not the login name.
    history = requests.get(f"{gw}{APPROVAL}/requests/{rid}/history", headers=second.headers, timeout=10).json()["items"]
    decided = [e for e in history if e["event"] == "decided"]
    display = requests.get(gw + "/api/identity/v1/me", headers=second.headers, timeout=10).json()["displayName"]
    assert [e["actorName"] for e in decided] == [display] and display != second.username, decided

    # The rejection SMS quotes the opinion once, without "。。".
    sms = until(lambda: next((m["body"] for m in messages(gw, applicant.phone) if "未通过审核" in m["body"]), None),
                what="the rejection SMS")
    assert "审核意见：执业许可证扫描件不清晰。您可修改后重新申请。" in sms and "。。" not in sms, sms

    # The first centre's view of the closed request: it is not shown as 待审批 any more.
    b = browsers("closed")
    b.login(first.username, first.password, first.phone)
    b.go(f"#/approvals/{rid}")
    b.page("approval-detail")
    timeline = b.css(".timeline")
    b.text_in(".timeline", "未审批")
    assert "待审批" not in timeline.text and "审批中" not in timeline.text, timeline.text
    assert not b.all("[data-role='decide']")
    b.shot("a11y-closed-progress")
