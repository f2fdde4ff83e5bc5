"""绑定既往数据 and 检索导出 end to end (docs/registries.md).

The old system's year rows are data that arrives by migration (they were never entered here):
the tests write their own rows in SQL, each with a name of its own. Everything else goes
through the real flows: stroke institutions registered and approved by their province's
centres, a provincial centre of the stroke specialty (registered, approved by the national
centre), the binding request opened by reporting at approval through its outbox, the decision
taken by a signed-in centre account at approval's public API, the outcome delivered back to
reporting and applied once.
"""
import threading
import uuid

import pytest
import requests

from actors import actors_for, until
from helpers import enrol, reporting_sql
from portal_helpers import browsers  # noqa: F401  (fixture)
from test_portal_accessibility import axe, check_page  # noqa: F401  (fixture, WCAG 2.1 AA with axe-core)

V1 = "/api/reporting/v1"
PROGRAM = "stroke_annual"


def call(gw, method, path, who=None, **kw):
    return requests.request(method, gw + V1 + path, headers=who.headers if who else {}, timeout=60, **kw)


@pytest.fixture(scope="module")
def people(suite):
    """Two stroke institutions of one province, the province's stroke centre, a centre of the
    same province for another specialty, and the stroke centre of another province."""
    a = actors_for(suite)
    province = a.random_city_province()
    other = a.random_city_province(exclude=(province,))
    p = {
        "province": province, "other": other,
        "centre": a.provincial_centre(province, "stroke"),
        "heart": a.provincial_centre(province, "heart_failure"),
        "far": a.provincial_centre(other, "stroke"),
        "a": a.institution(province, specialty="stroke", tag="binding-a"),
        "b": a.institution(province, specialty="stroke", tag="binding-b"),
        "actors": a,
    }
    for who in (p["a"], p["b"]):
        assert call(suite.url("gateway"), "POST", f"/programs/{PROGRAM}/enrolment", who).status_code in (200, 201)
    return p


def old_records(province, tag, periods=("2016", "2017"), name=None):
    """Year rows of the old system in the province's city (ids answered in `periods` order)."""
    city = {"110000": "110100", "310000": "310100", "320000": "320100", "370000": "370200", "420000": "420100",
            "440000": "440300", "510000": "510100"}[province]
    ids = []
    for period in periods:
        rid = str(uuid.uuid4())
        reporting_sql(f"""
            INSERT INTO reporting.history_records (id, program_id, legacy_id, institution_name, region_name, scope_path,
                   head_name, phone, period, submitted, entered_at, counts, summary)
            SELECT '{rid}', id, 'e2e-{rid}', '{name or "旧系统医院" + tag}', '测试区划{tag}', '86/{province}/{city}', '周主任',
                   '13912340269', '{period}', true, '2019-03-04 14:14:38+08',
                   '{{"stroke_ivt": 12, "stroke_evt": 3}}', '{{"脑卒中出院人数": "1280"}}'
            FROM reporting.programs WHERE code = '{PROGRAM}'""")
        ids.append(rid)
    return ids


def approval_request(suite, binding_id):
    """Approval's request for the binding (opened by reporting's outbox)."""
    def find():
        r = requests.get(suite.url("approval") + "/api/approval/v1/internal/requests/by-subject",
                         params={"service": "reporting", "id": f"binding:{binding_id}"},
                         headers={"X-Internal-Token": suite.internal_token}, timeout=10)
        return r.json() if r.status_code == 200 else None
    return until(find, what=f"approval request of binding {binding_id}")


def binding_status(gw, who, binding_id, status):
    def check():
        items = call(gw, "GET", "/history-bindings", who, params={"program": PROGRAM}).json()["items"]
        b = next((x for x in items if x["id"] == binding_id), None)
        return b if b and b["status"] == status else None
    return until(check, what=f"binding {binding_id} {status}")


def years(gw, who, **params):
    r = call(gw, "GET", f"/registry-years/{PROGRAM}", who, params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_search_preview_request_approve_then_unbind(gw, suite, people):
    a, b, centre = people["a"], people["b"], people["centre"]
    tag = uuid.uuid4().hex[:8]
    first, second = old_records(people["province"], tag)
    elsewhere, = old_records(people["other"], tag, periods=("2016",))

    # search: the unbound rows of the institution's own province matching the keyword
    r = call(gw, "GET", "/history-records", a, params={"program": PROGRAM, "q": tag})
    assert r.status_code == 200, r.text
    found = {x["id"]: x for x in r.json()["items"]}
    assert set(found) == {first, second} and r.json()["total"] == 2
    assert elsewhere not in found                                   # another province's row
    row = found[first]
    assert row["phone"] == "139****0269" and row["headName"] == "周**" and row["state"] == "unbound"
    assert row["countsLabel"] == "共上报12例溶栓个案，3例介入个案"
    assert call(gw, "GET", "/history-records", a, params={"program": PROGRAM, "q": "0269"}).json()["total"] >= 2
    assert call(gw, "GET", f"/history-records/{elsewhere}", a).status_code == 404

    # preview, then the request
    p = call(gw, "GET", f"/history-records/{first}", a)
    assert p.status_code == 200 and p.json()["summary"] == {"脑卒中出院人数": "1280"}, p.text
    r = call(gw, "POST", f"/history-records/{first}/binding", a)
    assert r.status_code == 201, r.text
    binding = r.json()
    assert binding["status"] == "pending" and binding["record"]["state"] == "pending" and binding["record"]["mine"]
    # one request at a time, whoever asks; nothing changes
    again = call(gw, "POST", f"/history-records/{first}/binding", a)
    assert again.status_code == 409 and again.json()["error"]["code"] == "binding_pending"
    other = call(gw, "POST", f"/history-records/{first}/binding", b)
    assert other.status_code == 409 and other.json()["error"]["code"] == "binding_pending"
    assert reporting_sql(f"SELECT count(*) FROM reporting.history_bindings WHERE record_id = '{first}'") == "1"

    # at approval: the stroke chain, decided by this province's stroke centre only
    req = approval_request(suite, binding["id"])
    assert req["status"] == "pending" and req["type"] == "history_binding"
    for outsider in (people["far"], people["heart"]):
        d = people["actors"].decide(outsider, req["id"])
        assert d.status_code in (403, 404), d.text
    assert approval_request(suite, binding["id"])["status"] == "pending"
    assert call(gw, "GET", f"/history-bindings", a, params={"program": PROGRAM}).json()["boundCount"] == 0
    d = people["actors"].decide(centre, req["id"], opinion="核对无误")
    assert d.status_code == 200 and d.json()["status"] == "approved", d.text

    # the outcome comes back: bound, among the institution's years, gone from the search
    done = binding_status(gw, a, binding["id"], "approved")
    assert done["opinion"] == "核对无误" and done["record"]["state"] == "bound"
    mine = [y for y in years(gw, a) if y["source"] == "history"]
    assert [(y["id"], y["period"], y["bindingId"]) for y in mine] == [(first, "2016", binding["id"])]
    assert mine[0]["countsLabel"] == "共上报12例溶栓个案，3例介入个案"
    assert all(y["id"] != first for y in years(gw, b))
    assert first not in {x["id"] for x in call(gw, "GET", "/history-records", b, params={"program": PROGRAM, "q": tag}).json()["items"]}
    taken = call(gw, "POST", f"/history-records/{first}/binding", b)
    assert taken.status_code in (404, 409), taken.text
    assert call(gw, "GET", f"/history-records/{first}", b).status_code == 404   # another institution's now

    # 解绑 by another institution: not found; by the institution: at once, no approval
    assert call(gw, "POST", f"/history-bindings/{binding['id']}/unbind", b).status_code == 404
    u = call(gw, "POST", f"/history-bindings/{binding['id']}/unbind", a)
    assert u.status_code == 200 and u.json()["status"] == "unbound", u.text
    assert all(y["id"] != first for y in years(gw, a))
    assert call(gw, "POST", f"/history-bindings/{binding['id']}/unbind", a).json()["error"]["code"] == "not_bound"
    assert first in {x["id"] for x in call(gw, "GET", "/history-records", b, params={"program": PROGRAM, "q": tag}).json()["items"]}
    assert call(gw, "POST", f"/history-records/{first}/binding", b).status_code == 201


def test_rejected_request_leaves_the_record_unbound(gw, suite, people):
    a, centre = people["a"], people["centre"]
    rec, = old_records(people["province"], uuid.uuid4().hex[:8], periods=("2015",))
    binding = call(gw, "POST", f"/history-records/{rec}/binding", a).json()
    req = approval_request(suite, binding["id"])
    d = people["actors"].decide(centre, req["id"], decision="reject", opinion="不是本院数据")
    assert d.status_code == 200, d.text
    done = binding_status(gw, a, binding["id"], "rejected")
    assert done["opinion"] == "不是本院数据" and done["record"]["state"] == "unbound"
    assert all(y["id"] != rec for y in years(gw, a))
    assert call(gw, "POST", f"/history-bindings/{binding['id']}/unbind", a).status_code == 409


def test_concurrent_requests_one_wins(gw, people):
    rec, = old_records(people["province"], uuid.uuid4().hex[:8], periods=("2014",))
    answers = []
    start = threading.Barrier(2)

    def ask(who):
        start.wait()
        answers.append(call(gw, "POST", f"/history-records/{rec}/binding", who))
    threads = [threading.Thread(target=ask, args=(w,)) for w in (people["a"], people["b"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in answers)
    assert codes == [201, 409], [r.text for r in answers]
    assert next(r for r in answers if r.status_code == 409).json()["error"]["code"] == "binding_pending"
    assert reporting_sql(f"SELECT count(*) FROM reporting.history_bindings WHERE record_id = '{rec}'") == "1"


def test_only_institution_admins_bind(gw, people):
    centre = people["centre"]
    r = call(gw, "GET", "/history-records", centre, params={"program": PROGRAM, "q": "x"})
    assert r.status_code == 403, r.text
    assert call(gw, "GET", "/history-records", people["a"], params={"program": "zj_monthly"}).status_code == 404
    long = call(gw, "GET", "/history-records", people["a"], params={"program": PROGRAM, "q": "长" * 51})
    assert long.status_code == 422 and long.json()["error"]["code"] == "too_long"


# --- 检索导出: cases queried and exported by institutions and centres in scope ------------------

NAME, IDNO, PHONE = "测试检索患者", "11010519491231002X", "13912345678"


def test_centre_queries_and_exports_its_region_without_personal_data(gw, people):
    a, centre, far = people["a"], people["centre"], people["far"]
    period = "2023"
    adm = "S" + uuid.uuid4().hex[:10]
    r = call(gw, "POST", "/registries/stroke_ivt/cases", a, json={"period": period, "values": {
        "ADM": adm, "NAME": NAME, "IDNO": IDNO, "PHONE": PHONE, "TREAT": "单纯静脉溶栓", "TDATE": "2023-05-06",
        "NIHSS0": 7, "DRUG": "阿替普酶", "MRS": 3}})
    assert r.status_code == 201, r.text
    assert call(gw, "GET", f"/registry-years/{PROGRAM}/{period}", a).status_code == 200   # the year row

    # the centre of the province: the case, masked, filtered by field and by institution
    page = call(gw, "GET", "/registries/stroke_ivt/cases", centre,
                params={"period": period, "org": a.org_id, "f.MRS": "3", "admission": adm[:6]})
    assert page.status_code == 200, page.text
    items = page.json()["items"]
    assert [c["admissionNo"] for c in items] == [adm]
    assert items[0]["personal"]["NAME"] != NAME and IDNO not in str(items[0])
    assert call(gw, "GET", "/registries/stroke_ivt/cases", centre,
                params={"period": period, "org": a.org_id, "f.MRS": "4"}).json()["total"] == 0
    for ext in ("csv", "xlsx"):
        for shift in ("", "1"):
            e = call(gw, "GET", f"/registries/stroke_ivt/export.{ext}", centre,
                     params={"period": period, "org": a.org_id, "date_shift": shift})
            assert e.status_code == 200, e.text
            for secret in (NAME, IDNO, PHONE, adm):
                assert secret.encode() not in e.content, (ext, shift, secret)
    csv = call(gw, "GET", "/registries/stroke_ivt/export.csv", centre, params={"period": period, "org": a.org_id})
    lines = csv.content.decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) == 2 and "患者姓名" not in lines[0] and "身份证号" not in lines[0] and "2023-05-06" in lines[1]
    # the institution's own export: no personal data either
    own = call(gw, "GET", "/registries/stroke_ivt/export.csv", a, params={"period": period})
    for secret in (NAME, IDNO, PHONE):
        assert secret.encode() not in own.content

    # the region's year rows: the centre sees the institution's, another province's centre nothing
    rows = years(gw, centre, period=period)
    assert any(y["orgId"] == a.org_id and y["counts"].get("stroke_ivt") == 1 for y in rows), rows
    assert all(y["orgId"] != a.org_id for y in years(gw, far, period=period))

    # another province's centre: nothing listed, nothing exported
    assert call(gw, "GET", "/registries/stroke_ivt/cases", far, params={"period": period, "org": a.org_id}).json()["total"] == 0
    e = call(gw, "GET", "/registries/stroke_ivt/export.csv", far, params={"period": period, "org": a.org_id})
    assert e.status_code == 200 and len(e.content.decode("utf-8-sig").strip().split("\r\n")) == 1
    assert call(gw, "GET", f"/registry-years/{PROGRAM}/{period}", far, params={"org": a.org_id}).status_code == 404


def test_a_centre_of_another_specialty_gets_no_pci_cases(gw, people):
    """NCCQI's PCI list is a specialty program: the province's heart-failure centre gets
    nothing, its coronary-intervention centre the case."""
    a = people["a"]
    pci = people["actors"].provincial_centre(people["province"], "coronary_intervention")
    # NCCQI approves its participants: the coronary centre of the province decides the enrolment
    assert enrol(gw, people["actors"].suite, a, "nccqi_pci_quarterly", approver=pci)["status"] == "active"
    period = "2023-Q2"
    adm = "P" + uuid.uuid4().hex[:10]
    r = call(gw, "POST", "/registries/pci_cases/cases", a, json={"period": period, "values": {
        "ADM": adm, "NAME": NAME, "SEX": "男", "AGE": 61, "DIAG": "NSTEMI", "PDATE": "2023-05-01", "STENTS": 1, "DEATH": "否"}})
    assert r.status_code == 201, r.text
    params = {"period": period, "org": a.org_id}
    assert call(gw, "GET", "/registries/pci_cases/cases", pci, params=params).json()["total"] == 1
    assert call(gw, "GET", "/registries/pci_cases/cases", people["heart"], params=params).json()["total"] == 0
    e = call(gw, "GET", "/registries/pci_cases/export.csv", people["heart"], params=params)
    assert e.status_code == 200 and len(e.content.decode("utf-8-sig").strip().split("\r\n")) == 1
    ok = call(gw, "GET", "/registries/pci_cases/export.csv", pci, params=params)
    assert len(ok.content.decode("utf-8-sig").strip().split("\r\n")) == 2 and NAME.encode() not in ok.content


# --- the portal pages --------------------------------------------------------------------------

def test_binding_in_the_portal(gw, suite, people, browsers, axe):
    """The institution in a real browser: search, preview, 申请绑定, the request pending; the
    centre approves at approval; the bound list, then 解绑. No console errors."""
    a, centre = people["a"], people["centre"]
    tag = uuid.uuid4().hex[:8]
    rec, = old_records(people["province"], tag, periods=("2013",))
    b = browsers("binding")
    b.signed_in_as(a.access)
    b.go("#/registry/binding")
    b.page("registry-binding")
    if not b.css("[data-role='search']", visible=False).is_displayed():
        b.css("[data-role='start']").click()
    b.fill("关键词", tag)
    b.css("[data-role='do-search']").click()
    b.text_in("[data-role='found']", "共帮你找到相关结果约 1 个")
    check_page(b, axe, "registry-binding")
    row = b.css(f"[data-record='{rec}']")
    assert "139****0269" in row.text and "13912340269" not in row.text
    row.find_element("css selector", "[data-role='bind']").click()
    preview = b.css("[data-role='preview']")
    assert "脑卒中出院人数" in preview.text and "共上报12例溶栓个案，3例介入个案" in preview.text
    b.shot("binding-01-preview")
    b.click("申请绑定", b.dialog())
    # this record's request (the institution may have other requests pending from earlier tests)
    pending = b.text_in(f"[data-role='request-list'] tr[data-record='{rec}']", "审批中")
    binding_id = pending.get_attribute("data-binding")
    req = approval_request(suite, binding_id)
    assert people["actors"].decide(centre, req["id"]).status_code == 200
    binding_status(gw, a, binding_id, "approved")
    b.go("#/home")
    b.go("#/registry/binding")
    bound = b.css(f"[data-role='bound-list'] [data-record='{rec}']")
    b.text_in("[data-role='bound-count']", "目前本单位已绑定")
    assert "既往数据" in b.css(f"[data-role='year-list'] [data-year='{rec}']").text      # among the years
    b.shot("binding-02-bound")
    bound.find_element("css selector", "[data-role='unbind']").click()
    b.click("解绑", b.dialog())
    b.gone(f"[data-role='bound-list'] [data-record='{rec}']")
    b.gone(f"[data-role='year-list'] [data-year='{rec}']")
    assert all(y["id"] != rec for y in years(gw, a))
    assert b.console_errors() == [], b.console_errors()


def test_search_and_export_in_the_portal(gw, people, browsers, tmp_path, axe):
    """The province's stroke centre in a real browser: the institution's case listed with the
    name masked, the region's year row, an .xlsx export with 日期偏移 that holds no name,
    no ID, no phone and no admission number."""
    import openpyxl
    from portal_helpers import until
    a, centre = people["a"], people["centre"]
    period = "2022"
    adm = "W" + uuid.uuid4().hex[:10]
    r = call(gw, "POST", "/registries/stroke_ivt/cases", a, json={"period": period, "values": {
        "ADM": adm, "NAME": NAME, "IDNO": IDNO, "PHONE": PHONE, "TREAT": "单纯静脉溶栓", "TDATE": "2022-07-08",
        "NIHSS0": 4, "DRUG": "尿激酶", "MRS": 1}})
    assert r.status_code == 201, r.text
    assert call(gw, "GET", f"/registry-years/{PROGRAM}/{period}", a).status_code == 200
    b = browsers("search")
    b.signed_in_as(centre.access)
    b.go(f"#/registry/search?program={PROGRAM}&period={period}&registry=stroke_ivt")
    b.page("registry-search")
    b.fill("住院号", adm)
    b.css("[data-role='search']").click()
    b.text_in("[data-role='total']", "共1条数据")
    row = b.css(f"[data-role='case-list'] [data-case='{adm}']")
    assert NAME not in row.text and NAME[0] in row.text and IDNO not in row.text
    b.css(f"[data-role='year-list'] [data-org='{a.org_id}']")
    b.shot("search-01-results")
    check_page(b, axe, "registry-search")
    b.check("[data-role='date-shift']")
    b.css("[data-role='export-xlsx']").click()
    target = tmp_path / f"stroke_ivt-{period}.xlsx"
    until(lambda: target.exists() and target.stat().st_size > 0, timeout=30, what="the export downloaded")
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(target).active.iter_rows()]
    assert len(rows) == 2 and "患者姓名" not in rows[0]
    flat = " ".join(str(v) for r in rows for v in r if v is not None)
    for secret in (NAME, IDNO, PHONE, adm, "2022-07-08"):
        assert secret not in flat, secret
    assert b.console_errors() == [], b.console_errors()
