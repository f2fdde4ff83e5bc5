"""Issue 17: the platform operator registers the national centre and national specialty centres
and opens their accounts (GET/POST /api/identity/v1/national-centres, POST …/:id/accounts);
nobody else may. The account's credentials come by SMS and sign in for real with the grants
asked for. Browser: the operator's page 国家质控中心."""
import uuid

import requests

import helpers
from actors import NATIONAL_ORG, actors_for
from conftest import unique_phone  # noqa: F401
from helpers import V1, auth, first_login
from portal_helpers import browsers  # noqa: F401  (fixture)
from test_portal_accessibility import axe, check_page  # noqa: F401  (fixture)

URL = V1 + "/national-centres"


def test_operator_registers_national_specialty_centre_and_its_account(gw, suite):
    op = helpers.operator_actor(gw, suite)
    name = f"国家亚专业测试中心{uuid.uuid4().hex[:6]}"
    # refusals first: each changes nothing
    r = requests.post(gw + URL, json={"name": name, "specialties": ["no_such"]}, headers=op["headers"], timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_specialty", r.text
    r = requests.post(gw + URL, json={"name": "", "specialties": []}, headers=op["headers"], timeout=10)
    assert r.status_code == 422, r.text
    assert all(c["name"] != name for c in requests.get(gw + URL, headers=op["headers"], timeout=10).json()["items"])

    r = requests.post(gw + URL, json={"name": name, "specialties": ["heart_failure", "hypertension"]}, headers=op["headers"], timeout=10)
    assert r.status_code == 201, r.text
    centre = r.json()
    assert centre["kind"] == "national_centre" and sorted(centre["specialties"]) == ["heart_failure", "hypertension"]
    assert centre["scopePath"] == "86"
    r = requests.post(gw + URL, json={"name": name}, headers=op["headers"], timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "organisation_exists", r.text

    accounts = f"{gw}{URL}/{centre['id']}/accounts"
    phone = unique_phone()
    for bad, code in [({"role": "national_specialty_centre", "specialty": "coronary_intervention"}, "specialty_not_covered"),
                      ({"role": "provincial_centre"}, "role_not_allowed"),
                      ({"role": "platform_operator"}, "role_not_allowed"),
                      ({"role": "national_centre", "specialty": "hypertension"}, "role_not_allowed")]:
        r = requests.post(accounts, json={"displayName": "周主任", "phone": phone, **bad}, headers=op["headers"], timeout=10)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, (bad, r.text)
    r = requests.post(accounts, json={"role": "national_specialty_centre", "displayName": "周主任", "phone": "139"}, headers=op["headers"], timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_phone", r.text
    r = requests.post(f"{gw}{URL}/{uuid.uuid4()}/accounts", json={"role": "national_specialty_centre", "displayName": "周主任", "phone": phone},
                      headers=op["headers"], timeout=10)
    assert r.status_code == 404, r.text
    assert helpers.messages(gw, phone) == []  # no account, no SMS

    r = requests.post(accounts, json={"role": "national_specialty_centre", "specialty": "hypertension", "displayName": "周主任", "phone": phone},
                      headers=op["headers"], timeout=10)
    assert r.status_code == 201, r.text
    assert r.json()["mustChangePassword"] is True
    listed = next(c for c in requests.get(gw + URL, headers=op["headers"], timeout=10).json()["items"] if c["id"] == centre["id"])
    assert [(a["role"], a["specialty"]) for a in listed["accounts"]] == [("national_specialty_centre", "hypertension")]
    assert listed["accounts"][0]["phoneMasked"] != phone
    # the account signs in for real (SMS credentials, forced password change) with its grant
    _, _, session = first_login(gw, phone)
    me = requests.get(gw + V1 + "/me", headers=auth(session["accessToken"]), timeout=10).json()
    assert [(g["role"], g.get("specialty"), g["scopePath"]) for g in me["roles"]] == [("national_specialty_centre", "hypertension", "86")]
    # a national specialty centre account is no operator
    r = requests.get(gw + URL, headers=auth(session["accessToken"]), timeout=10)
    assert r.status_code == 403, r.text


def test_only_the_operator_manages_national_centres(gw, suite):
    actors = actors_for(suite)
    national = actors.national()
    centre = actors.provincial_centre(actors.random_city_province(), "coronary_intervention")
    for who in (national, centre):
        r = requests.get(gw + URL, headers=auth(who.access), timeout=10)
        assert r.status_code == 403, r.text
        r = requests.post(gw + URL, json={"name": f"越权中心{uuid.uuid4().hex[:6]}"}, headers=auth(who.access), timeout=10)
        assert r.status_code == 403, r.text
        r = requests.post(f"{gw}{URL}/{NATIONAL_ORG}/accounts",
                          json={"role": "national_centre", "displayName": "冒名", "phone": unique_phone()},
                          headers=auth(who.access), timeout=10)
        assert r.status_code == 403, r.text
    assert requests.get(gw + URL, timeout=10).status_code == 401


def test_operator_page_registers_a_centre_and_opens_an_account(gw, suite, browsers, axe):  # noqa: F811
    op = helpers.operator_actor(gw, suite)
    name = f"国家先心病介入质控中心{uuid.uuid4().hex[:4]}"
    phone = unique_phone()
    b = browsers("operator")
    b.signed_in_as(op["access"])   # the operator's one real sign-in of the run
    b.css("[data-nav='registration-national']")
    b.go("#/national-centres")
    b.page("registration-national")
    check_page(b, axe, "registration-national")
    form = b.css("[data-role='centre-form']")
    b.fill("中心名称", name, scope=form)
    b.check("[data-role='centre-form'] input[value='congenital_intervention']")
    b.click("注册中心", scope=form)
    card = b.text_in("[data-centre]", name)
    assert "先心病介入" in card.text and "尚未开通账号" in card.text
    b.fill("姓名", "吴主任", scope=card)
    b.fill("手机号", phone, scope=card)
    b.click("开通账号", scope=card)
    b.wait(lambda d: "吴主任" in b.text_in("[data-centre]", name).text, what="account listed")
    card = b.text_in("[data-centre]", name)
    assert "国家亚专业质控中心" in card.text and "先心病介入" in card.text
    _, _, session = first_login(gw, phone)
    me = requests.get(gw + V1 + "/me", headers=auth(session["accessToken"]), timeout=10).json()
    assert [(g["role"], g.get("specialty")) for g in me["roles"]] == [("national_specialty_centre", "congenital_intervention")]


def test_inbox_marks_stale_items_with_a_badge(gw, suite, browsers):  # noqa: F811
    """The approvals inbox shows 超期 on items the API marks `stale`: through a gateway whose
    approval runs with APPROVAL_STALE_DAYS=0 the new request has it (through the suite's
    gateway, 7 days, the API says not stale)."""
    import signal
    phone = unique_phone()
    name = f"超期徽章卫健委{phone[-6:]}"
    app_id, _ = helpers.register_and_submit(gw, phone, {"role": "city_commission", "regionCode": "640300", "specialties": [],
                                                        "organisation": {"name": name}, "person": {"name": "超期"}})
    rid = helpers.wait_request(suite, app_id)["id"]
    op = helpers.operator_actor(gw, suite)
    suite.start("approval", instance=3, env={"APPROVAL_STALE_DAYS": "0"})
    suite.start("gateway", instance=6, env={"APPROVAL_URLS": suite.url("approval", instance=3)})
    try:
        # the suite's gateway (7 days): not stale
        inbox = requests.get(gw + "/api/approval/v1/inbox", headers=op["headers"], params={"q": name}, timeout=10).json()
        assert [i["stale"] for i in inbox["items"] if i["id"] == rid] == [False]
        b = browsers("operator", base=suite.url("gateway", instance=6))
        b.signed_in_as(op["access"])
        b.go(f"#/approvals?q={name}")
        b.page("approvals")
        row = b.css(f"tr[data-request='{rid}'] [data-stale='true']")
        assert "超期" in row.text
    finally:
        suite.kill("gateway#6", signal.SIGTERM)
        suite.kill("approval#3", signal.SIGTERM)
