"""The first complete journey in a real browser (headless Chromium): a hospital administrator
registers in a province with two provincial centres, both centres approve from their inbox
(one through multi-select), the credentials come from the dev inbox, the first sign-in forces
a new password, the administrator creates and disables a sub-account; a second application is
rejected with an opinion its applicant then reads on the status page; three wrong passwords
freeze the account. Screenshots of every page go to test-artifacts/screenshots/."""
import uuid

import requests

import helpers
from conftest import unique_phone
from portal_helpers import (By, api_application, browsers, centres, create_centre, create_user,  # noqa: F401
                            last_message_id, pdf_bytes, png_bytes, regions, until, wait_code, wait_message, write_file)

V1 = "/api/identity/v1"
# Provinces whose cities are in identity's region table (an institution registers in a city).
CITY_PROVINCES = ["110000", "310000", "320000", "330000", "370000", "420000", "440000", "510000"]
CENTRE_PASSWORD = "Centre#2026qc"


def pick_province(suite, gw):
    """The city-bearing province with the fewest provincial centres (other tests add some):
    every centre of the province must approve an institution administrator."""
    counts = sorted((len(centres(suite, p)), p) for p in CITY_PROVINCES)
    _, province = counts[0]
    names = {r["code"]: r["name"] for r in regions(gw)}
    city = regions(gw, province)[0]
    return province, names[province], city, centres(suite, province)


def approve_over_api(gw, user, phone, password, title_part):
    """A centre that existed before this test (another test's) approves over the API."""
    tokens = helpers.full_login(gw, user["username"], password, phone)
    auth = {"Authorization": f"Bearer {tokens['accessToken']}"}

    def find():
        items = requests.get(gw + "/api/approval/v1/inbox", headers=auth, params={"q": title_part}, timeout=10).json()["items"]
        return items[0]["id"] if items else None
    rid = until(find, what=f"{title_part} in another centre's inbox")
    r = requests.post(gw + f"/api/approval/v1/requests/{rid}/decisions", json={"decision": "approve"}, headers=auth, timeout=10)
    assert r.status_code == 200, r.text


def inbox_row(b, text):
    return b.text_in("[data-role='inbox'] tbody tr[data-request]", text)


def test_portal_journey(suite, gw, browsers, tmp_path):
    tag = uuid.uuid4().hex[:5].upper()
    province, province_name, city, earlier = pick_province(suite, gw)
    centre_a = create_centre(suite, province, f"{province_name}心血管病质控中心{tag}")
    centre_b = create_centre(suite, province, f"{province_name}心血管介入质控中心{tag}")
    a_phone, b_phone = unique_phone(), unique_phone()
    user_a = create_user(suite, centre_a["id"], "provincial_centre", "周审核", a_phone, CENTRE_PASSWORD)
    user_b = create_user(suite, centre_b["id"], "provincial_centre", "吴审核", b_phone, CENTRE_PASSWORD)
    others = []
    for c in earlier:  # centres of other tests in the same province must approve too
        p = unique_phone()
        others.append((create_user(suite, c["id"], "provincial_centre", "其他中心", p, CENTRE_PASSWORD), p))

    pdf1 = write_file(str(tmp_path), "账号申请表-签字盖章.pdf", pdf_bytes("signed application form"))
    pdf2 = write_file(str(tmp_path), "保密承诺函-签字盖章.pdf", pdf_bytes("confidentiality pledge"))
    licence = write_file(str(tmp_path), "执业许可证.png", png_bytes(seed=7))
    text_file = write_file(str(tmp_path), "说明.txt", b"not a scan")

    # ---- 1. the hospital administrator registers: 手机验证 → 资料下载 → 信息完善 → 信息审核
    app = browsers("applicant")
    app.open("#/register")
    app.page("register")
    phone1 = unique_phone()
    hospital = f"{city['name']}第一人民医院{tag}"
    app.fill("手机号", phone1)
    app.fill_captcha()
    app.sms_code(phone1)
    app.fill("用户类型", "provincial_centre")  # a centre chooses its specialties by group
    assert app.all("input[aria-label='全选介入相关专业']")
    app.fill("用户类型", "institution_admin")
    assert "无需选择" in app.css("[data-role='specialty-note']").text
    assert "医务处" in app.css("[data-role='role-note']").text
    app.shot("01-register-phone")
    app.click("下一步")

    app.css("#agree-error", visible=False)
    app.click("下一步")
    assert "同意" in app.css("#agree-error").text  # must agree first
    app.check("#agree-terms")
    app.click("下载账号申请表")
    link = app.css("[data-role='download-link'][data-form='account-application']")
    assert ".pdf" in link.text and link.get_attribute("href").startswith("blob:")
    app.shot("02-register-forms")
    app.click("下一步")

    app.fill("所在省份", province)
    app.fill("所在城市", city["code"])
    app.fill("医疗机构名称", hospital)
    app.click("查询")
    app.click("本院尚未注册")
    app.css("[data-role='organisation-fields']")
    assert app.field("医疗机构名称").get_attribute("value") == hospital  # the search text carried over
    app.fill("执业许可证登记号", "PDY123")  # too short: the error sits next to the field
    app.fill("医院等级", "三级甲等")
    app.fill("机构类别", "综合医院")
    app.fill("机构地址", "人民路88号")
    app.fill("质控负责人", "王院长")
    app.fill("申请人姓名", "赵管理")
    app.fill("电子邮箱", f"admin{phone1}@example.com")
    app.click("提交审核")
    assert "22位" in app.wait_error("执业许可证登记号")
    assert app.field("机构地址").get_attribute("value") == "人民路88号"  # input kept after an error
    app.fill("执业许可证登记号", "PDY" + phone1 + "33010211")
    app.click("提交审核")
    app.text_in("[data-upload='signed_application_form'] .error", "请上传")

    app.css("input[data-kind='confidentiality_pledge']", visible=False).send_keys(text_file)
    app.text_in("[data-upload='confidentiality_pledge'] .error", "格式不支持")  # checked in the browser first
    hint = app.css("[data-upload='licence_scan'] .hint").text
    assert "10 MB" in hint and "PDF" in hint
    for kind, path in (("signed_application_form", pdf1), ("confidentiality_pledge", pdf2), ("licence_scan", licence)):
        app.css(f"input[data-kind='{kind}']", visible=False).send_keys(path)
        app.css(f"[data-upload='{kind}'] li[data-document]")
    app.js("document.querySelector('[data-role=organisation-fields]').scrollIntoView()")
    app.js("window.scrollBy(0, -140)")
    app.shot("03-register-details")
    app.js("window.scrollTo(0, document.querySelector('[data-role=uploads]').offsetTop - 200)")
    app.shot("03-register-uploads")
    assert not app.unlabelled(), app.unlabelled()
    app.click("提交审核")
    app.css("[data-role='submitted']")
    app.css("[data-application][data-status='pending']")
    waiting = app.text_in("[data-role='pending-orgs']", centre_a["name"], timeout=40)
    assert centre_b["name"] in waiting.text
    app.shot("04-register-submitted")

    # ---- 2. the status page says where it waits, and offers editing until review starts
    app.go("#/status")
    app.page("status")
    where = app.text_in("[data-role='waiting']", centre_b["name"])
    assert centre_a["name"] in where.text and "省级质控中心" in where.text
    assert app.all("[data-application] [data-role='edit']")
    app.shot("05-status-pending")

    # ---- 3. centre A: the badge, the inbox, the attachments in the browser, 同意
    ap = browsers("approver")
    ap.login(user_a["username"], CENTRE_PASSWORD, a_phone, shot="06-login")
    badge = ap.css("[data-nav='approvals'] .count")
    assert int(badge.text) >= 1
    ap.shot("06-home-centre")
    ap.go("#/approvals")
    ap.page("approvals")
    row = inbox_row(ap, hospital)
    ap.shot("07-approvals-inbox")
    assert not ap.unlabelled(), ap.unlabelled()
    row.find_element(By.PARTIAL_LINK_TEXT, hospital).click()
    ap.page("approval-detail")
    ap.text_in("[data-role='details']", "执业许可证登记号")
    ap.shot("08-approval-detail")
    ap.wait(lambda d: len(ap.all("[data-role='attachments'] li [data-role='view']")) == 3, what="three attachments")
    pdf_row = ap.text_in("[data-role='attachments'] li", "账号申请表")
    pdf_row.find_element(By.CSS_SELECTOR, "[data-role='view']").click()
    frame = ap.css("iframe[data-role='pdf-frame']")
    assert frame.get_attribute("src").startswith("blob:")
    ap.shot("08-approval-attachment-pdf")
    img_row = ap.text_in("[data-role='attachments'] li", "执业许可证")
    img_row.find_element(By.CSS_SELECTOR, "[data-role='view']").click()
    img = ap.css("img[data-role='image-view']")
    ap.wait(lambda d: ap.js("return arguments[0].complete && arguments[0].naturalWidth", img) == 240, what="licence image shown")
    ap.shot("08-approval-attachment-image")
    ap.click("同意")
    ap.css("[data-role='cannot-decide']")

    app.click("刷新", app.css("[data-application]"))
    app.wait(lambda d: centre_a["name"] not in app.css("[data-role='pending-orgs']").text
             and centre_b["name"] in app.css("[data-role='pending-orgs']").text, what="only centre B left")
    assert not app.all("[data-application] [data-role='edit']")  # review started: no more editing
    for user, p in others:
        approve_over_api(gw, user, p, CENTRE_PASSWORD, hospital)

    # ---- 4. two more applications: one for the batch, one to reject
    phone2, phone3 = unique_phone(), unique_phone()
    hospital2 = f"{city['name']}中医院{tag}"
    hospital3 = f"{city['name']}妇幼保健院{tag}"
    api_application(gw, phone2, city["code"], hospital2)
    api_application(gw, phone3, city["code"], hospital3)

    # ---- 5. centre B: approve two together (each outcome shown), reject one with an opinion
    ap.logout()
    ap.login(user_b["username"], CENTRE_PASSWORD, b_phone)
    ap.go("#/approvals")
    ap.fill("关键字", tag)
    ap.click("筛选")
    for name in (hospital, hospital2, hospital3):
        inbox_row(ap, name)
    for name in (hospital, hospital3):
        inbox_row(ap, name).find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
    assert "2" in ap.css("[data-role='batch-approve']").text
    ap.click("批量同意")
    ap.click("确认同意", ap.dialog())
    result = ap.css("[data-role='batch-result']")
    ap.wait(lambda d: len(result.find_elements(By.CSS_SELECTOR, "li[data-ok='true']")) == 2, what="two outcomes")
    assert "审批已全部通过" in result.text and "等待其他单位审批" in result.text
    ap.shot("09-approvals-batch-result")
    ap.click("知道了")

    inbox_row(ap, hospital2).find_element(By.PARTIAL_LINK_TEXT, hospital2).click()
    ap.page("approval-detail")
    ap.click("不同意")
    assert "审核意见" in ap.wait_error("审核意见")  # an opinion is required
    opinion = f"执业许可证扫描件不清晰，请重新上传（{tag}）"
    ap.fill("审核意见", opinion)
    ap.click("不同意")
    ap.click("确认不同意", ap.dialog())
    ap.text_in(".page-head", "未通过")
    ap.shot("10-approval-rejected")

    # ---- 6. the applicant: approved, the account sent again (never shown), read from the inbox
    until(lambda: app.all("[data-application][data-status='approved']"),
          action=lambda: app.js("const b = document.querySelector('[data-application] [data-role=refresh]'); b && b.click()"),
          what="application approved")
    wait_message(gw, phone1, r"用户名：(\w+)，初始密码")
    sent = [m for m in helpers.messages(gw, phone1) if "用户名" in m["body"]]
    app.click("重新发送账号密码")
    assert "短信" in app.css("[data-role='resend-result']").text
    until(lambda: len([m for m in helpers.messages(gw, phone1) if "用户名" in m["body"]]) > len(sent), what="account sent again")
    username, initial = helpers.credentials(gw, phone1)  # the newest message
    assert initial not in app.driver.page_source
    app.shot("11-status-approved")

    # the second applicant reads the rejection where it happened
    app.click("使用其他手机号查询")
    app.fill("手机号", phone2)
    app.fill_captcha()
    app.sms_code(phone2)
    app.click("查询")
    rejected = app.css("[data-application][data-status='rejected']")
    assert opinion in rejected.find_element(By.CSS_SELECTOR, "[data-role='rejection']").text
    stage_opinion = app.text_in("[data-application] .timeline li", opinion)
    assert centre_b["name"] in stage_opinion.text
    app.shot("12-status-rejected")

    # ---- 7. first sign-in: the new password is forced, its rule shown while typing
    ap.logout()
    ap.login(username, initial, phone1, expect_change=True)
    ap.fill("新密码", "abc")
    ap.css("li[data-rule='len'].bad")
    ap.css("li[data-rule='mix'].bad")
    ap.fill("新密码", username + "Qx9#")
    ap.css("li[data-rule='own'].bad")
    ap.shot("13-change-password")
    new_password = "Hz#" + uuid.uuid4().hex[:8] + "7q"
    ap.fill("初始密码（短信中收到的密码）", initial)
    ap.fill("新密码", new_password)
    ap.css("li[data-rule='len'].ok")
    ap.fill("确认新密码", new_password + "x")
    ap.click("修改密码并进入平台")
    assert "不一致" in ap.wait_error("确认新密码")
    ap.fill("确认新密码", new_password)
    ap.click("修改密码并进入平台")
    ap.page("home")
    assert ap.css("[data-nav='users']")
    ap.shot("14-home-institution-admin")

    # ---- 8. sub-accounts: add (errors next to fields first), then disable
    ap.go("#/users")
    ap.page("users")
    ap.click("新增子账号")
    dlg = ap.dialog()
    assert not ap.unlabelled(), ap.unlabelled()
    ap.fill("手机号", "12345", dlg)
    ap.click("创建", dlg)
    assert "姓名" in ap.wait_error("姓名")
    assert "11位" in ap.error_of("手机号")
    sub_phone = unique_phone()
    ap.fill("姓名", "孙填报", dlg)
    ap.fill("手机号", sub_phone, dlg)
    ap.fill("角色", "data_entry", dlg)
    ap.fill("负责专业", "coronary_intervention", dlg)
    ap.click("创建", dlg)
    ap.css("[data-role='created']")
    row = ap.text_in("[data-role='users'] tbody tr", "孙填报")
    sub_username = row.get_attribute("data-user")
    initial = wait_message(gw, sub_phone, rf"用户名：{sub_username}，初始密码：([^，]+)，").group(1)
    row.find_element(By.CSS_SELECTOR, "[data-role='disable']").click()
    ap.click("停用", ap.dialog())
    ap.css(f"tr[data-user='{sub_username}'][data-status='disabled']")
    ap.shot("15-users")
    # The disabled account's own correct password and a correct captcha: refused for being disabled.
    cid, answer = helpers.captcha(gw)
    r = requests.post(gw + V1 + "/sessions", json={"login": sub_username, "password": initial, "captchaId": cid,
                                                  "captchaAnswer": answer}, timeout=20)
    assert r.status_code == 403 and r.json()["error"]["code"] == "account_disabled", r.text

    # ---- 9. three wrong passwords freeze the account; the page says how long to wait
    ap.logout()
    for attempt in range(3):
        ap.fill("用户名或手机号", username)
        ap.fill("密码", f"Wrong#{attempt}pass")
        ap.fill_captcha()
        ap.click("登录")
        if attempt < 2:
            assert "用户名或密码错误" in ap.wait_error("密码")
            assert ap.field("用户名或手机号").get_attribute("value") == username
    locked = ap.css("[data-role='locked']")
    assert "冻结" in locked.text and "秒" in locked.text
    assert not ap.css("form[aria-label='密码登录'] button[type=submit]").is_enabled()
    ap.shot("16-login-frozen")
    ap.text_in("[data-role='locked']", "已解冻", timeout=15)
    ap.fill("密码", new_password)
    ap.fill_captcha()
    before = last_message_id(gw, phone1)
    ap.click("登录")
    ap.css("[data-role='phone-masked']")
    ap.fill("短信验证码", wait_code(gw, phone1, before))
    ap.click("验证并登录")
    ap.page("home")
    for b in (app, ap):
        assert not b.console_errors(), b.console_errors()
