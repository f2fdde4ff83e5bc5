"""Stroke registry individual users (issue 17, docs/registration.md "脑卒中登记个人用户"):
用户注册 signs in at once with no grant (its own profile and certification only);
个人身份认证 (licence photo + registration number) is approved by the unit's administrator
(or, for a unit without one, the province's QC centre) and gives exactly the unit's stroke
data-entry grant; a rejection shows the opinion and the user submits again; persons the unit's
administrator lists activate with phone + SMS code, username and password. Every token here
comes from identity's real flows."""
import uuid

import requests

import helpers
from actors import actors_for, claims_of, full_login, until
from conftest import unique_phone
from helpers import V1, auth, captcha, latest_code
from test_account_import import credit_code, csv_bytes, dry_run, operator

PROVINCE = "440000"
DOCS = "/api/documents/v1/documents"
GOOD_NO = "PDY00001X44030515A1002"


def upload_photo(gw, user, data=None):
    r = requests.post(gw + DOCS, params={"kind": "licence_photo", "object": f"certification:{user.id}"},
                      files={"file": ("许可证.jpg", data or helpers.jpeg_image(), "image/jpeg")}, headers=user.headers, timeout=30)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def certify(gw, user, number, doc):
    return requests.post(gw + V1 + "/stroke-users/me/certification", json={"registrationNo": number, "documentId": doc},
                         headers=user.headers, timeout=20)


def mine(gw, user):
    r = requests.get(gw + V1 + "/stroke-users/me", headers=user.headers, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def request_of_user(actors, user_id, not_id=None):
    """The pending approval request identity opened for the user's certification (its outbox)."""
    def find():
        r = requests.get(actors.suite.url("approval") + "/api/approval/v1/internal/requests/by-subject",
                         params={"service": "identity", "id": user_id}, headers=actors.internal, timeout=10)
        ok = r.status_code == 200 and r.json()["status"] == "pending" and r.json()["id"] != not_id
        return r.json() if ok else None
    return until(find, what=f"certification request of {user_id}")


def error_code(r):
    return r.json()["error"]["code"]


def report_create(gw, user):
    return requests.post(gw + "/api/reporting/v1/reports", json={"program": "stroke_annual", "form": "survey", "period": "2025"},
                         headers=user.headers, timeout=10)


def test_uncertified_user_is_limited_then_certified_by_its_unit_admin(gw, suite):
    actors = actors_for(suite)
    admin = actors.stroke_unit(PROVINCE)
    other = actors.stroke_unit(PROVINCE, tag="b")
    user = actors.stroke_user(admin.org_id)

    # Signed in at once, with no grant at all.
    assert user.grants == []
    me = requests.get(gw + V1 + "/me", headers=user.headers, timeout=10)
    assert me.status_code == 200 and me.json()["orgID"] == admin.org_id
    state = mine(gw, user)
    assert state["status"] == "uncertified" and state["orgId"] == admin.org_id and state["certifications"] == []
    assert state["idNumberMasked"].count("*") == 8
    # Institution data and reporting entry are refused.
    for path in ("/users", "/stroke-users", "/org-changes"):
        r = requests.get(gw + V1 + path, headers=user.headers, timeout=10)
        assert r.status_code == 403, (path, r.text)
    r = report_create(gw, user)
    assert r.status_code == 403 and error_code(r) == "forbidden", r.text
    r = requests.post(gw + V1 + "/stroke-users/listed", json={"name": "冒充者", "phone": unique_phone()}, headers=user.headers, timeout=10)
    assert r.status_code == 403, r.text
    # Someone else's certification folder cannot be created.
    r = requests.post(gw + DOCS, params={"kind": "licence_photo", "object": f"certification:{admin.id}"},
                      files={"file": ("x.jpg", helpers.jpeg_image(), "image/jpeg")}, headers=user.headers, timeout=30)
    assert r.status_code == 404, r.text

    # 个人身份认证: format of the registration number and the photo, checked server-side.
    doc = upload_photo(gw, user)
    for bad in ("123456789012345", "PDY00001X44030515A100", "PDY00001X44030515AA1002", "PDY00001-44030515A1002"):
        r = certify(gw, user, bad, doc)
        assert r.status_code == 422 and error_code(r) == "invalid_registration_no" and r.json()["error"]["field"] == "registrationNo", r.text
    r = certify(gw, user, GOOD_NO, str(uuid.uuid4()))
    assert r.status_code == 422 and error_code(r) == "missing_document", r.text
    assert mine(gw, user)["certifications"] == []      # refused: nothing stored
    r = certify(gw, user, "pdy00001x 44030515a1002", doc)   # spaces and case are normalised
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    assert r.json()["certifications"][0]["registrationNo"] == GOOD_NO
    r = certify(gw, user, GOOD_NO, doc)
    assert r.status_code == 409 and error_code(r) == "certification_pending", r.text

    req = request_of_user(actors, user.id)
    assert req["chain"] == "stroke_certification", req
    # Nothing waits for the user at approval, and it cannot decide its own request.
    r = requests.get(gw + "/api/approval/v1/inbox", headers=user.headers, timeout=10)
    assert r.status_code == 200 and r.json()["items"] == [], r.text
    r = actors.decide(user, req["id"], "approve", "自己通过")
    assert r.status_code in (403, 404), r.text
    # Another unit's administrator can neither see the photo nor decide.
    assert requests.get(gw + DOCS + f"/{doc}", headers=other.headers, timeout=10).status_code == 404
    r = actors.decide(other, req["id"], "reject", "不是本院")
    assert r.status_code in (403, 404), r.text
    assert request_of_user(actors, user.id)["status"] == "pending"
    # The unit's own administrator sees it and rejects with an opinion.
    assert requests.get(gw + DOCS + f"/{doc}", headers=admin.headers, timeout=10).status_code == 200
    r = actors.decide(admin, req["id"], "reject", "登记号与照片不一致")
    assert r.status_code == 200 and r.json()["status"] == "rejected", r.text
    state = until(lambda: (lambda s: s if s["status"] == "rejected" else None)(mine(gw, user)), what="the rejection")
    assert state["certifications"][0]["opinion"] == "登记号与照片不一致"
    assert actors.login_again(user).grants == []

    # Submitted again (a new photo version), approved by the unit's administrator.
    r = requests.put(gw + DOCS + f"/{doc}/content", files={"file": ("许可证2.jpg", helpers.jpeg_image(80, 60), "image/jpeg")},
                     headers=user.headers, timeout=30)
    assert r.status_code == 200, r.text
    r = certify(gw, user, GOOD_NO, doc)
    assert r.status_code == 201 and r.json()["status"] == "pending", r.text
    req2 = request_of_user(actors, user.id, not_id=req["id"])
    # An outcome naming the earlier (rejected) request, or a request never opened, decides nothing.
    for stale in (req["id"], str(uuid.uuid4())):
        r = requests.post(suite.url("identity") + V1 + "/internal/stroke-certification-outcomes", headers=actors.internal,
                          json={"requestId": stale, "subjectId": user.id, "outcome": "approved"}, timeout=10)
        assert r.status_code == 409 and error_code(r) == "unknown_request", r.text
    assert mine(gw, user)["status"] == "pending" and actors.login_again(user).grants == []
    r = actors.decide(admin, req2["id"], "approve", "同意")
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    until(lambda: mine(gw, user)["status"] == "certified", what="the grant")

    # Exactly the unit's stroke data-entry grant: no other unit, no other program.
    again = actors.login_again(user)
    assert again.grants == [{"role": "data_entry", "orgID": admin.org_id, "scopePath": admin.scope_path, "specialty": "stroke"}]
    assert other.org_id != admin.org_id
    # The grant now passes the hospital-role check (uncertified it was 403 forbidden); the unit
    # has not enrolled in the stroke registry yet.
    r = report_create(gw, again)
    assert r.status_code == 409 and error_code(r) == "not_enrolled", r.text
    # The grant enters the stroke registry only, not the unit's other programs (Zhejiang here).
    rep = "/api/reporting/v1"
    r = requests.post(gw + rep + "/programs/zj_monthly/enrolment", headers=admin.headers, timeout=10)
    assert r.status_code in (200, 201), r.text
    r = requests.post(gw + rep + "/reports", json={"program": "zj_monthly", "form": "core", "period": "2026-11"},
                      headers=again.headers, timeout=10)
    assert r.status_code == 403 and error_code(r) == "program_not_granted", r.text
    r = requests.get(gw + rep + "/programs/zj_monthly/forms/core/periods/2026-11", headers=again.headers, timeout=10)
    assert r.status_code == 403, r.text
    programs = requests.get(gw + rep + "/programs", headers=again.headers, timeout=10).json()["items"]
    assert [p["code"] for p in programs] == ["stroke_annual"], programs
    due = requests.get(gw + rep + "/due", headers=again.headers, timeout=10).json()["items"]
    assert all(d["program"] == "stroke_annual" for d in due), due
    admin_due = requests.get(gw + rep + "/due", headers=admin.headers, timeout=10).json()["items"]
    assert any(d["program"] == "zj_monthly" for d in admin_due)  # the unit's admin still enters Zhejiang
    # …nor reads the unit's Zhejiang 指标上传 by its id
    zj = requests.post(gw + rep + "/reports", json={"program": "zj_monthly", "form": "core", "period": "2026-11"},
                       headers=admin.headers, timeout=10)
    assert zj.status_code in (200, 201), zj.text
    template = requests.get(gw + rep + "/programs/zj_monthly/forms/core/template.csv", params={"period": "2026-11"},
                            headers=admin.headers, timeout=10)
    dry = requests.post(gw + rep + f"/reports/{zj.json()['report']['id']}/imports", data=template.content,
                        headers={**admin.headers, "Content-Type": "text/csv"}, timeout=20)
    assert dry.status_code == 201, dry.text
    r = requests.get(gw + rep + f"/form-imports/{dry.json()['importId']}", headers=again.headers, timeout=10)
    assert r.status_code == 403 and error_code(r) == "program_not_granted", r.text
    assert requests.get(gw + rep + f"/form-imports/{dry.json()['importId']}", headers=admin.headers, timeout=10).status_code == 200
    # …nor reaches the Zhejiang report's files (its unit's path covers the folder; documents asks
    # reporting whose program it is): no list, no file, no upload, no replacement, no deletion.
    folder = f"report:{zj.json()['report']['id']}"
    pdf = ("附件.pdf", helpers.pdf_document("zj attachment"), "application/pdf")
    up = requests.post(gw + DOCS, params={"kind": "case_abstract_file", "object": folder}, files={"file": pdf},
                       headers=admin.headers, timeout=30)
    assert up.status_code == 201, up.text
    zj_doc = up.json()["id"]
    assert requests.get(gw + DOCS, params={"object": folder}, headers=admin.headers, timeout=10).json()["total"] == 1
    assert requests.get(gw + DOCS, params={"object": folder}, headers=again.headers, timeout=10).status_code == 404
    assert requests.get(gw + DOCS + f"/{zj_doc}", headers=again.headers, timeout=10).status_code == 404
    assert requests.get(gw + DOCS + f"/{zj_doc}/content", headers=again.headers, timeout=10).status_code == 404
    r = requests.post(gw + DOCS, params={"kind": "case_abstract_file", "object": folder}, files={"file": pdf},
                      headers=again.headers, timeout=30)
    assert r.status_code == 404, r.text
    assert requests.get(gw + DOCS, params={"object": folder}, headers=admin.headers, timeout=10).json()["total"] == 1
    # Its own program's folder it reaches: the stroke year's scan folder.
    r = requests.post(gw + rep + "/programs/stroke_annual/enrolment", headers=admin.headers, timeout=10)
    assert r.status_code in (200, 201), r.text
    year = requests.get(gw + rep + "/registry-years/stroke_annual/2025", headers=again.headers, timeout=10)
    assert year.status_code == 200 and year.json()["scanObject"], year.text
    mine_up = requests.post(gw + DOCS, params={"kind": "annual_survey_scan", "object": year.json()["scanObject"]},
                            files={"file": ("附件4.pdf", helpers.pdf_document("stroke scan"), "application/pdf")},
                            headers=again.headers, timeout=30)
    assert mine_up.status_code == 201, mine_up.text
    listed = requests.get(gw + DOCS, params={"object": year.json()["scanObject"]}, headers=again.headers, timeout=10)
    assert listed.status_code == 200 and listed.json()["total"] == 1, listed.text
    r = certify(gw, again, GOOD_NO, doc)
    assert r.status_code == 409 and error_code(r) == "already_certified", r.text
    listed = requests.get(gw + V1 + "/stroke-users", headers=admin.headers, timeout=10).json()["items"]
    assert any(m["userId"] == user.id and m["certification"] == "certified" and m["source"] == "registered" for m in listed)
    # The other unit's list does not show this user.
    listed = requests.get(gw + V1 + "/stroke-users", headers=other.headers, timeout=10).json()["items"]
    assert all(m["userId"] != user.id for m in listed)


def test_registration_refusals_and_code_limits(gw, suite):
    actors = actors_for(suite)
    admin = actors.stroke_unit(PROVINCE)
    # Units are searched by region and name; only stroke units are offered.
    r = requests.get(gw + V1 + "/stroke-units", params={"region": "440300", "q": "卒中单位医院"}, timeout=10)
    assert r.status_code == 200 and any(u["id"] == admin.org_id and u["hasAdmin"] for u in r.json()["items"]), r.text
    plain = actors.institution(PROVINCE)       # an NCCQI institution, not a stroke unit
    r = requests.get(gw + V1 + "/stroke-units", params={"region": "440300"}, timeout=10)
    assert all(u["id"] != plain.org_id for u in r.json()["items"])
    r = requests.get(gw + V1 + "/stroke-units", params={"region": "44"}, timeout=10)
    assert r.status_code == 422 and error_code(r) == "invalid_region"

    phone = unique_phone()
    cid, answer = captcha(gw)
    r = requests.post(gw + V1 + "/stroke-users/sms-code", json={"phone": phone, "captchaId": cid, "captchaAnswer": answer}, timeout=10)
    assert r.status_code == 201 and r.json()["expiresIn"] == 60, r.text
    code, _ = latest_code(gw, phone)
    base = {"phone": phone, "code": code, "name": "郑医生", "idNumber": helpers.resident_id(), "orgId": admin.org_id,
            "username": "z" + uuid.uuid4().hex[:10], "password": "Zq7#" + uuid.uuid4().hex[:8]}
    for change, field, err in (({"orgId": plain.org_id}, "orgId", "invalid_unit"),
                               ({"orgId": str(uuid.uuid4())}, "orgId", "invalid_unit"),
                               ({"idNumber": "110101198001010000"}, "idNumber", "invalid_id_number"),
                               ({"name": "郑"}, "name", "invalid_field"),
                               ({"username": "13900000000"}, "username", "invalid_username"),
                               ({"password": "12345678"}, "password", "weak_password"),
                               ({"code": "000000" if code != "000000" else "111111"}, "code", "sms_code_invalid")):
        r = requests.post(gw + V1 + "/stroke-users", json={**base, **change}, timeout=20)
        assert r.status_code == 422 and error_code(r) == err and r.json()["error"]["field"] == field, (change, r.text)
    r = requests.post(gw + V1 + "/stroke-users", json={**base, "name": "x" * 31}, timeout=20)
    assert r.status_code == 422 and r.json()["error"]["field"] == "name"
    # None of them made an account: the right request still works, once.
    r = requests.post(gw + V1 + "/stroke-users", json=base, timeout=20)
    assert r.status_code == 201 and r.json()["certification"] == "uncertified", r.text
    r = requests.post(gw + V1 + "/stroke-users", json=base, timeout=20)
    assert r.status_code == 422 and error_code(r) == "sms_code_used", r.text
    # A phone with an account, a login name in use (ignoring case).
    r, *_ = actors.stroke_register(admin.org_id, phone=phone, expect=409)
    assert error_code(r) == "phone_taken"
    r, *_ = actors.stroke_register(admin.org_id, username=base["username"].upper(), expect=409)
    assert error_code(r) == "username_taken"

    # Five codes per phone per ten minutes; the sixth is refused with Retry-After.
    phone = unique_phone()
    for i in range(6):
        cid, answer = captcha(gw)
        r = requests.post(helpers.IDENTITY_DIRECT + V1 + "/stroke-users/sms-code",
                          json={"phone": phone, "captchaId": cid, "captchaAnswer": answer},
                          headers={"X-Forwarded-For": helpers.random_ip()}, timeout=10)
        assert r.status_code == (201 if i < 5 else 429), (i, r.text)
    assert int(r.headers["Retry-After"]) > 0
    cid, _ = captcha(gw)
    r = requests.post(gw + V1 + "/stroke-users/sms-code", json={"phone": unique_phone(), "captchaId": cid, "captchaAnswer": "????"}, timeout=10)
    assert r.status_code == 422 and error_code(r) == "captcha_invalid"


def test_listed_person_activates_after_unit_approval(gw, suite):
    actors = actors_for(suite)
    admin = actors.stroke_unit(PROVINCE)
    phone = unique_phone()
    r = requests.post(gw + V1 + "/stroke-users/listed", json={"name": "冯护士", "phone": "12345"}, headers=admin.headers, timeout=10)
    assert r.status_code == 422 and error_code(r) == "invalid_phone"
    r = requests.post(gw + V1 + "/stroke-users/listed", json={"name": "冯护士", "phone": phone}, headers=admin.headers, timeout=10)
    assert r.status_code == 201 and r.json()["accountStatus"] == "pending_activation", r.text
    r = requests.post(gw + V1 + "/stroke-users/listed", json={"name": "冯护士", "phone": phone}, headers=admin.headers, timeout=10)
    assert r.status_code == 409 and error_code(r) == "phone_taken"
    # An NCCQI institution's administrator lists nobody for the stroke registry.
    plain = actors.institution(PROVINCE)
    r = requests.post(gw + V1 + "/stroke-users/listed", json={"name": "冯护士", "phone": unique_phone()}, headers=plain.headers, timeout=10)
    assert r.status_code == 403, r.text
    until(lambda: any("账号激活" in m["body"] for m in helpers.messages(gw, phone)), what="the activation SMS")

    # 账号激活 (identity's one activation flow): phone + code, then username and password.
    cid, answer = captcha(gw)
    r = requests.post(gw + V1 + "/activation/sms-code", json={"phone": phone, "captchaId": cid, "captchaAnswer": answer}, timeout=10)
    assert r.status_code == 201, r.text
    code, _ = latest_code(gw, phone)
    username, password = "f" + uuid.uuid4().hex[:10], "Fh6#" + uuid.uuid4().hex[:8]
    r = requests.post(gw + V1 + "/activation", json={"phone": phone, "code": code, "username": username, "password": password}, timeout=20)
    assert r.status_code == 200 and r.json()["orgName"], r.text
    session = full_login(gw, username, password, phone)
    grants = claims_of(session["accessToken"])["roles"]
    assert grants == [{"role": "data_entry", "orgID": admin.org_id, "scopePath": admin.scope_path, "specialty": "stroke"}]
    # Listed persons need no 个人身份认证.
    r = requests.get(gw + V1 + "/stroke-users/me", headers=auth(session["accessToken"]), timeout=10)
    assert r.status_code == 200 and r.json()["status"] == "certified", r.text
    items = requests.get(gw + V1 + "/stroke-users", headers=admin.headers, timeout=10).json()["items"]
    assert any(m["source"] == "listed" and m["accountStatus"] == "active" and m["phoneMasked"].endswith(phone[-4:]) for m in items)


def test_unit_without_admin_goes_to_the_provincial_centre(gw, suite):
    """An imported stroke unit whose administrator never activated: the province's centre approves."""
    actors = actors_for(suite)
    centre = actors.provincial_centre(PROVINCE, "coronary_intervention")
    name = f"导入卒中医院{uuid.uuid4().hex[:6]}"
    table = [[name, credit_code("440106"), "440106", "二级甲等", "综合医院", "钱管理", unique_phone(), "", "脑卒中登记"]]
    ops = operator(gw, suite)
    staged = dry_run(gw, ops, csv_bytes(table)).json()
    assert staged["errorCount"] == 0, staged
    assert requests.post(gw + V1 + f"/account-imports/{staged['id']}/commit", headers=ops, timeout=60).status_code == 200
    units = requests.get(gw + V1 + "/stroke-units", params={"region": "440100", "q": name}, timeout=10).json()["items"]
    assert len(units) == 1 and units[0]["hasAdmin"] is False
    user = actors.stroke_user(units[0]["id"])
    r = certify(gw, user, GOOD_NO, upload_photo(gw, user))
    assert r.status_code == 201, r.text
    req = request_of_user(actors, user.id)
    assert req["chain"] == "stroke_certification_province", req
    r = actors.decide(centre, req["id"], "approve", "同意")
    assert r.status_code == 200 and r.json()["status"] == "approved", r.text
    until(lambda: mine(gw, user)["status"] == "certified", what="the grant")
    grants = actors.login_again(user).grants
    assert [(g["role"], g["orgID"], g["specialty"]) for g in grants] == [("data_entry", units[0]["id"], "stroke")]
