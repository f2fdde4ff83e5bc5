"""Reporting I end to end: programs and enrolment, the Zhejiang monthly form walked from draft
to a read-only submission, indicator-set versions chosen by period, scope between institutions,
and windows (not yet open, past the deadline where the program forbids late entry).

Hospital tokens come from the real flow (register → approval outcome → login with the SMS code
→ password change) through helpers.approved_account. Nothing here depends on today's date:
the periods used are long past (Zhejiang allows late entry, stroke does not), far in the future,
or announced by the test (NCIS)."""
from datetime import datetime, timedelta, timezone

import pytest
import requests

from helpers import approved_account, auth

V1 = "/api/reporting/v1"


@pytest.fixture(scope="module")
def hospital_a(gw, suite):
    return approved_account(gw, suite)


@pytest.fixture(scope="module")
def hospital_b(gw, suite):
    return approved_account(gw, suite)


def call(gw, method, path, account=None, **kw):
    headers = auth(account["access"]) if account else {}
    return requests.request(method, gw + V1 + path, headers=headers, timeout=20, **kw)


def enrol(gw, account, program):
    r = call(gw, "POST", f"/programs/{program}/enrolment", account)
    assert r.status_code in (200, 201), r.text
    return r


def open_report(gw, account, program, form, period, expect=(201, 200)):
    r = call(gw, "POST", "/reports", account, json={"program": program, "form": form, "period": period})
    assert r.status_code in expect, r.text
    return r.json()


def values_of(form):
    return {i["code"]: i["value"] for i in form["indicators"]}


def test_programs_listed_and_enrolment_recorded(gw, hospital_a):
    r = call(gw, "GET", "/programs", hospital_a)
    assert r.status_code == 200, r.text
    programs = {p["code"]: p for p in r.json()["items"]}
    assert {"zj_monthly", "ncis_annual", "stroke_annual", "hqms_flu_weekly", "nccqi_pci_quarterly"} <= set(programs)
    assert programs["zj_monthly"]["periodType"] == "month" and programs["zj_monthly"]["lateEntry"] is True
    assert programs["stroke_annual"]["lateEntry"] is False
    assert programs["hqms_flu_weekly"]["enrolled"] is False

    first = call(gw, "POST", "/programs/hqms_flu_weekly/enrolment", hospital_a)
    assert first.status_code == 201, first.text
    again = call(gw, "POST", "/programs/hqms_flu_weekly/enrolment", hospital_a)
    assert again.status_code == 200 and again.json()["created"] is False
    programs = {p["code"]: p for p in call(gw, "GET", "/programs", hospital_a).json()["items"]}
    assert programs["hqms_flu_weekly"]["enrolled"] is True

    detail = call(gw, "GET", "/programs/zj_monthly", hospital_a).json()
    core = next(f for f in detail["forms"] if f["code"] == "core")
    assert [(v["code"], v["firstPeriod"], v.get("lastPeriod")) for v in core["versions"]] == \
        [("2013", "2013-01", "2018-12"), ("2018", "2019-01", None)]

    assert call(gw, "GET", "/programs").status_code == 401
    assert call(gw, "GET", "/programs/nope", hospital_a).status_code == 404


def test_report_needs_enrolment(gw, hospital_b):
    r = call(gw, "POST", "/reports", hospital_b, json={"program": "nccqi_pci_quarterly", "form": "pci", "period": "2021-Q1"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_enrolled", r.text


def test_zhejiang_month_from_draft_to_read_only(gw, hospital_a):
    enrol(gw, hospital_a, "zj_monthly")
    form = open_report(gw, hospital_a, "zj_monthly", "core", "2019-03", expect=(201,))
    rid = form["report"]["id"]
    assert form["version"]["code"] == "2018" and form["status"] == "overdue" and form["statusLabel"] == "逾期"
    assert form["readOnly"] is False and form.get("lock") is None  # Zhejiang takes late entries
    # Opening it again finds the same report.
    assert open_report(gw, hospital_a, "zj_monthly", "core", "2019-03", expect=(200,))["report"]["id"] == rid

    # A partial draft with mistakes: the valid values are saved, each mistake answered per field.
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital_a,
             json={"values": {"A01": 1000, "A02": "200", "B01": 300, "B02": 400, "B04": "abc", "A05": 5, "Z99": 1}})
    assert r.status_code == 200, r.text
    draft = r.json()
    problems = {(p["field"], p["code"]) for p in draft["problems"]}
    assert problems == {("B04", "invalid_value"), ("A05", "read_only"), ("Z99", "unknown_indicator"),
                        ("B02", "rule_violation")}
    rule = next(p for p in draft["problems"] if p["code"] == "rule_violation")
    assert rule["message"] == "出院患者死亡人数（B02）不能大于出院人数（B01）"
    assert draft["saved"] == 4
    vals = values_of(draft)
    assert vals["A01"] == 1000 and vals["A02"] == 200 and vals["B04"] is None
    assert vals["A03"] == 1200  # computed on save: 门诊人次 + 急诊人次
    a05 = next(i for i in draft["indicators"] if i["code"] == "A05")
    assert a05["computed"] is True and a05["formula"] == "急诊死亡人数 / 急诊人次 × 100"

    # Submitting lists everything missing or wrong, and changes nothing.
    log_before = call(gw, "GET", f"/reports/{rid}/edits", hospital_a, params={"limit": 100}).json()["items"]
    r = call(gw, "POST", f"/reports/{rid}/submit", hospital_a)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "submission_incomplete" and err["message"] == "以下参数值缺失或有误，请补充或修改"
    required = {i["code"] for i in draft["indicators"] if i["required"] and not i["computed"]}
    missing = {d["field"] for d in err["details"] if d["code"] == "missing"}
    assert missing == required - {"A01", "A02", "B01", "B02"}
    assert all(d["message"].endswith("未填写") and d["name"] for d in err["details"] if d["code"] == "missing")
    assert {d["field"] for d in err["details"] if d["code"] == "rule_violation"} == {"B02"}
    after = call(gw, "GET", f"/reports/{rid}", hospital_a).json()
    assert after["report"]["status"] == "draft" and values_of(after) == vals
    assert call(gw, "GET", f"/reports/{rid}/edits", hospital_a, params={"limit": 100}).json()["items"] == log_before

    # Fix everything and submit.
    fix = {"B02": 3, "A04": 2, "A09": 400, "A06": 900, "A07": 90, "B04": "8.25", "B05": 120, "B06": 1, "B10": 2,
           "B12": 10, "B13": 30, "C01": 6, "C04": 50, "C05": 1, "C07": 0, "C09": "张三", "C10": "2019-04-15"}
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"values": fix})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    r = call(gw, "POST", f"/reports/{rid}/submit", hospital_a)
    assert r.status_code == 200, r.text
    done = r.json()
    vals = values_of(done)
    # Zhejiang's centre reviews its submissions (test_reporting_review.py): under review, read-only.
    assert done["report"]["status"] == "under_review" and done["statusLabel"] == "审核中"
    assert done["readOnly"] is True and done["lock"]["code"] == "report_under_review" and done["lock"]["message"]
    assert vals["B03"] == 1 and vals["A05"] == 1 and vals["A10"] == 40 and vals["B14"] == 25 and vals["C06"] == 2
    assert vals["A08"] == 10 and vals["B11"] == 1.67 and vals["C02"] == 2

    # Read-only from now on, and it says why.
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"values": {"A01": 1}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "report_under_review", r.text
    assert call(gw, "POST", f"/reports/{rid}/submit", hospital_a).status_code == 409
    shown = call(gw, "GET", f"/reports/{rid}", hospital_a).json()
    assert shown["readOnly"] is True and shown["lock"]["code"] == "report_under_review" and values_of(shown)["A01"] == 1000

    # The edit log: who, when, old → new, entered or computed.
    edits = call(gw, "GET", f"/reports/{rid}/edits", hospital_a, params={"limit": 100}).json()["items"]
    b02 = [(e["old"], e["new"], e["source"]) for e in edits if e["indicator"] == "B02"]
    assert b02 == [(None, 400, "entry"), (400, 3, "entry")]
    assert all(e["actorId"] and e["at"] for e in edits)
    assert ("A03", None, 1200, "computed") in [(e["indicator"], e["old"], e["new"], e["source"]) for e in edits]
    page = call(gw, "GET", f"/reports/{rid}/edits", hospital_a, params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["nextCursor"]
    nxt = call(gw, "GET", f"/reports/{rid}/edits", hospital_a, params={"limit": 2, "cursor": page["nextCursor"]}).json()
    assert nxt["items"][0]["id"] != page["items"][1]["id"] and nxt["items"][0]["id"] in {e["id"] for e in edits}


def test_concurrent_saves_are_serialised(gw, hospital_a):
    """Saves of one report take its row lock: the edit log is one unbroken chain old → new and
    the stored value is the last link, however the saves interleave."""
    from concurrent.futures import ThreadPoolExecutor
    enrol(gw, hospital_a, "zj_monthly")
    rid = open_report(gw, hospital_a, "zj_monthly", "core", "2019-04")["report"]["id"]

    def save(n):
        return call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"values": {"B01": 100 + n, "B02": n}}).status_code
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(save, range(16))) == {200}
    edits = call(gw, "GET", f"/reports/{rid}/edits", hospital_a, params={"limit": 100}).json()["items"]
    chain = [(e["old"], e["new"]) for e in edits if e["indicator"] == "B01"]
    assert chain[0][0] is None and all(chain[i][1] == chain[i + 1][0] for i in range(len(chain) - 1)), chain
    rates = [(e["old"], e["new"]) for e in edits if e["indicator"] == "B03"]
    assert all(rates[i][1] == rates[i + 1][0] for i in range(len(rates) - 1)), rates
    final = values_of(call(gw, "GET", f"/reports/{rid}", hospital_a).json())
    assert final["B01"] == chain[-1][1] and final["B02"] == final["B01"] - 100


def test_version_chosen_by_period(gw, hospital_a):
    enrol(gw, hospital_a, "zj_monthly")
    old = open_report(gw, hospital_a, "zj_monthly", "core", "2018-12")
    new = open_report(gw, hospital_a, "zj_monthly", "core", "2019-01")
    assert old["version"]["code"] == "2013" and new["version"]["code"] == "2018"
    old_codes = {i["code"] for i in old["indicators"]}
    new_codes = {i["code"] for i in new["indicators"]}
    assert "C03" in old_codes and "B08" in old_codes and "A09" not in old_codes   # 压疮, 非计划再次手术
    assert {"A09", "A10", "B10", "B12", "B13", "C06", "C07"} <= new_codes and "C03" not in new_codes
    # The 2013 set rejects a 2018 indicator.
    r = call(gw, "PUT", f"/reports/{old['report']['id']}/values", hospital_a, json={"values": {"A09": 5, "C03": 2}})
    assert [(p["field"], p["code"]) for p in r.json()["problems"]] == [("A09", "unknown_indicator")]
    # The general-information form is a form of its own, and the due list carries unfinished drafts.
    general = open_report(gw, hospital_a, "zj_monthly", "general", "2019-01")
    assert general["form"]["name"] == "医院一般情况" and "G03" in values_of(general)
    due = call(gw, "GET", "/due", hospital_a).json()["items"]
    mine = [d for d in due if d["program"] == "zj_monthly" and d["period"] == "2019-01"]
    assert {(d["form"], d.get("reportId"), d["status"], d["statusLabel"]) for d in mine} == {
        ("core", new["report"]["id"], "overdue", "逾期"), ("general", general["report"]["id"], "overdue", "逾期")}
    assert all(d["window"]["deadline"] == "2019-02-20" and d["window"]["daysLeft"] < 0 for d in mine)
    # A period before any version has no form.
    r = call(gw, "POST", "/reports", hospital_a, json={"program": "zj_monthly", "form": "core", "period": "2012-12"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_form_version"
    for bad in ["2019-13", "2019-1", "19-01", "2019-01x", "２０１９-01"]:
        r = call(gw, "POST", "/reports", hospital_a, json={"program": "zj_monthly", "form": "core", "period": bad})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_period", (bad, r.text)


def test_another_institution_gets_404(gw, hospital_a, hospital_b):
    enrol(gw, hospital_a, "zj_monthly")
    enrol(gw, hospital_b, "zj_monthly")
    rid = open_report(gw, hospital_a, "zj_monthly", "core", "2019-05")["report"]["id"]
    assert call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"values": {"A01": 7}}).status_code == 200
    for method, path, body in [("GET", f"/reports/{rid}", None), ("GET", f"/reports/{rid}/edits", None),
                               ("PUT", f"/reports/{rid}/values", {"values": {"A01": 8}}),
                               ("POST", f"/reports/{rid}/submit", None)]:
        r = call(gw, method, path, hospital_b, json=body)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", (method, path, r.text)
    assert values_of(call(gw, "GET", f"/reports/{rid}", hospital_a).json())["A01"] == 7
    mine = call(gw, "GET", "/reports", hospital_a, params={"limit": 100}).json()["items"]
    assert rid in {i["id"] for i in mine} and {i["orgId"] for i in mine} == {mine[0]["orgId"]}
    assert rid not in {i["id"] for i in call(gw, "GET", "/reports", hospital_b, params={"limit": 100}).json()["items"]}
    page = call(gw, "GET", "/reports", hospital_a, params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["nextCursor"]
    rest = call(gw, "GET", "/reports", hospital_a, params={"limit": 100, "cursor": page["nextCursor"]}).json()["items"]
    assert [page["items"][0]["id"]] + [i["id"] for i in rest] == [i["id"] for i in mine]
    assert call(gw, "GET", "/reports", hospital_a, params={"status": "bogus"}).status_code == 422
    # B's own form of the same period is a different (not yet created) report.
    own = call(gw, "GET", "/programs/zj_monthly/forms/core/periods/2019-05", hospital_b).json()
    assert own.get("report") is None and values_of(own)["A01"] is None
    assert call(gw, "GET", "/reports/not-a-uuid", hospital_a).status_code == 404


def test_windows_not_open_and_late_refused(gw, suite, hospital_a):
    # Zhejiang, far future: the form says it is not open yet, and no report can be opened.
    enrol(gw, hospital_a, "zj_monthly")
    future = call(gw, "GET", "/programs/zj_monthly/forms/core/periods/2099-01", hospital_a).json()
    assert future["readOnly"] is True and future["lock"]["code"] == "period_not_open" and "2099-02-01" in future["lock"]["message"]
    r = call(gw, "POST", "/reports", hospital_a, json={"program": "zj_monthly", "form": "core", "period": "2099-01"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "period_not_open"

    # Stroke registry: February–March of the next year, no late entry.
    enrol(gw, hospital_a, "stroke_annual")
    r = call(gw, "POST", "/reports", hospital_a, json={"program": "stroke_annual", "form": "survey", "period": "2018"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "deadline_passed", r.text
    assert "2019-03-31" in r.json()["error"]["message"]

    # NCIS: the window is announced. Open it, fill the survey, then the announcement closes the
    # window: the submission is refused and the form says why.
    def announce(opens, closes):
        r = requests.put(suite.url("reporting") + V1 + "/internal/programs/ncis_annual/windows/2024",
                         json={"opensAt": opens.isoformat(), "closesAt": closes.isoformat()},
                         headers={"X-Internal-Token": suite.internal_token}, timeout=10)
        assert r.status_code == 200, r.text
    now = datetime.now(timezone.utc)
    enrol(gw, hospital_a, "ncis_annual")
    announce(now - timedelta(days=1), now + timedelta(days=30))
    form = open_report(gw, hospital_a, "ncis_annual", "hospital", "2024")
    rid = form["report"]["id"]
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital_a,
             json={"values": {"H01": 800, "H02": 900000, "H03": 40000, "H04": 200, "H06": 700, "H07": 1100}})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    announce(now - timedelta(days=60), now - timedelta(days=1))
    r = call(gw, "POST", f"/reports/{rid}/submit", hospital_a)
    assert r.status_code == 409 and r.json()["error"]["code"] == "deadline_passed", r.text
    shown = call(gw, "GET", f"/reports/{rid}", hospital_a).json()
    assert shown["report"]["status"] == "draft" and shown["lock"]["code"] == "deadline_passed"
    assert call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"values": {"H01": 1}}).status_code == 409
    # The internal route is not reachable without the internal token, nor through the gateway.
    r = requests.put(suite.url("reporting") + V1 + "/internal/programs/ncis_annual/windows/2024",
                     json={"opensAt": now.isoformat(), "closesAt": (now + timedelta(days=1)).isoformat()}, timeout=10)
    assert r.status_code == 403
    r = requests.put(gw + V1 + "/internal/programs/ncis_annual/windows/2024",
                     json={"opensAt": now.isoformat(), "closesAt": (now + timedelta(days=1)).isoformat()},
                     headers=dict(auth(hospital_a["access"]), **{"X-Internal-Token": suite.internal_token}), timeout=10)
    assert r.status_code == 404  # the gateway does not route internal paths
    assert call(gw, "GET", f"/reports/{rid}", hospital_a).json()["lock"]["code"] == "deadline_passed"


def city_commission(gw, suite, region):
    """A city health commission's account: the operator opens the organisation and the account
    (identity's internal API, the way commissions get accounts), which signs in with password
    and SMS code."""
    import uuid
    from conftest import unique_phone
    from helpers import full_login
    base = suite.url("identity") + "/api/identity/v1/internal"
    headers = {"X-Internal-Token": suite.internal_token}
    r = requests.post(base + "/organisations", headers=headers, timeout=10,
                      json={"kind": "city_commission", "name": f"{region}卫生健康委员会{uuid.uuid4().hex[:5]}", "regionCode": region})
    assert r.status_code == 201, r.text
    phone = unique_phone()
    password = "Cc#" + phone[-6:] + "wJ7"
    username = "cc" + uuid.uuid4().hex[:10]
    r = requests.post(base + "/users", headers=headers, timeout=10,
                      json={"orgId": r.json()["id"], "role": "city_commission", "displayName": "卫健委", "phone": phone,
                            "password": password, "username": username})
    assert r.status_code == 201, r.text
    return {"access": full_login(gw, username, password, phone)["accessToken"]}


def test_city_commission_reads_its_region_only(gw, suite, hospital_a):
    """A city health commission reads the reports of its region's institutions (prefix match on
    the scope path its grant carries) and changes nothing; another city's commission sees nothing."""
    hangzhou = city_commission(gw, suite, "330100")
    ningbo = city_commission(gw, suite, "330200")
    enrol(gw, hospital_a, "zj_monthly")
    rid = open_report(gw, hospital_a, "zj_monthly", "core", "2019-06")["report"]["id"]
    assert call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"values": {"B01": 50}}).status_code == 200

    seen = call(gw, "GET", f"/reports/{rid}", hangzhou)
    assert seen.status_code == 200, seen.text
    assert seen.json()["readOnly"] is True and seen.json()["lock"]["code"] == "read_only_role"
    assert values_of(seen.json())["B01"] == 50
    assert call(gw, "GET", f"/reports/{rid}/edits", hangzhou).status_code == 200
    r = call(gw, "PUT", f"/reports/{rid}/values", hangzhou, json={"values": {"B01": 51}})
    assert r.status_code == 403, r.text
    assert call(gw, "POST", f"/reports/{rid}/submit", hangzhou).status_code == 403
    r = call(gw, "POST", "/reports", hangzhou, json={"program": "zj_monthly", "form": "core", "period": "2019-06"})
    assert r.status_code == 403
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", hangzhou).status_code == 403
    assert call(gw, "GET", "/due", hangzhou).status_code == 403

    for method, path in [("GET", f"/reports/{rid}"), ("GET", f"/reports/{rid}/edits"), ("POST", f"/reports/{rid}/submit")]:
        assert call(gw, method, path, ningbo).status_code == 404, (method, path)
    # Lists: the region's reports for Hangzhou, none of them for Ningbo.
    listed = call(gw, "GET", "/reports", hangzhou, params={"program": "zj_monthly", "period": "2019-06", "limit": 100}).json()
    assert rid in {i["id"] for i in listed["items"]}
    assert all(i["period"] == "2019-06" and i["program"] == "zj_monthly" for i in listed["items"])
    assert rid not in {i["id"] for i in call(gw, "GET", "/reports", ningbo, params={"limit": 100}).json()["items"]}
    assert values_of(call(gw, "GET", f"/reports/{rid}", hospital_a).json())["B01"] == 50


def test_data_entry_clerk_enters_for_its_institution(gw, hospital_a):
    """A data-entry sub-account (created by the institution's admin, signed in through the real
    flow) fills its institution's reports but cannot enrol the institution; until it has changed
    its initial password, reporting refuses it like every service."""
    from conftest import unique_phone
    from helpers import credentials, full_login
    phone = unique_phone()
    r = requests.post(gw + "/api/identity/v1/users", json={"displayName": "李填报", "phone": phone, "role": "data_entry",
                                                          "specialty": "coronary_intervention"},
                      headers=auth(hospital_a["access"]), timeout=10)
    assert r.status_code == 201, r.text
    username, initial = credentials(gw, phone)
    session = full_login(gw, username, initial, phone)
    first = {"access": session["accessToken"]}
    r = call(gw, "GET", "/due", first)
    assert r.status_code == 403 and r.json()["error"]["code"] == "password_change_required"
    r = requests.post(gw + "/api/identity/v1/me/password", json={"oldPassword": initial, "newPassword": "Kp9#" + phone[-6:] + "qW"},
                      headers=auth(session["accessToken"]), timeout=20)
    assert r.status_code == 200, r.text
    clerk = {"access": r.json()["accessToken"]}

    enrol(gw, hospital_a, "zj_monthly")
    rid = open_report(gw, hospital_a, "zj_monthly", "core", "2019-07")["report"]["id"]
    r = call(gw, "PUT", f"/reports/{rid}/values", clerk, json={"values": {"A01": 321}})
    assert r.status_code == 200 and r.json()["saved"] == 1, r.text
    edit = [e for e in call(gw, "GET", f"/reports/{rid}/edits", hospital_a).json()["items"] if e["indicator"] == "A01"][-1]
    assert edit["actorName"] == username and edit["new"] == 321
    # The clerk opens its institution's reports too, and sees them in the due list.
    own = open_report(gw, clerk, "zj_monthly", "core", "2019-07", expect=(200,))
    assert own["report"]["id"] == rid
    assert rid in {d.get("reportId") for d in call(gw, "GET", "/due", clerk).json()["items"]}
    r = call(gw, "POST", "/programs/nccqi_pci_quarterly/enrolment", clerk)
    assert r.status_code == 403, r.text


def test_odd_values_are_answered_per_field(gw, hospital_a):
    """Untrusted values of every JSON shape are refused per field, never a server error."""
    enrol(gw, hospital_a, "zj_monthly")
    rid = open_report(gw, hospital_a, "zj_monthly", "core", "2019-08")["report"]["id"]
    odd = ['1e400', '-1e400', '1e-400', '123456789012345678901234567890', 'true', '[]', '{}', '"１２"', '"12,5"',
           '"0x10"', '"NaN"', '"Infinity"', '1.5', '"-3"', '" "']
    for i, raw in enumerate(odd):
        body = '{"values":{"A01":' + raw + ',"C09":' + raw + '}}'
        r = requests.put(gw + V1 + f"/reports/{rid}/values", data=body.encode(),
                         headers=dict(auth(hospital_a["access"]), **{"Content-Type": "application/json"}), timeout=20)
        assert r.status_code in (200, 400, 422), (raw, r.status_code, r.text)
        if r.status_code == 200:
            stored = values_of(r.json())["A01"]
            assert stored is None or (isinstance(stored, int) and 0 <= stored < 10**15), (raw, stored)
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"values": {"C09": "x" * 201}})
    assert [p["code"] for p in r.json()["problems"]] == ["too_long"]
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"values": {f"K{i}": 1 for i in range(1001)}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_values"
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital_a, json={"vals": {}})
    assert r.status_code == 422
