"""Reporting I, checks around entry (docs/reporting.md, "Outliers and comments"), with real
actors: a Zhejiang hospital (registered, approved, logged in with its SMS code) submits five
ordinary months; a sixth month with ten times the discharges and an average stay of 45 days is
stored with warnings (modified z-score against its own five months; the plausibility limit
1–30 days), its submission is refused until each warned value has a 说明 (Zhejiang requires
one), a 201-character 说明 is refused, the 说明 goes to the edit log, and the provincial centre
sees it on the form and in the review request."""
import pytest

from helpers import approved_account
from test_reporting_review import FULL, approval, call, request_of, until, in_inbox, zhejiang_centre


@pytest.fixture(scope="module")
def hospital(gw, suite):
    return approved_account(gw, suite)


@pytest.fixture(scope="module")
def centre(gw, suite):
    return zhejiang_centre(gw, suite)


def month(gw, hospital, period, values):
    r = call(gw, "POST", "/reports", hospital, json={"program": "zj_monthly", "form": "core", "period": period})
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
