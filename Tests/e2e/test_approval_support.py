"""Helpers of the approval tests (no tests here): access tokens signed with identity's key,
approvers, the approval API (public through the gateway, internal on the service), and
organisations created through identity's internal API.

Tokens are minted here, not obtained by logging in: the tests of the approval engine do not
depend on identity's registration and login flows. The suite's identity process owns the
signing key (TOKEN_KEY_FILE = <run dir>/token-signing.key, a base64url 32-byte Ed25519 seed);
tokens carry the claims of Models.AccessClaims and kid = base64url(SHA-256(public key)[:8]).
"""
import base64
import hashlib
import json
import os
import random
import time
import uuid

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# Provinces of identity's region table. The delivery test registers a provincial centre in
# Xinjiang (65), so the all-of tests never use it.
PROVINCES = ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
             "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64"]
DELIVERY_PROVINCE = "65"


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Tokens:
    """Signs access tokens with the suite's identity key."""

    def __init__(self, suite):
        path = os.path.join(suite.run_dir, "token-signing.key")
        deadline = time.time() + 30
        while not os.path.exists(path) and time.time() < deadline:
            time.sleep(0.1)
        with open(path) as f:
            seed = b64u_decode(f.read().strip())
        self.key = Ed25519PrivateKey.from_private_bytes(seed)
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.kid = b64u(hashlib.sha256(raw).digest()[:8])

    def mint(self, sub, name, roles, ttl=900):
        now = int(time.time())
        header = {"alg": "EdDSA", "typ": "JWT", "kid": self.kid}
        claims = {"sub": sub, "name": name, "roles": roles, "iat": now, "exp": now + ttl, "typ": "access"}
        signing_input = b64u(json.dumps(header, separators=(",", ":")).encode()) + "." + \
            b64u(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode())
        return signing_input + "." + b64u(self.key.sign(signing_input.encode()))


class Approver:
    """A user holding role assignments; `headers` carry his bearer token."""

    def __init__(self, api, grants, name="审批人"):
        self.id = str(uuid.uuid4())
        self.name = name
        self.grants = grants
        self.org_id = grants[0]["orgID"] if grants else None
        self.token = api.tokens.mint(self.id, name, grants)
        self.headers = {"Authorization": "Bearer " + self.token}


def grant(role, org_id=None, scope_path="86", specialty=None):
    g = {"role": role, "orgID": org_id or str(uuid.uuid4()), "scopePath": scope_path}
    if specialty:
        g["specialty"] = specialty
    return g


class Api:
    def __init__(self, suite):
        self.suite = suite
        self.gw = suite.url("gateway")
        self.approval = suite.url("approval")
        self.internal = {"X-Internal-Token": suite.internal_token}
        self.tokens = Tokens(suite)
        self.http = requests.Session()

    @property
    def identity(self):
        return self.suite.url("identity")

    # --- people -------------------------------------------------------------------------
    def approver(self, role, org_id=None, scope_path="86", specialty=None, name=None):
        return Approver(self, [grant(role, org_id, scope_path, specialty)], name or f"{role}审批人")

    def nobody(self):
        return Approver(self, [], "无角色用户")

    # --- internal API -------------------------------------------------------------------
    def open(self, chain, type="registration", scope_path="86/33", specialty=None, subject_id=None,
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
                                            "iat": 0, "exp": 0, "typ": "access"}})
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
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def random_province():
    return random.choice(PROVINCES)


def unique_institution(province=None):
    """A scope path of an institution nobody else uses: 86/<prov>/<prov>01/<uuid>."""
    p = province or random_province()
    inst = str(uuid.uuid4())
    return inst, f"86/{p}/{p}01/{inst}"


_APIS = {}


@pytest.fixture(scope="session")
def api(suite):
    # one per suite, shared by the test modules that import this fixture (the key file is
    # read once: test-artifacts may be cleaned by another run while this one goes on)
    if id(suite) not in _APIS:
        _APIS[id(suite)] = Api(suite)
    return _APIS[id(suite)]
