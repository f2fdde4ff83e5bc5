"""Enrolment that needs the program's own approval (issue 18; docs/reporting.md, enrolment
approval), with real actors (registered, approved, signed in with the SMS code; actors.py).

An approved institution joins NCCQI PCI from the portal without registering again: its request
is pending (待审核) and it cannot open a report until the provincial centre of coronary
intervention of its province approves it in approval; a centre of another specialty cannot
decide it. Approval makes it active (the due list shows the program); a refusal keeps it out
with the opinion, and it may ask again. Programs without approval still enrol at once. A centre
sees the participating institutions of its region and specialty only."""
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By

import helpers
from actors import actors_for, until
from portal_helpers import browsers  # noqa: F401  (fixture)

V1 = "/api/reporting/v1"
APPROVAL = "/api/approval/v1"
PROGRAM = "nccqi_pci_quarterly"


def call(gw, method, path, who, **kw):
    return requests.request(method, gw + V1 + path, headers=who.headers, timeout=20, **kw)


@pytest.fixture(scope="module")
def world(gw, suite):
    a = actors_for(suite)
    province = a.random_city_province()
    other_province = a.random_city_province(exclude=(province,))
    return {
        "actors": a,
        "province": province,
        "centre": a.provincial_centre(province, "coronary_intervention"),
        "heart": a.provincial_centre(province, "heart_failure"),
        "far": a.provincial_centre(other_province, "coronary_intervention"),
        "h1": a.institution(province, tag="enrol-1"),
        "h2": a.institution(province, tag="enrol-2"),
        "h3": a.institution(province, tag="enrol-3"),
    }


def program_of(gw, who, code=PROGRAM):
    r = call(gw, "GET", "/programs", who)
    assert r.status_code == 200, r.text
    return next(p for p in r.json()["items"] if p["code"] == code)


def open_pci(gw, who, period="2021-Q1"):
    return call(gw, "POST", "/reports", who, json={"program": PROGRAM, "form": "pci", "period": period})


def participants(gw, who, **params):
    return call(gw, "GET", f"/programs/{PROGRAM}/enrolments", who, params=params)


def test_nccqi_enrolment_waits_for_the_coronary_centre(gw, suite, world):
    h1, centre, heart, far = world["h1"], world["centre"], world["heart"], world["far"]
    r = call(gw, "POST", f"/programs/{PROGRAM}/enrolment", h1)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["status"] == "pending" and first["enrolled"] is False and first["subject"].startswith("enrol:")
    again = call(gw, "POST", f"/programs/{PROGRAM}/enrolment", h1)
    assert again.status_code == 200 and again.json()["status"] == "pending" and again.json()["created"] is False
    assert again.json()["subject"] == first["subject"]   # the same request, not a second one

    # Pending: no report, no due period, 待审核 on the programs page.
    r = open_pci(gw, h1)
    assert r.status_code == 409 and r.json()["error"]["code"] == "enrolment_pending", r.text
    assert "待审核" in r.json()["error"]["message"]
    assert PROGRAM not in {d["program"] for d in call(gw, "GET", "/due", h1).json()["items"]}
    p = program_of(gw, h1)
    assert p["enrolled"] is False and p["enrolmentApproval"] is True and p["enrolment"]["status"] == "pending"

    # The request in approval: the institution's name, its verified registration reused.
    req = helpers.enrolment_request(suite, first["subject"])
    assert req["chain"] == "specialty_enrolment" and req["type"] == "program_enrolment"
    detail = requests.get(f"{gw}{APPROVAL}/requests/{req['id']}", headers=centre.headers, timeout=20)
    assert detail.status_code == 200, detail.text
    d = detail.json()
    assert d["details"]["报名项目"] == "冠心病介入质控指标季报" and d["details"]["医疗机构"].startswith("测试医院")
    assert "复用" in d["details"]["注册材料"] and d["title"].startswith(d["details"]["医疗机构"])

    # Another specialty's centre of the same province, and the coronary centre of another
    # province, cannot decide it; nothing changes.
    for outsider in (heart, far):
        r = requests.post(f"{gw}{APPROVAL}/requests/{req['id']}/decisions", json={"decision": "approve"},
                          headers=outsider.headers, timeout=20)
        assert r.status_code in (403, 404), r.text
    assert helpers.enrolment_request(suite, first["subject"], status=None)["status"] == "pending"
    assert program_of(gw, h1)["enrolment"]["status"] == "pending"
    assert open_pci(gw, h1).status_code == 409

    # The coronary centre approves: active, the report opens, the due list shows the program.
    r = requests.post(f"{gw}{APPROVAL}/requests/{req['id']}/decisions", json={"decision": "approve", "opinion": "同意"},
                      headers=centre.headers, timeout=20)
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    until(lambda: program_of(gw, h1)["enrolled"], what="the enrolment applied")
    assert program_of(gw, h1)["enrolment"]["status"] == "active"
    assert open_pci(gw, h1).status_code == 201
    assert PROGRAM in {d["program"] for d in call(gw, "GET", "/due", h1).json()["items"]}
    again = call(gw, "POST", f"/programs/{PROGRAM}/enrolment", h1)
    assert again.status_code == 200 and again.json()["status"] == "active"


def test_refusal_keeps_it_out_with_the_opinion_and_it_may_ask_again(gw, suite, world):
    h2, centre = world["h2"], world["centre"]
    opinion = "请补充冠心病介入诊疗技术备案材料 " + uuid.uuid4().hex[:6]
    state = helpers.enrol(gw, suite, h2, PROGRAM, decision="reject", opinion=opinion, approver=centre)
    assert state["status"] == "rejected" and state["opinion"] == opinion
    first_subject = state["subject"]
    r = open_pci(gw, h2)
    assert r.status_code == 409 and r.json()["error"]["code"] == "enrolment_rejected", r.text
    assert PROGRAM not in {d["program"] for d in call(gw, "GET", "/due", h2).json()["items"]}
    assert program_of(gw, h2)["enrolled"] is False

    # The centre sees the refusal with its opinion among the program's institutions.
    listed = {i["orgId"]: i for i in participants(gw, centre, status="rejected").json()["items"]}
    assert listed[h2.org_id]["opinion"] == opinion

    # Asked again: a new request (another subject), approved this time.
    r = call(gw, "POST", f"/programs/{PROGRAM}/enrolment", h2)
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    assert r.json()["subject"] != first_subject
    assert program_of(gw, h2)["enrolment"]["status"] == "pending"
    req = helpers.enrolment_request(suite, r.json()["subject"])
    assert "第2次申请" in requests.get(f"{gw}{APPROVAL}/requests/{req['id']}", headers=centre.headers,
                                      timeout=20).json()["details"]["申请次数"]
    assert requests.post(f"{gw}{APPROVAL}/requests/{req['id']}/decisions", json={"decision": "approve"},
                         headers=centre.headers, timeout=20).status_code == 200
    until(lambda: program_of(gw, h2)["enrolled"], what="the second request applied")
    assert open_pci(gw, h2).status_code == 201


def test_programs_without_approval_enrol_at_once(gw, world):
    h3 = world["h3"]
    for code in ("zj_monthly", "ncis_annual", "stroke_annual"):
        r = call(gw, "POST", f"/programs/{code}/enrolment", h3)
        assert r.status_code in (200, 201) and r.json()["status"] == "active" and r.json()["enrolled"] is True, r.text
        p = program_of(gw, h3, code)
        assert p["enrolled"] is True and p["enrolmentApproval"] is False
    r = call(gw, "POST", "/reports", h3, json={"program": "zj_monthly", "form": "core", "period": "2019-07"})
    assert r.status_code in (200, 201), r.text


def test_participants_are_scoped_to_the_centre(gw, suite, world):
    h1, centre, heart, far = world["h1"], world["centre"], world["heart"], world["far"]
    helpers.enrol(gw, suite, h1, PROGRAM, approver=centre)   # (active already when run after the first test)
    r = participants(gw, centre)
    assert r.status_code == 200, r.text
    listed = {i["orgId"]: i for i in r.json()["items"]}
    assert listed[h1.org_id]["status"] == "active" and listed[h1.org_id]["orgName"].startswith("测试医院")
    assert all(i["scopePath"].split("/")[1] == world["province"] for i in r.json()["items"])
    # another province's coronary centre: its own region only
    assert h1.org_id not in {i["orgId"] for i in participants(gw, far).json()["items"]}
    # a centre of another specialty does not read NCCQI PCI
    r = participants(gw, heart)
    assert r.status_code == 403, r.text
    # an institution sees its own row only
    own = participants(gw, h1).json()["items"]
    assert [i["orgId"] for i in own] == [h1.org_id]
    assert participants(gw, centre, status="bogus").status_code == 422


def test_outcome_of_an_unknown_request_is_refused(gw, suite, world):
    """Reporting confirms an enrolment outcome with approval: a request id approval did not
    open for the subject changes nothing."""
    h3, centre = world["h3"], world["centre"]
    r = call(gw, "POST", f"/programs/{PROGRAM}/enrolment", h3)
    assert r.status_code in (200, 201), r.text
    subject = r.json()["subject"]
    helpers.enrolment_request(suite, subject)
    forged = requests.post(suite.url("reporting") + V1 + "/internal/enrolment-outcomes",
                           json={"requestId": str(uuid.uuid4()), "subjectId": subject, "outcome": "approved"},
                           headers={"X-Internal-Token": suite.internal_token}, timeout=20)
    assert forged.status_code == 409 and forged.json()["error"]["code"] == "unknown_request", forged.text
    assert program_of(gw, h3)["enrolment"]["status"] == "pending"
    assert requests.post(suite.url("reporting") + V1 + "/internal/enrolment-outcomes",
                         json={"requestId": "x", "subjectId": subject, "outcome": "approved"},
                         timeout=20).status_code in (401, 403)
    # the gateway does not route the internal callback
    assert requests.post(gw + V1 + "/internal/enrolment-outcomes", json={}, headers=centre.headers,
                         timeout=20).status_code == 404


def test_pending_is_not_counted_and_the_applicant_may_withdraw(gw, suite, world):
    """Statistics count active enrolments only: a pending institution is neither enrolled nor
    missing in the centre's completeness; the applicant withdraws the request in approval and
    may ask again."""
    a, centre, h1 = world["actors"], world["centre"], world["h1"]
    h = a.institution(world["province"], tag="enrol-4")
    helpers.enrol(gw, suite, h1, PROGRAM, approver=centre)
    r = call(gw, "POST", f"/programs/{PROGRAM}/enrolment", h)
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    req = helpers.enrolment_request(suite, r.json()["subject"])
    city_node = "/".join(h.scope_path.split("/")[:-1])
    params = {"program": PROGRAM, "form": "pci", "period": "2021-Q2", "node": city_node}
    m = call(gw, "GET", "/stats/missing", centre, params=params)
    assert m.status_code == 200, m.text
    missing = {i["orgId"] for i in m.json()["items"]}
    assert h1.org_id in missing and h.org_id not in missing
    c = call(gw, "GET", "/stats/completeness", centre, params=params)
    assert c.status_code == 200, c.text
    assert not any(row["node"] == h.scope_path for row in c.json()["rows"])

    w = requests.post(f"{gw}{APPROVAL}/requests/{req['id']}/withdraw", json={"reason": "改日再报"}, headers=h.headers,
                      timeout=20)
    assert w.status_code == 200, w.text
    until(lambda: helpers.enrolment_state(gw, h, PROGRAM)["status"] == "withdrawn", what="withdrawal applied")
    assert open_pci(gw, h).status_code == 409
    again = call(gw, "POST", f"/programs/{PROGRAM}/enrolment", h)
    assert again.status_code == 201 and again.json()["subject"] != r.json()["subject"], again.text


def test_verified_registration_documents_are_reused(gw, suite, world):
    """No new upload: the enrolment request carries the institution's registration documents
    (identity's approved application), and its approvers may open them — also a coronary centre
    that arrived after the institution registered and so never approved that registration."""
    a, far = world["actors"], world["far"]
    h = a.institution(world["province"], tag="enrol-docs")
    late = helpers.register_provincial_centre(gw, suite, world["province"], ["coronary_intervention"])
    late_h = helpers.auth(late["access"])
    internal = {"X-Internal-Token": suite.internal_token}
    reg = requests.get(f"{suite.url('identity')}/api/identity/v1/internal/organisations/{h.org_id}/registration",
                       headers=internal, timeout=20)
    assert reg.status_code == 200 and reg.json()["documentIds"], reg.text
    reg = reg.json()
    doc = reg["documentIds"][0]
    assert requests.get(f"{gw}/api/documents/v1/documents/{doc}", headers=late_h, timeout=20).status_code == 404

    r = call(gw, "POST", f"/programs/{PROGRAM}/enrolment", h)
    assert r.status_code == 201, r.text
    req = helpers.enrolment_request(suite, r.json()["subject"])
    d = requests.get(f"{gw}{APPROVAL}/requests/{req['id']}", headers=late_h, timeout=20)
    assert d.status_code == 200, d.text
    assert d.json()["attachments"] == reg["documentIds"]
    assert d.json()["details"]["注册申请编号"] == reg["applicationId"]
    meta = requests.get(f"{gw}/api/documents/v1/documents/{doc}", headers=late_h, timeout=20)
    assert meta.status_code == 200, meta.text
    content = requests.get(f"{gw}/api/documents/v1/documents/{doc}/content", headers=late_h, timeout=20)
    assert content.status_code == 200 and content.content.startswith(b"%PDF")
    # not an approver of the enrolment (another province): still nothing
    assert requests.get(f"{gw}/api/documents/v1/documents/{doc}", headers=far.headers, timeout=20).status_code == 404
    # identity's lookup: internal only, unknown organisation 404
    assert requests.get(f"{suite.url('identity')}/api/identity/v1/internal/organisations/{uuid.uuid4()}/registration",
                        headers=internal, timeout=20).status_code == 404
    assert requests.get(f"{suite.url('identity')}/api/identity/v1/internal/organisations/{h.org_id}/registration",
                        timeout=20).status_code in (401, 403)


def test_programs_page_shows_pending_and_refusal(gw, suite, world, browsers):
    a, centre = world["actors"], world["centre"]
    hospital = a.institution(world["province"], tag="enrol-portal")
    b = browsers("hospital")
    b.signed_in_as(hospital.access)
    b.go("#/reporting/programs")
    b.page("reporting-programs")
    card = b.css(f"[data-program='{PROGRAM}']")
    assert "申请参加" in card.text and "复用" in card.text
    card.find_element(By.CSS_SELECTOR, "[data-role='enrol']").click()
    b.wait(lambda d: "待审核" in b.css(f"[data-program='{PROGRAM}']").text, what="待审核")
    b.js("arguments[0].scrollIntoView()", b.css(f"[data-program='{PROGRAM}']"))
    b.shot("reporting-enrolment-pending")
    subject = helpers.enrolment_state(gw, hospital, PROGRAM)["subject"]
    req = helpers.enrolment_request(suite, subject)
    opinion = "本省暂不接收新的PCI参加单位"
    assert requests.post(f"{gw}{APPROVAL}/requests/{req['id']}/decisions", json={"decision": "reject", "opinion": opinion},
                         headers=centre.headers, timeout=20).status_code == 200
    until(lambda: helpers.enrolment_state(gw, hospital, PROGRAM)["status"] == "rejected", what="refusal applied")
    b.go("#/home")
    b.page("home")
    b.go("#/reporting/programs")
    b.page("reporting-programs")
    b.wait(lambda d: "已退回" in b.css(f"[data-program='{PROGRAM}']").text, what="已退回")
    card = b.css(f"[data-program='{PROGRAM}']")
    assert opinion in card.find_element(By.CSS_SELECTOR, "[data-role='enrolment-note']").text
    b.js("arguments[0].scrollIntoView()", card)
    b.shot("reporting-enrolment-rejected")
    card.find_element(By.CSS_SELECTOR, "[data-role='enrol']").click()   # 重新申请
    b.wait(lambda d: "待审核" in b.css(f"[data-program='{PROGRAM}']").text, what="待审核 again")

    # The centre sees the institution among the program's participants.
    c = browsers("centre")
    c.signed_in_as(centre.access)
    c.go("#/reporting/programs")
    c.page("reporting-programs")
    card = c.css(f"[data-program='{PROGRAM}']")
    card.find_element(By.CSS_SELECTOR, "[data-role='show-participants']").click()
    c.wait(lambda d: c.all(f"[data-program='{PROGRAM}'] tr[data-org='{hospital.org_id}']"), what="participant row")
    assert "待审核" in c.css(f"[data-program='{PROGRAM}'] tr[data-org='{hospital.org_id}']").text
    c.js("arguments[0].scrollIntoView()", c.css(f"[data-program='{PROGRAM}']"))
    c.shot("reporting-enrolment-participants")
