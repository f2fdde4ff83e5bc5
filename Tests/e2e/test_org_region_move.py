"""Issue 17: a region change in 变更资料 reaches reporting and documents. When the change is
approved, identity moves the institution (its organisation and grants) and queues, in the same
transaction, one outbox message each to reporting and documents (`internal/org-moves`, keyed by
the change); each asks identity for the institution's current path and rewrites its copies
(reports, enrolments, cases … and the statistics; document folders). A hospital moves from
Hangzhou (330100) to Ningbo (330200): Ningbo's commission then reads its reports, its report
files and its figures, Hangzhou's no longer does; replaying a message changes nothing."""
import random
import time

import requests

import helpers
from helpers import V1 as IDV1, auth
from test_reporting_entry import city_commission

V1 = "/api/reporting/v1"
DOCS = "/api/documents/v1/documents"
PROGRAM = "nccqi_pci_quarterly"
PERIOD = f"{random.SystemRandom().randrange(2020, 2025)}-Q{random.SystemRandom().randrange(1, 5)}"
HANGZHOU, NINGBO = "86/330000/330100", "86/330000/330200"


def call(gw, method, path, who, **kw):
    return requests.request(method, gw + V1 + path, headers=auth(who["access"]), timeout=20, **kw)


def p01_sum(gw, who, node):
    r = call(gw, "GET", "/stats/rollup", who, params={"program": PROGRAM, "from": PERIOD, "to": PERIOD, "indicator": "P01",
                                                         "node": node})
    assert r.status_code == 200, r.text
    return sum(float(row.get("sum") or 0) for row in r.json()["rows"] if row["node"] == node and row["level"] == "self")


def until(fn, what, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_hospital_moving_city_is_seen_by_the_new_city_only(gw, suite):
    hospital = helpers.approved_account(gw, suite)          # Hangzhou, coronary intervention
    hangzhou = city_commission(gw, suite, "330100")
    ningbo = city_commission(gw, suite, "330200")
    total = random.SystemRandom().randrange(5000, 9000)

    # NCCQI approves its participants: the province's coronary centre decides the enrolment
    assert helpers.enrol(gw, suite, hospital, PROGRAM)["status"] == "active"
    r = call(gw, "POST", "/reports", hospital, json={"program": PROGRAM, "form": "pci", "period": PERIOD})
    assert r.status_code in (200, 201), r.text
    rid = r.json()["report"]["id"]
    r = call(gw, "PUT", f"/reports/{rid}/values", hospital,
             json={"values": {"P01": total, "P02": 20, "P03": 15, "P05": "60.5", "P06": 3}})
    assert r.status_code == 200, r.text
    assert call(gw, "POST", f"/reports/{rid}/submit", hospital).status_code == 200
    r = requests.post(gw + DOCS, params={"kind": "case_abstract_file", "object": f"report:{rid}"}, headers=auth(hospital["access"]),
                      files={"file": ("附件.pdf", helpers.pdf_document("report file"), "application/pdf")}, timeout=30)
    assert r.status_code == 201, r.text
    doc = r.json()["id"]

    def sees(who):
        report = call(gw, "GET", f"/reports/{rid}", who).status_code
        listed = rid in {i["id"] for i in call(gw, "GET", "/reports", who, params={"program": PROGRAM, "period": PERIOD,
                                                                                      "limit": 100}).json()["items"]}
        file = requests.get(gw + DOCS + "/" + doc, headers=auth(who["access"]), timeout=10).status_code
        return report, listed, file

    assert sees(hangzhou) == (200, True, 200) and sees(ningbo) == (404, False, 404)
    hz_before, nb_before = p01_sum(gw, hangzhou, HANGZHOU), p01_sum(gw, ningbo, NINGBO)
    assert hz_before >= total   # the submitted report counts in Hangzhou's figures

    r = requests.post(gw + IDV1 + "/org-changes", json={"data": {"regionCode": "330200"}}, headers=auth(hospital["access"]), timeout=10)
    assert r.status_code == 201, r.text
    change = r.json()
    # Before the approval nothing moves.
    assert sees(hangzhou) == (200, True, 200) and sees(ningbo) == (404, False, 404)
    final = helpers.decide_for_real(gw, suite, change["id"])
    assert final["status"] == "approved", final

    until(lambda: sees(ningbo) == (200, True, 200), "Ningbo's commission to see the moved hospital's report and file")
    assert sees(hangzhou) == (404, False, 404)
    # The figures moved with the report: Hangzhou loses the hospital's procedures, Ningbo gains them.
    assert p01_sum(gw, hangzhou, HANGZHOU) == hz_before - total
    assert p01_sum(gw, ningbo, NINGBO) == nb_before + total

    # Idempotent: the same message again (its key) and a new key both change nothing.
    org = requests.get(suite.url("identity") + IDV1 + "/internal/organisations/" + change["orgId"],
                       headers={"X-Internal-Token": suite.internal_token}, timeout=10).json()
    assert org["scopePath"].startswith(NINGBO + "/")
    for service, path in (("reporting", "/api/reporting/v1/internal/org-moves"), ("documents", "/api/documents/v1/internal/org-moves"),
                          ("approval", "/api/approval/v1/internal/org-moves")):
        for key in (f"org-move:{change['id']}:{service}", f"replay-{change['id']}"):
            r = requests.post(suite.url(service) + path, json={"orgId": change["orgId"]}, timeout=10,
                              headers={"X-Internal-Token": suite.internal_token, "Idempotency-Key": key})
            assert r.status_code == 200, r.text
            a = r.json()
            assert a["scopePath"] == org["scopePath"]
            if key.startswith("org-move:"):
                assert a["applied"] is False, a
            else:
                moved = a.get("moved") or ({"objects": a["objects"], "documents": a["documents"]} if "objects" in a
                                           else {"requests": a["requests"], "restartedStages": a["restartedStages"]})
                assert a["applied"] is True and all(v == 0 for v in moved.values()), a
        # without the internal token: refused
        r = requests.post(suite.url(service) + path, json={"orgId": change["orgId"]}, timeout=10)
        assert r.status_code == 403, r.text
    assert p01_sum(gw, ningbo, NINGBO) == nb_before + total
    assert sees(ningbo) == (200, True, 200) and sees(hangzhou) == (404, False, 404)


def test_pending_requests_follow_the_moved_institution(gw, suite):
    """Approval hears of the move too: a request still pending at the institution's own stage
    (a specialty administrator applying there waits for the institution's administrator) takes
    the new path, so the administrator, whose grant moved with the institution, still finds it
    in the inbox and decides it; its history notes the move."""
    from actors import actors_for
    actors = actors_for(suite)
    province = actors.random_city_province(exclude=("110000", "310000"))  # municipalities have one city
    admin = actors.institution(province, tag="region-move")
    applicant, req = actors.member_application("specialty_admin", admin, "coronary_intervention")
    inbox = lambda who: {i["id"] for i in requests.get(gw + "/api/approval/v1/inbox", headers=who.headers,
                                                        timeout=10).json()["items"]}
    assert req["id"] in inbox(admin)
    old_city = admin.scope_path.split("/")[2]
    cities = requests.get(gw + IDV1 + "/regions", params={"parent": province}, timeout=10).json()["items"]
    new_city = next(c["code"] for c in cities if c["code"] != old_city)
    r = requests.post(gw + IDV1 + "/org-changes", json={"data": {"regionCode": new_city}}, headers=admin.headers, timeout=10)
    assert r.status_code == 201, r.text
    final = helpers.decide_for_real(gw, suite, r.json()["id"])
    assert final["status"] == "approved", final
    def org_city():
        r = requests.get(suite.url("identity") + IDV1 + "/internal/organisations/" + admin.org_id,
                         headers={"X-Internal-Token": suite.internal_token}, timeout=10)
        return r.json()["scopePath"].split("/")[2]
    until(lambda: org_city() == new_city, "identity to apply the approved change")
    moved = actors.login_again(admin)
    assert moved.scope_path.split("/")[2] == new_city and moved.org_id == admin.org_id
    until(lambda: req["id"] in inbox(moved), "the pending request to follow the institution")
    history = requests.get(gw + f"/api/approval/v1/requests/{req['id']}/history", headers=moved.headers, timeout=10)
    assert history.status_code == 200 and any(e["title"] == "机构所在地区变更，转由新地区审批" for e in history.json()["items"]), history.text
    r = actors.decide(moved, req["id"], "approve", "同意")
    assert r.status_code == 200 and r.json()["status"] == "pending", r.text   # on to the provincial centre
