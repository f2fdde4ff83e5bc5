"""Issue 17: a new data administrator whose phone already has an account. One phone may hold
accounts of several units (registration opens one per unit; signing in by phone then asks for
the login name), and an account belongs to one unit. 变更资料 naming the phone of an account of
the same institution binds the administrator's role to that account once its holder proves the
phone by SMS (no second account); a phone whose accounts are at other units gets a new account
of this institution waiting for activation, as does an operator import's administrator."""
import os
import re
import subprocess
import uuid

import requests

import helpers
from actors import claims_of, until
from conftest import unique_phone
from helpers import V1, approved_account, auth, credentials, full_login, latest_code, messages
from test_account_import import activate, activation_code, csv_bytes, dry_run, operator, rows

CHANGES = V1 + "/org-changes"


def identity_sql(query, *args):
    from suite import read_env_file
    url = read_env_file(os.environ["TEST_SERVICES_ENV"])["IDENTITY_DATABASE_URL"]
    for i, a in enumerate(args, 1):
        query = query.replace(f":a{i}", "'" + str(a).replace("'", "''") + "'")
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", query], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def accounts_of(phone):
    return int(identity_sql("SELECT count(*) FROM users WHERE phone = :a1 AND status <> 'deleted'", phone))


def newest_code_id(gw, phone):
    return next((m["id"] for m in messages(gw, phone) if re.search(r"验证码是(\d{6})", m["body"])), None)


def signed_in_sub(gw, admin_headers):
    """A data-entry sub-account of the admin's institution, signed in with its own password."""
    phone = unique_phone()
    r = requests.post(gw + V1 + "/users", json={"displayName": "李填报", "phone": phone, "role": "data_entry",
                                                "specialty": "coronary_intervention"}, headers=admin_headers, timeout=10)
    assert r.status_code == 201, r.text
    username, initial = credentials(gw, phone)
    s = full_login(gw, username, initial, phone)
    password = "Sb7#" + uuid.uuid4().hex[:8] + "zQ"
    r = requests.post(gw + V1 + "/me/password", json={"oldPassword": initial, "newPassword": password},
                      headers=auth(s["accessToken"]), timeout=20)
    assert r.status_code == 200, r.text
    return {"id": claims_of(r.json()["accessToken"])["sub"], "phone": phone,
            "username": username, "password": password}


def test_sub_account_becomes_the_data_administrator_after_sms_proof(gw, suite):
    admin = approved_account(gw, suite)
    h = auth(admin["access"])
    sub = signed_in_sub(gw, h)
    body = {"newAdmin": {"name": "李填报", "phone": sub["phone"]}}

    # Without the proof of the phone: refused, nothing recorded.
    r = requests.post(gw + CHANGES, json=body, headers=h, timeout=10)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "sms_code_required" and err["field"] == "newAdmin.code" and "验证码" in err["message"]
    assert requests.get(gw + CHANGES, headers=h, timeout=10).json()["items"] == []
    # A code only for accounts of this institution, never for the admin's own phone.
    r = requests.post(gw + CHANGES + "/admin-code", json={"phone": unique_phone()}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_account_here", r.text
    r = requests.post(gw + CHANGES + "/admin-code", json={"phone": admin["phone"]}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "already_admin", r.text
    # A sub-account cannot ask for one.
    sub_session = full_login(gw, sub["username"], sub["password"], sub["phone"])
    r = requests.post(gw + CHANGES + "/admin-code", json={"phone": sub["phone"]}, headers=auth(sub_session["accessToken"]), timeout=10)
    assert r.status_code == 403, r.text

    before = newest_code_id(gw, sub["phone"])
    r = requests.post(gw + CHANGES + "/admin-code", json={"phone": sub["phone"]}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
    code, _ = latest_code(gw, sub["phone"], after=before)
    wrong = "000000" if code != "000000" else "111111"
    r = requests.post(gw + CHANGES, json={"newAdmin": {**body["newAdmin"], "code": wrong}}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "sms_code_invalid", r.text
    assert requests.get(gw + CHANGES, headers=h, timeout=10).json()["items"] == []
    r = requests.post(gw + CHANGES, json={"newAdmin": {**body["newAdmin"], "code": code}}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
    change = r.json()
    assert change["newAdmin"]["userId"] == sub["id"] and "code" not in change["newAdmin"], change

    final = helpers.decide_for_real(gw, suite, change["id"])
    assert final["status"] == "approved", final
    until(lambda: [m for m in messages(gw, sub["phone"]) if "已被设为" in m["body"] and sub["username"] in m["body"]],
          what="the binding SMS")
    # One account for the phone, now the institution's main account with the admin's role.
    assert accounts_of(sub["phone"]) == 1
    s = full_login(gw, sub["username"], sub["password"], sub["phone"])
    roles = {r["role"] for r in claims_of(s["accessToken"])["roles"]}
    assert {"institution_admin", "data_entry"} <= roles, roles
    me = requests.get(gw + V1 + "/me", headers=auth(s["accessToken"]), timeout=10).json()
    assert me["isMainAccount"] is True and me["id"] == sub["id"]
    # It now manages 变更资料; the old admin lost the role.
    assert requests.get(gw + CHANGES, headers=auth(s["accessToken"]), timeout=10).status_code == 200
    assert identity_sql("SELECT count(*) FROM role_assignments r JOIN users u ON u.id = r.user_id "
                        "WHERE u.phone = :a1 AND r.role = 'institution_admin'", admin["phone"]) == "0"


def test_phone_of_another_units_account_gets_an_account_of_this_unit(gw, suite):
    other = approved_account(gw, suite)            # the phone's account at another hospital
    admin = approved_account(gw, suite)
    h = auth(admin["access"])
    r = requests.post(gw + CHANGES, json={"newAdmin": {"name": "赵管理", "phone": other["phone"]}}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
    change = r.json()
    assert not change["newAdmin"].get("userId")
    assert helpers.decide_for_real(gw, suite, change["id"])["status"] == "approved"
    until(lambda: [m for m in messages(gw, other["phone"]) if "账号激活" in m["body"]], what="the activation SMS")
    assert accounts_of(other["phone"]) == 2            # one per unit
    # The holder activates the new one by SMS and signs in with its login name at the new unit.
    assert activation_code(gw, other["phone"]).status_code == 201
    code, _ = latest_code(gw, other["phone"])
    username, password = "nb" + uuid.uuid4().hex[:8], "Nw#" + uuid.uuid4().hex[:8] + "k2"
    r = activate(gw, other["phone"], username, password, code)
    assert r.status_code == 200, r.text
    s = full_login(gw, username, password, other["phone"])
    mine = requests.get(gw + V1 + "/me", headers=auth(s["accessToken"]), timeout=10).json()
    assert mine["orgID"] == change["orgId"] and mine["id"] != other_id(gw, other)
    assert {r["role"] for r in mine["roles"]} == {"institution_admin"}
    # the first account is untouched
    full_login(gw, other["username"], other["password"], other["phone"])


def other_id(gw, acct):
    return requests.get(gw + V1 + "/me", headers=auth(acct["access"]), timeout=10).json()["id"]


def test_import_takes_an_administrator_whose_phone_has_an_account(gw, suite):
    other = approved_account(gw, suite)
    ops = operator(gw, suite)
    table = rows(2)
    table[1][6] = other["phone"]
    res = dry_run(gw, ops, csv_bytes(table)).json()
    assert res["errorCount"] == 0 and res["validCount"] == 2, res["errors"]
    c = requests.post(gw + V1 + f"/account-imports/{res['id']}/commit", headers=ops, timeout=60)
    assert c.status_code == 200, c.text
    assert accounts_of(other["phone"]) == 2
    assert identity_sql("SELECT status FROM users WHERE phone = :a1 ORDER BY created_at DESC LIMIT 1", other["phone"]) == "pending_activation"
