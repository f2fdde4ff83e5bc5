"""信息发布 and 反馈 (issue #20): a notice reaches the home pages of its scope and nobody else,
its rich text is made safe on the server, read marks count down; feedback goes from any user to
the platform operators' list, and the sender sees its status and reply. Real actors only: every
account is registered and approved through the real flows (actors.py)."""
import requests
from selenium.webdriver.common.by import By

from actors import actors_for
from portal_helpers import browsers  # noqa: F401

API = "/api/reporting/v1"
SPECIALTY = "coronary_intervention"

XSS_BODY = ('<h3>填报提醒</h3><p onclick="alert(1)">请于<strong>5日前</strong>完成上报。<script>alert(1)</script></p>'
            '<img src=x onerror=alert(1)><ul><li><a href="javascript:alert(1)">坏链接</a></li>'
            '<li><a href="https://www.ncis.cn/help" target=_top>操作手册</a></li></ul><iframe src="https://evil.example"></iframe>')


def call(gw, who, method, path, body=None, **params):
    return requests.request(method, gw + API + path, json=body, params=params or None, headers=who.headers, timeout=15)


def notices_of(gw, who):
    r = call(gw, who, "GET", "/notices", limit=100)
    assert r.status_code == 200, r.text
    return r.json()


def ids(page):
    return {n["id"] for n in page["items"]}


def test_notices_reach_their_scope_only(suite, gw):
    a = actors_for(suite)
    p1 = a.random_city_province()
    p2 = a.random_city_province(exclude=(p1,))
    centre = a.provincial_centre(p1, SPECIALTY)
    hospital = a.institution(p1)
    elsewhere = a.institution(p2)
    national = a.national()

    # A hospital does not publish; nothing is stored.
    before = notices_of(gw, hospital)
    r = call(gw, hospital, "POST", "/notices", {"title": "医院发的", "body": "<p>不行</p>"})
    assert r.status_code == 403, r.text
    assert notices_of(gw, hospital)["items"] == before["items"]

    # The centre publishes only within its province.
    for scope in ("86", "86/" + p2):
        r = call(gw, centre, "POST", "/notices", {"title": "越界", "body": "正文", "scope": scope})
        assert r.status_code == 403 and r.json()["error"]["code"] == "scope_not_covered", r.text
    for body, field in ({"title": " ", "body": "<p>x</p>"}, "title"), ({"title": "空正文", "body": "<script>alert(1)</script>"}, "body"), \
            ({"title": "太长", "body": "x" * 20001}, "body"):
        r = call(gw, centre, "POST", "/notices", body)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text

    r = call(gw, centre, "POST", "/notices", {"title": "本省月度填报提醒", "body": XSS_BODY})
    assert r.status_code == 201, r.text
    notice = r.json()
    assert notice["scopePath"] == centre.scope_path
    html = notice["bodyHtml"]
    for bad in ("<script", "onclick", "onerror", "<img", "<iframe", "javascript:", "target="):
        assert bad not in html.lower(), html
    assert '<a href="https://www.ncis.cn/help" rel="noopener noreferrer">操作手册</a>' in html
    assert "<h3>填报提醒</h3>" in html and "<strong>5日前</strong>" in html and "坏链接" in html

    # In the province: listed, unread; elsewhere: nothing, not even by id.
    mine = notices_of(gw, hospital)
    assert notice["id"] in ids(mine)
    listed = next(n for n in mine["items"] if n["id"] == notice["id"])
    assert listed["read"] is False and listed["bodyHtml"] == html
    unread = mine["unread"]
    assert call(gw, hospital, "GET", "/notices/unread-count").json()["count"] == unread >= 1
    assert notice["id"] not in ids(notices_of(gw, elsewhere))
    for method, path in (("GET", f"/notices/{notice['id']}"), ("POST", f"/notices/{notice['id']}/read")):
        assert call(gw, elsewhere, method, path).status_code == 404

    # Read marks: once, counted down once.
    for _ in range(2):
        assert call(gw, hospital, "POST", f"/notices/{notice['id']}/read").status_code == 204
    mine = notices_of(gw, hospital)
    assert mine["unread"] == unread - 1
    assert next(n for n in mine["items"] if n["id"] == notice["id"])["read"] is True
    managed = call(gw, centre, "GET", "/notices/managed").json()["items"]
    assert next(n for n in managed if n["id"] == notice["id"])["readers"] == 1
    assert call(gw, hospital, "GET", "/notices/managed").status_code == 403

    # The national centre publishes to the nation: both provinces read it.
    r = call(gw, national, "POST", "/notices", {"title": "全国通知", "body": "第一段\n\n第二段"})
    assert r.status_code == 201, r.text
    nat = r.json()
    assert nat["scopePath"] == "86"
    assert nat["id"] in ids(notices_of(gw, hospital)) and nat["id"] in ids(notices_of(gw, elsewhere))
    # ... or to one province of it.
    r = call(gw, national, "POST", "/notices", {"title": "仅限一省", "body": "<p>x</p>", "scope": "86/" + p2})
    assert r.status_code == 201, r.text
    assert r.json()["id"] in ids(notices_of(gw, elsewhere)) and r.json()["id"] not in ids(notices_of(gw, hospital))

    # A withdrawn notice is gone for its readers; only a publisher of its scope withdraws it.
    assert call(gw, national, "DELETE", f"/notices/{notice['id']}").status_code == 204  # the nation covers the province
    assert notice["id"] not in ids(notices_of(gw, hospital))
    assert call(gw, centre, "DELETE", f"/notices/{nat['id']}").status_code == 404
    assert nat["id"] in ids(notices_of(gw, hospital))


def test_feedback_reaches_operators_and_its_status_the_sender(suite, gw):
    a = actors_for(suite)
    p1 = a.random_city_province()
    hospital = a.institution(p1)
    centre = a.provincial_centre(p1, SPECIALTY)
    operator = a.operator()
    other = a.institution(p1, tag="feedback-other")

    for body, field in (({"category": "complaint", "content": "x"}, "category"), ({"category": "defect", "content": "  "}, "content"),
                        ({"category": "defect", "content": "长" * 2001}, "content")):
        r = call(gw, hospital, "POST", "/feedback", body)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text
    r = call(gw, hospital, "POST", "/feedback", {"category": "form", "content": "月报表第3项的单位写错了" + "。" * 1988,
                                                 "contact": "0571-8888", "organisation": "测试医院"})
    assert r.status_code == 201, r.text
    fb = r.json()
    assert fb["status"] == "new" and len(fb["content"]) == 2000

    # Only operators list and handle it.
    for who in (hospital, centre):
        assert call(gw, who, "GET", "/feedback").status_code == 403
        assert call(gw, who, "PATCH", f"/feedback/{fb['id']}", {"status": "done", "reply": "x"}).status_code == 403
    listed = call(gw, operator, "GET", "/feedback", status="new", limit=100)
    assert listed.status_code == 200 and fb["id"] in {i["id"] for i in listed.json()["items"]}
    r = call(gw, operator, "PATCH", f"/feedback/{fb['id']}", {"status": "in_progress", "reply": "已转表单组核实"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress", r.text
    assert call(gw, operator, "PATCH", f"/feedback/{fb['id']}", {"status": "closed"}).status_code == 422

    mine = call(gw, hospital, "GET", "/feedback/mine").json()["items"]
    seen = next(i for i in mine if i["id"] == fb["id"])
    assert seen["status"] == "in_progress" and seen["reply"] == "已转表单组核实"
    assert fb["id"] not in {i["id"] for i in call(gw, other, "GET", "/feedback/mine").json()["items"]}


def test_notice_and_feedback_in_the_portal(suite, gw, browsers):
    a = actors_for(suite)
    p1 = a.random_city_province()
    centre = a.provincial_centre(p1, SPECIALTY)
    hospital = a.institution(p1, tag="portal-notices")
    operator = a.operator()

    c = browsers("centre")
    c.login(centre.username, centre.password, centre.phone)
    c.css("[data-nav='notice-admin']").click()
    c.page("notice-admin")
    title = "门户发布的通知 " + hospital.phone[-4:]
    c.fill("标题", title)
    c.fill("正文", "各医院请注意：\n\n本月数据请于5日前上报。")
    c.shot("notices-01-publish")
    c.click("发布")
    c.text_in("[data-role='managed-notices']", title)

    h = browsers("hospital")
    h.login(hospital.username, hospital.password, hospital.phone)
    item = h.text_in("[data-role='notices'] li", title)
    assert "本月数据请于5日前上报。" in item.text
    count = h.css("[data-role='notice-unread']")
    n = int(count.text.split()[0])
    h.shot("notices-02-home")
    item.find_element(By.CSS_SELECTOR, "[data-role='mark-read']").click()
    h.wait(lambda d: h.text_in("[data-role='notices'] li", title).get_attribute("data-read") == "true", what="marked read")
    assert n == 1 or int(h.css("[data-role='notice-unread']").text.split()[0]) == n - 1

    # 意见反馈: sent from the portal, answered by an operator, the answer seen by the sender.
    h.css("[data-nav='feedback-mine']").click()
    h.page("feedback-mine")
    h.fill("反馈类型", "产品缺陷")
    text = "门户反馈：导出按钮没有反应 " + hospital.phone[-4:]
    h.fill("反馈内容", text)
    h.click("提交反馈")
    h.text_in("[data-role='my-feedback'] li", text)

    o = browsers("operator")
    o.signed_in_as(operator.access)   # the operator's one real sign-in of the run (actors)
    o.css("[data-nav='feedback-admin']").click()
    o.page("feedback-admin")
    li = o.text_in("[data-role='feedback-admin-list'] li", text)
    o.fill("处理状态", "已处理", li)
    o.fill("回复", "已修复，请刷新后重试", li)
    o.shot("notices-03-feedback-admin")
    o.click("保存", li)
    o.wait(lambda d: o.text_in("[data-role='feedback-admin-list'] li", text).get_attribute("data-status") == "done", what="saved")

    h.go("#/home")
    h.go("#/feedback")
    mine = h.text_in("[data-role='my-feedback'] li", text)
    assert mine.get_attribute("data-status") == "done" and "已修复，请刷新后重试" in mine.text
    h.shot("notices-04-feedback-reply")
