"""The whole country (issue 17): identity's region table is the full GB/T 2260 tree with
six-digit codes (34 provincial units, about 340 prefecture-level, about 2,850 county-level
units, with coordinates), searchable by name; scope paths carry the six-digit codes; a county
hospital anywhere (Gansu) registers and gets a scope path through its county; the portal's
region picker has three levels and a search."""
import uuid

import pytest
import requests

from conftest import unique_phone  # noqa: F401
from helpers import (V1, auth, decide_for_real, ensure_provincial_centre, first_login, internal_headers,
                     open_application, register_and_submit, wait_application, wait_request)
from portal_helpers import browsers  # noqa: F401


def regions(gw, **params):
    r = requests.get(gw + V1 + "/regions", params=params, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def institution_body(phone, region, name=None):
    return {"role": "institution_admin", "regionCode": region, "specialties": [],
            "organisation": {"name": name or f"县级测试医院{phone[-6:]}", "licenceNo": "PDY" + phone + "62010211",
                             "level": "二级甲等", "category": "综合医院", "address": "城关区1号", "headName": "马院长"},
            "person": {"name": "马管理"}}


def test_the_region_table_is_the_whole_gbt2260_tree(gw):
    provinces = regions(gw)
    codes = {p["code"]: p for p in provinces}
    assert len(provinces) == 34, len(provinces)
    assert all(p["level"] == "province" and len(p["code"]) == 6 and p["code"].endswith("0000") for p in provinces)
    assert codes["330000"]["name"] == "浙江省" and codes["620000"]["name"] == "甘肃省"
    assert "990000" not in codes  # 苏鲁交界 and the like are dropped
    cities, counties = [], []
    for p in provinces:
        cities += regions(gw, parent=p["code"])
    for c in cities:
        assert c["level"] == "city" and c["code"][:2] + "0000" == c["parentCode"]
        if c["hasChildren"]:
            counties += regions(gw, parent=c["code"])
    assert 330 <= len(cities) <= 360, len(cities)
    assert 2800 <= len(counties) <= 3100, len(counties)
    assert all(x["level"] == "county" and x["code"][:4] + "00" == x["parentCode"] for x in counties)
    by_code = {c["code"]: c for c in cities + counties}
    assert by_code["330100"]["name"] == "杭州市" and by_code["330106"]["name"] == "西湖区"
    assert by_code["330106"]["longitude"] and by_code["330106"]["latitude"]  # kept for the statistics' maps
    assert 119 < by_code["330106"]["longitude"] < 121 and 29 < by_code["330106"]["latitude"] < 31
    # municipalities: 北京 110000 → 110100 市辖区 → 110101 东城区
    assert [(c["code"], c["name"]) for c in regions(gw, parent="110000")] == [("110100", "市辖区")]
    assert by_code["110101"]["name"] == "东城区"
    # counties directly under a province hang under 省直辖县级行政区划
    assert by_code["419000"]["name"] == "省直辖县级行政区划" and by_code["419001"]["name"] == "济源市"
    assert by_code["469000"]["parentCode"] == "460000"


def test_regions_are_searched_by_name_and_bounded(gw):
    hits = regions(gw, q="西湖")
    xihu = next(h for h in hits if h["code"] == "330106")
    assert xihu["fullName"] == "浙江省 杭州市 西湖区" and xihu["level"] == "county"
    assert [h["code"] for h in regions(gw, q="浙江")][:1] == ["330000"]  # provinces first
    inside = regions(gw, q="城关", under="620000")
    assert inside and all(h["code"].startswith("62") for h in inside)
    assert len(regions(gw, q="区", limit=50)) == 50
    assert len(regions(gw, q="区")) == 20  # default bound
    assert all(h["level"] == "city" for h in regions(gw, q="州", level="city"))
    for params, field in (({"q": "区", "limit": "51"}, "limit"), ({"q": "x" * 21}, "q"), ({"parent": "33"}, "parent"),
                          ({"q": "区", "under": "3301"}, "under"), ({"q": "区", "level": "town"}, "level")):
        r = requests.get(gw + V1 + "/regions", params=params, timeout=10)
        assert r.status_code == 422 and r.json()["error"]["field"] == field, (params, r.text)


def test_a_county_hospital_in_gansu_registers_with_its_county_in_the_path(gw, suite):
    ensure_provincial_centre(gw, suite, "620000")
    phone = unique_phone()
    name = f"兰州市城关区测试医院{phone[-6:]}"
    app_id, tok = register_and_submit(gw, phone, institution_body(phone, "620102", name))
    final = decide_for_real(gw, suite, app_id)
    assert final["status"] == "approved", final
    assert final["stages"][0]["role"] == "provincial_centre"
    done = wait_application(gw, app_id, tok, "approved")
    assert done["regionCode"] == "620102"
    _, _, tokens = first_login(gw, phone)
    roles = tokens["user"]["roles"]
    assert [r["role"] for r in roles] == ["institution_admin"]
    assert roles[0]["scopePath"] == f"86/620000/620100/620102/{roles[0]['orgID']}"
    # found by its city (the county is inside it) and by its county
    for region in ("620100", "620102"):
        hits = requests.get(gw + V1 + "/institutions", params={"region": region, "q": name[:8]}, timeout=10).json()["items"]
        assert roles[0]["orgID"] in [h["id"] for h in hits], region
    # a city commission of 兰州 covers it (its grants see 86/620000/620100)
    listed = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite),
                          params={"kind": "institution", "under": "86/620000/620100"}, timeout=10).json()["items"]
    assert roles[0]["orgID"] in [o["id"] for o in listed]


def draft(gw, phone, body):
    app_id, tok = open_application(gw, phone)
    r = requests.put(gw + V1 + f"/applications/{app_id}", json={"documentIds": [str(uuid.uuid4())], **body}, headers=auth(tok), timeout=10)
    return app_id, tok, r


@pytest.mark.parametrize("role,region,ok", [
    ("provincial_centre", "620100", False),   # a centre sits in a province
    ("city_commission", "620000", False),     # a commission in a prefecture-level city
    ("city_commission", "620102", False),
    ("institution_admin", "620000", False),   # an institution in a city or county
    ("institution_admin", "110101", True),    # a district of a municipality
    ("institution_admin", "419001", True),    # 济源市, directly under Henan
])
def test_each_role_sits_at_its_region_level(gw, suite, role, region, ok):
    phone = unique_phone()
    body = institution_body(phone, region) if role == "institution_admin" else {
        "role": role, "regionCode": region, "specialties": ["hypertension"] if role == "provincial_centre" else [],
        "organisation": {"name": f"层级测试单位{phone[-6:]}"}, "person": {"name": "层级"}}
    app_id, tok, r = draft(gw, phone, body)
    assert r.status_code == 200, r.text
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(tok), timeout=10)
    if not ok:
        assert r.status_code == 422 and r.json()["error"]["field"] == "regionCode", r.text
        assert requests.get(gw + V1 + f"/applications/{app_id}", headers=auth(tok), timeout=10).json()["status"] == "draft"
        return
    assert r.status_code == 200, r.text
    req = wait_request(suite, app_id)
    # the approval request's scope runs through province, city and county
    assert req["scopePath"] == f"86/{region[:2]}0000/{region[:4]}00/{region}", req


def test_old_codes_are_refused(gw):
    phone = unique_phone()
    for code in ("33", "3301", "330", "33010a"):
        _, _, r = draft(gw, phone, {"regionCode": code})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_region", r.text
        phone = unique_phone()


def test_scope_paths_carry_six_digit_codes(suite):
    base = suite.url("approval") + "/api/approval/v1/internal/requests"
    body = {"type": "registration", "chain": "platform_registration", "title": "范围路径测试", "applicant": {"name": "张三"}}
    cases = [("86/33/3301/x", 422), ("86/330000/3301/x", 422), ("86/330000/330106/x", 422),
             ("86/330000/340100/x", 422), ("86/330000/330100/330206/x", 422), ("86/330000/330100/330106", 201),
             ("86/330000/330100/330106/x", 201), ("86/110000/110100/110101/x", 201), ("86/410000/419000/419001/x", 201),
             ("86/330000/x", 201)]
    for path, status in cases:
        r = requests.post(base, headers=internal_headers(suite), timeout=10,
                          json={**body, "subject": {"service": "identity", "id": str(uuid.uuid4())}, "scopePath": path})
        assert r.status_code == status, (path, r.text)
        if status == 422:
            assert r.json()["error"]["code"] == "invalid_scope"


def test_the_portal_region_picker_has_three_levels_and_search(gw, browsers):  # noqa: F811
    app = browsers("regions")
    app.open("#/register")
    app.page("register")
    phone = unique_phone()
    app.fill("手机号", phone)
    app.fill_captcha()
    app.sms_code(phone)
    app.fill("用户类型", "institution_admin")
    app.click("下一步")
    app.check("#agree-terms")
    app.click("下一步")
    # three selects: province → city → county
    app.fill("所在省份", "620000")
    app.fill("所在城市", "620100")
    app.fill("所在区县", "620102")
    picker = app.css("[data-role='region-picker']")
    assert app.field("所在区县").get_attribute("value") == "620102"
    # search by name sets all three
    app.fill("搜索地区", "西湖")
    app.css("button[data-code='330106']").click()
    app.wait(lambda d: app.field("所在区县").get_attribute("value") == "330106", what="county chosen by search")
    assert app.field("所在省份").get_attribute("value") == "330000"
    assert app.field("所在城市").get_attribute("value") == "330100"
    assert "已选择：浙江省 杭州市 西湖区" in picker.text
    # a municipality: 北京市 → 市辖区 → 东城区
    app.fill("所在省份", "110000")
    app.fill("所在城市", "110100")
    app.fill("所在区县", "110101")
    app.shot("registration-region-picker")
    assert not app.unlabelled(), app.unlabelled()
    # the chosen county is what the draft saves
    app.fill("申请人姓名", "区县测试")
    app.click("保存")
    app.text_in(".toast, [role='status']", "已保存")
