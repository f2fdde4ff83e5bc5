"""Reporting I, checks around entry (docs/reporting.md, "Outliers and comments"), with real
actors: a Zhejiang hospital (registered, approved, logged in with its SMS code) submits five
ordinary months; a sixth month with ten times the discharges and an average stay of 45 days is
stored with warnings (modified z-score against its own five months; the plausibility limit
1–30 days), its submission is refused until each warned value has a 说明 (Zhejiang requires
one), a 201-character 说明 is refused, the 说明 goes to the edit log, and the provincial centre
sees it on the form and in the review request."""
from helpers import approved_account, enrol
from portal_helpers import browsers  # noqa: F401  (the browser fixture)
from test_reporting_review import FULL, approval, call, request_of, until, in_inbox
from test_reporting_review import hospital, centre  # noqa: F401  (its fixtures: a Zhejiang hospital, its centre)


def month(gw, hospital, period, values, form="core"):
    r = call(gw, "POST", "/reports", hospital, json={"program": "zj_monthly", "form": form, "period": period})
    assert r.status_code in (200, 201), r.text
    rid = r.json()["report"]["id"]
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital, json={"values": values})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    return rid, r.json()


def test_outlier_warns_needs_a_comment_and_the_reviewer_sees_it(gw, suite, hospital, centre):
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", hospital).status_code in (200, 201)
    for i, b01 in enumerate([300, 310, 290, 305, 295]):
        rid, saved = month(gw, hospital, f"2020-0{i + 1}", dict(FULL, B01=b01))
        # too little history yet, usual values: nothing to warn about
        assert saved["warnings"] == [], saved["warnings"]
        r = call(gw, "POST", f"/reports/{rid}/submit", hospital)
        assert r.status_code == 200, r.text

    # An ordinary sixth month warns about nothing and submits.
    rid, saved = month(gw, hospital, "2020-06", dict(FULL, B01=302))
    assert saved["warnings"] == []

    # A wild seventh month: stored (warnings never block), warned, with the history shown.
    rid, saved = month(gw, hospital, "2020-07", dict(FULL, B01=3000, B04="45"))
    assert saved["saved"] > 0 and {i["code"]: i["value"] for i in saved["indicators"]}["B01"] == 3000
    by = {(w["field"], w["code"]): w for w in saved["warnings"]}
    outlier = by[("B01", "outlier")]
    assert outlier["median"] == 300 and outlier["zScore"] > 3.5 and outlier["commentRequired"] is True
    assert [h["period"] for h in outlier["history"]] == ["2020-01", "2020-02", "2020-03", "2020-04", "2020-05"]
    assert "出院人数" in outlier["message"] and "中位数 300" in outlier["message"]
    stay = by[("B04", "above_plausible")]
    assert stay["warnMax"] == 30 and "合理范围" in stay["message"]
    # the derived rates move too (B03 = B02 / B01): warned, not blocked
    assert all(w["commentRequired"] for w in saved["warnings"])
    warned = sorted({w["field"] for w in saved["warnings"]})

    # Submitting without the 说明 is refused with the list, and nothing changes.
    r = call(gw, "POST", f"/reports/{rid}/submit", hospital)
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    assert sorted(d["field"] for d in details if d["code"] == "comment_required") == warned, details
    assert call(gw, "GET", f"/reports/{rid}", hospital).json()["report"]["status"] == "draft"

    # A 说明 of 201 characters is refused; 200 are fine; the warning then says it has one.
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital, json={"values": {}, "comments": {"B01": "院" * 201}})
    assert r.status_code == 200 and [p["code"] for p in r.json()["problems"]] == ["comment_too_long"], r.text
    assert r.json()["comments"] == {}
    long_ok = "院" * 200
    comments = {f: "本月新院区开业，出院人数大增，已核实" for f in warned}
    comments["B04"] = long_ok
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital, json={"values": {}, "comments": comments})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    assert r.json()["comments"] == comments
    assert all(w["hasComment"] and not w["commentRequired"] for w in r.json()["warnings"])

    # The 说明 is in the edit log (source comment).
    edits = call(gw, "GET", f"/reports/{rid}/edits", hospital, params={"limit": 100}).json()["items"]
    assert any(e["source"] == "comment" and e["indicator"] == "B01" and e["new"] == comments["B01"] for e in edits)

    r = call(gw, "POST", f"/reports/{rid}/submit", hospital)
    assert r.status_code == 200 and r.json()["report"]["status"] == "under_review", r.text
    assert r.json()["comments"]["B01"] == comments["B01"]

    # The provincial centre sees the 说明 next to the value: on the form and in the request.
    seen = call(gw, "GET", f"/reports/{rid}", centre)
    assert seen.status_code == 200, seen.text
    assert seen.json()["comments"]["B01"] == comments["B01"]
    assert any(w["field"] == "B01" and w["code"] == "outlier" for w in seen.json()["warnings"])
    rq = request_of(suite, f"{rid}:r1")
    until(lambda: in_inbox(gw, centre, rq), what="the request in the centre's inbox")
    detail = approval(gw, "GET", f"/requests/{rq}", centre).json()
    assert detail["details"]["B01 出院人数"] == f"3000 人（说明：{comments['B01']}）", detail["details"]


def test_blank_comment_stores_nothing_and_unknown_fields_are_refused(gw, suite, hospital):
    """A blank 说明 is no 说明; a 说明 for a field the form does not have is refused."""
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", hospital).status_code in (200, 201)
    rid, _ = month(gw, hospital, "2020-08", FULL)
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital, json={"values": {}, "comments": {"B01": "  "}})
    assert r.status_code == 200 and r.json()["comments"] == {}, r.text
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital, json={"values": {}, "comments": {"ZZ9": "x"}})
    assert [p["code"] for p in r.json()["problems"]] == ["unknown_indicator"], r.text


def test_period_list_csv(gw, suite, hospital, centre):
    """The hospital's period list as CSV: BOM, header, each of its Zhejiang reports with its state,
    submission time and latest review (a returned month with the centre's opinion), newest first;
    another hospital's list does not contain them."""
    import csv
    import io
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", hospital).status_code in (200, 201)
    ids = {}
    for i, b01 in enumerate([300, 310]):
        rid, _ = month(gw, hospital, f"2021-0{i + 1}", dict(FULL, B01=b01))
        assert call(gw, "POST", f"/reports/{rid}/submit", hospital).status_code == 200
        ids[f"2021-0{i + 1}"] = rid
    rq = request_of(suite, f"{ids['2021-01']}:r1")
    until(lambda: in_inbox(gw, centre, rq), what="the request in the centre's inbox")
    opinion = "一月份出院人数请核实"
    r = approval(gw, "POST", f"/requests/{rq}/decisions", centre, json={"decision": "return", "opinion": opinion})
    assert r.status_code == 200, r.text
    until(lambda: call(gw, "GET", f"/reports/{ids['2021-01']}", hospital).json()["report"]["status"] == "returned",
          what="returned")

    r = call(gw, "GET", "/periods/export.csv", hospital, params={"program": "zj_monthly"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), r.text
    assert r.content.startswith(b"\xef\xbb\xbf") and b"\r\n" in r.content
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["填报项目", "填报表单", "填报期间", "期间代码", "状态"]
    core = [x for x in rows[1:] if x[1] == "医疗质量核心指标"]
    by_period = {x[3]: x for x in core}
    jan, feb = by_period["2021-01"], by_period["2021-02"]
    assert jan[4] == "已退回" and jan[7] == "已退回" and jan[8] == opinion and jan[6], jan
    assert feb[4] == "审核中" and feb[7] == "审核中" and feb[6], feb
    assert by_period["2020-08"][4] in ("填报中", "逾期"), by_period["2020-08"]
    periods = [x[3] for x in core]
    assert periods == sorted(periods, reverse=True)
    assert all(x[0] == "浙江省医疗质量核心指标月报" for x in rows[1:])

    # Another hospital's list has none of these reports.
    other = approved_account(gw, suite)
    r = call(gw, "GET", "/periods/export.csv", other, params={"program": "zj_monthly"})
    assert r.status_code == 200
    assert not [x for x in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))) if x[3:4] == ["2021-01"]]
    assert requests_get_unauth(gw).status_code == 401


def requests_get_unauth(gw):
    import requests
    return requests.get(gw + "/api/reporting/v1/periods/export.csv", timeout=10)


GENERAL = {"G01": "三级乙等", "G02": 800, "G03": 760, "G04": 1500, "G05": 1200, "G06": "李四", "G07": "13800000000"}


def remind(suite, now):
    import requests
    r = requests.post(suite.url("reporting") + "/api/reporting/v1/internal/reminders/run", json={"now": now},
                      headers={"X-Internal-Token": suite.internal_token}, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()["sent"]


def test_deadline_reminders_sent_exactly_once(gw, suite, hospital):
    """Zhejiang's 2020-09 closes on 2020-10-20: three days before and on the day, an enrolled
    hospital that has not submitted both forms gets one SMS and one e-mail each time (identity's
    dev inbox); a run repeated at the same or a later instant sends nothing again; a hospital
    that submitted both forms gets nothing."""
    from helpers import messages
    import requests
    # The fixture hospital submits both forms of 2020-09.
    for form, values in (("core", FULL), ("general", GENERAL)):
        r = call(gw, "POST", "/reports", hospital, json={"program": "zj_monthly", "form": form, "period": "2020-09"})
        assert r.status_code in (200, 201), r.text
        rid = r.json()["report"]["id"]
        assert call(gw, "PUT", f"/reports/{rid}/values", hospital, json={"values": values}).json()["problems"] == []
        assert call(gw, "POST", f"/reports/{rid}/submit", hospital).status_code == 200
    done_org = call(gw, "GET", "/reports", hospital, params={"program": "zj_monthly", "period": "2020-09"}).json()["items"][0]["orgId"]
    # Another one only has a draft.
    late = approved_account(gw, suite)
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", late).status_code in (200, 201)
    month(gw, late, "2020-09", {"A01": 1})
    late_org = call(gw, "GET", "/reports", late, params={"program": "zj_monthly"}).json()["items"][0]["orgId"]

    def mine(sent, org):
        return [(s["program"], s["period"], s["kind"]) for s in sent if s["orgId"] == org]

    first = remind(suite, "2020-10-17T10:00:00+08:00")
    assert mine(first, late_org) == [("zj_monthly", "2020-09", "before")], first
    assert mine(first, done_org) == []
    assert mine(remind(suite, "2020-10-17T10:00:00+08:00"), late_org) == []
    assert mine(remind(suite, "2020-10-18T08:00:00+08:00"), late_org) == []
    # Too early (four days before) and past the deadline: nothing either.
    assert mine(remind(suite, "2020-10-16T10:00:00+08:00"), late_org) == []
    on_the_day = remind(suite, "2020-10-20T09:00:00+08:00")
    assert mine(on_the_day, late_org) == [("zj_monthly", "2020-09", "deadline")]
    assert mine(remind(suite, "2020-10-20T23:00:00+08:00"), late_org) == []
    assert mine(remind(suite, "2020-10-21T09:00:00+08:00"), late_org) == []

    idbase = suite.url("identity")

    def reminders_to(recipient):
        return [m for m in messages(idbase, recipient) if "数据填报提醒" in (m.get("subject") or m["body"])]
    sms = until(lambda: (lambda xs: xs if len(xs) >= 2 else None)(reminders_to(late["phone"])), what="two reminder SMS")
    assert len(sms) == 2 and all("2020年9月" in m["body"] for m in sms), sms
    assert any("还有3天" in m["body"] for m in sms) and any("今天" in m["body"] for m in sms)
    mails = until(lambda: (lambda xs: xs if len(xs) >= 2 else None)(reminders_to(late["email"])), what="two reminder e-mails")
    assert len(mails) == 2
    assert reminders_to(hospital["phone"]) == []
    # Without the internal token, or outside dev mode, there is no trigger.
    assert requests.post(suite.url("reporting") + "/api/reporting/v1/internal/reminders/run",
                         json={"now": "2020-10-17T10:00:00+08:00"}, timeout=10).status_code in (401, 403)


def test_general_information_carries_over_until_confirmed(gw, suite, hospital, centre):
    """Zhejiang's 医院一般情况 of a new month starts with the values of the last accepted month,
    marked 沿用上期 until confirmed; submission is refused while any is unconfirmed; the core
    form does not carry over."""
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", hospital).status_code in (200, 201)
    rid, _ = month(gw, hospital, "2021-03", GENERAL, form="general")
    assert call(gw, "POST", f"/reports/{rid}/submit", hospital).status_code == 200
    # before the centre accepts it, a later month starts empty
    r = call(gw, "POST", "/reports", hospital, json={"program": "zj_monthly", "form": "general", "period": "2021-04"})
    assert r.status_code == 201 and not r.json()["carried"] and all(i["value"] is None for i in r.json()["indicators"]), r.text
    rq = request_of(suite, f"{rid}:r1")
    until(lambda: in_inbox(gw, centre, rq), what="the request in the centre's inbox")
    assert approval(gw, "POST", f"/requests/{rq}/decisions", centre, json={"decision": "approve"}).status_code == 200
    until(lambda: call(gw, "GET", f"/reports/{rid}", hospital).json()["report"]["status"] == "accepted", what="accepted")

    r = call(gw, "POST", "/reports", hospital, json={"program": "zj_monthly", "form": "general", "period": "2021-05"})
    assert r.status_code == 201, r.text
    new = r.json()
    nid = new["report"]["id"]
    assert {i["code"]: i["value"] for i in new["indicators"]} == GENERAL
    assert new["carried"] == {code: "2021-03" for code in GENERAL}
    core = call(gw, "POST", "/reports", hospital, json={"program": "zj_monthly", "form": "core", "period": "2021-05"}).json()
    assert not core["carried"] and all(i["value"] is None for i in core["indicators"])

    r = call(gw, "POST", f"/reports/{nid}/submit", hospital)
    assert r.status_code == 422, r.text
    assert sorted(d["field"] for d in r.json()["error"]["details"] if d["code"] == "carried_unconfirmed") == sorted(GENERAL)

    # Confirming some: changed or unchanged, a saved field is confirmed; the rest stay marked.
    r = call(gw, "PUT", f"/reports/{nid}/values", hospital, json={"values": {"G02": 820, "G01": "三级乙等"}})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    assert sorted(r.json()["carried"]) == ["G03", "G04", "G05", "G06", "G07"]
    edits = call(gw, "GET", f"/reports/{nid}/edits", hospital, params={"limit": 100}).json()["items"]
    assert sorted(e["indicator"] for e in edits if e["source"] == "carried") == sorted(GENERAL)
    assert call(gw, "POST", f"/reports/{nid}/submit", hospital).status_code == 422
    rest = {k: v for k, v in GENERAL.items() if k not in ("G01", "G02")}
    r = call(gw, "PUT", f"/reports/{nid}/values", hospital, json={"values": rest})
    assert r.status_code == 200 and r.json()["carried"] == {}, r.text
    r = call(gw, "POST", f"/reports/{nid}/submit", hospital)
    assert r.status_code == 200 and r.json()["report"]["status"] == "under_review", r.text


def test_specialty_program_is_read_by_its_specialty_only(gw, suite, hospital, centre):
    """NCCQI PCI (coronary intervention): a provincial-centre grant of another specialty gets 404
    on the report and does not list it; one of coronary intervention reads it (read-only); the
    other specialty still reads the hospital-wide Zhejiang month."""
    assert enrol(gw, suite, hospital, "nccqi_pci_quarterly")["status"] == "active"   # the coronary centre approves
    r = call(gw, "POST", "/reports", hospital, json={"program": "nccqi_pci_quarterly", "form": "pci", "period": "2020-Q1"})
    if r.status_code == 404:   # the form code of the seed
        forms = call(gw, "GET", "/programs/nccqi_pci_quarterly", hospital).json()["forms"]
        r = call(gw, "POST", "/reports", hospital, json={"program": "nccqi_pci_quarterly", "form": forms[0]["code"],
                                                          "period": "2020-Q1"})
    assert r.status_code in (200, 201), r.text
    pci = r.json()["report"]["id"]
    zj, _ = month(gw, hospital, "2021-06", {"A01": 5})

    from actors import actors_for
    other = {"access": actors_for(suite).centre_account(centre["org"]["id"], "heart_failure").access}
    same = {"access": actors_for(suite).centre_account(centre["org"]["id"], "coronary_intervention").access}

    assert call(gw, "GET", f"/reports/{pci}", other).status_code == 404
    assert call(gw, "GET", f"/reports/{pci}/export.csv", other).status_code == 404
    listed = call(gw, "GET", "/reports", other, params={"program": "nccqi_pci_quarterly", "limit": 200}).json()["items"]
    assert pci not in [x["id"] for x in listed]
    assert call(gw, "GET", f"/reports/{zj}", other).status_code == 200

    seen = call(gw, "GET", f"/reports/{pci}", same)
    assert seen.status_code == 200 and seen.json()["readOnly"] is True, seen.text
    assert call(gw, "PUT", f"/reports/{pci}/values", same, json={"values": {}}).status_code == 403

    # The program's case registry (冠心病介入治疗病例登记) follows the same specialty scope.
    r = call(gw, "POST", "/registries/pci_cases/cases", hospital, json={"period": "2020-Q1", "values": {
        "ADM": "P0001", "NAME": "张三", "SEX": "男", "AGE": 61, "DIAG": "STEMI", "D2B": 75, "PDATE": "2020-02-03",
        "STENTS": 1, "DEATH": "否"}})
    assert r.status_code == 201, r.text
    case = r.json()["id"]
    from actors import claims_of
    org = claims_of(hospital["access"])["roles"][0]["orgID"]
    assert call(gw, "GET", f"/cases/{case}", other).status_code == 404
    r = call(gw, "GET", "/registries/pci_cases/cases", other, params={"period": "2020-Q1", "org": org})
    assert r.status_code == 200 and r.json()["total"] == 0, r.text
    assert call(gw, "GET", f"/registry-years/nccqi_pci_quarterly/2020-Q1", other, params={"org": org}).status_code == 404
    assert call(gw, "GET", f"/cases/{case}", same).status_code == 200
    r = call(gw, "GET", "/registries/pci_cases/cases", same, params={"period": "2020-Q1", "org": org})
    assert r.status_code == 200 and r.json()["total"] == 1, r.text

    # …and its statistics likewise: figures, completeness and the missing list are the same
    # data, so the other specialty's grant is out of scope there too.
    pci_stats = {"program": "nccqi_pci_quarterly", "from": "2020-Q1", "period": "2020-Q1"}
    for path in ("/stats/rollup", "/stats/completeness", "/stats/missing"):
        r = call(gw, "GET", path, other, params=pci_stats)
        assert r.status_code == 403 and r.json()["error"]["code"] == "out_of_scope", (path, r.text)
        assert call(gw, "GET", path, same, params=pci_stats).status_code == 200, path
    r = call(gw, "GET", "/stats/rollup", other, params={"program": "zj_monthly", "from": "2021-06"})
    assert r.status_code == 200, r.text


def test_warning_and_comment_box_in_the_form(gw, suite, hospital, browsers):
    """In the browser: a warned value shows its message next to the field with a 说明 box marked
    必填; the 说明 typed there is saved with 保存草稿; no console errors."""
    from portal_helpers import until as poll
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", hospital).status_code in (200, 201)
    for i, b01 in enumerate([300, 310, 290, 305, 295]):
        hid, _ = month(gw, hospital, f"2022-0{i + 1}", dict(FULL, B01=b01))
        assert call(gw, "POST", f"/reports/{hid}/submit", hospital).status_code == 200
    rid, saved = month(gw, hospital, "2022-06", dict(FULL, B01=5000))
    assert any(w["field"] == "B01" and w["code"] == "outlier" for w in saved["warnings"]), saved["warnings"]

    b = browsers("hospital")
    b.login(hospital["username"], hospital["password"], hospital["phone"])
    b.go(f"#/reporting/report/{rid}")
    b.page("reporting-form")
    note = b.css("[data-warnings='B01']")
    assert "中位数" in note.text and "必填" in note.text, note.text
    box = b.css("[data-comment='B01']")
    b.js("arguments[0].scrollIntoView({block: 'center'})", box)
    b.shot("reporting-checks-warning")
    box.send_keys("本月新院区开业")
    b.css("[data-role='save']").click()
    poll(lambda: call(gw, "GET", f"/reports/{rid}", hospital).json()["comments"].get("B01") == "本月新院区开业",
         what="the 说明 saved")
    assert b.console_errors() == []
