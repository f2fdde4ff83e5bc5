"""Refusals no other test reaches, each with its code and with nothing changed: approval's
input errors when a subject service opens a request (among them `invalid_callback`, which
decides where the outbox posts the outcome), and an expired access token at the services."""
import uuid

import pytest
import requests

from actors import actors_for, full_login, until
from test_approval_support import api  # noqa: F401
from test_documents_support import API as DOCS, pdf, stored_files

BASE = {"type": "registration", "chain": "provincial_centre_registration",
        "title": "输入错误测试", "applicant": {"name": "张三"}, "scopePath": "86/330000"}

REFUSED = {
    # case: (changes to a valid body, status, code)
    "callback_other_service": ({"callbackPath": "/api/reporting/v1/internal/approval-outcomes"}, 422, "invalid_callback"),
    "callback_public_path": ({"callbackPath": "/api/identity/v1/applications/x"}, 422, "invalid_callback"),
    "callback_absolute_url": ({"callbackPath": "http://evil.example/api/identity/v1/internal/x"}, 422,
                              "invalid_callback"),
    "callback_with_query": ({"callbackPath": "/api/identity/v1/internal/approval-outcomes?to=evil"}, 422,
                            "invalid_callback"),
    "callback_with_space": ({"callbackPath": "/api/identity/v1/internal/approval outcomes"}, 422, "invalid_callback"),
    "callback_dot_segments": ({"callbackPath": "/api/identity/v1/internal/../../../reporting/v1/internal/x"}, 422,
                              "invalid_callback"),
    "callback_too_long": ({"callbackPath": "/api/identity/v1/internal/" + "a" * 300}, 422, "invalid_callback"),
    "type_not_a_code": ({"type": "Registration!"}, 422, "invalid_type"),
    "subject_service_unknown": ({"subject": {"service": "gateway", "id": "x"}}, 422, "invalid_subject"),
    "subject_id_with_space": ({"subject": {"service": "identity", "id": "a b"}}, 422, "invalid_subject"),
    "title_missing": ({"title": "  "}, 422, "missing_field"),
    "title_too_long": ({"title": "题" * 201}, 422, "invalid_field"),
    "applicant_name_missing": ({"applicant": {"name": ""}}, 422, "missing_field"),
    "scope_not_86": ({"scopePath": "87/33"}, 422, "invalid_scope"),
    "scope_bad_province": ({"scopePath": "86/3"}, 422, "invalid_scope"),
    "scope_city_of_other_province": ({"scopePath": "86/330000/340100"}, 422, "invalid_scope"),
    "province_code_disagrees": ({"provinceCode": "440000"}, 422, "invalid_scope"),
    "specialty_not_a_code": ({"specialty": "Bad Specialty"}, 422, "invalid_specialty"),
    "attachments_too_many": ({"attachments": [str(uuid.uuid4()) for _ in range(51)]}, 422, "invalid_attachments"),
    "attachment_empty": ({"attachments": [""]}, 422, "invalid_attachments"),
    "details_not_object": ({"details": ["a", "b"]}, 422, "invalid_details"),
    "details_too_big": ({"details": {"x": "字" * 30000}}, 422, "invalid_details"),
    "chain_unknown": ({"chain": "no_such_chain"}, 422, "unknown_chain"),
    "chain_of_other_type": ({"type": "history_binding"}, 422, "chain_type_mismatch"),
    "chain_ambiguous": ({"chain": None}, 422, "chain_required"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_open_refused_with_its_code_and_nothing_opened(api, case):  # noqa: F811
    changes, status, code = REFUSED[case]
    subject = str(uuid.uuid4())
    body = dict(BASE, subject={"service": "identity", "id": subject})
    body.update(changes)
    if body.get("chain") is None:
        body.pop("chain")
    key = f"errors:{subject}"
    r = requests.post(api.approval + "/api/approval/v1/internal/requests", json=body,
                      headers={**api.internal, "Idempotency-Key": key}, timeout=10)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code and r.json()["error"]["message"], r.text
    # nothing opened, for that subject or under the key
    assert api.by_subject(body["subject"]["id"], service=body["subject"]["service"]).status_code == 404
    assert api.by_subject(subject).status_code == 404
    fixed = dict(BASE, subject={"service": "identity", "id": subject})
    again = requests.post(api.approval + "/api/approval/v1/internal/requests", json=fixed,
                          headers={**api.internal, "Idempotency-Key": key}, timeout=10)
    assert again.status_code == 201, again.text  # the key was not used up by the refusal


def test_open_without_internal_token_is_forbidden_and_opens_nothing(api):  # noqa: F811
    subject = str(uuid.uuid4())
    body = dict(BASE, subject={"service": "identity", "id": subject})
    for headers in [{}, {"X-Internal-Token": "not-the-token"}]:
        r = requests.post(api.approval + "/api/approval/v1/internal/requests", json=body, headers=headers, timeout=10)
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == "forbidden"
    assert api.by_subject(subject).status_code == 404


@pytest.fixture(scope="module")
def expiring_identity(suite):
    """A second identity instance (same database and signing key) whose access tokens are
    issued already past their lifetime and the services' 30 s leeway (ACCESS_TOKEN_TTL=-31): a
    real token, expired, without waiting and without signing anything here."""
    suite.start("identity", instance=1, env={"ACCESS_TOKEN_TTL": "-31"})
    yield suite.url("identity", 1)
    suite.kill("identity#1")


def test_expired_token_refused_at_approval_and_documents(suite, api, expiring_identity):  # noqa: F811
    actors = actors_for(suite)
    national = actors.national()
    session = full_login(expiring_identity, national.username, national.password, national.phone)
    expired = {"Authorization": "Bearer " + session["accessToken"]}
    rid = api.open_id("provincial_centre_registration", scope_path="86/310000")
    # approval, directly and through the gateway
    for base in [api.approval, api.gw]:
        r = requests.get(base + "/api/approval/v1/inbox", headers=expired, timeout=10)
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired", r.text
        r = requests.post(f"{base}/api/approval/v1/requests/{rid}/decisions", json={"decision": "approve"},
                          headers=expired, timeout=10)
        assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired", r.text
    assert api.status(rid, national)["status"] == "pending" and api.status(rid, national)["acted"] is False
    # documents: an upload with it stores nothing
    before = stored_files(suite)
    r = requests.post(f"{api.gw}{DOCS}/documents", params={"kind": "annual_survey_scan", "object": f"report:{uuid.uuid4()}"},
                      files={"file": ("a.pdf", pdf("expired"), "application/pdf")}, headers=expired, timeout=10)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_expired", r.text
    assert stored_files(suite) == before
    # the same account's token from the ordinary instance is accepted
    assert until(lambda: api.detail(national, rid).status_code == 200, what="a valid token accepted")
