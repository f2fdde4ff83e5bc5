"""Browser: a stroke registry individual user registers from the login page's link, signs in at
once, submits 个人身份认证 with a licence photo, the unit's administrator approves, and the user
sees the grant (docs/registration.md "脑卒中登记个人用户"); axe WCAG 2.1 AA on the new pages."""
import uuid

import requests

import helpers
from actors import actors_for, until
from conftest import unique_phone
from portal_helpers import browsers  # noqa: F401  (fixture)
from test_portal_accessibility import axe, check_page  # noqa: F401  (fixture)
from test_stroke_users import PROVINCE, request_of_user


def test_register_sign_in_certify_and_get_the_grant_in_the_browser(gw, suite, browsers, axe, tmp_path):  # noqa: F811
    actors = actors_for(suite)
    admin = actors.stroke_unit(PROVINCE)
    phone, username, password = unique_phone(), "web" + uuid.uuid4().hex[:8], "Web#" + uuid.uuid4().hex[:8]
    photo = tmp_path / "许可证.jpg"
    photo.write_bytes(helpers.jpeg_image(120, 90))

    b = browsers("stroke-user")
    b.open("#/login")
    b.page("login")
    b.css("a[href='#/stroke-register']").click()    # the login page's 用户注册 link of the stroke registry
    b.page("stroke-user-register")
    b.fill("所在省份", PROVINCE)
    b.fill("所在城市", actors.city_of(PROVINCE))
    b.fill("单位名称", admin.org_id)
    b.fill("真实姓名", "陈医生")
    b.fill("身份证号码", helpers.resident_id())
    b.fill("设置用户名", username)
    b.fill("手机号码", phone)
    b.fill_captcha()
    b.sms_code(phone)
    b.fill("设置密码", password)
    b.fill("确认密码", password)
    check_page(b, axe, "stroke-user-register")
    b.click("注册")
    b.text_in("[data-role='stroke-registered']", username)

    # Signs in at once; only 个人身份认证 and its own pages.
    b.login(username, password, phone)
    assert not b.all("[data-nav='reporting-due']")
    b.css("[data-nav='stroke-user-certify']").click()
    b.page("stroke-certification")
    b.css("[data-role='certification-status'][data-status='uncertified']")
    b.css("input[type='file'][data-kind='licence_photo']", visible=False).send_keys(str(photo))
    b.css("[data-upload='licence_photo'] li[data-document]")
    b.fill("医疗机构执业许可证登记号", "12345")
    b.click("提交")
    assert "登记号格式不正确" in b.wait_error("医疗机构执业许可证登记号", "登记号")
    b.fill("医疗机构执业许可证登记号", "PDY00001X44030515A1002")
    check_page(b, axe, "stroke-certification")
    b.click("提交")
    b.css("[data-role='certification-status'][data-status='pending']")

    # The unit's administrator approves (approval's API, the admin's real token).
    members = requests.get(gw + helpers.V1 + "/stroke-users", headers=admin.headers, timeout=10).json()["items"]
    user_id = next(m["userId"] for m in members if m["phoneMasked"].endswith(phone[-4:]) and m["displayName"] == "陈医生")
    req = request_of_user(actors, user_id)
    assert req["chain"] == "stroke_certification"
    r = actors.decide(admin, req["id"], "approve", "同意")
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text

    # The user sees the grant (the page renews the session once) and may now enter data.
    until(lambda: any(m["userId"] == user_id and m["certification"] == "certified" for m in
                      requests.get(gw + helpers.V1 + "/stroke-users", headers=admin.headers, timeout=10).json()["items"]),
          what="identity applied the approval")
    b.go("#/home")
    b.go("#/stroke-certification")
    b.css("[data-role='certification-status'][data-status='certified']")
    b.text_in("[data-role='grant']", "去填报")
    b.css("[data-nav='reporting-due']")
    b.shot("stroke-user-certified")

