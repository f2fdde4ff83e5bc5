"""Reporting II end to end: case registries of the stroke year (附件3 溶栓个案, 附件2 介入个案).

A hospital enrolled in the stroke program imports 10,000 thrombolysis cases from the CSV of its
template: the dry run reports the rows read, created, updated, unchanged, rejected and the
conflicts (admission numbers already registered), with row-level errors in Chinese; nothing is
stored until the commit, which applies exactly the dry run. Cases are then queried and edited by
hand, exported without personal data, invisible to another hospital, and the year is submitted
only once the summary form, both lists and the 附件4 scan are there.

Hospital tokens come from the real flow (register → approval → SMS login) through
helpers.approved_account. Nothing depends on today's date: case lists are not bound to the
entry window; the summary form is, and the platform reopens the past year for it
(`helpers.stroke_summary`)."""
import csv
import datetime
import io
import itertools
import os
import subprocess
import uuid

import pytest
import requests

from actors import claims_of
from helpers import approved_account, auth, enrol, pdf_document, stroke_summary
from portal_helpers import browsers  # noqa: F401  (fixture)
from suite import read_env_file

V1 = "/api/reporting/v1"
PERIOD = "2024"
IVT_HEADER = ["住院号", "患者姓名", "身份证号", "随访联系电话", "治疗方式", "溶栓日期", "治疗前NIHSS评分",
              "出院时NIHSS评分", "溶栓药物", "其他溶栓药", "出院时mRS评分"]
OLD_IVT_HEADER = ["住院号", "治疗方式", "治疗前NIHSS评分", "出院时NIHSS评分", "出院时mRS评分"]


def call(gw, method, path, account=None, **kw):
    headers = dict(auth(account["access"])) if account else {}
    headers.update(kw.pop("headers", {}))
    return requests.request(method, gw + V1 + path, headers=headers, timeout=120, **kw)


def psql(sql):
    url = read_env_file(os.environ["TEST_SERVICES_ENV"])["REPORTING_DATABASE_URL"]
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atc", sql], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def resident_id(n):
    """A valid 18-digit resident ID (GB 11643 check digit) for the n-th test patient."""
    body = f"33010619{80 + n % 20:02d}0{1 + n % 9}1{n % 9}{n % 1000:03d}"[:17]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def name_of(n):
    return f"测试患者{n:05d}号"


def phone_of(n):
    return f"139{n:08d}"


def ivt_row(n, **over):
    row = {"住院号": f"{n:08d}", "患者姓名": name_of(n), "身份证号": resident_id(n), "随访联系电话": phone_of(n),
           "治疗方式": "单纯静脉溶栓", "溶栓日期": f"2024/{1 + n % 12}/{1 + n % 28}", "治疗前NIHSS评分": str(n % 43),
           "出院时NIHSS评分": str(n % 20), "溶栓药物": "阿替普酶", "其他溶栓药": "", "出院时mRS评分": str(n % 7)}
    row.update(over)
    return [row[h] for h in IVT_HEADER]


def csv_bytes(header, rows, encoding="utf-8-sig"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


@pytest.fixture(scope="module")
def hospital_a(gw, suite):
    a = approved_account(gw, suite)
    for program in ("stroke_annual", "nccqi_pci_quarterly"):   # NCCQI: approved by the coronary centre
        assert enrol(gw, suite, a, program)["status"] == "active"
    return a


@pytest.fixture(scope="module")
def hospital_b(gw, suite):
    b = approved_account(gw, suite)
    assert call(gw, "POST", "/programs/stroke_annual/enrolment", b).status_code in (200, 201)
    return b


def org_of(account):
    return claims_of(account["access"])["roles"][0]["orgID"]


def dry_run(gw, account, data, registry="stroke_ivt", period=PERIOD, **params):
    return call(gw, "POST", f"/registries/{registry}/imports", account, data=data,
                params={"period": period, **params}, headers={"Content-Type": "text/csv"})


def test_registries_are_data_with_versions_and_templates(gw, hospital_a):
    r = call(gw, "GET", "/registries", hospital_a, params={"program": "stroke_annual", "period": PERIOD})
    assert r.status_code == 200, r.text
    regs = {x["code"]: x for x in r.json()["items"]}
    assert set(regs) == {"stroke_ivt", "stroke_evt"}
    ivt = regs["stroke_ivt"]
    assert ivt["version"] == "2018" and [f["label"] for f in ivt["fields"]] == IVT_HEADER
    fields = {f["code"]: f for f in ivt["fields"]}
    assert (fields["NIHSS0"]["min"], fields["NIHSS0"]["max"]) == (0, 42)
    assert (fields["MRS"]["min"], fields["MRS"]["max"]) == (0, 6)
    assert fields["NAME"]["identifier"] and fields["IDNO"]["identifier"] and not fields["MRS"]["identifier"]
    assert fields["ADM"]["key"] and fields["ADM"]["type"] == "text"
    old = call(gw, "GET", "/registries/stroke_ivt", hospital_a, params={"period": "2016"}).json()
    assert old["version"] == "2015" and [f["label"] for f in old["fields"]] == OLD_IVT_HEADER

    t = call(gw, "GET", "/registries/stroke_ivt/template.csv", hospital_a, params={"period": PERIOD})
    assert t.status_code == 200 and t.headers["Content-Type"].startswith("text/csv")
    assert t.content.startswith(b"\xef\xbb\xbf")
    assert t.content[3:].decode("utf-8").strip().split(",") == IVT_HEADER
    pci = call(gw, "GET", "/registries", hospital_a, params={"program": "nccqi_pci_quarterly"}).json()["items"]
    assert [x["code"] for x in pci] == ["pci_cases"]


def test_old_template_and_wrong_header_are_refused(gw, hospital_a):
    r = dry_run(gw, hospital_a, csv_bytes(OLD_IVT_HEADER, [["0001", "单纯静脉溶栓", "3", "1", "2"]]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "template_outdated", r.text
    assert "请下载最新模板" in r.json()["error"]["message"]
    r = dry_run(gw, hospital_a, csv_bytes(IVT_HEADER[:-1] + ["备注"], [ivt_row(1)]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "header_mismatch", r.text
    assert "出院时mRS评分" in r.json()["error"]["message"] and "请下载最新模板" in r.json()["error"]["message"]
    assert call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD}).json()["total"] == 0


@pytest.fixture(scope="module")
def imported(gw, hospital_a):
    """10,000 thrombolysis rows in GB18030 (as Excel's Chinese CSV writes them) with bad rows and
    conflicts, dry-run then committed. Two cases are entered by hand first: 00000007 with other
    values (→ conflict) and 00000008 with the file's values (→ unchanged)."""
    same = dict(zip(IVT_HEADER, ivt_row(8)))
    other = dict(zip(IVT_HEADER, ivt_row(7, **{"出院时mRS评分": "0", "治疗前NIHSS评分": "41"})))
    for row in (other, same):
        values = {"ADM": row["住院号"], "NAME": row["患者姓名"], "IDNO": row["身份证号"], "PHONE": row["随访联系电话"],
                  "TREAT": row["治疗方式"], "TDATE": row["溶栓日期"], "NIHSS0": int(row["治疗前NIHSS评分"]),
                  "NIHSS1": row["出院时NIHSS评分"], "DRUG": row["溶栓药物"], "MRS": row["出院时mRS评分"]}
        r = call(gw, "POST", "/registries/stroke_ivt/cases", hospital_a, json={"period": PERIOD, "values": values})
        assert r.status_code == 201, r.text
    # an intervention case holding an admission number of the file: a conflict across lists
    r = call(gw, "POST", "/registries/stroke_evt/cases", hospital_a, json={"period": PERIOD, "values": {
        "ADM": "00000009", "TREAT": "机械取栓", "NIHSS0": 12, "MRS": 3}})
    assert r.status_code == 201, r.text

    rows = [ivt_row(n) for n in range(1, 10001)]
    bad = {
        100: ("治疗前NIHSS评分", "43", "out_of_range"),
        200: ("出院时mRS评分", "7", "out_of_range"),
        300: ("溶栓日期", "2024-02-30", "invalid_value"),
        400: ("治疗方式", "动脉溶栓", "invalid_value"),
        500: ("身份证号", "330106198001011234", "invalid_value"),
        600: ("治疗前NIHSS评分", "三", "invalid_value"),
    }
    for n, (col, value, _) in bad.items():
        rows[n - 1][IVT_HEADER.index(col)] = value
    rows[699][IVT_HEADER.index("溶栓药物")] = "其他"          # 其他 without 其他溶栓药: rule
    rows[799][IVT_HEADER.index("出院时mRS评分")] = ""         # required blank on a new case
    rows[899][0] = rows[898][0]                               # admission number twice in the file
    data = csv_bytes(IVT_HEADER, rows, encoding="gb18030")
    r = dry_run(gw, hospital_a, data, filename="溶栓个案.csv")
    assert r.status_code == 201, r.text
    answer = r.json()
    return {"dry": answer, "bad": bad, "data": data}


def test_dry_run_reports_honestly_and_stores_nothing(gw, hospital_a, imported):
    dry = imported["dry"]
    s = dry["summary"]
    # 10,000 rows: 9 refused by checks, 2 conflicts (00000007 other values; 00000009 in 介入个案),
    # 1 unchanged (00000008)
    assert s == {"rowsRead": 10000, "created": 10000 - 9 - 2 - 1, "updated": 0, "unchanged": 1, "rejected": 9,
                 "conflicts": 2}, s
    assert dry["status"] == "dry_run" and dry["errorsTotal"] == 9
    errors = {(e["row"], e["column"]): e for e in dry["errors"]}
    for n, (col, value, code) in imported["bad"].items():
        e = errors[(n + 1, col)]  # the header is line 1
        assert e["value"] == value and e["code"] == code and e["message"], e
    assert errors[(101, "治疗前NIHSS评分")]["message"] == "治疗前NIHSS评分不能大于42"
    assert errors[(201, "出院时mRS评分")]["message"] == "出院时mRS评分不能大于6"
    assert errors[(701, "其他溶栓药")]["code"] == "rule_violation"
    assert errors[(801, "出院时mRS评分")]["message"] == "出院时mRS评分不能为空"
    assert errors[(901, "住院号")]["code"] == "duplicate_in_file" and "第900行" in errors[(901, "住院号")]["message"]
    conflicts = {c["admissionNo"]: c for c in dry["conflicts"]}
    assert set(conflicts) == {"00000007", "00000009"}
    assert conflicts["00000009"]["list"] == "介入个案" and conflicts["00000007"]["row"] == 8
    assert "人工" in conflicts["00000007"]["message"]
    # nothing stored by the dry run: the three cases entered by hand only
    listed = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD}).json()
    assert listed["total"] == 2
    again = call(gw, "GET", f"/imports/{dry['importId']}", hospital_a).json()
    assert again["summary"] == s and again["status"] == "dry_run"


def test_commit_applies_exactly_the_dry_run(gw, hospital_a, hospital_b, imported):
    dry = imported["dry"]
    assert call(gw, "POST", f"/imports/{dry['importId']}/commit", hospital_b).status_code == 404
    r = call(gw, "POST", f"/imports/{dry['importId']}/commit", hospital_a)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "committed" and r.json()["summary"] == dry["summary"]
    listed = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD}).json()
    assert listed["total"] == 2 + dry["summary"]["created"]
    # the conflicting case kept its own values; leading zeros kept
    c7 = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "admission": "00000007"}).json()
    assert c7["total"] == 1 and c7["items"][0]["values"]["MRS"] == "0" and c7["items"][0]["admissionNo"] == "00000007"
    again = call(gw, "POST", f"/imports/{dry['importId']}/commit", hospital_a)
    assert again.status_code == 409 and again.json()["error"]["code"] == "import_committed"
    # the same file again: everything already there is unchanged or a conflict, nothing duplicated
    r = dry_run(gw, hospital_a, imported["data"])
    assert r.status_code == 201, r.text
    s = r.json()["summary"]
    assert s["created"] == 0 and s["unchanged"] == dry["summary"]["created"] + 1 and s["conflicts"] == 2, s
    count = psql(f"SELECT count(*) FROM reporting.cases WHERE admission_no = '00000050' AND org_id = '{org_of(hospital_a)}'")
    assert count == "1"


def test_personal_data_sealed_masked_and_never_exported(gw, hospital_a, imported):
    n = 42
    page = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a,
                params={"period": PERIOD, "admission": f"{n:08d}"}).json()
    item = page["items"][0]
    assert item["personal"]["NAME"] != name_of(n) and item["personal"]["NAME"].startswith("测")
    assert "*" in item["personal"]["IDNO"] and item["personal"]["IDNO"] != resident_id(n)
    assert "*" in item["personal"]["PHONE"]
    # at rest: no clear identifier in the table
    stored = psql(f"SELECT personal::text || data::text FROM reporting.cases WHERE admission_no = '{n:08d}'")
    assert name_of(n) not in stored and resident_id(n) not in stored and phone_of(n) not in stored
    # the entering hospital's detail shows them in clear (to edit)
    detail = call(gw, "GET", f"/cases/{item['id']}", hospital_a).json()
    assert detail["personal"]["NAME"] == name_of(n)

    export = call(gw, "GET", "/registries/stroke_ivt/export.csv", hospital_a, params={"period": PERIOD})
    assert export.status_code == 200 and export.headers["Content-Type"].startswith("text/csv")
    body = export.content
    text = body.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    assert len(lines) == 1 + 2 + imported["dry"]["summary"]["created"]
    header = lines[0].split(",")
    assert "患者姓名" not in header and "身份证号" not in header and "随访联系电话" not in header
    assert "出院时mRS评分" in header
    for m in range(1, 10001, 37):
        for secret in (name_of(m), resident_id(m), phone_of(m)):
            assert secret.encode() not in body, secret
    assert "测试患者".encode() not in body


def test_query_filters_paging_and_edit_by_hand(gw, hospital_a, imported):
    r = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "f.MRS": "6", "limit": 50})
    page = r.json()
    expected = int(psql("SELECT count(*) FROM reporting.cases c JOIN reporting.registries r ON r.id = c.registry_id "
                        f"WHERE r.code = 'stroke_ivt' AND c.data->>'MRS' = '6' AND c.period = '{PERIOD}'"
                        f" AND c.org_id = '{org_of(hospital_a)}'"))
    assert page["total"] == expected > 0
    assert all(i["values"]["MRS"] == "6" for i in page["items"]) and len(page["items"]) == 50
    seen = {i["id"] for i in page["items"]}
    nxt = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a,
               params={"period": PERIOD, "f.MRS": "6", "limit": 50, "cursor": page["nextCursor"]}).json()
    assert not seen & {i["id"] for i in nxt["items"]}
    bad = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "f.MRS": "9"})
    assert bad.status_code == 422
    assert call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "f.NAME": "x"}).status_code == 422

    # the conflict is edited by hand
    c7 = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "admission": "00000007"}).json()["items"][0]
    r = call(gw, "PUT", f"/cases/{c7['id']}", hospital_a, json={"values": {"MRS": 5, "NIHSS0": 43}})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "NIHSS0"
    assert call(gw, "GET", f"/cases/{c7['id']}", hospital_a).json()["values"]["MRS"] == "0"  # refused: nothing changed
    r = call(gw, "PUT", f"/cases/{c7['id']}", hospital_a, json={"values": {"MRS": 5, "DRUG": "其他"}})
    assert r.status_code == 422 and r.json()["error"]["details"][0]["code"] == "rule_violation"
    r = call(gw, "PUT", f"/cases/{c7['id']}", hospital_a, json={"values": {"MRS": 5, "DRUG": "其他", "DRUG2": "普罗尿激酶"}})
    assert r.status_code == 200, r.text
    assert r.json()["values"]["MRS"] == "5" and r.json()["revision"] == 2
    # a second case with the same admission number is refused, never duplicated
    dup = call(gw, "POST", "/registries/stroke_ivt/cases", hospital_a, json={"period": PERIOD, "values": {
        "ADM": "00000007", "TREAT": "单纯静脉溶栓", "NIHSS0": 3, "DRUG": "尿激酶", "MRS": 1}})
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "duplicate_admission_no"
    # deleted before the year is submitted: gone, and its number free again
    extra = call(gw, "POST", "/registries/stroke_ivt/cases", hospital_a, json={"period": PERIOD, "values": {
        "ADM": "DEL-1", "TREAT": "单纯静脉溶栓", "NIHSS0": 3, "DRUG": "尿激酶", "MRS": 1}})
    assert extra.status_code == 201, extra.text
    assert call(gw, "DELETE", f"/cases/{extra.json()['id']}", hospital_a).status_code == 204
    assert call(gw, "GET", f"/cases/{extra.json()['id']}", hospital_a).status_code == 404
    assert call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "admission": "DEL-1"}).json()["total"] == 0


def test_commit_refused_when_cases_changed_after_the_dry_run(gw, hospital_a):
    rows = [ivt_row(n, **{"出院时mRS评分": "1"}) for n in (20, 21)]
    r = dry_run(gw, hospital_a, csv_bytes(IVT_HEADER, rows), mode="update")
    assert r.status_code == 201, r.text
    assert r.json()["summary"]["updated"] == 2
    c20 = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "admission": "00000020"}).json()["items"][0]
    assert call(gw, "PUT", f"/cases/{c20['id']}", hospital_a, json={"values": {"NIHSS1": 2}}).status_code == 200
    stale = call(gw, "POST", f"/imports/{r.json()['importId']}/commit", hospital_a)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "import_stale"
    c21 = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "admission": "00000021"}).json()["items"][0]
    assert c21["values"]["MRS"] == str(21 % 7)  # nothing applied
    # blank cells keep stored values (update mode, clear_blanks off)
    row = ivt_row(21, **{"出院时mRS评分": "1", "出院时NIHSS评分": ""})
    r = dry_run(gw, hospital_a, csv_bytes(IVT_HEADER, [row]), mode="update")
    assert r.json()["summary"]["updated"] == 1
    assert call(gw, "POST", f"/imports/{r.json()['importId']}/commit", hospital_a).status_code == 200
    c21 = call(gw, "GET", f"/cases/{c21['id']}", hospital_a).json()
    assert c21["values"]["MRS"] == "1" and c21["values"]["NIHSS1"] == str(21 % 20)
    # …unless asked: clear_blanks empties them (a required field left blank is then refused)
    r = dry_run(gw, hospital_a, csv_bytes(IVT_HEADER, [row]), mode="update", clear_blanks="1")
    assert r.json()["summary"]["updated"] == 1, r.text
    assert call(gw, "POST", f"/imports/{r.json()['importId']}/commit", hospital_a).status_code == 200
    c21 = call(gw, "GET", f"/cases/{c21['id']}", hospital_a).json()
    assert "NIHSS1" not in c21["values"] and c21["personal"]["NAME"] == name_of(21)
    blank_mrs = ivt_row(21, **{"出院时mRS评分": ""})
    r = dry_run(gw, hospital_a, csv_bytes(IVT_HEADER, [blank_mrs]), mode="update", clear_blanks="1")
    assert r.json()["summary"]["rejected"] == 1 and r.json()["errors"][0]["message"] == "出院时mRS评分不能为空", r.text


def test_another_hospital_sees_nothing(gw, hospital_a, hospital_b, imported):
    some = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "limit": 1}).json()["items"][0]
    assert call(gw, "GET", f"/cases/{some['id']}", hospital_b).status_code == 404
    assert call(gw, "PUT", f"/cases/{some['id']}", hospital_b, json={"values": {"MRS": 1}}).status_code == 404
    assert call(gw, "DELETE", f"/cases/{some['id']}", hospital_b).status_code == 404
    listed = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_b,
                  params={"period": PERIOD, "org": org_of(hospital_a)}).json()
    assert listed["total"] == 0 and listed["items"] == []
    export = call(gw, "GET", "/registries/stroke_ivt/export.csv", hospital_b,
                  params={"period": PERIOD, "org": org_of(hospital_a)})
    assert export.status_code == 200 and len(export.content.decode("utf-8-sig").strip().split("\r\n")) == 1
    assert call(gw, "GET", f"/imports/{imported['dry']['importId']}", hospital_b).status_code == 404
    assert call(gw, "GET", f"/registry-years/stroke_annual/{PERIOD}", hospital_b, params={"org": org_of(hospital_a)}).status_code == 404
    # B's own import of the same admission numbers is no conflict with A's
    r = dry_run(gw, hospital_b, csv_bytes(IVT_HEADER, [ivt_row(7)]))
    assert r.json()["summary"]["created"] == 1 and r.json()["summary"]["conflicts"] == 0


def test_provincial_centre_reads_its_region_only(gw, suite, hospital_a, imported):
    from helpers import centre_actor, internal_headers
    r = requests.get(suite.url("identity") + "/api/identity/v1/internal/organisations", headers=internal_headers(suite),
                     params={"kind": "provincial_centre", "under": "86/330000"}, timeout=10)
    centre = centre_actor(gw, suite, r.json()["items"][0]["id"], "provincial_centre")
    org = org_of(hospital_a)
    page = call(gw, "GET", "/registries/stroke_ivt/cases", centre, params={"period": PERIOD, "org": org, "limit": 5})
    assert page.status_code == 200, page.text
    assert page.json()["total"] >= imported["dry"]["summary"]["created"]
    item = page.json()["items"][0]
    assert "*" in item["personal"].get("IDNO", "*")
    detail = call(gw, "GET", f"/cases/{item['id']}", centre).json()
    assert detail["personal"].get("NAME") != name_of(int(item["admissionNo"]))     # masked for readers too
    r = call(gw, "PUT", f"/cases/{item['id']}", centre, json={"values": {"MRS": 1}})
    assert r.status_code == 403, r.text
    assert dry_run(gw, centre, csv_bytes(IVT_HEADER, [ivt_row(5)])).status_code == 403
    export = call(gw, "GET", "/registries/stroke_ivt/export.csv", centre, params={"period": PERIOD, "org": org})
    lines = export.content.decode("utf-8-sig").strip().split("\r\n")
    assert len(lines) > 1000 and lines[1].split(",")[0] == "1"      # a sequence number, not the admission number
    assert b"00000042" not in export.content
    # the institution's year row, read-only
    year = call(gw, "GET", f"/registry-years/stroke_annual/{PERIOD}", centre, params={"org": org})
    assert year.status_code == 200, year.text
    assert {x["registry"]: x["count"] for x in year.json()["lists"]}["stroke_evt"] == 1
    assert call(gw, "GET", f"/registry-years/stroke_annual/{PERIOD}", centre, params={"org": str(uuid.uuid4())}).status_code == 404


XLSX_PERIOD = "2022"


def xlsx_template(gw, account, registry="stroke_ivt", period=XLSX_PERIOD):
    import openpyxl
    r = call(gw, "GET", f"/registries/{registry}/template.xlsx", account, params={"period": period})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/vnd.openxmlformats"), r.text
    return openpyxl.load_workbook(io.BytesIO(r.content))


def saved(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_template_filled_by_openpyxl_is_imported(gw, hospital_a):
    wb = xlsx_template(gw, hospital_a)
    sheet = wb.worksheets[0]
    assert [c.value for c in sheet[1]] == IVT_HEADER
    assert wb["_meta"].sheet_state in ("hidden", "veryHidden")
    assert "qs_version" in wb.defined_names
    for n in range(1, 6):
        row = ivt_row(700000 + n)
        row[0] = f"{n:06d}"                                   # text: leading zeros kept
        row[5] = datetime.date(2022, 3, n)                    # a real date cell
        row[6] = int(row[6])                                  # numbers as numbers
        sheet.append(row)
    sheet.append(["000006", "", "", "", "单纯静脉溶栓", None, "=1+1", 1, "阿替普酶", None, 2])  # formula, no cached value
    r = dry_run(gw, hospital_a, saved(wb), period=XLSX_PERIOD)
    assert r.status_code == 201, r.text
    s = r.json()["summary"]
    assert (s["rowsRead"], s["created"], s["rejected"]) == (6, 5, 1), r.json()
    # a formula without a cached value is no value (never 0): the required score is missing
    assert r.json()["errors"][0]["row"] == 7 and r.json()["errors"][0]["message"] == "治疗前NIHSS评分不能为空"
    assert call(gw, "POST", f"/imports/{r.json()['importId']}/commit", hospital_a).status_code == 200
    c = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": XLSX_PERIOD, "admission": "000003"}).json()
    assert c["total"] == 1 and c["items"][0]["values"]["TDATE"] == "2022-03-03"

    export = call(gw, "GET", "/registries/stroke_ivt/export.xlsx", hospital_a, params={"period": XLSX_PERIOD})
    assert export.status_code == 200
    import openpyxl
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0].values)
    assert len(rows) == 6 and "患者姓名" not in rows[0] and "身份证号" not in rows[0]
    for n in range(1, 6):
        for secret in (name_of(700000 + n), resident_id(700000 + n), phone_of(700000 + n)):
            assert secret.encode() not in export.content
            assert all(secret not in map(str, row) for row in rows)


def test_another_versions_or_registrys_template_is_refused_by_name(gw, hospital_a):
    old = xlsx_template(gw, hospital_a, period="2016")       # the 2015 version
    old.worksheets[0].append(["0001", "单纯静脉溶栓", 3, 1, 2])
    r = dry_run(gw, hospital_a, saved(old), period=XLSX_PERIOD)
    assert r.status_code == 422 and r.json()["error"]["code"] == "template_outdated", r.text
    assert "请下载最新模板" in r.json()["error"]["message"]
    evt = xlsx_template(gw, hospital_a, registry="stroke_evt")
    r = dry_run(gw, hospital_a, saved(evt), period=XLSX_PERIOD)
    assert r.status_code == 422 and r.json()["error"]["code"] == "wrong_template", r.text
    r = dry_run(gw, hospital_a, b"PK\x03\x04" + b"\x00" * 40, period=XLSX_PERIOD)
    assert r.status_code == 422 and r.json()["error"]["code"].startswith(("zip_", "xlsx_")), r.text


def test_year_templates_come_as_one_zip(gw, hospital_a):
    import zipfile
    import openpyxl
    r = call(gw, "GET", f"/registry-years/stroke_annual/{XLSX_PERIOD}/templates.zip", hospital_a)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert len(z.namelist()) == 3  # 附件1 (the summary form, docs/form-templates.md) and the two case lists
    headers = sorted(tuple(c.value for c in openpyxl.load_workbook(io.BytesIO(z.read(n))).worksheets[0][1]) for n in z.namelist())
    assert tuple(IVT_HEADER) in headers


def test_year_submitted_only_when_complete(gw, suite, hospital_a, hospital_b, imported):
    y = call(gw, "GET", f"/registry-years/stroke_annual/{PERIOD}", hospital_a)
    assert y.status_code == 200, y.text
    year = y.json()
    assert year["status"] == "open" and year["scanRequired"] and not year["submittable"]
    counts = {x["registry"]: x["count"] for x in year["lists"]}
    assert counts["stroke_evt"] == 1 and counts["stroke_ivt"] == 2 + imported["dry"]["summary"]["created"]
    assert year["countsLabel"] == f"共上报{counts['stroke_ivt']}例溶栓个案，1例介入个案"
    r = call(gw, "POST", f"/registry-years/stroke_annual/{PERIOD}/submit", hospital_a, json={})
    assert r.status_code == 422 and r.json()["error"]["code"] == "year_incomplete"
    assert "附件4" in r.json()["error"]["message"] and "总表" in r.json()["error"]["message"]
    assert r.json()["error"]["details"] == year["missing"]

    # 附件4: uploaded to the year's object at the documents service, then attached by id
    up = requests.post(gw + "/api/documents/v1/documents", params={"kind": "annual_survey_scan", "object": year["scanObject"]},
                       files={"file": ("附件4.pdf", pdf_document("scan"), "application/pdf")},
                       headers=auth(hospital_a["access"]), timeout=20)
    assert up.status_code == 201, up.text
    doc = up.json()["id"]
    assert call(gw, "PUT", f"/registry-years/stroke_annual/{PERIOD}/scan", hospital_b, json={"documentId": doc}).json()["error"]["code"] \
        == "document_not_found"
    elsewhere = requests.post(gw + "/api/documents/v1/documents", params={"kind": "annual_survey_scan", "object": f"report:{uuid.uuid4()}"},
                              files={"file": ("附件4.pdf", pdf_document("other"), "application/pdf")},
                              headers=auth(hospital_a["access"]), timeout=20)
    assert elsewhere.status_code == 201, elsewhere.text
    r = call(gw, "PUT", f"/registry-years/stroke_annual/{PERIOD}/scan", hospital_a, json={"documentId": elsewhere.json()["id"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "wrong_document", r.text
    r = call(gw, "PUT", f"/registry-years/stroke_annual/{PERIOD}/scan", hospital_a, json={"documentId": doc})
    assert r.status_code == 200 and r.json()["scanDocumentId"] == doc, r.text
    r = call(gw, "POST", f"/registry-years/stroke_annual/{PERIOD}/submit", hospital_a, json={})
    assert r.status_code == 422 and "总表" in r.json()["error"]["message"] and "附件4" not in r.json()["error"]["message"]

    stroke_summary(gw, suite, hospital_a, PERIOD)
    r = call(gw, "POST", f"/registry-years/stroke_annual/{PERIOD}/submit", hospital_a, json={})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted" and r.json()["statusLabel"] == "已提交"

    # submitted: the lists are read-only
    some = call(gw, "GET", "/registries/stroke_ivt/cases", hospital_a, params={"period": PERIOD, "limit": 1}).json()["items"][0]
    r = call(gw, "PUT", f"/cases/{some['id']}", hospital_a, json={"values": {"MRS": 1}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "year_submitted"
    assert call(gw, "DELETE", f"/cases/{some['id']}", hospital_a).status_code == 409
    r = dry_run(gw, hospital_a, csv_bytes(IVT_HEADER, [ivt_row(99999)]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "year_submitted"


def test_year_with_an_empty_list_needs_zero_declared(gw, suite, hospital_b):
    period = "2023"
    r = call(gw, "POST", "/registries/stroke_ivt/cases", hospital_b, json={"period": period, "values": {
        "ADM": "A1", "TREAT": "单纯静脉溶栓", "NIHSS0": 3, "DRUG": "尿激酶", "MRS": 1}})
    assert r.status_code == 201, r.text
    stroke_summary(gw, suite, hospital_b, period)
    year = call(gw, "GET", f"/registry-years/stroke_annual/{period}", hospital_b).json()
    assert any("介入个案" in m for m in year["missing"])
    r = call(gw, "POST", f"/registry-years/stroke_annual/{period}/submit", hospital_b, json={"noCases": ["stroke_ivt"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "has_cases"
    r = call(gw, "POST", f"/registry-years/stroke_annual/{period}/submit", hospital_b, json={"noCases": ["stroke_evt"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "year_incomplete"  # still no 附件4
    assert "介入个案" not in r.json()["error"]["message"]


def test_registry_year_in_the_portal(gw, suite, browsers, tmp_path):
    """A stroke hospital in a real browser: the year's page, a CSV imported (dry run with its
    row error, then committed), the list with masked names, a case added by hand and a
    duplicate admission number refused next to its field. No console errors."""
    from portal_helpers import By
    hospital = approved_account(gw, suite)
    assert call(gw, "POST", "/programs/stroke_annual/enrolment", hospital).status_code in (200, 201)
    period = "2021"
    path = tmp_path / "溶栓个案.csv"
    path.write_bytes(csv_bytes(IVT_HEADER, [ivt_row(31), ivt_row(32), ivt_row(33, **{"出院时mRS评分": "9"})]))

    # the year's summary form in the due list (a draft: due whatever today's date) links to the
    # year's registry page
    stroke_summary(gw, suite, hospital, period, submit=False)
    b = browsers("hospital")
    b.login(hospital["username"], hospital["password"], hospital["phone"])
    b.go("#/reporting")
    b.page("reporting-due")
    b.css(f"[data-due='stroke_annual/survey/{period}'] [data-role='open-registry']").click()
    b.page("registry-year")
    assert b.driver.current_url.endswith(f"#/registry/stroke_annual/{period}")
    b.text_in("[data-role='counts']", "共上报0例溶栓个案，0例介入个案")
    b.js("arguments[0].value = 'stroke_ivt'; arguments[0].dispatchEvent(new Event('change'))", b.css("select[name='registry']"))
    b.css("[data-role='import-file']").send_keys(str(path))
    b.css("[data-role='dry-run']").click()
    summary = b.text_in("[data-role='summary']", "读取 3 行")
    assert "新增 2" in summary.text and "拒绝 1" in summary.text, summary.text
    assert "出院时mRS评分不能大于6" in b.css("[data-role='row-errors']").text
    b.shot("registry-01-dry-run")
    assert call(gw, "GET", "/registries/stroke_ivt/cases", hospital, params={"period": period}).json()["total"] == 0
    b.css("[data-role='commit']").click()
    b.css("[data-role='committed']")
    b.text_in("[data-role='total']", "共2条数据")
    table = b.css("[data-role='cases'] table").text
    assert "00000031" in table and name_of(31) not in table and name_of(31)[0] in table
    b.text_in("[data-role='counts']", "共上报2例溶栓个案")
    b.shot("registry-02-cases")

    # a case by hand; the same admission number again is refused next to the field
    for adm, expect_error in (("HAND-1", False), ("00000031", True)):
        b.css("[data-role='add']").click()
        dialog = b.dialog()
        for label, value in (("住院号", adm), ("治疗前NIHSS评分", "5"), ("出院时mRS评分", "2")):
            b.fill(label, value, dialog)
        for name, value in (("TREAT", "单纯静脉溶栓"), ("DRUG", "尿激酶")):
            b.js("arguments[0].value = arguments[1]", dialog.find_element(By.CSS_SELECTOR, f"select[name='{name}']"), value)
        b.click("保存", dialog)
        if expect_error:
            b.wait(lambda d: "已登记" in b.dialog().text, what="duplicate refused next to the field")
            b.click("取消", b.dialog())
        else:
            b.text_in("[data-role='total']", "共3条数据")
    assert call(gw, "GET", "/registries/stroke_ivt/cases", hospital, params={"period": period}).json()["total"] == 3

    # 导出 with 日期偏移: the downloaded workbook's dates moved back 0–364 days, no admission numbers
    import openpyxl
    from portal_helpers import until
    b.css("[data-role='date-shift']").click()
    b.css("[data-role='export']").click()
    target = tmp_path / f"stroke_ivt-{period}.xlsx"
    until(lambda: target.exists() and target.stat().st_size > 0, timeout=30, what="the export downloaded")
    sheet = openpyxl.load_workbook(target).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    col = rows[0].index("溶栓日期")
    def as_date(v):
        return v.date() if isinstance(v, datetime.datetime) else datetime.date.fromisoformat(str(v))
    dates = sorted(as_date(r[col]) for r in rows[1:] if r[col] not in (None, ""))
    stored = sorted(datetime.date(2024, 1 + n % 12, 1 + n % 28) for n in (31, 32))
    assert len(dates) == 2 and any(all(0 <= (s - d).days <= 364 for s, d in zip(stored, perm))
                                   for perm in itertools.permutations(dates)), (stored, dates)
    assert dates != stored
    flat = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "00000031" not in flat and "HAND-1" not in flat and name_of(31) not in flat
    assert b.console_errors() == [], b.console_errors()


SHIFT_PERIOD = "2021"


def test_date_shifted_export_moves_every_case_by_its_own_days(gw, hospital_a, suite):
    """date_shift=1 (REDCap-style): each case's dates move back by the case's own 0–364 days, the
    same in every export; identifiers and admission numbers stay out. Also the import path of an
    institution without cases of the period (staged rows all creates, committed set-based)."""
    rows = [ivt_row(n, **{"溶栓日期": f"2021-{1 + n % 12:02d}-{1 + n % 28:02d}"}) for n in range(5001, 5061)]
    r = dry_run(gw, hospital_a, csv_bytes(IVT_HEADER, rows), period=SHIFT_PERIOD)
    assert r.status_code == 201, r.text
    assert r.json()["summary"]["created"] == 60 and r.json()["summary"]["conflicts"] == 0
    assert call(gw, "POST", f"/imports/{r.json()['importId']}/commit", hospital_a).status_code == 200
    stored = psql("SELECT count(*) FROM reporting.cases c JOIN reporting.registries g ON g.id = c.registry_id "
                  f"WHERE g.code = 'stroke_ivt' AND c.period = '{SHIFT_PERIOD}' AND c.org_id = '{org_of(hospital_a)}'")
    assert stored == "60"

    def export(**extra):
        e = call(gw, "GET", "/registries/stroke_ivt/export.csv", hospital_a, params={"period": SHIFT_PERIOD, **extra})
        assert e.status_code == 200, e.text
        return e.content, list(csv.reader(io.StringIO(e.content.decode("utf-8-sig"))))

    plain_body, plain = export()
    body1, shifted1 = export(date_shift="1")
    _, shifted2 = export(date_shift="1")
    header = plain[0]
    assert shifted1[0] == header and len(shifted1) == len(plain) == 61
    col = header.index("溶栓日期")
    offsets = []
    for p, s1, s2 in zip(plain[1:], shifted1[1:], shifted2[1:]):
        assert s1 == s2                                       # the same case moves the same way every time
        d = (datetime.date.fromisoformat(p[col]) - datetime.date.fromisoformat(s1[col])).days
        assert 0 <= d <= 364, (p[col], s1[col])
        offsets.append(d)
        # everything else is the plain export's, the admission number apart
        assert [v for i, v in enumerate(s1) if i not in (0, col)] == [v for i, v in enumerate(p) if i not in (0, col)]
    assert len(set(offsets)) > 10                             # a per-case offset, not one for the file
    assert sorted(r[0] for r in plain[1:]) == [f"{n:08d}" for n in range(5001, 5061)]   # own export: the numbers
    for n in range(5001, 5061):
        for secret in (f"{n:08d}", name_of(n), resident_id(n), phone_of(n)):
            assert secret.encode() not in body1, secret
    assert "患者姓名" not in header and "身份证号" not in header
