"""Helpers of the approval tests (no tests here): the approval API (public through the gateway,
internal on the service), organisations created through identity's internal API, and the
people from actors.py. Every approver is a real account that identity registered (or an
operator opened, for centres), approved through approval and signed in with the SMS step; no
token is signed here.
"""
import os
import random
import time
import uuid

import pytest
import requests

from actors import actors_for

# Provinces of identity's region table. The delivery test registers a provincial centre in
# Xinjiang (65), so the all-of tests never use it; Zhejiang (33) is left to the demo seed, the
# portal and identity's tests (every centre of a province approves its institutions).
PROVINCES = [p + "0000" for p in ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "34", "35", "36", "37", "41",
                                   "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"]]
DELIVERY_PROVINCE = "650000"

# Randomly chosen provinces come from a seeded generator; the seed is printed so that a failure
# can be replayed (APPROVAL_SEED=<seed>).
SEED = int(os.environ.get("APPROVAL_SEED") or random.SystemRandom().randrange(1 << 30))
RNG = random.Random(SEED)
print(f"\ntest_approval_support: APPROVAL_SEED={SEED} (set it to replay the same provinces)")


class Api:
    def __init__(self, suite):
        self.suite = suite
        self.gw = suite.url("gateway")
        self.approval = suite.url("approval")
        self.internal = {"X-Internal-Token": suite.internal_token}
        self.http = requests.Session()
        self.actors = actors_for(suite)

    @property
    def identity(self):
        return self.suite.url("identity")

    # --- internal API -------------------------------------------------------------------
    def open(self, chain, type="registration", scope_path="86/330000", specialty=None, subject_id=None,
             key=None, expect=201, **extra):
        body = {
            "type": type, "chain": chain,
            "subject": {"service": extra.pop("service", "identity"), "id": subject_id or str(uuid.uuid4())},
            "title": extra.pop("title", f"测试申请 {chain} {uuid.uuid4().hex[:6]}"),
            "applicant": extra.pop("applicant", {"name": "张三", "phoneMasked": "139****0001", "orgName": "测试医院"}),
            "scopePath": scope_path, "specialty": specialty,
            "attachments": extra.pop("attachments", [str(uuid.uuid4())]),
            "details": extra.pop("details", {"说明": "端到端测试"}),
        }
        body.update(extra)
        headers = dict(self.internal)
        if key:
            headers["Idempotency-Key"] = key
        r = self.http.post(self.approval + "/api/approval/v1/internal/requests", json=body, headers=headers, timeout=10)
        if expect is not None:
            assert r.status_code == expect, r.text
        return r

    def open_id(self, chain, **kw):
        return self.open(chain, **kw).json()["id"]

    def by_subject(self, subject_id, service="identity"):
        return self.http.get(self.approval + "/api/approval/v1/internal/requests/by-subject",
                             params={"service": service, "id": subject_id}, headers=self.internal, timeout=10)

    def withdraw_internal(self, rid):
        return self.http.post(f"{self.approval}/api/approval/v1/internal/requests/{rid}/withdraw", json={},
                              headers=self.internal, timeout=10)

    def delivery(self, rid):
        return self.http.get(f"{self.approval}/api/approval/v1/internal/requests/{rid}/delivery",
                             headers=self.internal, timeout=10)

    def can_view(self, approver, subject_id, service="identity"):
        r = self.http.post(self.approval + "/api/approval/v1/internal/can-view", headers=self.internal, timeout=10,
                           json={"subjectService": service, "subjectId": subject_id,
                                 "claims": {"sub": approver.id, "name": approver.name, "roles": approver.grants,
                                            "iat": 0, "exp": 0, "typ": "access"}})  # what documents sends: the caller's verified claims
        assert r.status_code == 200, r.text
        return r.json()["allowed"]

    # --- public API through the gateway ------------------------------------------------
    def decide(self, who, rid, decision="approve", opinion=None):
        body = {"decision": decision}
        if opinion is not None:
            body["opinion"] = opinion
        return self.http.post(f"{self.gw}/api/approval/v1/requests/{rid}/decisions", json=body,
                              headers=who.headers, timeout=10)

    def approve(self, who, rid, opinion=None):
        r = self.decide(who, rid, "approve", opinion)
        assert r.status_code == 200, r.text
        return r.json()

    def detail(self, who, rid):
        return self.http.get(f"{self.gw}/api/approval/v1/requests/{rid}", headers=who.headers, timeout=10)

    def history(self, who, rid):
        return self.http.get(f"{self.gw}/api/approval/v1/requests/{rid}/history", headers=who.headers, timeout=10)

    def inbox(self, who, **params):
        r = self.http.get(f"{self.gw}/api/approval/v1/inbox", params=params, headers=who.headers, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()

    def inbox_ids(self, who, **params):
        """Every id in the caller's inbox, following the cursor."""
        ids, cursor = [], None
        while True:
            p = dict(params, limit=100)
            if cursor:
                p["cursor"] = cursor
            page = self.inbox(who, **p)
            ids += [i["id"] for i in page["items"]]
            cursor = page.get("nextCursor")
            if not cursor:
                return ids

    def count(self, who, **params):
        r = self.http.get(f"{self.gw}/api/approval/v1/inbox/count", params=params, headers=who.headers, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["count"]

    def status(self, rid, who):
        r = self.detail(who, rid)
        assert r.status_code == 200, r.text
        return r.json()

    # --- identity's organisation directory ---------------------------------------------
    def create_centre(self, province, specialties, name=None):
        r = self.http.post(self.identity + "/api/identity/v1/internal/organisations", headers=self.internal, timeout=10,
                           json={"kind": "provincial_centre", "name": name or f"测试省级质控中心{uuid.uuid4().hex[:8]}",
                                 "regionCode": province, "specialties": specialties})
        assert r.status_code == 201, f"identity's POST internal/organisations: {r.status_code} {r.text}"
        org = r.json()
        assert org["scopePath"] == f"86/{province}", org
        return org

    def centres(self, province, specialty=None):
        params = {"kind": "provincial_centre", "under": f"86/{province}"}
        if specialty:
            params["specialty"] = specialty
        r = self.http.get(self.identity + "/api/identity/v1/internal/organisations", params=params,
                          headers=self.internal, timeout=10)
        assert r.status_code == 200, r.text
        return r.json()["items"]


def wait_for(predicate, timeout=15, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def random_province(exclude=()):
    """A province of PROVINCES from the seeded generator (see SEED)."""
    return RNG.choice([p for p in PROVINCES if p not in exclude])


def unique_institution(province=None):
    """A scope path of an institution nobody else uses: 86/<province>/<its first city>/<uuid>."""
    p = province or random_province()
    inst = str(uuid.uuid4())
    return inst, f"86/{p}/{p[:2]}0100/{inst}"


_APIS = {}


@pytest.fixture(scope="session")
def api(suite):
    # one per suite, shared by the test modules that import this fixture (and so are the
    # actors: each account is registered and approved once per session)
    if id(suite) not in _APIS:
        _APIS[id(suite)] = Api(suite)
    return _APIS[id(suite)]
