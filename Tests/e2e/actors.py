"""The people of the approval and documents tests, made through the real flows (no test signs a
token): identity's wizard (captcha, SMS code from the dev inbox, application, a real uploaded
scan, submit), approval's chains decided by real approver accounts over the gateway, identity
applying the outcome through approval's outbox, the credentials SMS, the password-then-SMS
login and the first password change.

Factories are cached per suite session (one provincial centre per province and specialty, one
institution per city …), so a test asks for what it needs and the second test asking pays
nothing. Accounts not made by a registration: the national centre's (nobody above it approves
it, so it is created the way an operator opens centre accounts, identity's internal
`POST /internal/users` on the seeded national organisation), accounts of centres other tests put
in the directory (the same way), and the platform operator (the installation's first operator); all of
them sign in like anyone.

Provinces and cities: institution registrations need a city of identity's region table. The
city is drawn at random from those provinces; the seed is printed (and taken from ACTORS_SEED
when set) so that a failure can be replayed.
"""
import base64
import json
import os
import random
import re
import threading
import time
import uuid

import requests

from conftest import unique_phone
import helpers
from helpers import V1, auth, credentials, login, messages

NATIONAL_ORG = "00000000-0000-7000-8000-000000000002"
# one city per province (GB/T 2260 six-digit codes, identity's 007_regions_gbt2260.sql).
# Zhejiang (33) is left to the demo seed, the portal and identity's tests, whose institution
# registrations every provincial centre of the province must approve.
CITIES = {"110000": "110100", "310000": "310100", "320000": "320100", "370000": "370200", "420000": "420100", "440000": "440300",
          "510000": "510100"}

SEED = int(os.environ.get("ACTORS_SEED") or random.SystemRandom().randrange(1 << 30))
RNG = random.Random(SEED)
print(f"\nactors: ACTORS_SEED={SEED} (set it to replay the same provinces)")

_lock = threading.RLock()


def until(fn, timeout=30, interval=0.1, what="condition"):
    """Polls `fn` until it answers something true; fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


def claims_of(token):
    """The claims of a token identity issued (read, never signed here)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def sample_pdf(text):
    return helpers.pdf_document(text, header=b"%PDF-1.4\n")


def full_login(base, username, password, phone):
    """Password, then the SMS code sent for this login (the dev inbox's newest code that was
    not there before): the session tokens."""
    known = {m["id"] for m in messages(base, phone)}
    challenge = login(base, username, password).json()["challengeId"]

    def new_code():
        for m in messages(base, phone):
            match = re.search(r"验证码是(\d{6})", m["body"])
            if match and m["id"] not in known:
                return match.group(1)
        return None
    code = until(new_code, timeout=15, what=f"the login code for {phone}")
    r = requests.post(base + V1 + "/sessions/verify", json={"challengeId": challenge, "code": code}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


class Actor:
    """A signed-in account: its tokens as identity issued them, and what they say."""

    def __init__(self, username, password, phone, tokens, label=""):
        self.username, self.password, self.phone, self.label = username, password, phone, label
        self.access, self.refresh = tokens["accessToken"], tokens["refreshToken"]
        c = claims_of(self.access)
        self.id = c["sub"]
        self.name = c.get("name")
        self.grants = c.get("roles", [])
        self.org_id = self.grants[0]["orgID"] if self.grants else None
        self.scope_path = self.grants[0]["scopePath"] if self.grants else None
        self.headers = auth(self.access)
        self.token = self.access

    def __repr__(self):
        return f"<Actor {self.label} {self.username}>"


class Applicant:
    """A registration application in the making and its applicant token."""

    def __init__(self, gw, phone, app_id, token):
        self.gw, self.phone, self.id, self.token = gw, phone, app_id, token
        self.headers = auth(token)
        self.object = f"registration:{app_id}"

    def upload_scan(self, text=None):
        return self.upload("signed_application_form", sample_pdf(text or f"scan {self.id}"), "账号申请表.pdf")

    def upload(self, kind, data=None, name=None, ctype="application/pdf"):
        """A material of `kind` on this application (a small PDF unless `data`): its document id."""
        r = requests.post(self.gw + "/api/documents/v1/documents", params={"kind": kind, "object": self.object},
                          files={"file": (name or f"{kind}.pdf", data or helpers.pdf_document(kind), ctype)},
                          headers=self.headers, timeout=60)
        assert r.status_code == 201, r.text
        return r.json()["id"]

    def fill(self, body):
        r = requests.put(f"{self.gw}{V1}/applications/{self.id}", json=body, headers=self.headers, timeout=10)
        assert r.status_code == 200, r.text

    def submit(self):
        r = requests.post(f"{self.gw}{V1}/applications/{self.id}/submit", headers=self.headers, timeout=10)
        assert r.status_code == 200, r.text


class Actors:
    def __init__(self, suite):
        self.suite = suite
        self.gw = suite.url("gateway")
        self.internal = {"X-Internal-Token": suite.internal_token}
        self._cache = {}
        self._centre_accounts = {}   # provincial-centre organisation id → an Actor of it

    # --- plumbing ---------------------------------------------------------------------------
    def _cached(self, key, make):
        with _lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def applicant(self):
        """A fresh application opened with the SMS code (the applicant token from
        applications/verify)."""
        phone = unique_phone()
        return Applicant(self.gw, phone, *helpers.open_application(self.gw, phone))

    def request_of(self, application_id):
        """The approval request identity opened for a submitted application (its outbox)."""
        def find():
            r = requests.get(self.suite.url("approval") + "/api/approval/v1/internal/requests/by-subject",
                             params={"service": "identity", "id": application_id}, headers=self.internal, timeout=10)
            return r.json() if r.status_code == 200 and r.json()["status"] == "pending" else None
        return until(find, what=f"approval request of application {application_id}")

    def decide(self, who, rid, decision="approve", opinion=None):
        body = {"decision": decision}
        if opinion is not None:
            body["opinion"] = opinion
        return requests.post(f"{self.gw}/api/approval/v1/requests/{rid}/decisions", json=body, headers=who.headers,
                             timeout=10)

    def _approve(self, who, rid):
        r = self.decide(who, rid)
        assert r.status_code == 200, f"{who}: {r.text}"
        return r.json()

    def _account(self, phone, label):
        """The approved applicant's first login (password, SMS code) and password change."""
        username, initial = credentials(self.gw, phone)
        session = full_login(self.gw, username, initial, phone)
        password = "Kp9#" + uuid.uuid4().hex[:8] + "xZ"
        r = requests.post(self.gw + V1 + "/me/password", json={"oldPassword": initial, "newPassword": password},
                          headers=auth(session["accessToken"]), timeout=20)
        assert r.status_code == 200, r.text
        return Actor(username, password, phone, r.json(), label)

    def login_again(self, actor):
        """A new session of an existing account (fresh tokens, e.g. after its grants changed)."""
        return Actor(actor.username, actor.password, actor.phone,
                     full_login(self.gw, actor.username, actor.password, actor.phone), actor.label)

    def _operator_made(self, org_id, role, label, specialty=None):
        """An account an operator creates on an existing organisation (identity's internal
        users endpoint), then its own login."""
        phone = unique_phone()
        password = "Np7$" + uuid.uuid4().hex[:8] + "qW"
        body = {"orgId": org_id, "role": role, "displayName": label[:20], "phone": phone, "password": password,
                "username": "t" + uuid.uuid4().hex[:10]}
        if specialty:
            body["specialty"] = specialty
        r = requests.post(self.suite.url("identity") + V1 + "/internal/users", json=body, headers=self.internal,
                          timeout=10)
        assert r.status_code == 201, r.text
        return Actor(body["username"], password, phone, full_login(self.gw, body["username"], password, phone), label)

    # --- the people -------------------------------------------------------------------------
    def national(self):
        """The national centre's approver (see the module note)."""
        return self._cached("national", lambda: self._operator_made(NATIONAL_ORG, "national_centre", "国家质控中心审批人"))

    def operator(self):
        """The platform operator: the installation's first operator, which identity creates at
        start-up from PLATFORM_OPERATOR_PHONE (conftest) and whose initial password arrives by
        SMS; it signs in like anyone (helpers.OPERATOR_PHONE / OPERATOR_PASSWORD)."""
        def make():
            # one real sign-in for the whole run (helpers.operator_actor caches it): each costs
            # an SMS code, and the phone gets 5 per 10 minutes
            op = helpers.operator_actor(self.gw, self.suite)
            return Actor(op["username"], helpers.OPERATOR_PASSWORD, helpers.OPERATOR_PHONE, op["session"], "平台运营")
        return self._cached("operator", make)

    def city_of(self, province):
        return CITIES[province]

    def random_city_province(self, exclude=()):
        return RNG.choice(sorted(p for p in CITIES if p not in exclude))

    def provincial_centre(self, province, specialty):
        """A provincial centre of `province` responsible for `specialty`: registered, approved by
        the national centre, signed in."""
        def make():
            a = self.applicant()
            doc = a.upload_scan()
            a.fill({"role": "provincial_centre", "regionCode": province, "specialties": [specialty],
                    "organisation": {"name": f"测试{province}省{specialty}质控中心{a.phone[-6:]}"},
                    "person": {"name": "王质控"}, "documentIds": [doc]})
            a.submit()
            rid = self.request_of(a.id)["id"]
            assert self._approve(self.national(), rid)["status"] == "approved"
            actor = self._account(a.phone, f"省级质控中心 {province} {specialty}")
            with _lock:
                self._centre_accounts.setdefault(actor.org_id, actor)
            return actor
        return self._cached(("centre", province, specialty), make)

    def centre_account(self, org_id, specialty=None):
        """An account of an existing provincial centre organisation (ours, or one another test
        put in the directory: then an operator-made account of it). With `specialty`: a new
        operator-made account whose grant is limited to that specialty (not cached)."""
        if specialty:
            return self._operator_made(org_id, "provincial_centre", f"专科质控 {specialty}"[:20], specialty)
        with _lock:
            if org_id not in self._centre_accounts:
                self._centre_accounts[org_id] = self._operator_made(org_id, "provincial_centre", "省级质控中心审批人")
            return self._centre_accounts[org_id]

    def approve_all_of(self, rid, application_id):
        """An all-of stage: every listed organisation approves, each with an account of it."""
        def listed():
            s = requests.get(self.suite.url("approval") + "/api/approval/v1/internal/requests/by-subject",
                             params={"service": "identity", "id": application_id}, headers=self.internal, timeout=10)
            st = s.json()["stages"][s.json()["currentStage"] - 1]
            return st if st["status"] == "pending" else None
        stage = until(listed, what="the all-of stage's organisations")
        result = None
        for org in stage["pendingOrgs"]:
            result = self._approve(self.centre_account(org["id"]), rid)
        return result

    def city_commission(self, province):
        """The health commission of the province's city: registered, approved by the platform
        operator (its chain), signed in."""
        def make():
            a = self.applicant()
            doc = a.upload_scan()
            a.fill({"role": "city_commission", "regionCode": self.city_of(province), "specialties": [],
                    "organisation": {"name": f"测试{self.city_of(province)}市卫健委{a.phone[-6:]}"},
                    "person": {"name": "钱主任"}, "documentIds": [doc]})
            a.submit()
            rid = self.request_of(a.id)["id"]
            assert self._approve(self.operator(), rid)["status"] == "approved"
            return self._account(a.phone, f"市卫健委 {province}")
        return self._cached(("city", province), make)

    def institution(self, province, specialty="coronary_intervention", tag=""):
        """The administrator of a new institution in `province`'s city, approved by every
        provincial centre of the province (there is at least the one of `specialty`); another
        `tag` gives another institution of the same province."""
        def make():
            self.provincial_centre(province, specialty)
            a = self.applicant()
            doc = a.upload_scan()
            a.fill({"role": "institution_admin", "regionCode": self.city_of(province), "specialties": [specialty],
                    "organisation": {"name": f"测试医院{a.phone[-6:]}", "licenceNo": "PDY" + a.phone + "33010211",
                                     "level": "三级甲等", "category": "综合医院", "address": "人民路1号",
                                     "headName": "王院长"},
                    "person": {"name": "赵管理", "email": f"admin{a.phone}@example.com"}, "documentIds": [doc]})
            a.submit()
            rid = self.request_of(a.id)["id"]
            assert self.approve_all_of(rid, a.id)["status"] == "approved"
            return self._account(a.phone, f"医疗机构管理员 {province}")
        return self._cached(("institution", province, tag), make)

    def member_application(self, role, admin, specialty):
        """An application of `role` (specialty_admin or data_entry) at `admin`'s institution,
        submitted: the Applicant and the approval request identity opened."""
        a = self.applicant()
        doc = a.upload_scan()
        city = admin.scope_path.split("/")[2]
        a.fill({"role": role, "regionCode": city, "orgId": admin.org_id, "specialties": [specialty],
                "person": {"name": "李医生", "email": f"m{a.phone}@example.com"}, "documentIds": [doc]})
        a.submit()
        return a, self.request_of(a.id)

    def specialty_admin(self, province, specialty):
        """A specialty administrator of `specialty` at the province's institution: the
        institution's admin, then the provincial centre of that specialty approve."""
        def make():
            admin = self.institution(province)
            centre = self.provincial_centre(province, specialty)
            a, req = self.member_application("specialty_admin", admin, specialty)
            assert self._approve(admin, req["id"])["status"] == "pending"
            assert self._approve(centre, req["id"])["status"] == "approved"
            return self._account(a.phone, f"亚专业管理员 {province} {specialty}")
        return self._cached(("specialty_admin", province, specialty), make)

    def data_entry(self, province, specialty):
        """A data-entry account of `specialty`, approved by the specialty's administrator."""
        def make():
            admin = self.institution(province)
            sadmin = self.specialty_admin(province, specialty)
            a, req = self.member_application("data_entry", admin, specialty)
            assert self._approve(sadmin, req["id"])["status"] == "approved"
            return self._account(a.phone, f"录入员 {province} {specialty}")
        return self._cached(("data_entry", province, specialty), make)

    # --- stroke registry (docs/registration.md, 脑卒中登记个人用户) -------------------------
    def stroke_unit(self, province, tag=""):
        """The administrator of a new institution registered for the stroke program in
        `province`'s city, approved by every provincial centre of the province."""
        def make():
            self.provincial_centre(province, "coronary_intervention")
            a = self.applicant()
            doc = a.upload_scan()
            a.fill({"role": "institution_admin", "program": "stroke", "regionCode": self.city_of(province), "specialties": [],
                    "organisation": {"name": f"卒中单位医院{a.phone[-6:]}", "licenceNo": "PDY" + a.phone + "33010211",
                                     "level": "三级甲等", "category": "综合医院", "address": "人民路2号", "headName": "孙院长"},
                    "person": {"name": "周管理", "email": f"stroke{a.phone}@example.com"}, "documentIds": [doc]})
            a.submit()
            rid = self.request_of(a.id)["id"]
            assert self.approve_all_of(rid, a.id)["status"] == "approved"
            return self._account(a.phone, f"脑卒中登记单位管理员 {province} {tag}")
        return self._cached(("stroke_unit", province, tag), make)

    def stroke_register(self, org_id, name="吴医生", phone=None, username=None, password=None, expect=201):
        """用户注册 of a stroke registry individual user through the public API (captcha, SMS code
        from the dev inbox): (response, phone, username, password)."""
        phone = phone or unique_phone()
        username = username or "s" + uuid.uuid4().hex[:11]
        password = password or "Sr8#" + uuid.uuid4().hex[:8] + "kQ"
        cid, answer = helpers.captcha(self.gw)
        r = requests.post(self.gw + V1 + "/stroke-users/sms-code",
                          json={"phone": phone, "captchaId": cid, "captchaAnswer": answer}, timeout=10)
        assert r.status_code == 201, r.text
        code, _ = helpers.latest_code(self.gw, phone)
        r = requests.post(self.gw + V1 + "/stroke-users", json={
            "phone": phone, "code": code, "name": name, "idNumber": helpers.resident_id(), "orgId": org_id,
            "username": username, "password": password}, timeout=20)
        assert expect is None or r.status_code == expect, r.text
        return r, phone, username, password

    def stroke_user(self, org_id, label="脑卒中登记个人用户"):
        """A registered individual user of the unit, signed in (password, then SMS code)."""
        _, phone, username, password = self.stroke_register(org_id)
        return Actor(username, password, phone, full_login(self.gw, username, password, phone), label)


_ACTORS = {}


def actors_for(suite):
    with _lock:
        if id(suite) not in _ACTORS:
            _ACTORS[id(suite)] = Actors(suite)
        return _ACTORS[id(suite)]
