"""The approval engine over HTTP against the real executables and PostgreSQL: every seeded
chain walked, the all-of stage, the two-stage specialty chain, opinions, scope, withdrawal,
revisions, inbox paging and the badge, batch decisions, attachment visibility.

Requests are opened through approval's internal API (the subject services' real path, with the
internal token); every approver is a real account from actors.py. Tests marked "needs
identity's specialty grants" use provincial centres registered for a specialty (or accounts
approved by one) and pass once identity issues the approved specialty on their grants."""
import os
import subprocess
import uuid

import requests

from suite import read_env_file
from test_approval_support import (api, random_province, unique_institution, wait_for)  # noqa: F401

SPECIALTY = "coronary_intervention"


PROVINCE_REVIEW = "test_province_review"


def province_review_chain(api):
    """A program's chain with one provincial-centre stage not bound to a specialty (so that the
    scope tests below do not depend on the specialty on centre grants)."""
    body = {"requestType": "province_review", "name": "省级审核（测试）", "decisions": ["approve", "return"],
            "stages": [{"name": "省级质控中心审核", "role": "provincial_centre", "scope": "province", "rule": "any"}]}
    r = requests.put(f"{api.approval}/api/approval/v1/internal/chains/{PROVINCE_REVIEW}", json=body, headers=api.internal,
                     timeout=10)
    assert r.status_code == 200, r.text
    return dict(type="province_review", service="reporting")


def city_province(api, exclude=()):
    return api.actors.random_city_province(exclude=exclude)


def centre(api, province, specialty=SPECIALTY):
    return api.actors.provincial_centre(province, specialty)

SEEDED = {
    "provincial_centre_registration": ("registration", [("national_centre", "nation", False, "any")]),
    "institution_admin_registration": ("registration", [("provincial_centre", "province", False, "all")]),
    "specialty_admin_registration": ("registration", [("institution_admin", "institution", False, "any"),
                                                      ("provincial_centre", "province", True, "any")]),
    "data_entry_registration": ("registration", [("specialty_admin", "institution", True, "any")]),
    "platform_registration": ("registration", [("platform_operator", "platform", False, "any")]),
    "monthly_submission": ("monthly_submission", [("provincial_centre", "province", False, "any")]),
    "modification_request": ("modification_request", [("provincial_centre", "province", False, "any")]),
    "specialty_submission": ("monthly_submission", [("provincial_centre", "province", True, "any")]),
    "specialty_modification_request": ("modification_request", [("provincial_centre", "province", True, "any")]),
    "history_binding": ("history_binding", [("provincial_centre", "province", True, "any")]),
    "specialty_enrolment": ("program_enrolment", [("provincial_centre", "province", True, "any")]),
}


def psql(sql, *args):
    url = read_env_file(os.environ["TEST_SERVICES_ENV"])["APPROVAL_DATABASE_URL"]
    cmd = ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def events(api, who, rid):
    r = api.history(who, rid)
    assert r.status_code == 200, r.text
    return [e["event"] for e in r.json()["items"]]


# --- chains -------------------------------------------------------------------------------

def test_chains_are_seeded_data(api):
    who = api.actors.national()
    r = requests.get(api.gw + "/api/approval/v1/chains", headers=who.headers, timeout=10)
    assert r.status_code == 200, r.text
    chains = {c["code"]: c for c in r.json()["items"]}
    for code, (rtype, stages) in SEEDED.items():
        c = chains[code]
        assert c["requestType"] == rtype
        assert [(s["role"], s["scope"], s["specialtyMatch"], s["rule"]) for s in c["stages"]] == stages, code
        assert all(s["name"] for s in c["stages"])
    assert chains["modification_request"]["reasonRequired"] is True
    assert chains["modification_request"]["reasonMax"] == 200
    assert chains["monthly_submission"]["decisions"] == ["approve", "return"]
    assert requests.get(api.gw + "/api/approval/v1/chains", timeout=10).status_code == 401


def test_program_adds_its_own_chain(api):
    code = "test_chain_" + uuid.uuid4().hex[:8]
    body = {"requestType": "annual_survey", "name": "年度调查审核", "decisions": ["approve", "return"],
            "stages": [{"name": "市卫健委初审", "role": "city_commission", "scope": "city", "rule": "any"},
                       {"name": "省级质控中心复核", "role": "provincial_centre", "scope": "province", "rule": "any"}]}
    url = f"{api.approval}/api/approval/v1/internal/chains/{code}"
    assert requests.put(url, json=body, timeout=10).status_code == 403
    r = requests.put(url, json=body, headers=api.internal, timeout=10)
    assert r.status_code == 200, r.text
    bad = dict(body, stages=[{"name": "x", "role": "nobody", "scope": "city", "rule": "any"}])
    assert requests.put(url, json=bad, headers=api.internal, timeout=10).status_code == 422
    # walk it: city commission of the city, then the provincial centre of the province
    province = city_province(api)
    city = api.actors.city_commission(province)
    other_city = api.actors.city_commission(city_province(api, exclude=(province,)))
    prov = centre(api, province)
    rid = api.open_id(code, type="annual_survey", scope_path=city.scope_path + "/" + str(uuid.uuid4()))
    assert api.decide(other_city, rid).status_code == 404
    assert api.approve(city, rid)["status"] == "pending"
    assert api.approve(prov, rid)["status"] == "approved"


# --- every seeded chain walked ------------------------------------------------------------

def test_provincial_centre_registration_by_national_centre(api):
    province = city_province(api)
    subject = str(uuid.uuid4())
    rid = api.open_id("provincial_centre_registration", scope_path=f"86/{province}", subject_id=subject)
    national = api.actors.national()
    provincial = centre(api, province)
    assert rid in api.inbox_ids(national)
    assert rid not in api.inbox_ids(provincial)
    assert api.decide(provincial, rid).status_code == 404
    answer = api.approve(national, rid, "材料齐全，同意")
    assert answer["status"] == "approved" and answer["stageStatus"] == "approved"
    s = api.by_subject(subject).json()
    assert s["id"] == rid and s["status"] == "approved" and s["acted"] is True
    assert s["stages"][0]["decisions"][0]["decision"] == "approve"
    assert s["stages"][0]["decisions"][0]["opinion"] == "材料齐全，同意"
    assert events(api, national, rid) == ["created", "stage_opened", "decided", "stage_completed", "approved"]
    assert rid not in api.inbox_ids(national)
    # every state change wrote an audit row in its transaction
    assert int(psql(f"SELECT count(*) FROM audit_log WHERE object_id = '{rid}'")) == 2


def test_institution_admin_needs_every_provincial_centre(api):
    province = random_province()
    api.create_centre(province, ["coronary_intervention"])
    api.create_centre(province, ["cardiac_surgery", "heart_failure"])
    centres = api.centres(province)
    assert len(centres) >= 2
    subject = str(uuid.uuid4())
    rid = api.open_id("institution_admin_registration", scope_path=f"86/{province}/{province[:2]}0100/pending",
                      subject_id=subject)
    s = wait_for(lambda: (lambda b: b if b["stages"][0]["status"] == "pending" else None)(api.by_subject(subject).json()),
                 what="approver organisations listed")
    stage = s["stages"][0]
    assert stage["rule"] == "all"
    assert sorted(o["id"] for o in stage["pendingOrgs"]) == sorted(c["id"] for c in centres)
    approvers = [api.actors.centre_account(c["id"]) for c in centres]
    # a centre of the province opened after the stage listed its organisations: not listed, so
    # no approver of this stage at all (404: the request is not even revealed)
    late = api.create_centre(province, ["coronary_intervention"])
    outsider = api.actors.centre_account(late["id"])
    assert rid not in api.inbox_ids(outsider)
    r = api.decide(outsider, rid)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.text
    for i, a in enumerate(approvers):
        assert rid in api.inbox_ids(a)
        answer = api.approve(a, rid)
        last = i == len(approvers) - 1
        assert answer["status"] == ("approved" if last else "pending"), answer
        if not last:
            # one approving is not enough; it cannot approve twice, and the others still see it
            again = api.decide(a, rid)
            assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"
            assert rid not in api.inbox_ids(a)
            assert rid in api.inbox_ids(approvers[i + 1])
            pending = api.by_subject(subject).json()["stages"][0]["pendingOrgs"]
            assert a.org_id not in [o["id"] for o in pending]
    s = api.by_subject(subject).json()
    assert s["status"] == "approved"
    assert len(s["stages"][0]["decisions"]) == len(centres)
    assert {d["orgName"] for d in s["stages"][0]["decisions"]} == {c["name"] for c in centres}


def test_specialty_admin_two_stages(api):
    """Needs identity's specialty grants."""
    province = city_province(api)
    inst_admin = api.actors.institution(province)
    other_admin = api.actors.institution(province, tag="other")
    centre_ = centre(api, province, "coronary_intervention")
    wrong_specialty = centre(api, province, "cardiac_surgery")
    rid = api.open_id("specialty_admin_registration", scope_path=inst_admin.scope_path, specialty="coronary_intervention",
                      institutionOrgID=inst_admin.org_id)
    # stage 1: the institution's admin; the centre waits its turn
    assert rid in api.inbox_ids(inst_admin)
    assert rid not in api.inbox_ids(centre_)
    r = api.decide(centre_, rid)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_current_approver"
    assert api.decide(other_admin, rid).status_code == 404
    answer = api.approve(inst_admin, rid, "本院人员，情况属实")
    assert answer == {**answer, "status": "pending", "currentStage": 2, "stageStatus": "approved"}
    # stage 2: the provincial centre of that specialty
    assert rid in api.inbox_ids(centre_)
    assert rid not in api.inbox_ids(wrong_specialty)
    assert api.decide(wrong_specialty, rid).status_code == 404
    assert api.decide(inst_admin, rid).status_code == 403
    assert api.approve(centre_, rid)["status"] == "approved"
    d = api.status(rid, centre_)
    assert [s["status"] for s in d["stages"]] == ["approved", "approved"]
    assert events(api, centre_, rid) == ["created", "stage_opened", "decided", "stage_completed", "stage_opened",
                                        "decided", "stage_completed", "approved"]


def test_specialty_chains_require_a_specialty(api):
    inst, path = unique_institution()
    r = api.open("specialty_admin_registration", scope_path=path, expect=422)
    assert r.json()["error"]["code"] == "specialty_required"
    r = api.open("data_entry_registration", scope_path="86/330000", specialty="hypertension", expect=422)
    assert r.json()["error"]["code"] == "scope_too_broad"


def test_data_entry_by_specialty_admin(api):
    """Needs identity's specialty grants (the specialty admins are approved by their centres)."""
    province = city_province(api)
    admin = api.actors.specialty_admin(province, "heart_failure")
    other_specialty = api.actors.specialty_admin(province, "hypertension")
    rid = api.open_id("data_entry_registration", scope_path=admin.scope_path, specialty="heart_failure")
    assert api.decide(other_specialty, rid).status_code == 404
    assert api.approve(admin, rid)["status"] == "approved"


def test_platform_registration_by_operator(api):
    rid = api.open_id("platform_registration", scope_path="86/330000/330100/pending",
                      details={"program": "ncis", "机构名称": "测试医院"})
    operator = api.actors.operator()
    national = api.actors.national()
    assert api.decide(national, rid).status_code == 404
    assert api.approve(operator, rid)["status"] == "approved"


def test_monthly_submission_approve_or_return_with_opinion(api):
    """Specialty data is reviewed by the centre of its specialty (the stage is bound to the
    report's specialty; needs identity's specialty grants)."""
    province = city_province(api)
    office = centre(api, province)
    monthly = dict(type="monthly_submission", service="reporting", specialty=SPECIALTY)
    rid = api.open_id("specialty_submission", scope_path=unique_institution(province)[1], title="2026年10月 核心指标月报",
                      **monthly)
    r = api.decide(office, rid, "reject", "数据有误")
    assert r.status_code == 422 and r.json()["error"]["code"] == "decision_not_allowed"
    r = api.decide(office, rid, "return")
    assert r.status_code == 422 and r.json()["error"]["code"] == "opinion_required"
    r = api.decide(office, rid, "return", "  ")
    assert r.status_code == 422 and r.json()["error"]["code"] == "opinion_required"
    r = api.decide(office, rid, "return", "出院人数与上月差异过大，请核实")
    assert r.status_code == 200 and r.json()["status"] == "returned"
    d = api.status(rid, office)
    assert d["status"] == "returned" and d["opinion"] == "出院人数与上月差异过大，请核实"
    rid2 = api.open_id("specialty_submission", scope_path=unique_institution(province)[1], **monthly)
    assert api.approve(office, rid2)["status"] == "approved"


def test_hospital_wide_monthly_submission_is_reviewed_by_any_centre_of_the_province(api):
    """Hospital-wide figures (Zhejiang's core indicators) carry no specialty: the province's
    centre reviews them whatever its specialties; a centre of another province cannot."""
    province = city_province(api)
    office = centre(api, province, "heart_failure")
    rid = api.open_id("monthly_submission", type="monthly_submission", service="reporting",
                      scope_path=unique_institution(province)[1], title="2026年11月 核心指标月报")
    other = centre(api, city_province(api, exclude=(province,)))
    assert api.decide(other, rid).status_code == 404
    assert api.approve(office, rid)["status"] == "approved"


def test_modification_request_reason_rules(api):
    """Needs identity's specialty grants."""
    province = city_province(api)
    # the centre exists before the request opens (a stage without one goes to the national centre)
    office = centre(api, province, "coronary_intervention")
    path = unique_institution(province)[1]
    kw = dict(type="modification_request", service="reporting", scope_path=path, specialty="coronary_intervention")
    r = api.open("specialty_modification_request", expect=422, **kw)
    assert r.json()["error"]["code"] == "reason_required"
    r = api.open("specialty_modification_request", expect=422, reason="改" * 201, **kw)
    assert r.json()["error"]["code"] == "reason_too_long"
    assert api.open("modification_request", type="registration", service="reporting", scope_path=path,
                    reason="x", expect=422).json()["error"]["code"] == "chain_type_mismatch"
    rid = api.open_id("specialty_modification_request", reason="理" * 200, **kw)
    d = api.status(rid, office)
    assert d["reason"] == "理" * 200 and d["canDecide"] is True and d["allowedDecisions"] == ["approve", "reject"]
    assert api.approve(office, rid)["status"] == "approved"


def test_history_binding_by_provincial_centre(api):
    """Needs identity's specialty grants: the centre of the request's specialty decides; a
    centre of the same province and another specialty does not."""
    province = city_province(api)
    own = centre(api, province, "coronary_intervention")  # exists before the request opens
    rid = api.open_id("history_binding", type="history_binding", service="reporting",
                      scope_path=unique_institution(province)[1], specialty="coronary_intervention")
    other = centre(api, province, "heart_failure")
    r = api.decide(other, rid, "reject", "历史数据与本院不符")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = api.decide(own, rid, "reject", "历史数据与本院不符")
    assert r.status_code == 200 and r.json()["status"] == "rejected"


# --- opinions, scope, acting once ---------------------------------------------------------

def test_reject_needs_an_opinion(api):
    subject = str(uuid.uuid4())
    rid = api.open_id("provincial_centre_registration", scope_path="86/330000", subject_id=subject)
    national = api.actors.national()
    r = api.decide(national, rid, "reject")
    assert r.status_code == 422
    assert r.json()["error"] == {"code": "opinion_required", "message": r.json()["error"]["message"], "field": "opinion"}
    r = api.decide(national, rid, "reject", "意" * 501)
    assert r.status_code == 422 and r.json()["error"]["code"] == "opinion_too_long"
    r = api.decide(national, rid, "maybe", "x")
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_decision"
    assert api.by_subject(subject).json()["acted"] is False  # refused decisions change nothing
    r = api.decide(national, rid, "reject", "申请材料未盖章")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    s = api.by_subject(subject).json()
    assert s["status"] == "rejected" and s["opinion"] == "申请材料未盖章"
    another_national = api.actors._operator_made(api.actors.national().org_id, "national_centre", "国家质控中心审批人二")
    r = api.decide(another_national, rid)
    assert r.status_code == 409 and r.json()["error"]["code"] == "request_closed"


def test_out_of_scope_approvers_are_refused_and_see_nothing(api):
    province = city_province(api)
    other = city_province(api, exclude=(province,))
    rightful = centre(api, province)
    outsiders = [
        centre(api, other),                       # another province
        api.actors.institution(province),         # right place, wrong role
        api.actors.city_commission(province),     # right place, wrong role
    ]
    rid = api.open_id(PROVINCE_REVIEW, scope_path=unique_institution(province)[1], title="越权测试 月报",
                      **province_review_chain(api))
    for o in outsiders:
        before = api.count(o)
        assert rid not in api.inbox_ids(o)
        assert api.inbox(o, q="越权测试")["items"] == [] or rid not in [i["id"] for i in api.inbox(o, q="越权测试")["items"]]
        r = api.decide(o, rid, "approve")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        assert api.detail(o, rid).status_code == 404
        assert api.history(o, rid).status_code == 404
        assert api.count(o) == before
    # an applicant token (a real principal with no grant) of another application
    stranger = api.actors.applicant()
    assert requests.get(f"{api.gw}/api/approval/v1/requests/{rid}", headers=stranger.headers, timeout=10).status_code == 404
    # no token at all
    assert requests.get(api.gw + "/api/approval/v1/inbox", timeout=10).status_code == 401
    assert requests.post(f"{api.gw}/api/approval/v1/requests/{rid}/decisions", json={"decision": "approve"},
                         timeout=10).status_code == 401
    # the rightful approver still can
    assert api.approve(rightful, rid)["status"] == "approved"


def test_ids_are_opaque_and_unknown_ones_not_found(api):
    who = api.actors.national()
    assert api.detail(who, "12345").status_code == 404
    assert api.detail(who, str(uuid.uuid4())).status_code == 404
    assert api.decide(who, "not-a-uuid").status_code == 404


# --- concurrency ----------------------------------------------------------------------------

def _race(calls):
    import threading
    results = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        barrier.wait()
        results[i] = calls[i]()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_concurrent_decisions_one_per_organisation(api):
    province = random_province()
    api.create_centre(province, ["coronary_intervention"])
    api.create_centre(province, ["hypertension"])
    centres = api.centres(province)
    subject = str(uuid.uuid4())
    rid = api.open_id("institution_admin_registration", scope_path=f"86/{province}/{province[:2]}0100/pending",
                      subject_id=subject)
    wait_for(lambda: api.by_subject(subject).json()["stages"][0]["status"] == "pending", what="stage open")
    # four users per organisation (accounts the operator opened on each centre), all at once
    users = [api.actors._operator_made(c["id"], "provincial_centre", f"审批人{i}") for c in centres for i in range(4)]
    sessions = [requests.Session() for _ in users]
    calls = [(lambda u=u, s=s: s.post(f"{api.gw}/api/approval/v1/requests/{rid}/decisions",
                                      json={"decision": "approve"}, headers=u.headers, timeout=30)) for u, s in zip(users, sessions)]
    results = _race(calls)
    codes = [r.status_code for r in results]
    assert codes.count(200) == len(centres), codes
    assert set(codes) <= {200, 409}, codes
    ok_orgs = [r.json()["orgId"] for r in results if r.status_code == 200]
    assert sorted(ok_orgs) == sorted(c["id"] for c in centres)
    assert sum(1 for r in results if r.status_code == 200 and r.json()["status"] == "approved") == 1
    s = api.by_subject(subject).json()
    assert s["status"] == "approved"
    assert sorted(d["orgId"] for d in s["stages"][0]["decisions"]) == sorted(c["id"] for c in centres)
    assert events(api, users[0], rid).count("approved") == 1
    assert int(psql(f"SELECT count(*) FROM decisions WHERE request_id = '{rid}'")) == len(centres)


def test_concurrent_decisions_on_an_any_stage(api):
    rid = api.open_id("provincial_centre_registration", scope_path="86/440000")
    users = [api.actors.national()] + [api.actors._operator_made(api.actors.national().org_id, "national_centre",
                                                                 f"国家审批人{i}") for i in range(7)]
    calls = [(lambda u=u: requests.post(f"{api.gw}/api/approval/v1/requests/{rid}/decisions",
                                        json={"decision": "reject", "opinion": f"意见{u.id[:4]}"},
                                        headers=u.headers, timeout=30)) for u in users]
    codes = sorted(r.status_code for r in _race(calls))
    assert codes == [200] + [409] * 7, codes
    assert int(psql(f"SELECT count(*) FROM decisions WHERE request_id = '{rid}'")) == 1


# --- batch ----------------------------------------------------------------------------------

def test_batch_decisions_report_each_item(api):
    province = city_province(api)
    office = centre(api, province)
    kw = province_review_chain(api)
    mk = lambda: api.open_id(PROVINCE_REVIEW, scope_path=unique_institution(province)[1], **kw)  # noqa: E731
    ok1, ok2, needs_opinion = mk(), mk(), mk()
    foreign = api.open_id(PROVINCE_REVIEW, scope_path=unique_institution("920000")[1], **kw)
    items = [{"requestId": ok1, "decision": "approve"},
             {"requestId": needs_opinion, "decision": "return"},
             {"requestId": foreign, "decision": "approve"},
             {"requestId": str(uuid.uuid4()), "decision": "approve"},
             {"requestId": ok2, "decision": "return", "opinion": "请补充说明"},
             {"requestId": ok1, "decision": "approve"}]
    r = requests.post(api.gw + "/api/approval/v1/decisions", json={"items": items}, headers=office.headers, timeout=30)
    assert r.status_code == 200, r.text
    out = r.json()
    assert [i["requestId"] for i in out["items"]] == [i["requestId"] for i in items]
    assert [i["ok"] for i in out["items"]] == [True, False, False, False, True, False]
    assert [i["httpStatus"] for i in out["items"]] == [200, 422, 404, 404, 200, 409]
    assert out["items"][1]["error"]["code"] == "opinion_required"
    assert out["items"][5]["error"]["code"] == "request_closed"
    assert out["items"][0]["result"]["status"] == "approved"
    assert out["items"][4]["result"]["status"] == "returned"
    assert (out["succeeded"], out["failed"]) == (2, 4)
    assert api.status(needs_opinion, office)["status"] == "pending"
    r = requests.post(api.gw + "/api/approval/v1/decisions", json={"items": []}, headers=office.headers, timeout=10)
    assert r.status_code == 422


# --- withdrawal and revisions ---------------------------------------------------------------

def test_withdraw_before_and_after_action(api):
    admin = api.actors.institution(city_province(api))
    path = admin.scope_path
    # before anyone acted: withdrawn, gone from the inbox
    subject = str(uuid.uuid4())
    rid = api.open_id("specialty_admin_registration", scope_path=path, specialty="hypertension", subject_id=subject)
    assert rid in api.inbox_ids(admin)
    r = api.withdraw_internal(rid)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert api.withdraw_internal(rid).status_code == 200  # idempotent
    assert rid not in api.inbox_ids(admin)
    assert api.by_subject(subject).json()["status"] == "withdrawn"
    assert api.decide(admin, rid).status_code == 409
    # after the first stage acted: refused
    rid = api.open_id("specialty_admin_registration", scope_path=path, specialty="hypertension")
    api.approve(admin, rid)
    r = api.withdraw_internal(rid)
    assert r.status_code == 409 and r.json()["error"]["code"] == "already_acted"
    assert requests.post(f"{api.approval}/api/approval/v1/internal/requests/{rid}/withdraw", timeout=10).status_code == 403


def test_subject_service_withdraws_by_subject(api):
    path = api.actors.institution(city_province(api)).scope_path
    subject = str(uuid.uuid4())
    rid = api.open_id("specialty_admin_registration", scope_path=path, specialty="hypertension", subject_id=subject)
    url = api.approval + "/api/approval/v1/internal/requests/by-subject/withdraw"
    # a late retry naming another request withdraws nothing
    r = requests.post(url, json={"service": "identity", "id": subject, "requestId": str(uuid.uuid4())},
                      headers=api.internal, timeout=10)
    assert r.status_code == 200 and r.json() == {"withdrawn": []}
    r = requests.post(url, json={"service": "identity", "id": subject}, headers=api.internal, timeout=10)
    assert r.status_code == 200 and r.json() == {"withdrawn": [rid]}
    r = requests.post(url, json={"service": "identity", "id": subject}, headers=api.internal, timeout=10)
    assert r.status_code == 200 and r.json() == {"withdrawn": []}
    assert api.by_subject(subject).json()["status"] == "withdrawn"


def test_applicant_withdraws_with_own_token(api):
    province = city_province(api)
    other = city_province(api, exclude=(province,))
    applicant = api.actors.institution(province)          # a hospital's user asks for a change
    stranger = api.actors.institution(other)
    office = centre(api, province)
    rid = api.open_id(PROVINCE_REVIEW, scope_path=applicant.scope_path,
                      applicant={"name": "李四", "userId": applicant.id, "orgName": "测试医院"},
                      callbackPath="/api/reporting/v1/internal/approval-outcomes", **province_review_chain(api))
    d = api.detail(applicant, rid)
    assert d.status_code == 200 and d.json()["canDecide"] is False
    assert api.decide(applicant, rid).status_code == 403
    url = f"{api.gw}/api/approval/v1/requests/{rid}/withdraw"
    assert requests.post(url, json={}, headers=stranger.headers, timeout=10).status_code == 404
    r = requests.post(url, json={}, headers=office.headers, timeout=10)
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_applicant"
    r = requests.post(url, json={"reason": "不需要修改了"}, headers=applicant.headers, timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert rid not in api.inbox_ids(office)
    # the subject's service hears of it through the outbox
    assert api.delivery(rid).json()["key"] == f"outcome:{rid}"


def test_new_revision_supersedes_and_idempotency_key_repeats(api):
    subject = str(uuid.uuid4())
    r1 = api.open("provincial_centre_registration", scope_path="86/330000", subject_id=subject,
                  key=f"registration:{subject}:1")
    again = api.open("provincial_centre_registration", scope_path="86/330000", subject_id=subject,
                     key=f"registration:{subject}:1", expect=200)
    assert again.json()["id"] == r1.json()["id"]
    r2 = api.open("provincial_centre_registration", scope_path="86/330000", subject_id=subject,
                  key=f"registration:{subject}:2")
    national = api.actors.national()
    assert api.status(r1.json()["id"], national)["status"] == "withdrawn"
    s = api.by_subject(subject).json()
    assert s["id"] == r2.json()["id"] and s["status"] == "pending"
    api.approve(national, r2.json()["id"])
    r3 = api.open("provincial_centre_registration", scope_path="86/330000", subject_id=subject,
                  key=f"registration:{subject}:3", expect=201)
    assert r3.json()["id"] != r2.json()["id"]  # a closed request is history, not in the way


def test_pending_request_in_review_cannot_be_replaced(api):
    admin = api.actors.institution(city_province(api))
    path = admin.scope_path
    subject = str(uuid.uuid4())
    rid = api.open_id("specialty_admin_registration", scope_path=path, specialty="hypertension", subject_id=subject)
    api.approve(admin, rid)
    r = api.open("specialty_admin_registration", scope_path=path, specialty="hypertension", subject_id=subject,
                 expect=409)
    assert r.json()["error"]["code"] == "request_in_review"


# --- inbox ----------------------------------------------------------------------------------

def test_inbox_paging_filters_and_count(api):
    # an institution of its own: its admin's inbox holds only this test's requests
    admin = api.actors.institution(city_province(api), tag="inbox")
    path = admin.scope_path
    ids = [api.open_id("specialty_admin_registration", scope_path=path, specialty="atrial_fibrillation",
                       title=f"房颤 亚专业管理员 {i:02d}") for i in range(23)]
    assert api.count(admin) == 23
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        page = api.inbox(admin, **params)
        pages += 1
        assert len(page["items"]) == (10 if pages < 3 else 3)
        seen += [i["id"] for i in page["items"]]
        cursor = page.get("nextCursor")
        if not cursor:
            break
    assert pages == 3 and seen == sorted(ids, reverse=True)  # newest first (ids are UUIDv7), none twice, none lost
    item = api.inbox(admin, limit=1)["items"][0]
    assert item["chain"] == "specialty_admin_registration" and item["stageName"] == "医疗机构管理员审核"
    assert item["applicant"]["name"] == "张三"
    assert [i["id"] for i in api.inbox(admin, q="亚专业管理员 07")["items"]] == [ids[7]]
    assert api.count(admin, q="亚专业管理员 0") == 10
    assert api.inbox(admin, type="monthly_submission")["items"] == []
    assert len(api.inbox(admin, chain="specialty_admin_registration", limit=1000)["items"]) == 23  # server max 100
    r = requests.get(api.gw + "/api/approval/v1/inbox", params={"cursor": "nope"}, headers=admin.headers, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_cursor"
    r = requests.get(api.gw + "/api/approval/v1/inbox", params={"limit": "0"}, headers=admin.headers, timeout=10)
    assert r.status_code == 422
    # deciding takes it out of the inbox and the badge
    api.approve(admin, ids[0])
    api.decide(admin, ids[1], "reject", "非本科室人员")
    assert api.count(admin) == 21
    assert ids[0] not in api.inbox_ids(admin)
    r = requests.get(api.gw + "/api/approval/v1/inbox/count", headers=admin.headers, timeout=10).json()
    assert r == {"count": 21, "byType": {"registration": 21}}


# --- what approvers and others may see ------------------------------------------------------

def test_details_and_attachments_visible_to_approvers_only(api):
    """Needs identity's specialty grants (the later stage is the vascular-surgery centre's)."""
    province = city_province(api)
    admin = api.actors.institution(province)
    later = centre(api, province, "vascular_surgery")
    stranger = centre(api, province, "hypertension")
    elsewhere = centre(api, city_province(api, exclude=(province,)))
    subject = str(uuid.uuid4())
    doc = str(uuid.uuid4())
    rid = api.open_id("specialty_admin_registration", scope_path=admin.scope_path, specialty="vascular_surgery",
                      subject_id=subject, attachments=[doc], details={"科室": "血管外科", "职称": "主任医师"})
    d = api.status(rid, admin)
    assert d["attachments"] == [doc] and d["details"] == {"科室": "血管外科", "职称": "主任医师"}
    assert d["canDecide"] is True and [s["status"] for s in d["stages"]] == ["pending", "waiting"]
    assert d["stages"][1]["approvers"] == "省级质控中心（对应专业）"
    d2 = api.status(rid, later)  # approver of a later stage: sees it, cannot decide yet
    assert d2["canDecide"] is False and d2["allowedDecisions"] == []
    assert api.detail(stranger, rid).status_code == 404
    assert api.can_view(admin, subject) is True
    assert api.can_view(later, subject) is True
    assert api.can_view(stranger, subject) is False
    assert api.can_view(elsewhere, subject) is False
    r = requests.post(api.approval + "/api/approval/v1/internal/can-view", json={}, timeout=10)
    assert r.status_code == 403


def test_internal_endpoints_are_not_public(api):
    # the gateway never forwards internal paths (signed in or not, internal token or not)
    who = api.actors.operator()
    r = requests.post(api.gw + "/api/approval/v1/internal/requests", json={}, headers={**api.internal, **who.headers},
                      timeout=10)
    assert r.status_code == 404
    # without a session the gateway stops at sign-in (401); signed in it answers 404 (above)
    r = requests.post(api.gw + "/api/approval/v1/internal/requests", json={}, headers=api.internal, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    r = requests.post(api.approval + "/api/approval/v1/internal/requests", json={}, timeout=10)
    assert r.status_code == 403
    r = requests.get(api.approval + "/api/approval/v1/internal/requests/by-subject",
                     params={"service": "identity", "id": str(uuid.uuid4())}, headers=api.internal, timeout=10)
    assert r.status_code == 404
