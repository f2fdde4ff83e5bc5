"""Reporting I, review through approval, with real actors: a Zhejiang hospital (registered,
approved, logged in with its SMS code) submits a month; the report goes under review and a
monthly_submission request opens in approval; the Zhejiang provincial centre (an operator-made
account that logs in with password and SMS code) finds it in its approval inbox with the values,
returns it with an opinion; the hospital sees 已退回 and the opinion, fixes, resubmits; the centre
approves; the report is 已通过 and read-only with its reason. Outcomes are applied once and only
to the request the report opened. Then 申请修改: a reason of at most 200 characters goes to approval
(modification_request); approved, the form reopens with the submitted values and the edit log
shows what changed after reopening."""
import time
import uuid

import pytest
import requests

from helpers import approved_account, auth, full_login
from conftest import unique_phone

V1 = "/api/reporting/v1"
APPROVAL = "/api/approval/v1"

FULL = {"A01": 1000, "A02": 200, "B01": 300, "B02": 3, "A04": 2, "A09": 400, "A06": 900, "A07": 90, "B04": "8.25",
        "B05": 120, "B06": 1, "B10": 2, "B12": 10, "B13": 30, "C01": 6, "C04": 50, "C05": 1, "C07": 0, "C09": "张三",
        "C10": "2019-06-15"}


def until(fn, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def internal(suite):
    return {"X-Internal-Token": suite.internal_token}


_CENTRES = {}


def zhejiang_centre(gw, suite):
    """A Zhejiang provincial centre's reviewer, cached for the test session: an account the
    operator opens (identity's internal API) at a provincial centre of province 33 that already
    exists (another test's), or at a new one when there is none — every extra centre of the
    province must also approve each new Zhejiang hospital, so none is added needlessly. It signs
    in through the real password + SMS flow. Answers {"access","username","password","phone","org"}."""
    key = suite.url("identity")
    if key in _CENTRES:
        c = _CENTRES[key]
        if time.monotonic() - c["at"] > 600:   # access tokens live 15 minutes
            r = requests.post(gw + "/api/identity/v1/sessions/refresh", json={"refreshToken": c["refresh"]}, timeout=10)
            assert r.status_code == 200, r.text
            c.update(access=r.json()["accessToken"], refresh=r.json()["refreshToken"], at=time.monotonic())
        return c
    base = suite.url("identity") + "/api/identity/v1/internal"
    r = requests.get(base + "/organisations", params={"kind": "provincial_centre", "under": "86/330000"},
                     headers=internal(suite), timeout=10)
    assert r.status_code == 200, r.text
    centres = [c for c in r.json()["items"] if c.get("specialties")]
    if centres:
        org = centres[0]
    else:
        r = requests.post(base + "/organisations", headers=internal(suite), timeout=10,
                          json={"kind": "provincial_centre", "name": f"浙江省医疗质量控制与评价办公室{uuid.uuid4().hex[:6]}",
                                "regionCode": "330000", "specialties": ["coronary_intervention"]})
        assert r.status_code == 201, r.text
        org = r.json()
    phone = unique_phone()
    password = "Qc#" + phone[-6:] + "zJ9"
    username = "zj" + uuid.uuid4().hex[:10]
    r = requests.post(base + "/users", headers=internal(suite), timeout=10,
                      json={"orgId": org["id"], "role": "provincial_centre", "displayName": "浙江质控审核员", "phone": phone,
                            "password": password, "username": username})
    assert r.status_code == 201, r.text
    session = full_login(gw, username, password, phone)
    _CENTRES[key] = {"access": session["accessToken"], "refresh": session["refreshToken"], "username": username,
                     "password": password, "phone": phone, "org": org, "at": time.monotonic()}
    return _CENTRES[key]


@pytest.fixture(scope="module")
def hospital(gw, suite):
    return approved_account(gw, suite)


@pytest.fixture(scope="module")
def centre(gw, suite):
    return zhejiang_centre(gw, suite)


def call(gw, method, path, account, **kw):
    return requests.request(method, gw + V1 + path, headers=auth(account["access"]), timeout=20, **kw)


def approval(gw, method, path, account, **kw):
    return requests.request(method, gw + APPROVAL + path, headers=auth(account["access"]), timeout=20, **kw)


def values_of(form):
    return {i["code"]: i["value"] for i in form["indicators"]}


def request_of(suite, subject):
    """The approval request opened for a subject (reporting sends it through its outbox)."""
    def find():
        r = requests.get(suite.url("approval") + APPROVAL + "/internal/requests/by-subject",
                         params={"service": "reporting", "id": subject}, headers=internal(suite), timeout=10)
        return r.json()["id"] if r.status_code == 200 else None
    return until(find, what=f"approval request of {subject}")


def in_inbox(gw, centre, rid):
    items = approval(gw, "GET", "/inbox", centre, params={"limit": 100}).json()["items"]
    return any(i["id"] == rid for i in items)


def outcome(suite, body, key=None):
    headers = internal(suite)
    if key:
        headers["Idempotency-Key"] = key
    return requests.post(suite.url("reporting") + V1 + "/internal/approval-outcomes", json=body, headers=headers, timeout=10)


def status_becomes(gw, hospital, report_id, status):
    return until(lambda: (lambda f: f if f["report"]["status"] == status else None)(
        call(gw, "GET", f"/reports/{report_id}", hospital).json()), what=f"report {status}")


def submitted_month(gw, hospital, period):
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", hospital).status_code in (200, 201)
    r = call(gw, "POST", "/reports", hospital, json={"program": "zj_monthly", "form": "core", "period": period})
    assert r.status_code in (200, 201), r.text
    report_id = r.json()["report"]["id"]
    r = call(gw, "PUT", f"/reports/{report_id}/values", hospital, json={"values": FULL})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    r = call(gw, "POST", f"/reports/{report_id}/submit", hospital)
    assert r.status_code == 200, r.text
    return report_id, r.json()


def test_return_fix_resubmit_approve(gw, suite, hospital, centre):
    report_id, done = submitted_month(gw, hospital, "2019-05")
    assert done["report"]["status"] == "under_review" and done["statusLabel"] == "审核中"
    assert done["readOnly"] is True and done["lock"]["code"] == "report_under_review"
    assert done["review"]["status"] == "open" and done["review"]["statusLabel"] == "审核中"

    # The centre finds it in its inbox, with the report's values.
    first = request_of(suite, f"{report_id}:r1")
    until(lambda: in_inbox(gw, centre, first), what="the request in the centre's inbox")
    detail = approval(gw, "GET", f"/requests/{first}", centre).json()
    assert detail["chain"] == "monthly_submission" if "chain" in detail else True
    assert detail["details"]["B01 出院人数"] == "300 人" and detail["details"]["填报期间"] == "2019年5月", detail["details"]
    assert detail["details"]["填报项目"] == "浙江省医疗质量核心指标月报"

    # Returned with an opinion: the hospital sees 已退回 and the opinion, and may edit again.
    opinion = "出院人数与上月差异较大，请核实后重新提交"
    r = approval(gw, "POST", f"/requests/{first}/decisions", centre, json={"decision": "return", "opinion": opinion})
    assert r.status_code == 200, r.text
    returned = status_becomes(gw, hospital, report_id, "returned")
    assert returned["statusLabel"] == "已退回" and returned["readOnly"] is False and returned.get("lock") is None
    assert returned["review"]["status"] == "returned" and returned["review"]["opinion"] == opinion
    due = call(gw, "GET", "/due", hospital).json()["items"]
    assert any(d.get("reportId") == report_id and d["statusLabel"] == "已退回" for d in due)

    # The same outcome again (the outbox's retry) is applied once.
    again = outcome(suite, {"requestId": first, "subjectId": f"{report_id}:r1", "outcome": "returned", "opinion": "x"},
                    key=f"outcome:{first}")
    assert again.status_code == 200 and again.json()["applied"] is False, again.text

    # Fixed and resubmitted: a new request.
    r = call(gw, "PUT", f"/reports/{report_id}/values", hospital, json={"values": {"B01": 320}})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    r = call(gw, "POST", f"/reports/{report_id}/submit", hospital)
    assert r.status_code == 200 and r.json()["report"]["status"] == "under_review", r.text
    second = request_of(suite, f"{report_id}:r2")
    assert second != first

    # A stale outcome (of the first request) and a foreign one (a request id the report never
    # opened) change nothing.
    stale = outcome(suite, {"requestId": first, "subjectId": f"{report_id}:r1", "outcome": "approved"}, key=f"t:{uuid.uuid4()}")
    assert stale.status_code == 200 and stale.json() == {"applied": False, "stale": True}, stale.text
    foreign = outcome(suite, {"requestId": first, "subjectId": f"{report_id}:r2", "outcome": "approved"}, key=f"t:{uuid.uuid4()}")
    assert foreign.status_code == 409 and foreign.json()["error"]["code"] == "unknown_request", foreign.text
    made_up = outcome(suite, {"requestId": str(uuid.uuid4()), "subjectId": f"{report_id}:r2", "outcome": "approved"})
    assert made_up.status_code == 409 and made_up.json()["error"]["code"] == "unknown_request", made_up.text
    nowhere = outcome(suite, {"requestId": second, "subjectId": f"{uuid.uuid4()}:r1", "outcome": "approved"})
    assert nowhere.status_code == 409, nowhere.text
    no_token = requests.post(suite.url("reporting") + V1 + "/internal/approval-outcomes", timeout=10,
                             json={"requestId": second, "subjectId": f"{report_id}:r2", "outcome": "approved"})
    assert no_token.status_code in (401, 403), no_token.text
    assert call(gw, "GET", f"/reports/{report_id}", hospital).json()["report"]["status"] == "under_review"

    # The centre approves: 已通过, read-only with the reason.
    until(lambda: in_inbox(gw, centre, second), what="the resubmission in the inbox")
    assert approval(gw, "GET", f"/requests/{second}", centre).json()["details"]["B01 出院人数"] == "320 人"
    r = approval(gw, "POST", f"/requests/{second}/decisions", centre, json={"decision": "approve"})
    assert r.status_code == 200, r.text
    accepted = status_becomes(gw, hospital, report_id, "accepted")
    assert accepted["statusLabel"] == "已通过" and accepted["readOnly"] is True
    assert accepted["lock"]["code"] == "report_accepted" and "只读" in accepted["lock"]["message"]
    assert accepted["canRequestModification"] is True
    r = call(gw, "PUT", f"/reports/{report_id}/values", hospital, json={"values": {"B01": 1}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "report_accepted", r.text
    assert values_of(call(gw, "GET", f"/reports/{report_id}", hospital).json())["B01"] == 320

    # The accepted month's CSV: UTF-8 with a BOM, values, no free text (填报人).
    r = call(gw, "GET", f"/reports/{report_id}/export.csv", hospital)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), r.text
    assert r.content.startswith(b"\xef\xbb\xbf")
    text = r.content.decode("utf-8-sig")
    assert "住院,B01,出院人数,人,320" in text.replace("\r\n", "\n") or ",B01,出院人数," in text
    assert "张三" not in text and "已通过" in text


def test_modification_request(gw, suite, hospital, centre):
    report_id, _ = submitted_month(gw, hospital, "2019-07")
    rid = request_of(suite, f"{report_id}:r1")
    until(lambda: in_inbox(gw, centre, rid), what="review request in inbox")
    assert approval(gw, "POST", f"/requests/{rid}/decisions", centre, json={"decision": "approve"}).status_code == 200
    status_becomes(gw, hospital, report_id, "accepted")

    # The reason: required, at most 200 characters (server-enforced), nothing opened otherwise.
    for bad, code in [("", "missing_field"), ("   ", "missing_field"), ("改" * 201, "too_long")]:
        r = call(gw, "POST", f"/reports/{report_id}/modification", hospital, json={"reason": bad})
        assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
        assert r.json()["error"]["field"] == "reason" and "理由" in r.json()["error"]["message"]
    shown = call(gw, "GET", f"/reports/{report_id}", hospital).json()
    assert shown.get("modification") is None and shown["report"]["status"] == "accepted"

    prefix = "B01 出院人数漏计了转科患者，应为330人。"
    reason = prefix + "说" * (200 - len(prefix))
    assert len(reason) == 200
    r = call(gw, "POST", f"/reports/{report_id}/modification", hospital, json={"reason": reason})
    assert r.status_code == 200, r.text
    pending = r.json()
    assert pending["modification"]["status"] == "open" and pending["modification"]["reason"] == reason
    assert pending["lock"]["code"] == "modification_pending" and pending["canRequestModification"] is False
    r = call(gw, "POST", f"/reports/{report_id}/modification", hospital, json={"reason": "再次申请"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "modification_pending", r.text

    mid = request_of(suite, f"{report_id}:m1")
    until(lambda: in_inbox(gw, centre, mid), what="modification request in inbox")
    detail = approval(gw, "GET", f"/requests/{mid}", centre).json()
    assert detail["details"]["修改理由"] == reason
    r = approval(gw, "POST", f"/requests/{mid}/decisions", centre, json={"decision": "approve", "opinion": "同意修改"})
    assert r.status_code == 200, r.text

    # Reopened with the submitted values; what changes afterwards is in the edit log.
    reopened = status_becomes(gw, hospital, report_id, "draft")
    assert reopened["readOnly"] is False and reopened["reopenedAt"] and reopened["modification"]["status"] == "approved"
    assert values_of(reopened)["B01"] == 300 and values_of(reopened)["C09"] == "张三"
    r = call(gw, "PUT", f"/reports/{report_id}/values", hospital, json={"values": {"B01": 330}})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    edits = call(gw, "GET", f"/reports/{report_id}/edits", hospital, params={"limit": 100}).json()["items"]
    after = [(e["indicator"], e["old"], e["new"]) for e in edits if e["at"] >= reopened["reopenedAt"]]
    # the entered change and the rates computed from it (B01 is the denominator of B03 and C02)
    assert sorted(after) == [("B01", 300, 330), ("B03", 1, 0.91), ("C02", 2, 1.82)], after

    # Submitted again: a new review.
    r = call(gw, "POST", f"/reports/{report_id}/submit", hospital)
    assert r.status_code == 200 and r.json()["report"]["status"] == "under_review", r.text
    request_of(suite, f"{report_id}:r2")
    r = call(gw, "POST", f"/reports/{report_id}/modification", hospital, json={"reason": "审核中再申请"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "report_under_review", r.text


def test_modification_refused_keeps_report_read_only(gw, suite, hospital, centre):
    report_id, _ = submitted_month(gw, hospital, "2019-08")
    rid = request_of(suite, f"{report_id}:r1")
    until(lambda: in_inbox(gw, centre, rid), what="review request in inbox")
    assert approval(gw, "POST", f"/requests/{rid}/decisions", centre, json={"decision": "approve"}).status_code == 200
    status_becomes(gw, hospital, report_id, "accepted")
    assert call(gw, "POST", f"/reports/{report_id}/modification", hospital, json={"reason": "想改一下"}).status_code == 200
    mid = request_of(suite, f"{report_id}:m1")
    until(lambda: in_inbox(gw, centre, mid), what="modification request in inbox")
    r = approval(gw, "POST", f"/requests/{mid}/decisions", centre, json={"decision": "reject", "opinion": "理由不充分"})
    assert r.status_code == 200, r.text
    shown = until(lambda: (lambda f: f if f["modification"]["status"] == "rejected" else None)(
        call(gw, "GET", f"/reports/{report_id}", hospital).json()), what="modification rejected")
    assert shown["report"]["status"] == "accepted" and shown["readOnly"] is True
    assert shown["modification"]["opinion"] == "理由不充分" and shown["canRequestModification"] is True
