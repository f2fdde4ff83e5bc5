"""Reporting in a real browser (headless Chromium): a Zhejiang hospital administrator enrols in
the monthly programme, fills one month (a mistake and a broken rule shown inline as he types,
a draft saved, a submission refused with the missing list whose entries take him to the field,
fixed, submitted); the Zhejiang provincial centre finds it in its approval inbox with the
values and returns it with an opinion; the hospital reads 已退回 and the opinion, fixes and
resubmits; the centre approves; the month is 已通过 and read-only with the reason, its edit log
and 申请修改 dialog open; the pages fit a 390-px phone. No console errors anywhere. Screenshots
go to test-artifacts/screenshots/reporting-*.png."""
import requests

from helpers import approved_account
from portal_helpers import By, browsers, until  # noqa: F401
from test_reporting_review import zhejiang_centre

PERIOD = "2019-09"
FIRST = {"A01": "1000", "A02": "200", "B02": "3", "A04": "2", "A09": "400", "A06": "900", "A07": "90", "B04": "8.25",
         "B05": "120", "B06": "1", "B10": "2", "B12": "10", "B13": "30", "C01": "6", "C04": "50", "C05": "1"}
REST = {"C07": "0", "C09": "王填报"}


def type_into(b, code, value):
    el = b.css(f"#ind-{code}")
    b.js("arguments[0].scrollIntoView({block: 'center'})", el)
    el.clear()
    el.send_keys(value)
    return el


def error_at(b, code):
    return b.js(f"return document.getElementById('ind-{code}-error').textContent")


def toast_text(b, text):
    return b.text_in("#toasts *", text)


def request_of(suite, subject):
    def find():
        r = requests.get(suite.url("approval") + "/api/approval/v1/internal/requests/by-subject",
                         params={"service": "reporting", "id": subject},
                         headers={"X-Internal-Token": suite.internal_token}, timeout=10)
        return r.json()["id"] if r.status_code == 200 else None
    return until(find, what=f"approval request of {subject}")


def centre_decides(b, suite, subject, decision, opinion=None, shot=None):
    rid = request_of(suite, subject)
    b.go("#/approvals")
    until(lambda: b.all(f"[data-role='inbox'] tr[data-request='{rid}']"), action=lambda: b.go("#/approvals"),
          what="the report in the centre's inbox")
    b.go(f"#/approvals/{rid}")
    b.page("approval-detail")
    details = b.css("[data-role='details']").text
    assert "B01 出院人数" in details and "浙江省医疗质量核心指标月报" in details and "2019年9月" in details, details
    if shot:
        b.shot(shot)
    if opinion:
        b.fill("审核意见", opinion)
    b.css(f"[data-decision='{decision}']").click()
    if decision != "approve":
        b.click("确认不同意", b.dialog())
    b.wait(lambda d: not b.all("[data-role='decide']"), what="decision recorded")
    return rid, details


def test_zhejiang_month_in_the_portal(gw, suite, browsers):
    hospital = approved_account(gw, suite)
    centre = zhejiang_centre(gw, suite)   # a reviewer of a Zhejiang provincial centre (shared, see there)

    h = browsers("hospital")
    h.login(hospital["username"], hospital["password"], hospital["phone"])
    h.css("[data-nav='reporting-due']").click()
    h.page("reporting-due")
    h.shot("reporting-01-due-before-enrolment")
    h.go("#/reporting/programs")
    h.page("reporting-programs")
    card = h.css("[data-program='zj_monthly']")
    card.find_element(By.CSS_SELECTOR, "[data-role='enrol']").click()
    h.wait(lambda d: "已参加" in h.css("[data-program='zj_monthly']").text, what="enrolled")
    h.shot("reporting-02-programs")

    # The month's form: a mistake and a broken rule shown as he types.
    h.go(f"#/reporting/form/zj_monthly/core/{PERIOD}")
    h.page("reporting-form")
    assert h.css("[data-category='住院']") and h.css("[data-category='门急诊']")
    type_into(h, "B01", "3o0")
    h.wait(lambda d: "整数" in error_at(h, "B01"), what="inline type error")
    type_into(h, "B01", "300")
    h.wait(lambda d: error_at(h, "B01") == "", what="error cleared")
    type_into(h, "B02", "400")
    rule = h.css("[data-role='rule-problems']")
    assert "出院患者死亡人数（B02）不能大于出院人数（B01）" in rule.text
    h.shot("reporting-03-inline-messages")
    for code, v in FIRST.items():
        type_into(h, code, v)
    h.gone("[data-role='rule-problems']")
    h.click("保存草稿")
    toast_text(h, "草稿已保存")
    assert h.css("#ind-A03").get_attribute("value") == "1200"   # computed on save

    # Submitting lists what is missing; an entry takes him to its field.
    h.click("提交")
    missing = h.css("[data-role='missing']")
    assert "以下参数值缺失" in missing.text and "填报人" in missing.text, missing.text
    h.shot("reporting-04-missing-list")
    h.css("[data-missing='C09']").click()
    h.wait(lambda d: h.js("return document.activeElement && document.activeElement.id") == "ind-C09", what="focus on C09")
    for code, v in REST.items():
        type_into(h, code, v)
    h.click("提交")
    h.wait(lambda d: h.all("[data-lock='report_under_review']"), what="under review")
    report_id = h.css("[data-page='reporting-form']").get_attribute("data-report")
    assert "审核中" in h.css(".page-head").text
    h.shot("reporting-05-under-review")

    # The centre returns it with an opinion.
    c = browsers("centre")
    c.login(centre["username"], centre["password"], centre["phone"])
    opinion = "出院人数与病案首页统计不符，请核实"
    _, details = centre_decides(c, suite, f"{report_id}:r1", "return", opinion, shot="reporting-06-centre-review")
    assert "300 人" in details

    # The hospital reads 已退回 and the opinion, fixes and resubmits.
    def returned():
        h.go("#/reporting")
        h.go(f"#/reporting/form/zj_monthly/core/{PERIOD}")
        return h.all("[data-role='review-opinion']")
    until(returned, what="已退回 shown")
    assert opinion in h.css("[data-role='review-opinion']").text and "已退回" in h.css(".page-head").text
    h.shot("reporting-07-returned")
    type_into(h, "B01", "320")
    h.click("提交")
    h.wait(lambda d: h.all("[data-lock='report_under_review']"), what="resubmitted")

    # The centre approves.
    _, details = centre_decides(c, suite, f"{report_id}:r2", "approve")
    assert "320 人" in details

    def accepted():
        h.go("#/reporting/history")
        h.go(f"#/reporting/report/{report_id}")
        return h.all("[data-lock='report_accepted']")
    until(accepted, what="已通过 shown")
    assert "已通过" in h.css(".page-head").text and "只读" in h.css("[data-role='lock']").text
    assert h.css("#ind-B01").get_attribute("disabled") is not None
    h.shot("reporting-08-accepted")
    h.click("编辑日志")
    log = h.css("[data-role='edit-log-table']")
    assert "B01 出院人数" in log.text and "320" in log.text
    h.shot("reporting-09-edit-log")
    h.click("关闭", h.dialog())
    h.click("申请修改")
    dlg = h.dialog()
    h.css("[data-role='reason']").send_keys("改" * 201)
    assert "不能超过200个字" in dlg.text
    h.shot("reporting-10-modification-dialog")
    h.click("取消", dlg)

    # The history lists it, with its CSV.
    h.go("#/reporting/history")
    h.css(f"tr[data-report='{report_id}']")
    h.shot("reporting-11-history")

    # A 390-px phone: the form, the due list and the history fit the screen.
    h.size(390, 844)
    for route, page in ((f"#/reporting/report/{report_id}", "reporting-form"), ("#/reporting", "reporting-due"),
                        ("#/reporting/history", "reporting-history")):
        h.go(route)
        h.page(page)
        width = h.js("return document.documentElement.scrollWidth")
        assert width <= 390, f"{route} overflows a 390-px screen: {width}px"
        h.shot(f"reporting-12-phone-{page}")
    assert h.unlabelled() == []
    assert h.console_errors() == [], h.console_errors()
    assert c.console_errors() == [], c.console_errors()
