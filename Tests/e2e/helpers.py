"""Small clients for the suite's flows, shared by the end-to-end tests."""
import re
import time

import requests

V1 = "/api/identity/v1"


def captcha(base):
    """A fresh captcha and its answer (from the dev-mode endpoint, as a newcomer would read it)."""
    c = requests.get(base + V1 + "/captcha", timeout=10).json()
    assert c["image"].startswith("data:image/png;base64,")
    answer = requests.get(base + V1 + f"/dev/captchas/{c['id']}", timeout=10).json()["answer"]
    return c["id"], answer


def messages(base, recipient):
    return requests.get(base + V1 + "/dev/messages", params={"recipient": recipient, "limit": 50}, timeout=10).json()["items"]


def latest_code(base, phone, after=None):
    """The newest 6-digit code sent to `phone` (dev inbox), waiting briefly for it."""
    deadline = time.time() + 10
    while time.time() < deadline:
        for m in messages(base, phone):
            match = re.search(r"验证码是(\d{6})", m["body"])
            if match and (after is None or m["id"] != after):
                return match.group(1), m["id"]
        time.sleep(0.1)
    raise AssertionError(f"no code for {phone}")


def random_ip():
    import random
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


# Set by conftest: identity's own URL.
IDENTITY_DIRECT = None


def send_code(base, phone, purpose, client_ip=None, via_gateway=False):
    """Asks for an SMS code. Every test runs from 127.0.0.1, so to keep the per-IP throttle
    about one simulated user the request goes to identity directly with a client address in
    X-Forwarded-For, as the gateway sends it (the gateway itself overwrites a client's own)."""
    cid, answer = captcha(base)
    headers = {}
    target = base
    if not via_gateway and IDENTITY_DIRECT:
        target = IDENTITY_DIRECT
        headers["X-Forwarded-For"] = client_ip or random_ip()
    return requests.post(target + V1 + "/sms-codes", json={"phone": phone, "purpose": purpose, "captchaId": cid,
                                                          "captchaAnswer": answer}, headers=headers, timeout=10)


def credentials(base, phone):
    """Username and initial password from the approval SMS."""
    deadline = time.time() + 15
    while time.time() < deadline:
        for m in messages(base, phone):
            match = re.search(r"用户名：(\w+)，(?:初始|新)密码：(\S+?)，", m["body"])
            if match:
                return match.group(1), match.group(2)
        time.sleep(0.2)
    raise AssertionError(f"no credentials for {phone}")


def login(base, login_name, password, expect=202):
    cid, answer = captcha(base)
    r = requests.post(base + V1 + "/sessions", json={"login": login_name, "password": password, "captchaId": cid,
                                                    "captchaAnswer": answer}, timeout=20)
    assert expect is None or r.status_code == expect, r.text
    return r


def full_login(base, login_name, password, phone):
    """Password, then the SMS code: the session tokens."""
    # The newest code already in the inbox (none for a fresh phone: no waiting for one).
    before = next((m["id"] for m in messages(base, phone) if re.search(r"验证码是(\d{6})", m["body"])), None)
    r = login(base, login_name, password)
    challenge = r.json()["challengeId"]
    code, _ = latest_code(base, phone, after=before)
    r = requests.post(base + V1 + "/sessions/verify", json={"challengeId": challenge, "code": code}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def auth(token):
    return {"Authorization": f"Bearer {token}"}


# --- real approvals -----------------------------------------------------------------------------
# Approvers are real accounts signing in through identity's real flow (password, then the SMS
# code from the dev inbox): a QC centre's account is created by the operator
# (`internal/users`, the way operators open centre accounts), every hospital account through
# registration and approval. Their sessions are cached for the test session.

NATIONAL_CENTRE_ORG = "00000000-0000-7000-8000-000000000002"
_ACTORS = {}


def internal_headers(suite):
    return {"X-Internal-Token": suite.internal_token}


def _fresh_phone():
    import uuid
    return f"139{uuid.uuid4().int % 10**8:08d}"


def org_kind(suite, org_id):
    """The kind of a centre (the organisation directory, identity's internal API)."""
    for kind in ("national_centre", "provincial_centre", "city_commission"):
        r = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite),
                         params={"kind": kind, "under": "86"}, timeout=10)
        assert r.status_code == 200, r.text
        if any(o["id"] == org_id for o in r.json()["items"]):
            return kind
    return None


def centre_actor(gw, suite, org_id, role=None):
    """A signed-in approver of a QC centre (cached): the operator opens the account, the
    account signs in with password and SMS code. Answers {"id","username","password","phone",
    "headers"}; the access token is renewed with the refresh token when it gets old."""
    import uuid
    role = role or org_kind(suite, org_id)
    assert role, f"no centre {org_id}"
    key = (suite.url("identity"), org_id, role)
    actor = _ACTORS.get(key)
    if actor is None:
        phone = _fresh_phone()
        password = "Ck7#" + uuid.uuid4().hex[:8]
        username = "c" + uuid.uuid4().hex[:11]
        r = requests.post(suite.url("identity") + V1 + "/internal/users", headers=internal_headers(suite), timeout=10,
                          json={"orgId": org_id, "role": role, "displayName": "审核员", "phone": phone, "password": password,
                                "username": username})
        assert r.status_code == 201, r.text
        s = full_login(gw, username, password, phone)
        actor = {"id": r.json()["id"], "username": username, "password": password, "phone": phone,
                 "access": s["accessToken"], "refresh": s["refreshToken"], "at": time.monotonic(), "roles": s["user"]["roles"]}
        _ACTORS[key] = actor
    elif time.monotonic() - actor["at"] > 600:
        r = requests.post(gw + V1 + "/sessions/refresh", json={"refreshToken": actor["refresh"]}, timeout=10)
        assert r.status_code == 200, r.text
        actor.update(access=r.json()["accessToken"], refresh=r.json()["refreshToken"], at=time.monotonic())
    actor["headers"] = auth(actor["access"])
    return actor


# The installation's first platform operator: identity creates it at start-up from
# PLATFORM_OPERATOR_PHONE (conftest sets it) and sends the initial password by SMS.
OPERATOR_PHONE = "13700000001"
OPERATOR_PASSWORD = "Op#e2e-2026x"


def operator_actor(gw, suite):
    """The platform operator, signed in through the real flow (cached). On a kept dev database
    the password was already changed by an earlier run: that password is tried first."""
    key = (suite.url("identity"), "platform_operator")
    actor = _ACTORS.get(key)
    if actor is None or time.monotonic() - actor["at"] > 600:
        username, initial = credentials(gw, OPERATOR_PHONE)
        r = login(gw, username, OPERATOR_PASSWORD, expect=None)
        if r.status_code == 202:
            session = full_login(gw, username, OPERATOR_PASSWORD, OPERATOR_PHONE)
        else:
            assert r.status_code == 401, r.text
            username, _, session = first_login(gw, OPERATOR_PHONE, OPERATOR_PASSWORD)
        actor = {"username": username, "access": session["accessToken"], "at": time.monotonic(),
                 "roles": session["user"]["roles"], "session": session}
        _ACTORS[key] = actor
    actor["headers"] = auth(actor["access"])
    return actor


def approval_request(suite, app_id):
    """Approval's view of the application's request (internal API), or None before it arrived."""
    r = requests.get(suite.url("approval") + "/api/approval/v1/internal/requests/by-subject",
                     params={"service": "identity", "id": app_id}, headers=internal_headers(suite), timeout=10)
    if r.status_code == 404:
        return None
    assert r.status_code == 200, r.text
    return r.json()


def wait_request(suite, app_id, min_id_not=None, timeout=30):
    """Waits until identity's outbox opened the request at approval (another one than `min_id_not`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        req = approval_request(suite, app_id)
        if req and req["id"] != min_id_not and req["status"] == "pending" and req["stages"] and \
                any(st["status"] == "pending" for st in req["stages"]):
            return req
        time.sleep(0.1)
    raise AssertionError(f"no pending approval request for {app_id}")


def decide_for_real(gw, suite, app_id, decision="approve", opinion="同意", timeout=60):
    """Every approver the request waits for decides through approval's public API (signed-in
    centre accounts), until the request is decided. Answers approval's final view."""
    deadline = time.monotonic() + timeout
    req, r = None, None
    while time.monotonic() < deadline:
        req = approval_request(suite, app_id)
        if req is None:
            time.sleep(0.1)
            continue
        if req["status"] != "pending":
            return req
        stage = next((st for st in req["stages"] if st["status"] == "pending"), None)
        if stage is None:
            time.sleep(0.1)
            continue
        orgs = stage.get("pendingOrgs") or []
        if orgs:
            actor = centre_actor(gw, suite, orgs[0]["id"])
        elif stage.get("rule") == "any" and stage.get("role") == "national_centre":
            actor = centre_actor(gw, suite, NATIONAL_CENTRE_ORG, "national_centre")  # any account of the role
        elif stage.get("role") == "platform_operator":
            actor = operator_actor(gw, suite)
        else:
            time.sleep(0.1)
            continue
        r = requests.post(gw + f"/api/approval/v1/requests/{req['id']}/decisions", json={"decision": decision, "opinion": opinion},
                          headers=actor["headers"], timeout=20)
        assert r.status_code in (200, 409), r.text
        if r.status_code == 409:
            time.sleep(0.1)
    raise AssertionError(f"approval of {app_id} not finished: {req} {r.text if r is not None else ''}")


def wait_application(gw, app_id, token, status, timeout=30):
    """Waits until identity applied the outcome (the applicant's own view of the application)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = requests.get(gw + V1 + f"/applications/{app_id}", headers=auth(token), timeout=10)
        assert r.status_code == 200, r.text
        if r.json()["status"] == status:
            return r.json()
        time.sleep(0.1)
    raise AssertionError(f"application {app_id} did not become {status}")


def open_application(gw, phone):
    """Steps 1–3 of the wizard (SMS code, applications/verify): (application id, applicant token)."""
    r = send_code(gw, phone, "register")
    assert r.status_code == 201, r.text
    code, _ = latest_code(gw, phone)
    r = requests.post(gw + V1 + "/applications/verify", json={"phone": phone, "code": code, "create": True}, timeout=10)
    assert r.status_code == 201, r.text
    created = r.json()["created"]
    return created["id"], created["applicantToken"]


def register_and_submit(gw, phone, body):
    """Steps 1–4 of the wizard with the given details: (application id, applicant token)."""
    import uuid
    app_id, tok = open_application(gw, phone)
    body = {"documentIds": [str(uuid.uuid4())], **body}
    r = requests.put(gw + V1 + f"/applications/{app_id}", json=body, headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    r = requests.post(gw + V1 + f"/applications/{app_id}/submit", headers=auth(tok), timeout=10)
    assert r.status_code == 200, r.text
    return app_id, tok


def first_login(gw, phone, password=None):
    """The approval SMS's credentials, password + SMS code, the forced password change: the
    new session tokens and the password."""
    username, initial = credentials(gw, phone)
    session = full_login(gw, username, initial, phone)
    password = password or "Kp9#" + phone[-6:] + "xZ"
    r = requests.post(gw + V1 + "/me/password", json={"oldPassword": initial, "newPassword": password},
                      headers=auth(session["accessToken"]), timeout=20)
    assert r.status_code == 200, r.text
    return username, password, r.json()


ALL_SPECIALTIES = ["coronary_intervention", "congenital_intervention", "arrhythmia_intervention", "cardiac_surgery",
                   "vascular_surgery", "surgical_intervention", "extracorporeal_circulation", "hypertension",
                   "coronary_heart_disease", "heart_failure", "atrial_fibrillation", "cardiovascular_imaging"]


def register_provincial_centre(gw, suite, province, specialties):
    """A provincial QC centre registered through the wizard and approved by the national
    centre through approval; its own account signs in (first login, password changed).
    Answers {"org", "username", "password", "phone", "access", "refresh", "user", "application"}."""
    import uuid
    phone = _fresh_phone()
    app_id, tok = register_and_submit(gw, phone, {
        "role": "provincial_centre", "regionCode": province, "specialties": list(specialties),
        "organisation": {"name": f"测试省质控中心{uuid.uuid4().hex[:8]}"}, "person": {"name": "钱主任"}})
    final = decide_for_real(gw, suite, app_id)
    assert final["status"] == "approved", final
    wait_application(gw, app_id, tok, "approved")
    username, password, tokens = first_login(gw, phone)
    return {"org": tokens["user"].get("orgID") or tokens["user"].get("orgId"), "username": username, "password": password, "phone": phone,
            "access": tokens["accessToken"], "refresh": tokens["refreshToken"], "user": tokens["user"], "application": app_id,
            "applicantToken": tok}


def ensure_provincial_centre(gw, suite, province):
    """A provincial centre exists in the province (registered for real when there is none), so
    an institution's registration has its approvers. The registered centre's own account is
    the cached approver of that centre."""
    r = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite),
                     params={"kind": "provincial_centre", "under": f"86/{province}"}, timeout=10)
    assert r.status_code == 200, r.text
    if r.json()["items"]:
        return
    c = register_provincial_centre(gw, suite, province, ALL_SPECIALTIES)
    _ACTORS[(suite.url("identity"), c["org"], "provincial_centre")] = {
        "id": c["user"]["id"], "username": c["username"], "password": c["password"], "phone": c["phone"],
        "access": c["access"], "refresh": c["refresh"], "at": time.monotonic(), "roles": c["user"]["roles"]}


def approved_account(gw, suite, role="institution_admin", region="330100", specialties=("coronary_intervention",)):
    """A hospital registered, approved through approval by the signed-in centres the request
    waits for, first login done and password changed: returns a dict with username, password,
    phone, access and refresh tokens."""
    ensure_provincial_centre(gw, suite, region[:2] + "0000")
    phone = _fresh_phone()
    body = {"role": role, "regionCode": region, "specialties": list(specialties),
            "organisation": {"name": f"协作医院{phone[-6:]}", "licenceNo": "PDY" + phone + "33010211", "level": "三级乙等",
                             "category": "综合医院", "address": "杭州市西湖区1号", "headName": "王院长"},
            "person": {"name": "赵管理", "email": f"admin{phone}@example.com"}}
    app_id, tok = register_and_submit(gw, phone, body)
    final = decide_for_real(gw, suite, app_id)
    assert final["status"] == "approved", final
    wait_application(gw, app_id, tok, "approved")
    username, password, tokens = first_login(gw, phone)
    return {"username": username, "password": password, "phone": phone, "access": tokens["accessToken"],
            "refresh": tokens["refreshToken"], "email": f"admin{phone}@example.com", "application": app_id,
            "applicantToken": tok, "requestId": final["id"]}


# --- sample files written by the tests themselves (not by the code under test) ----------------
def jpeg_image(width=64, height=48):
    """A small JPEG (JFIF) written here by hand, whose frame header says width × height."""
    import struct
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    sos = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + sof + sos + b"\x00" * 32 + b"\xff\xd9"


def resident_id(birth="19800101", serial=None):
    """A valid 18-character resident ID (GB 11643, ISO 7064 MOD 11-2 check character)."""
    import random
    body = "110101" + birth + (serial or f"{random.randint(0, 999):03d}")
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def pdf_document(text="e2e", pad=None, header=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"):
    """A small valid one-page PDF written here by hand (objects, xref, trailer); `pad` adds a
    padding stream of that many bytes (to reach an exact file size)."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    if pad is not None:
        objs.append(b"<< /Length %d >>\nstream\n" % pad + b"%" * pad + b"\nendstream")
    out = bytearray(header)
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


# --- program enrolment (reporting), with the program's own approval where it has one ----------
REPORTING_V1 = "/api/reporting/v1"
# programs that approve their participants, and the specialty whose provincial centre decides
# (reporting's programs.enrolment_chain / specialty; approval's chain specialty_enrolment)
ENROLMENT_APPROVAL = {"nccqi_pci_quarterly": "coronary_intervention"}


def _headers(who):
    """Headers of an actors.Actor or of a helpers account dict."""
    if hasattr(who, "headers"):
        return who.headers
    return who.get("headers") or auth(who["access"])


def _scope_path(who):
    token = who.access if hasattr(who, "access") else who["access"]
    import base64
    import json
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims["roles"][0]["scopePath"]


def enrolment_request(suite, subject, status="pending", timeout=30):
    """Approval's view of the request reporting opened for an enrolment (its outbox), once it
    has `status` (None: any)."""
    deadline = time.monotonic() + timeout
    while True:
        r = requests.get(suite.url("approval") + "/api/approval/v1/internal/requests/by-subject",
                         params={"service": "reporting", "id": subject}, headers=internal_headers(suite), timeout=10)
        if r.status_code == 200 and (status is None or r.json()["status"] == status):
            return r.json()
        assert r.status_code in (200, 404), r.text
        if time.monotonic() > deadline:
            raise AssertionError(f"no {status} approval request for enrolment {subject}")
        time.sleep(0.1)


def enrolment_approver(gw, suite, who, program):
    """A signed-in account of a provincial centre of the program's specialty in the
    institution's province (one is registered for real when there is none)."""
    specialty = ENROLMENT_APPROVAL[program]
    province = _scope_path(who).split("/")[1]
    r = requests.get(suite.url("identity") + V1 + "/internal/organisations", headers=internal_headers(suite),
                     params={"kind": "provincial_centre", "under": f"86/{province}", "specialty": specialty}, timeout=10)
    assert r.status_code == 200, r.text
    if not r.json()["items"]:
        c = register_provincial_centre(gw, suite, province, [specialty])
        _ACTORS[(suite.url("identity"), c["org"], "provincial_centre")] = {
            "id": c["user"]["id"], "username": c["username"], "password": c["password"], "phone": c["phone"],
            "access": c["access"], "refresh": c["refresh"], "at": time.monotonic(), "roles": c["user"]["roles"]}
        return centre_actor(gw, suite, c["org"], "provincial_centre")
    return centre_actor(gw, suite, r.json()["items"][0]["id"], "provincial_centre")


def enrolment_state(gw, who, program):
    """The institution's enrolment in `program` as the programs page shows it."""
    r = requests.get(gw + REPORTING_V1 + "/programs", headers=_headers(who), timeout=20)
    assert r.status_code == 200, r.text
    return next(p for p in r.json()["items"] if p["code"] == program).get("enrolment")


def enrol(gw, suite, who, program, decision="approve", opinion="同意参加", approver=None):
    """The institution of `who` (its administrator) takes part in `program`: at once, or — for a
    program that approves its participants (NCCQI PCI) — once a provincial centre of the
    program's specialty in the institution's province has decided the request through
    approval's public API (`decision` approve or reject) and reporting applied the outcome.
    Answers the institution's enrolment state ({"status": "active"|"rejected", ...})."""
    r = requests.post(gw + REPORTING_V1 + f"/programs/{program}/enrolment", headers=_headers(who), timeout=20)
    assert r.status_code in (200, 201), r.text
    view = r.json()
    if view["status"] == "active":
        return {"status": "active"}
    assert view["status"] == "pending" and program in ENROLMENT_APPROVAL, view
    req = enrolment_request(suite, view["subject"])
    approver = approver or enrolment_approver(gw, suite, who, program)
    d = requests.post(gw + f"/api/approval/v1/requests/{req['id']}/decisions", json={"decision": decision, "opinion": opinion},
                      headers=_headers(approver), timeout=20)
    assert d.status_code == 200, d.text
    want = "active" if decision == "approve" else "rejected"
    deadline = time.monotonic() + 30
    while True:
        state = enrolment_state(gw, who, program)
        if state and state["status"] == want:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"enrolment in {program} did not become {want}: {state}")
        time.sleep(0.1)
def reporting_sql(sql):
    """Runs SQL on the reporting database of the running suite (psql, `-At`): for data that
    arrives by other ways than the API, like the old system's year rows of 绑定既往数据."""
    import os
    import subprocess
    from suite import read_env_file   # scripts/lib, on the path by conftest
    url = read_env_file(os.environ["TEST_SERVICES_ENV"])["REPORTING_DATABASE_URL"]
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


# --- the stroke summary form (附件1) of a past year, through the real flows -------------------
STROKE_SUMMARY = {"S01": "高级卒中中心", "S02": 500, "S03": 400, "S04": 100, "S05": 40, "S07": 10}


def reporting_window(suite, program, period, opens, closes):
    """The platform sets a period's entry window (NCIS announces it; a rule program's past
    period is reopened or extended, 延期): `PUT /internal/programs/:code/windows/:period`."""
    import datetime
    iso = lambda t: t.astimezone(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    r = requests.put(suite.url("reporting") + REPORTING_V1 + f"/internal/programs/{program}/windows/{period}",
                     json={"opensAt": iso(opens), "closesAt": iso(closes)}, headers=internal_headers(suite), timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def stroke_summary(gw, suite, who, period, submit=True, values=None):
    """The stroke year's summary form (附件1) of `who`'s institution for a past `period`, entered
    as a hospital would: its window is February–March of the next year, so the platform reopens
    the year for a moment (`reporting_window`), the report is opened, filled and (`submit`)
    submitted, and the window is closed again. Answers the report id."""
    import datetime
    now = datetime.datetime.now(datetime.timezone.utc)
    reporting_window(suite, "stroke_annual", period, now - datetime.timedelta(hours=2), now + datetime.timedelta(hours=1))
    try:
        r = requests.post(gw + REPORTING_V1 + "/reports", json={"program": "stroke_annual", "form": "survey", "period": period},
                          headers=_headers(who), timeout=20)
        assert r.status_code in (200, 201), r.text
        rid = r.json()["report"]["id"]
        r = requests.put(gw + REPORTING_V1 + f"/reports/{rid}/values", json={"values": values or STROKE_SUMMARY},
                         headers=_headers(who), timeout=20)
        assert r.status_code == 200, r.text
        if submit:
            r = requests.post(gw + REPORTING_V1 + f"/reports/{rid}/submit", json={}, headers=_headers(who), timeout=20)
            assert r.status_code == 200, r.text
        return rid
    finally:
        reporting_window(suite, "stroke_annual", period, now - datetime.timedelta(hours=2), now - datetime.timedelta(hours=1))
