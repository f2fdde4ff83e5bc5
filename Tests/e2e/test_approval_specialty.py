"""Specialty-bound stages, with real actors (actors.py): a grant of another specialty, or of no
specialty, never stands for "every specialty"."""
import uuid

import pytest
import requests

from actors import actors_for

APPROVAL = "/api/approval/v1"


@pytest.fixture(scope="module")
def actors(suite):
    return actors_for(suite)


def subject_status(actors, application_id):
    r = requests.get(actors.suite.url("approval") + APPROVAL + "/internal/requests/by-subject",
                     params={"service": "identity", "id": application_id}, headers=actors.internal, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def inbox_ids(actors, who):
    r = requests.get(actors.gw + APPROVAL + "/inbox", params={"limit": 100}, headers=who.headers, timeout=10)
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


def test_medicine_centre_cannot_approve_an_intervention_specialty_admin(actors):
    """Registered through the wizard and approved by the national centre, a provincial centre
    carries its approved specialty; the second stage of specialty_admin_registration is the
    centre of the request's specialty only. Needs identity to issue the specialty on
    provincial-centre grants (RoleAssignment(role, orgID, scopePath, specialty))."""
    province = actors.random_city_province()
    medicine = actors.provincial_centre(province, "heart_failure")
    intervention = actors.provincial_centre(province, "coronary_intervention")
    assert [g.get("specialty") for g in intervention.grants] == ["coronary_intervention"], \
        f"identity issued no specialty on the provincial centre's grant: {intervention.grants}"
    assert [g.get("specialty") for g in medicine.grants] == ["heart_failure"], medicine.grants
    admin = actors.institution(province)
    applicant, req = actors.member_application("specialty_admin", admin, "coronary_intervention")
    rid = req["id"]
    assert actors.decide(admin, rid).json()["status"] == "pending"
    # stage 2: the medicine centre neither sees it nor decides it, and its try changes nothing
    before = subject_status(actors, applicant.id)
    assert rid not in inbox_ids(actors, medicine)
    r = actors.decide(medicine, rid)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.text
    assert requests.get(f"{actors.gw}{APPROVAL}/requests/{rid}", headers=medicine.headers, timeout=10).status_code == 404
    assert subject_status(actors, applicant.id) == before
    # the intervention centre does
    assert rid in inbox_ids(actors, intervention)
    r = actors.decide(intervention, rid)
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text


def put_chain(actors, code, specialty_match):
    body = {"requestType": "specialty_check", "name": "专业核对（测试）", "specialtyRequired": True,
            "stages": [{"name": "医疗机构管理员审核", "role": "institution_admin", "scope": "institution", "rule": "any",
                        "specialtyMatch": specialty_match}]}
    r = requests.put(f"{actors.suite.url('approval')}{APPROVAL}/internal/chains/{code}", json=body, headers=actors.internal,
                     timeout=10)
    assert r.status_code == 200, r.text


def open_on(actors, chain, admin, subject):
    r = requests.post(actors.suite.url("approval") + APPROVAL + "/internal/requests", headers=actors.internal, timeout=10,
                      json={"type": "specialty_check", "chain": chain, "subject": {"service": "reporting", "id": subject},
                            "title": "专业核对", "applicant": {"name": "张三"}, "scopePath": admin.scope_path,
                            "specialty": "coronary_intervention"})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_a_grant_without_specialty_is_no_specialty(actors):
    """Institution admins' grants name no specialty. On a stage bound to the request's specialty
    the institution's own admin is no approver (404, nothing changed); on the same stage without
    the binding he decides, so the refusal is the specialty rule and not his scope."""
    admin = actors.institution(actors.random_city_province())
    assert [g.get("specialty") for g in admin.grants] == [None], admin.grants
    bound, free = "test_specialty_bound_" + uuid.uuid4().hex[:6], "test_specialty_free_" + uuid.uuid4().hex[:6]
    put_chain(actors, bound, True)
    put_chain(actors, free, False)
    subject = str(uuid.uuid4())
    rid = open_on(actors, bound, admin, subject)
    status = lambda: requests.get(actors.suite.url("approval") + APPROVAL + "/internal/requests/by-subject",  # noqa: E731
                                  params={"service": "reporting", "id": subject}, headers=actors.internal, timeout=10).json()
    before = status()
    assert rid not in inbox_ids(actors, admin)
    r = actors.decide(admin, rid)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.text
    assert status() == before and before["acted"] is False
    rid2 = open_on(actors, free, admin, str(uuid.uuid4()))
    assert rid2 in inbox_ids(actors, admin)
    r = actors.decide(admin, rid2)
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text


def test_specialty_bound_chain_refuses_a_request_without_specialty(actors):
    """A request on a chain with a specialty-bound stage must name its specialty (else nobody
    could decide it): 422 specialty_required, nothing opened."""
    url = actors.suite.url("approval") + APPROVAL + "/internal/requests"
    subject = str(uuid.uuid4())
    body = {"type": "monthly_submission", "chain": "specialty_submission", "subject": {"service": "reporting", "id": subject},
            "title": "无专业的月报", "applicant": {"name": "张三"}, "scopePath": "86/330000/330100/x"}
    r = requests.post(url, json=body, headers=actors.internal, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "specialty_required", r.text
    r = requests.get(url + "/by-subject", params={"service": "reporting", "id": subject}, headers=actors.internal,
                     timeout=10)
    assert r.status_code == 404
