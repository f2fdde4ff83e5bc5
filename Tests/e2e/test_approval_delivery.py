"""Reliable effects: the final outcome goes to the subject's service through the outbox written
in the decision's transaction. Killing the receiver (kill -9) loses nothing: the row waits,
delivery resumes when it is back, and the effect is applied exactly once.

The subject is a real registration application (identity's approval_outcomes rows reference
applications), made with identity's wizard over HTTP in dev mode (captcha and SMS code read
from identity's dev endpoints)."""
import random
import uuid

import requests

from conftest import unique_phone
from helpers import latest_code
from test_approval_support import DELIVERY_PROVINCE, api, random_province, wait_for  # noqa: F401


def register_provincial_centre(api, phone):
    """Identity's wizard: captcha → SMS code → application → details → submit. Answers the
    application id and the applicant token."""
    ident = api.identity + "/api/identity/v1"
    s = requests.Session()
    # a client address of its own, as the gateway forwards it (identity limits codes per address)
    s.headers["X-Forwarded-For"] = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    cap = s.get(ident + "/captcha", timeout=10)
    assert cap.status_code == 200, cap.text
    cap = cap.json()
    answer = s.get(f"{ident}/dev/captchas/{cap['id']}", timeout=10).json()["answer"]
    r = s.post(ident + "/sms-codes", json={"phone": phone, "purpose": "register", "captchaId": cap["id"],
                                           "captchaAnswer": answer}, timeout=10)
    assert r.status_code == 201, r.text
    code, _ = latest_code(api.identity, phone)
    r = s.post(ident + "/applications/verify", json={"phone": phone, "code": code, "create": True}, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()["created"]
    headers = {"Authorization": "Bearer " + created["applicantToken"]}
    r = s.put(f"{ident}/applications/{created['id']}", headers=headers, timeout=10, json={
        "role": "provincial_centre", "regionCode": DELIVERY_PROVINCE, "specialties": ["coronary_intervention"],
        "organisation": {"name": f"新疆测试冠心病介入质控中心{uuid.uuid4().hex[:6]}"},
        "person": {"name": "王五"}, "documentIds": [str(uuid.uuid4())]})
    assert r.status_code == 200, r.text
    r = s.post(f"{ident}/applications/{created['id']}/submit", headers=headers, timeout=10)
    assert r.status_code == 200, r.text
    return created["id"], created["applicantToken"]


def outcome_status(api, rid):
    return requests.get(f"{api.identity}/api/identity/v1/internal/approval-outcomes/{rid}",
                        headers=api.internal, timeout=5)


def test_outcome_survives_receiver_kill_and_applies_once(api, suite):
    application, applicant_token = register_provincial_centre(api, unique_phone())
    # identity's outbox opens the request at approval (chain provincial_centre_registration)
    s = wait_for(lambda: (lambda r: r.json() if r.status_code == 200 else None)(api.by_subject(application)),
                 timeout=30, what="identity's request to arrive at approval")
    rid = s["id"]
    national = api.actors.national()
    assert rid in api.inbox_ids(national)
    # the applicant follows his request with the applicant token identity gave him
    mine = requests.get(f"{api.gw}/api/approval/v1/requests/{rid}", timeout=10,
                        headers={"Authorization": "Bearer " + applicant_token})
    assert mine.status_code == 200 and mine.json()["canDecide"] is False, mine.text
    assert mine.json()["stages"][0]["approvers"] == "国家质控中心"

    # an all-of stage opened while identity is down waits for its approvers, then gets them
    province = random_province()
    centre = api.create_centre(province, ["hypertension"])
    centre_approver = api.actors.centre_account(centre["id"])  # signed in before identity goes down
    all_of_subject = str(uuid.uuid4())

    suite.kill("identity")  # SIGKILL
    try:
        all_of = api.open_id("institution_admin_registration", scope_path=f"86/{province}/{province[:2]}0100/pending",
                             subject_id=all_of_subject)
        assert api.by_subject(all_of_subject).json()["stages"][0]["status"] == "resolving"
        r = api.decide(centre_approver, all_of)
        assert r.status_code == 409 and r.json()["error"]["code"] == "approvers_pending", r.text

        r = requests.post(f"{api.approval}/api/approval/v1/requests/{rid}/decisions",
                          json={"decision": "approve", "opinion": "同意"}, headers=national.headers, timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "approved"
        # the outcome waits in the outbox: attempted, refused by the dead receiver, not lost
        d = wait_for(lambda: (lambda v: v if v.get("lastError") else None)(api.delivery(rid).json()),
                     what="a failed first delivery attempt")
        assert d["status"] == "pending" and d["attempts"] >= 1 and d.get("deliveredAt") is None
        assert d["target"] == "identity" and d["path"] == "/api/identity/v1/internal/approval-outcomes"
        print("while identity is down:", d)
    finally:
        suite.start("identity")

    d = wait_for(lambda: (lambda v: v if v["status"] == "delivered" else None)(api.delivery(rid).json()),
                 timeout=60, what="delivery after identity restarted")
    stage = wait_for(lambda: (lambda st: st if st["status"] == "pending" else None)(
        api.by_subject(all_of_subject).json()["stages"][0]), timeout=60, what="approvers listed after restart")
    assert centre["id"] in [o["id"] for o in stage["pendingOrgs"]]
    assert d["deliveredAt"]
    r = outcome_status(api, rid)
    assert r.status_code == 200, f"identity's GET internal/approval-outcomes/:requestId: {r.status_code} {r.text}"
    assert r.json()["appliedCount"] == 1 and r.json()["outcome"] == "approved"
    # a late duplicate of the same delivery (same idempotency key) changes nothing
    body = {"requestId": rid, "type": "registration", "chain": "provincial_centre_registration",
            "subjectId": application, "outcome": "approved", "opinion": "同意", "decidedBy": national.id,
            "decidedAt": d["deliveredAt"]}
    dup = requests.post(f"{api.identity}/api/identity/v1/internal/approval-outcomes", json=body,
                        headers={**api.internal, "Idempotency-Key": f"outcome:{rid}"}, timeout=10)
    assert dup.status_code == 200, dup.text  # accepted as already done, not applied again
    assert outcome_status(api, rid).json()["appliedCount"] == 1
    assert api.delivery(rid).json()["attempts"] >= 2
