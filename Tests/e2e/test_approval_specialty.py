"""Specialty-bound stages, with real actors (actors.py): a grant of another specialty, or of no
specialty, never stands for "every specialty"."""
import pytest
import requests

from actors import actors_for, until

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


def test_a_grant_without_specialty_is_no_specialty(actors):
    """An account of a provincial centre whose grant names no specialty (made by an operator on
    the centre's organisation) is refused at a specialty-bound stage; the same organisation's
    account with the request's specialty decides it."""
    province = actors.random_city_province()
    admin = actors.institution(province)
    centre_org = actors.provincial_centre(province, "coronary_intervention").org_id
    bare = actors._operator_made(centre_org, "provincial_centre", "无专业审批人")
    assert [g.get("specialty") for g in bare.grants] == [None]
    matching = actors._operator_made(centre_org, "provincial_centre", "介入审批人", specialty="coronary_intervention")
    applicant, req = actors.member_application("specialty_admin", admin, "coronary_intervention")
    rid = req["id"]
    assert actors.decide(admin, rid).json()["status"] == "pending"
    before = subject_status(actors, applicant.id)
    assert rid not in inbox_ids(actors, bare)
    r = actors.decide(bare, rid)
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", r.text
    assert subject_status(actors, applicant.id) == before
    assert rid in inbox_ids(actors, matching)
    assert actors.decide(matching, rid).json()["status"] == "approved"
    until(lambda: subject_status(actors, applicant.id)["status"] == "approved", what="approved")


def test_specialty_bound_chain_refuses_a_request_without_specialty(actors):
    """A request on a chain with a specialty-bound stage must name its specialty (else nobody
    could decide it): 422 specialty_required, nothing opened."""
    url = actors.suite.url("approval") + APPROVAL + "/internal/requests"
    subject = "no-specialty-" + actors.gw[-4:]
    import uuid
    subject = str(uuid.uuid4())
    body = {"type": "monthly_submission", "chain": "monthly_submission", "subject": {"service": "reporting", "id": subject},
            "title": "无专业的月报", "applicant": {"name": "张三"}, "scopePath": "86/33/3301/x"}
    r = requests.post(url, json=body, headers=actors.internal, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "specialty_required", r.text
    r = requests.get(url + "/by-subject", params={"service": "reporting", "id": subject}, headers=actors.internal,
                     timeout=10)
    assert r.status_code == 404
