"""Old accounts (docs/accounts.md): the platform operator imports institutions and their
administrators (dry run, then commit of exactly the dry run), an administrator activates the
account by SMS and signs in; renaming one's login name. Every limit has its API test."""
import io
import random
import uuid

import pytest
import requests

import helpers
from actors import until
from conftest import unique_phone
from helpers import V1, approved_account, auth, captcha, full_login, latest_code, login, messages, operator_actor

IMPORTS = V1 + "/account-imports"
HEADER = ["机构名称", "统一社会信用代码", "行政区划代码", "机构级别", "机构类别", "管理员姓名", "管理员手机", "管理员邮箱", "项目"]
REGIONS = ["330106", "330102", "620102", "620521", "110101", "440106", "510107", "330100"]
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(region):
    """A 统一社会信用代码 with a correct GB 32100 check character (written here, not by the server)."""
    body = "12" + region + "".join(random.choice(ALPHABET) for _ in range(9))
    s = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + ALPHABET[(31 - s % 31) % 31]


def rows(n, tag=None):
    tag = tag or uuid.uuid4().hex[:6]
    out = []
    for i in range(n):
        region = REGIONS[i % len(REGIONS)]
        phone = unique_phone()
        out.append([f"导入医院{tag}{i:04d}", credit_code(region), region, "二级甲等", "综合医院", "钱管理",
                    phone, f"old{phone}@example.com", "NCIS；脑卒中登记" if i % 2 else "NCCQI"])
    return out


def csv_bytes(table, encoding="utf-8"):
    def cell(v):
        v = str(v)
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in ',"\n') else v
    text = "\r\n".join(",".join(cell(v) for v in r) for r in [HEADER] + table) + "\r\n"
    return text.encode(encoding)


def operator(gw, suite):
    return operator_actor(gw, suite)["headers"]


def dry_run(gw, headers, data, name="机构.csv", expect=201):
    r = requests.post(gw + IMPORTS, params={"name": name}, data=data,
                      headers={**headers, "Content-Type": "application/octet-stream"}, timeout=60)
    assert expect is None or r.status_code == expect, r.text
    return r


def institutions_named(gw, prefix):
    """Institutions whose name contains `prefix`, through the public lookup (at most 20 a province)."""
    found = []
    for province in sorted({r[:2] + "0000" for r in REGIONS}):
        r = requests.get(gw + V1 + "/institutions", params={"region": province, "q": prefix}, timeout=10)
        assert r.status_code == 200, r.text
        found += r.json()["items"]
    return found


def existing_rows(gw, headers, table):
    """How many rows of `table` a fresh dry run reports as existing institutions."""
    res = dry_run(gw, headers, csv_bytes(table)).json()
    return len({e["row"] for e in res["errors"] if e["code"] == "organisation_exists"})


def activation_code(gw, phone, ip=None):
    cid, answer = captcha(gw)
    target, headers = gw, {}
    if helpers.IDENTITY_DIRECT:
        target, headers = helpers.IDENTITY_DIRECT, {"X-Forwarded-For": ip or helpers.random_ip()}
    return requests.post(target + V1 + "/activation/sms-code", json={"phone": phone, "captchaId": cid, "captchaAnswer": answer},
                         headers=headers, timeout=10)


def activate(gw, phone, username, password, code):
    return requests.post(gw + V1 + "/activation", json={"phone": phone, "code": code, "username": username, "password": password},
                         timeout=20)


def imported(gw, suite, n=1):
    """`n` institutions imported and committed: their rows."""
    table = rows(n)
    r = dry_run(gw, operator(gw, suite), csv_bytes(table))
    assert r.json()["errorCount"] == 0, r.text
    c = requests.post(gw + IMPORTS + f"/{r.json()['id']}/commit", headers=operator(gw, suite), timeout=120)
    assert c.status_code == 200, c.text
    return table


def test_operator_imports_200_institutions_and_an_administrator_activates(gw, suite):
    ops = operator(gw, suite)
    tag = uuid.uuid4().hex[:6]
    good = rows(200, tag)
    # A first file with bad rows: the dry run names row, column, value and a Chinese message.
    bad = [list(r) for r in good[:5]]
    bad[1][2] = "339999"                       # unknown region
    bad[2][6] = "1234567"                      # not a mobile
    bad[3][0], bad[3][2] = bad[0][0], bad[0][2]  # same institution twice in the file
    bad[4][8] = "未知项目"                      # unknown program
    r = dry_run(gw, ops, csv_bytes(bad))
    res = r.json()
    assert res["status"] == "staged" and res["format"] == "csv" and res["encoding"] == "utf-8"
    by_row = {(e["row"], e["column"]): e for e in res["errors"]}
    assert by_row[(3, "行政区划代码")]["code"] == "unknown_region" and by_row[(3, "行政区划代码")]["value"] == "339999"
    assert by_row[(4, "管理员手机")]["code"] == "invalid_phone" and "手机号" in by_row[(4, "管理员手机")]["message"]
    assert by_row[(5, "机构名称")]["code"] == "duplicate_in_file" and "第2行" in by_row[(5, "机构名称")]["message"]
    assert by_row[(6, "项目")]["code"] == "invalid_program"
    assert res["validCount"] == 1 and res["errorCount"] == 4
    # The dry run changed nothing, and a dry run with errors is not committed.
    assert institutions_named(gw, f"导入医院{tag}") == []
    c = requests.post(gw + IMPORTS + f"/{res['id']}/commit", headers=ops, timeout=30)
    assert c.status_code == 422 and c.json()["error"]["code"] == "import_has_errors", c.text
    assert institutions_named(gw, f"导入医院{tag}") == []

    # The clean file: 200 rows shown, committed in one go.
    r = dry_run(gw, ops, csv_bytes(good))
    res = r.json()
    assert res["errorCount"] == 0 and res["validCount"] == 200, res["errors"][:3]
    assert res["rows"][0]["programs"] == ["nccqi"] and res["rows"][1]["programs"] == ["ncis", "stroke"]
    assert requests.get(gw + IMPORTS + f"/{res['id']}", headers=ops, timeout=10).json()["rows"] == res["rows"]
    c = requests.post(gw + IMPORTS + f"/{res['id']}/commit", headers=ops, timeout=120)
    assert c.status_code == 200, c.text
    assert c.json()["status"] == "committed"
    assert existing_rows(gw, ops, good) == 200
    # Committing again is refused; importing the same file again reports every row as existing.
    again = requests.post(gw + IMPORTS + f"/{res['id']}/commit", headers=ops, timeout=30)
    assert again.status_code == 409 and again.json()["error"]["code"] == "import_committed"
    dup = dry_run(gw, ops, csv_bytes(good[:3])).json()
    assert {e["code"] for e in dup["errors"]} >= {"organisation_exists", "credit_code_taken"}
    # a phone that has an account is no refusal (one phone may hold accounts of several units)
    assert "phone_taken" not in {e["code"] for e in dup["errors"]}
    assert dup["validCount"] == 0

    # One administrator activates by SMS to the phone on file, then signs in and sees his institution.
    name, phone = good[7][0], good[7][6]
    assert login(gw, phone, "Whatever#12", expect=None).status_code == 401   # no usable password before activation
    r = activation_code(gw, phone)
    assert r.status_code == 201, r.text
    code, _ = latest_code(gw, phone)
    username = "imp" + phone[-8:]
    password = "Act#" + uuid.uuid4().hex[:8]
    r = activate(gw, phone, username, password, code)
    assert r.status_code == 200, r.text
    assert r.json() == {"username": username, "orgName": name}
    # The code was single-use; the account is active now.
    assert activate(gw, phone, username, password, code).status_code == 422
    session = full_login(gw, username, password, phone)
    me = requests.get(gw + V1 + "/me", headers=auth(session["accessToken"]), timeout=10).json()
    assert me["orgName"] == name and me["status"] == "active"
    assert [g["role"] for g in me["roles"]] == ["institution_admin"]
    # With an institution admin's grants: he manages sub-accounts of his institution.
    r = requests.get(gw + V1 + "/users", headers=auth(session["accessToken"]), timeout=10)
    assert r.status_code == 200, r.text


def test_gb18030_csv_and_xlsx_import(gw, suite):
    ops = operator(gw, suite)
    table = rows(3)
    r = dry_run(gw, ops, csv_bytes(table, "gb18030"), name="旧系统.csv")
    res = r.json()
    assert res["encoding"] in ("gb18030", "gbk") and res["errorCount"] == 0, res
    assert res["rows"][0]["name"] == table[0][0]
    assert requests.post(gw + IMPORTS + f"/{res['id']}/commit", headers=ops, timeout=60).status_code == 200
    assert existing_rows(gw, ops, table) == 3

    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    xrows = rows(2)
    for row in xrows:
        row = list(row)
        row[2] = int(row[2])                   # region code and phone typed as numbers, as Excel keeps them
        row[6] = int(row[6])
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    res = dry_run(gw, ops, buf.getvalue(), name="机构.xlsx").json()
    assert res["format"] == "xlsx" and res["errorCount"] == 0, res
    assert [r["adminPhone"] for r in res["rows"]] == [xrows[0][6], xrows[1][6]]
    assert requests.post(gw + IMPORTS + f"/{res['id']}/commit", headers=ops, timeout=60).status_code == 200


def test_only_the_platform_operator_imports(gw, suite):
    admin = approved_account(gw, suite)
    data = csv_bytes(rows(1))
    r = dry_run(gw, auth(admin["access"]), data, expect=403)
    assert r.json()["error"]["code"] == "forbidden"
    assert dry_run(gw, {}, data, expect=401).json()["error"]["code"] == "unauthorized"
    staged = dry_run(gw, operator(gw, suite), data).json()
    r = requests.post(gw + IMPORTS + f"/{staged['id']}/commit", headers=auth(admin["access"]), timeout=10)
    assert r.status_code == 403
    assert requests.get(gw + IMPORTS + f"/{staged['id']}", headers=auth(admin["access"]), timeout=10).status_code == 403
    assert institutions_named(gw, staged["rows"][0]["name"]) == []


def test_a_withdrawn_operator_grant_is_refused_with_a_still_valid_token(gw, suite):
    """The operator routes read the grant in the database, not only the token's claims: with
    the operator's grant withdrawn (by SQL as identity's own role; no route withdraws it) its
    token, still valid, can no longer stage, read or commit imports nor manage national
    centres; with the grant back it can."""
    import os
    import subprocess

    from actors import claims_of
    from suite import read_env_file

    def sql(query):
        url = read_env_file(os.environ["TEST_SERVICES_ENV"])["IDENTITY_DATABASE_URL"]
        out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", query], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    actor = operator_actor(gw, suite)
    ops, claims = actor["headers"], claims_of(actor["access"])
    sub = claims["sub"]
    assert any(r["role"] == "platform_operator" for r in claims["roles"])
    staged = dry_run(gw, ops, csv_bytes(rows(1))).json()
    withdraw = f"UPDATE role_assignments SET role = 'withdrawn_operator' WHERE user_id = '{sub}' AND role = 'platform_operator'"
    restore = f"UPDATE role_assignments SET role = 'platform_operator' WHERE user_id = '{sub}' AND role = 'withdrawn_operator'"
    assert sql(f"WITH w AS ({withdraw} RETURNING 1) SELECT count(*) FROM w") == "1"
    try:
        assert dry_run(gw, ops, csv_bytes(rows(1)), expect=403).json()["error"]["code"] == "forbidden"
        assert requests.get(gw + IMPORTS + f"/{staged['id']}", headers=ops, timeout=10).status_code == 403
        assert requests.post(gw + IMPORTS + f"/{staged['id']}/commit", headers=ops, timeout=10).status_code == 403
        assert requests.get(gw + V1 + "/national-centres", headers=ops, timeout=10).status_code == 403
    finally:
        sql(restore)
    assert requests.get(gw + IMPORTS + f"/{staged['id']}", headers=ops, timeout=10).status_code == 200
    assert requests.get(gw + V1 + "/national-centres", headers=ops, timeout=10).status_code == 200
    assert institutions_named(gw, staged["rows"][0]["name"]) == []


def test_import_limits(gw, suite):
    ops = operator(gw, suite)
    # File size: 5 MiB.
    r = dry_run(gw, ops, b"a" * (5 * 1024 * 1024 + 1), expect=413)
    assert r.json()["error"]["code"] == "payload_too_large"
    # Rows: 5,000 data rows at most.
    many = "\r\n".join(",".join(HEADER) if i == 0 else f"医院{i},,330106,,,钱管理,139{i:08d},," for i in range(5002)).encode()
    r = dry_run(gw, ops, many, expect=422)
    assert r.json()["error"]["code"] == "too_many_rows"
    # Exactly 5,000 rows pass the limit (checked, not committed).
    r = dry_run(gw, ops, b"\r\n".join(many.split(b"\r\n")[:5001]), expect=201)
    assert r.json()["rowCount"] == 5000
    # A required column missing, an empty file, bytes that are no text.
    r = dry_run(gw, ops, "机构名称,行政区划代码\r\n某医院,330106\r\n".encode(), expect=422)
    assert r.json()["error"]["code"] == "missing_column" and "管理员手机" in r.json()["error"]["message"]
    assert dry_run(gw, ops, b"", expect=422).json()["error"]["code"] == "empty_file"
    assert dry_run(gw, ops, b"\xff\xfe\x00\x00garbage\xff", expect=422).json()["error"]["code"] == "unknown_encoding"
    assert dry_run(gw, ops, b"PK\x03\x04broken", expect=422).json()["error"]["field"] == "file"
    # A dry run whose rows were imported meanwhile by another one: nothing of it is applied.
    table = rows(2)
    first = dry_run(gw, ops, csv_bytes(table)).json()
    second = dry_run(gw, ops, csv_bytes(table[1:])).json()
    assert requests.post(gw + IMPORTS + f"/{second['id']}/commit", headers=ops, timeout=30).status_code == 200
    r = requests.post(gw + IMPORTS + f"/{first['id']}/commit", headers=ops, timeout=30)
    assert r.status_code == 409 and r.json()["error"]["code"] == "import_stale", r.text
    assert institutions_named(gw, table[0][0]) == []
    assert requests.get(gw + IMPORTS + "/" + str(uuid.uuid4()), headers=ops, timeout=10).status_code == 404


def test_activation_limits_and_rules(gw, suite):
    table = imported(gw, suite, 2)
    phone, other = table[0][6], table[1][6]
    ip = helpers.random_ip()
    # The existing code limits: 5 codes per phone per 10 minutes, the 6th refused with the wait.
    for _ in range(5):
        assert activation_code(gw, phone, ip).status_code == 201
    r = activation_code(gw, phone, ip)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0, r.text
    assert r.json()["error"]["code"] == "rate_limited"
    code, _ = latest_code(gw, phone)
    # The password policy and the login-name rule, before the code is used.
    r = activate(gw, phone, "imp" + phone[-6:], "12345678", code)
    assert r.status_code == 422 and r.json()["error"]["code"] == "weak_password"
    r = activate(gw, phone, "1" + phone, "Act#good12", code)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_username"
    r = activate(gw, phone, "imp" + phone[-6:], "Act#good12", "000000" if code != "000000" else "111111")
    assert r.status_code == 422 and r.json()["error"]["code"] == "sms_code_invalid"
    # A name already taken (ignoring case) is refused and the account stays pending.
    operator_name = operator_actor(gw, suite)["username"]
    r = activate(gw, phone, operator_name.upper() if operator_name[0].isalpha() else "Xx" + operator_name, "Act#good12", code)
    if operator_name[0].isalpha():
        assert r.status_code == 409 and r.json()["error"]["code"] == "username_taken", r.text
    # A phone without a pending account gets the same answer and no SMS.
    stranger = unique_phone()
    assert activation_code(gw, stranger).status_code == 201
    assert messages(gw, stranger) == []
    # The other administrator activates; a malformed phone is refused.
    assert activation_code(gw, "12345", ip).status_code == 422
    assert activation_code(gw, other).status_code == 201
    code2, _ = latest_code(gw, other)
    assert activate(gw, other, "imp" + other[-6:], "Act#good12", code2).status_code == 200


def test_rename_login_name(gw, suite):
    acct = approved_account(gw, suite)
    h = auth(acct["access"])
    new = "nm" + uuid.uuid4().hex[:10]
    r = requests.patch(gw + V1 + "/me/username", json={"username": new, "password": "Wrong#pass1"}, headers=h, timeout=20)
    assert r.status_code == 422 and r.json()["error"]["code"] == "wrong_password"
    r = requests.patch(gw + V1 + "/me/username", json={"username": "a b", "password": acct["password"]}, headers=h, timeout=20)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_username"
    other = approved_account(gw, suite)
    taken = "tk" + uuid.uuid4().hex[:10]
    r = requests.patch(gw + V1 + "/me/username", json={"username": taken, "password": other["password"]},
                       headers=auth(other["access"]), timeout=20)
    assert r.status_code == 200, r.text
    r = requests.patch(gw + V1 + "/me/username", json={"username": taken.upper(), "password": acct["password"]}, headers=h, timeout=20)
    assert r.status_code == 409 and r.json()["error"]["code"] == "username_taken"
    r = requests.patch(gw + V1 + "/me/username", json={"username": new, "password": acct["password"]}, headers=h, timeout=20)
    assert r.status_code == 200 and r.json()["username"] == new, r.text
    # The old name no longer signs in; the new one does.
    assert login(gw, acct["username"], acct["password"], expect=None).status_code == 401
    login(gw, new, acct["password"], expect=202)


def wait_messages(gw, recipient, needle):
    """Messages to `recipient` whose body contains `needle`, once there is one (polled)."""
    return until(lambda: [m for m in messages(gw, recipient) if needle in m["body"]], what=f"a message with {needle!r} to {recipient}")


def test_org_change_with_new_data_administrator(gw, suite):
    """变更资料: approved through approval, the data replace the old ones; the new data
    administrator activates, signs in and manages the old sub-accounts; the old one is told once
    by SMS and once by e-mail and loses the role."""
    acct = approved_account(gw, suite)
    h = auth(acct["access"])
    sub_phone = unique_phone()
    r = requests.post(gw + V1 + "/users", json={"displayName": "李填报", "phone": sub_phone, "role": "data_entry",
                                                "specialty": "coronary_intervention"}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
    sub = r.json()["user"]
    mine = requests.get(gw + V1 + "/org-changes", headers=h, timeout=10).json()
    assert mine["items"] == [] and mine["current"]["name"].startswith("协作医院")
    # Refusals change nothing: no change, a bad field, a bad new admin, not an institution admin.
    r = requests.post(gw + V1 + "/org-changes", json={"data": {"name": mine["current"]["name"]}}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_change"
    r = requests.post(gw + V1 + "/org-changes", json={"data": {"contactPhone": "123"}}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["field"] == "data.contactPhone"
    r = requests.post(gw + V1 + "/org-changes", json={"data": {"regionCode": "339999"}}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_region"
    r = requests.post(gw + V1 + "/org-changes", json={"newAdmin": {"name": "周新管", "phone": "1"}}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["field"] == "newAdmin.phone"
    # the phone of an account of the institution: its holder must prove it (test_org_change_admin_binding.py)
    r = requests.post(gw + V1 + "/org-changes", json={"newAdmin": {"name": "周新管", "phone": sub_phone}}, headers=h, timeout=10)
    assert r.status_code == 422 and r.json()["error"]["code"] == "sms_code_required"
    r = requests.post(gw + V1 + "/org-changes", json={"data": {"address": "某地"}}, headers=operator(gw, suite), timeout=10)
    assert r.status_code == 403
    assert requests.get(gw + V1 + "/org-changes", headers=h, timeout=10).json()["items"] == []

    new_phone = unique_phone()
    r = requests.post(gw + V1 + "/org-changes", json={"data": {"contactName": "孙联系", "address": "杭州市西湖区2号"},
                                                      "newAdmin": {"name": "周新管", "phone": new_phone,
                                                                   "email": f"new{new_phone}@example.com"}},
                      headers=h, timeout=10)
    assert r.status_code == 201, r.text
    change = r.json()
    assert change["status"] == "pending" and change["newData"] == {"contactName": "孙联系", "address": "杭州市西湖区2号"}
    r = requests.post(gw + V1 + "/org-changes", json={"data": {"address": "别处"}}, headers=h, timeout=10)
    assert r.status_code == 409 and r.json()["error"]["code"] == "change_pending"

    final = helpers.decide_for_real(gw, suite, change["id"])
    assert final["status"] == "approved", final
    notices = wait_messages(gw, acct["phone"], "数据管理员已变更")
    assert len(notices) == 1 and "1个子账号已转交" in notices[0]["body"]
    mails = [m for m in messages(gw, acct["email"]) if m["channel"] == "email" and "数据管理员" in (m.get("subject") or "")]
    assert len(mails) == 1
    # The old admin's password was reset and the account closed (no other role left).
    assert login(gw, acct["username"], acct["password"], expect=None).status_code == 401

    # The new administrator activates by SMS, signs in, sees the changed data and the old sub-account.
    wait_messages(gw, new_phone, "账号激活")
    assert activation_code(gw, new_phone).status_code == 201
    code, _ = latest_code(gw, new_phone)
    username, password = "zx" + new_phone[-8:], "New#" + uuid.uuid4().hex[:8]
    assert activate(gw, new_phone, username, password, code).status_code == 200
    s = full_login(gw, username, password, new_phone)
    nh = auth(s["accessToken"])
    mine = requests.get(gw + V1 + "/org-changes", headers=nh, timeout=10).json()
    assert mine["current"]["contactName"] == "孙联系" and mine["current"]["address"] == "杭州市西湖区2号"
    assert mine["items"][0]["status"] == "approved"
    listed = requests.get(gw + V1 + "/users", headers=nh, timeout=10).json()["items"]
    assert [u["id"] for u in listed] == [sub["id"]]
    r = requests.patch(gw + V1 + f"/users/{sub['id']}", json={"displayName": "李填报员"}, headers=nh, timeout=10)
    assert r.status_code == 200 and r.json()["displayName"] == "李填报员"


def test_rejected_org_change_keeps_the_old_data(gw, suite):
    acct = approved_account(gw, suite)
    h = auth(acct["access"])
    before = requests.get(gw + V1 + "/org-changes", headers=h, timeout=10).json()["current"]
    r = requests.post(gw + V1 + "/org-changes", json={"data": {"address": "新地址9号"}}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
    final = helpers.decide_for_real(gw, suite, r.json()["id"], decision="reject", opinion="地址与执业许可证不符")
    assert final["status"] == "rejected", final
    sms = wait_messages(gw, acct["phone"], "变更资料未通过")
    assert len(sms) == 1 and "地址与执业许可证不符。" in sms[0]["body"] and "。。" not in sms[0]["body"]
    mine = requests.get(gw + V1 + "/org-changes", headers=h, timeout=10).json()
    assert mine["current"] == before and mine["items"][0]["status"] == "rejected"
    assert mine["items"][0]["opinion"] == "地址与执业许可证不符"
    # Closed: a new change may be submitted.
    r = requests.post(gw + V1 + "/org-changes", json={"data": {"address": "新地址10号"}}, headers=h, timeout=10)
    assert r.status_code == 201, r.text
