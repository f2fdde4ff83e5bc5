"""Form templates end to end (docs/form-templates.md): a Zhejiang hospital downloads the monthly
core indicators' .xlsx template of a period, fills it with openpyxl (and, the same file, through
LibreOffice), uploads it: the dry run says what it would change and refuses bad values per row
with the messages of entry; nothing is stored until the commit, which saves exactly that as a
draft (values in the report, edit-log entries of source 'import'). Another version's template is
refused (请下载最新模板), a submitted report refuses with its lock reason, hostile workbooks are
refused, a commit after the values changed is stale. The stroke year's zip carries 附件1's
template. One browser test: 模板下载, 指标上传 → 预检 → 确认导入 on the form page.

Tokens come from the real flow (register → approval → SMS login) through helpers.approved_account.
Nothing depends on today's date: Zhejiang allows late entry and the months used are long past;
the stroke form's window (February–March) is closed for a past year whatever today is, which is
what its import is refused with."""
import csv
import datetime
import io
import os
import subprocess
import zipfile

import openpyxl
import pytest
import requests

from helpers import approved_account, auth, stroke_summary
from portal_helpers import browsers  # noqa: F401  (fixture)
from test_office_peers import HOSTILE, hostile_workbook

V1 = "/api/reporting/v1"
PERIOD = "2019-03"          # the 2018 version of the core indicators
OLD_PERIOD = "2018-06"      # the 2013 version
FILLED = {"A01": 1000, "A02": 200, "A04": 2, "A09": 400, "A06": 900, "A07": 90, "B01": 300, "B02": 3, "B04": 8.25,
          "B05": 120, "B06": 1, "B10": 2, "B12": 10, "B13": 30, "C01": 6, "C04": 50, "C05": 1, "C07": 0, "C09": "王填报"}


def call(gw, method, path, account=None, **kw):
    headers = dict(auth(account["access"])) if account else {}
    headers.update(kw.pop("headers", {}))
    return requests.request(method, gw + V1 + path, headers=headers, timeout=60, **kw)


@pytest.fixture(scope="module")
def hospital(gw, suite):
    a = approved_account(gw, suite)
    for program in ("zj_monthly", "stroke_annual"):
        assert call(gw, "POST", f"/programs/{program}/enrolment", a).status_code in (200, 201)
    return a


def open_report(gw, account, period, form="core", program="zj_monthly"):
    r = call(gw, "POST", "/reports", account, json={"program": program, "form": form, "period": period})
    assert r.status_code in (200, 201), r.text
    return r.json()


def template(gw, account, period, form="core", program="zj_monthly", ext="xlsx"):
    r = call(gw, "GET", f"/programs/{program}/forms/{form}/template.{ext}", account, params={"period": period})
    assert r.status_code == 200, r.text
    return r


def workbook(gw, account, period, **kw):
    return openpyxl.load_workbook(io.BytesIO(template(gw, account, period, **kw).content))


def fill(wb, values, comments=None):
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        code = row[0].value
        if code in values:
            row[4].value = values[code]
        if comments and code in comments:
            row[5].value = comments[code]
    return wb


def saved(wb):
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dry_run(gw, account, report_id, data, **params):
    return call(gw, "POST", f"/reports/{report_id}/imports", account, data=data, params=params,
                headers={"Content-Type": "application/octet-stream"})


def values_of(form):
    return {i["code"]: i["value"] for i in form["indicators"]}


def edits_of(gw, account, report_id):
    r = call(gw, "GET", f"/reports/{report_id}/edits", account, params={"limit": 200})
    assert r.status_code == 200, r.text
    return r.json()["items"]


@pytest.mark.parametrize("program,form,period,first", [
    ("zj_monthly", "general", "2019-03", "G01"), ("zj_monthly", "core", "2018-06", "A01"), ("ncis_annual", "hospital", "2024", "H01"),
    ("stroke_annual", "survey", "2024", "S01"), ("hqms_flu_weekly", "weekly", "2019-W10", "F01"),
    ("nccqi_pci_quarterly", "pci", "2021-Q2", None)])
def test_every_forms_template_of_its_periods_version(gw, hospital, program, form, period, first):
    wb = workbook(gw, hospital, period, program=program, form=form)
    detail = call(gw, "GET", f"/programs/{program}", hospital).json()
    versions = next(f for f in detail["forms"] if f["code"] == form)["versions"]
    version = [v["code"] for v in versions if v["firstPeriod"] <= period and (v.get("lastPeriod") or "9999") >= period][-1]
    assert wb.defined_names["qs_version"].attr_text == f'"{version}"'
    assert wb.defined_names["qs_program"].attr_text == f'"{program}"'
    rows = list(wb.worksheets[0].values)
    assert rows[0][:5] == ("指标代码", "分类", "指标名称", "单位", "填报值") and len(rows) > 2
    if first:
        assert rows[1][0] == first
    csv_text = template(gw, hospital, period, program=program, form=form, ext="csv").content.decode("utf-8-sig")
    assert [r[0] for r in csv.reader(io.StringIO(csv_text))] == [r[0] for r in rows]
    r = call(gw, "GET", f"/programs/{program}/forms/{form}/template.xlsx", hospital, params={"period": "1999"})
    assert r.status_code == 422 and r.json()["error"]["code"] in ("invalid_period", "no_form_version"), r.text


def test_monthly_template_filled_by_openpyxl_is_imported_as_a_draft_save(gw, hospital):
    wb = workbook(gw, hospital, PERIOD)
    ws = wb.worksheets[0]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:6] == ["指标代码", "分类", "指标名称", "单位", "填报值", "说明"]
    assert len(rows) == 1 + 30, "one row per indicator of the 2018 version"
    a03 = next(r for r in rows if r[0] == "A03")
    assert a03[1:4] == ["门急诊", "门急诊人次", "人次"] and a03[6].startswith("自动计算")
    assert wb["_meta"].sheet_state in ("hidden", "veryHidden")
    assert wb.defined_names["qs_version"].attr_text == '"2018"' and wb.defined_names["qs_form"].attr_text == '"core"'

    report = open_report(gw, hospital, PERIOD)
    rid = report["report"]["id"]
    fill(wb, {**FILLED, "A03": 99999, "C10": datetime.date(2019, 4, 5)}, comments={"B04": "含日间病房"})
    r = dry_run(gw, hospital, rid, saved(wb), filename="core.xlsx")
    assert r.status_code == 201, r.text
    dry = r.json()
    assert dry["summary"] == {"valuesRead": len(FILLED) + 1, "changed": len(FILLED) + 1, "unchanged": 0, "rejected": 0,
                              "commentsChanged": 1}, dry
    assert dry["errors"] == [] and dry["version"] == "2018"
    assert "A03" not in {c["code"] for c in dry["changes"]}, "a computed indicator is never imported"
    # nothing stored by the dry run
    assert values_of(call(gw, "GET", f"/reports/{rid}", hospital).json())["B01"] in (None, "")
    assert call(gw, "GET", f"/form-imports/{dry['importId']}", hospital).json()["summary"] == dry["summary"]

    c = call(gw, "POST", f"/form-imports/{dry['importId']}/commit", hospital)
    assert c.status_code == 200, c.text
    form = call(gw, "GET", f"/reports/{rid}", hospital).json()
    v = values_of(form)
    assert (v["B01"], v["B04"], v["C09"], v["C10"]) == (300, 8.25, "王填报", "2019-04-05"), v
    assert v["A03"] == 1200, "formulas recomputed as after a save"
    assert form["status"] in ("in_progress", "overdue") and form["comments"] == {"B04": "含日间病房"}
    edits = edits_of(gw, hospital, rid)
    imported = [e for e in edits if e["source"] == "import"]
    assert {e["indicator"] for e in imported} == set(FILLED) | {"C10"}
    assert all(e["actorName"] for e in imported)
    assert any(e["source"] == "computed" and e["indicator"] == "A03" for e in edits)

    again = call(gw, "POST", f"/form-imports/{dry['importId']}/commit", hospital)
    assert again.status_code == 409 and again.json()["error"]["code"] == "import_committed"

    # the same file again: all unchanged; blanks leave values alone, clear_blanks clears them
    wb2 = fill(workbook(gw, hospital, PERIOD), {"B01": 301})
    r = dry_run(gw, hospital, rid, saved(wb2))
    assert (r.json()["summary"]["changed"], r.json()["summary"]["valuesRead"]) == (1, 1), r.text
    r = dry_run(gw, hospital, rid, saved(wb2), clear_blanks="1")
    assert r.json()["summary"]["changed"] == len(FILLED) + 1, r.text


def test_bad_values_are_reported_per_row_and_nothing_is_stored(gw, hospital):
    rid = open_report(gw, hospital, "2019-04")["report"]["id"]
    wb = fill(workbook(gw, hospital, "2019-04"), {**FILLED, "B04": 400, "B01": "三百", "A01": 12.5})
    ws = wb.worksheets[0]
    row_of = {r[0].value: r[0].row for r in ws.iter_rows(min_row=2)}
    ws.append(["Z99", "", "", "", 5])
    r = dry_run(gw, hospital, rid, saved(wb))
    assert r.status_code == 201, r.text
    dry = r.json()
    assert dry["summary"]["rejected"] == 4 and dry["summary"]["changed"] == len(FILLED) - 3
    errors = {e["field"]: e for e in dry["errors"]}
    assert errors["B04"]["row"] == row_of["B04"] and errors["B04"]["message"] == "「出院患者平均住院日」（B04）不能大于365"
    assert errors["B04"]["column"].startswith("E") and errors["B04"]["value"] == "400"
    assert errors["B01"]["message"] == "「出院人数」（B01）请输入整数" and errors["B01"]["value"] == "三百"
    assert errors["A01"]["code"] == "invalid_value"
    assert errors["Z99"]["code"] == "unknown_indicator" and errors["Z99"]["row"] == ws.max_row
    assert not any(e["source"] == "import" for e in edits_of(gw, hospital, rid))


def test_another_versions_template_is_refused(gw, hospital):
    new = open_report(gw, hospital, "2019-05")["report"]["id"]
    old = open_report(gw, hospital, OLD_PERIOD)
    assert old["version"]["code"] == "2013"
    old_wb = fill(workbook(gw, hospital, OLD_PERIOD), {"B01": 10})
    r = dry_run(gw, hospital, new, saved(old_wb))
    assert r.status_code == 422 and r.json()["error"]["code"] == "template_outdated", r.text
    assert "请下载最新模板" in r.json()["error"]["message"]
    r = dry_run(gw, hospital, old["report"]["id"], saved(fill(workbook(gw, hospital, PERIOD), {"B01": 10})))
    assert r.status_code == 422 and r.json()["error"]["code"] == "template_outdated", r.text
    # another form's template
    r = dry_run(gw, hospital, new, saved(workbook(gw, hospital, PERIOD, form="general")))
    assert r.status_code == 422 and r.json()["error"]["code"] == "wrong_template", r.text
    # a CSV of the 2013 version (C03 only it has) is refused by its codes
    old_csv = template(gw, hospital, OLD_PERIOD, ext="csv").content.decode("utf-8-sig")
    assert "C03" in old_csv
    r = dry_run(gw, hospital, new, old_csv.encode("utf-8"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "template_outdated", r.text


def test_csv_template_is_imported(gw, hospital):
    rid = open_report(gw, hospital, "2019-06")["report"]["id"]
    rows = list(csv.reader(io.StringIO(template(gw, hospital, "2019-06", ext="csv").content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["指标代码", "分类", "指标名称", "单位", "填报值"]
    for row in rows[1:]:
        if row[0] in FILLED:
            row[4] = str(FILLED[row[0]])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    r = dry_run(gw, hospital, rid, buf.getvalue().encode("gb18030"), filename="core.csv")
    assert r.status_code == 201 and r.json()["summary"]["changed"] == len(FILLED), r.text
    assert call(gw, "POST", f"/form-imports/{r.json()['importId']}/commit", hospital).status_code == 200
    assert values_of(call(gw, "GET", f"/reports/{rid}", hospital).json())["B05"] == 120


def soffice(tmp_path, src, fmt, infilter=None):
    extra = [f"--infilter={infilter}"] if infilter else []
    subprocess.run(["soffice", "--headless", "--norestore", *extra, "--convert-to", fmt, "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180, env=dict(os.environ, HOME=str(tmp_path)))
    return tmp_path / (src.stem + "." + fmt.split(":")[0])


def test_template_saved_by_libreoffice_is_imported(gw, hospital, tmp_path):
    rid = open_report(gw, hospital, "2019-07")["report"]["id"]
    src = tmp_path / "filled.xlsx"
    src.write_bytes(saved(fill(workbook(gw, hospital, "2019-07"), FILLED)))
    out = tmp_path / "lo"
    out.mkdir()
    lo = soffice(out, src, "xlsx")
    assert lo.read_bytes() != src.read_bytes()
    r = dry_run(gw, hospital, rid, lo.read_bytes(), filename="lo.xlsx")
    assert r.status_code == 201, r.text
    assert r.json()["summary"]["changed"] == len(FILLED) and r.json()["errors"] == [], r.json()
    assert call(gw, "POST", f"/form-imports/{r.json()['importId']}/commit", hospital).status_code == 200
    assert values_of(call(gw, "GET", f"/reports/{rid}", hospital).json())["B04"] == 8.25

    # a CSV opened and saved as .xlsx by LibreOffice (no stamp: read by its labels and codes)
    rid2 = open_report(gw, hospital, "2019-08")["report"]["id"]
    text = "指标代码,填报值\r\nB01,250\r\nB02,2\r\nC09,李四\r\n"
    plain = tmp_path / "plain.csv"
    plain.write_text(text, encoding="utf-8")
    xlsx = soffice(tmp_path, plain, "xlsx", infilter="CSV:44,34,76,1")
    r = dry_run(gw, hospital, rid2, xlsx.read_bytes())
    assert r.status_code == 201 and r.json()["summary"]["changed"] == 3, r.text


@pytest.mark.parametrize("name,code", HOSTILE)
def test_hostile_workbooks_are_refused(gw, hospital, tmp_path, name, code):
    rid = open_report(gw, hospital, "2019-10")["report"]["id"]
    base = saved(fill(workbook(gw, hospital, "2019-10"), FILLED))
    path = hostile_workbook(tmp_path / f"{name}.xlsx", name, base=base)
    r = dry_run(gw, hospital, rid, path.read_bytes())
    assert r.status_code == 422 and r.json()["error"]["code"] == code and r.json()["error"]["field"] == "file", r.text
    assert not any(e["source"] == "import" for e in edits_of(gw, hospital, rid))


def test_locked_report_refuses_with_its_reason_and_stale_commit_applies_nothing(gw, hospital):
    rid = open_report(gw, hospital, "2019-11")["report"]["id"]
    data = saved(fill(workbook(gw, hospital, "2019-11"), {"B01": 100, "B02": 1}))
    dry = dry_run(gw, hospital, rid, data).json()
    # a value read by the dry run changes by hand: the commit is stale and applies nothing
    assert call(gw, "PUT", f"/reports/{rid}/values", hospital, json={"values": {"B02": 2}}).status_code == 200
    stale = call(gw, "POST", f"/form-imports/{dry['importId']}/commit", hospital)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "import_stale", stale.text
    assert values_of(call(gw, "GET", f"/reports/{rid}", hospital).json())["B01"] in (None, "")

    dry = dry_run(gw, hospital, rid, data).json()
    # the report is filled and submitted for real: read-only, with its reason
    assert call(gw, "PUT", f"/reports/{rid}/values", hospital, json={"values": FILLED}).status_code == 200
    sub = call(gw, "POST", f"/reports/{rid}/submit", hospital, json={})
    assert sub.status_code == 200, sub.text
    lock = {"submitted": ("report_submitted", "已提交"), "under_review": ("report_under_review", "审核中")}[sub.json()["status"]]
    r = dry_run(gw, hospital, rid, data)
    assert r.status_code == 409 and r.json()["error"]["code"] == lock[0], r.text
    assert lock[1] in r.json()["error"]["message"]
    r = call(gw, "POST", f"/form-imports/{dry['importId']}/commit", hospital)
    assert r.status_code == 409 and r.json()["error"]["code"] == lock[0], r.text


def test_another_hospital_cannot_use_the_import(gw, suite, hospital):
    other = approved_account(gw, suite)
    rid = open_report(gw, hospital, "2019-12")["report"]["id"]
    dry = dry_run(gw, hospital, rid, saved(fill(workbook(gw, hospital, "2019-12"), {"B01": 7}))).json()
    assert call(gw, "GET", f"/form-imports/{dry['importId']}", other).status_code == 404
    assert call(gw, "POST", f"/form-imports/{dry['importId']}/commit", other).status_code == 404
    assert dry_run(gw, other, rid, b"x").status_code == 404


def test_stroke_annex1_template_in_the_year_zip_and_through_the_same_path(gw, suite, hospital):
    year = "2022"
    wb = workbook(gw, hospital, year, program="stroke_annual", form="survey")
    codes = [r[0].value for r in wb.worksheets[0].iter_rows(min_row=2)]
    assert codes[:3] == ["S01", "S02", "S03"]
    assert "可选：示范高级卒中中心" in wb.worksheets[0]["G2"].value
    z = zipfile.ZipFile(io.BytesIO(call(gw, "GET", f"/registry-years/stroke_annual/{year}/templates.zip", hospital).content))
    annex = [n for n in z.namelist() if n.startswith("医疗机构脑血管病诊疗情况调查表")]
    assert len(annex) == 1 and len(z.namelist()) == 3, z.namelist()
    inner = openpyxl.load_workbook(io.BytesIO(z.read(annex[0])))
    assert inner.defined_names["qs_form"].attr_text == '"survey"'

    # the form's report of a past year: the import takes the same path as the monthly one and is
    # refused, like a save, with the closed window's reason (stroke allows no late entry)
    rid = stroke_summary(gw, suite, hospital, year, submit=False)   # a draft; the year is closed again
    fill(wb, {"S01": "高级卒中中心", "S02": 500, "S03": 400, "S04": 100, "S05": 40, "S07": 10})
    r = dry_run(gw, hospital, rid, saved(wb))
    assert r.status_code == 409 and r.json()["error"]["code"] == "deadline_passed", r.text
    assert "不允许逾期填报" in r.json()["error"]["message"]


def test_form_template_in_the_portal(gw, suite, browsers, tmp_path):
    """The form page: 模板下载 offered; a filled template uploaded, the dry run with its row
    error, 确认导入, the values in the form."""
    hospital = approved_account(gw, suite)
    assert call(gw, "POST", "/programs/zj_monthly/enrolment", hospital).status_code in (200, 201)
    period = "2020-02"
    path = tmp_path / "核心指标.xlsx"
    path.write_bytes(saved(fill(workbook(gw, hospital, period), {**FILLED, "B06": -1})))
    b = browsers("hospital")
    b.login(hospital["username"], hospital["password"], hospital["phone"])
    b.go(f"#/reporting/form/zj_monthly/core/{period}")
    b.page("reporting-form")
    assert b.css("[data-role='template-xlsx']").text == "模板下载（Excel）"
    b.css("[data-role='form-import-file']").send_keys(str(path))
    b.js("arguments[0].scrollIntoView({block: 'center'})", b.css("[data-role='form-import-dry-run']"))
    b.css("[data-role='form-import-dry-run']").click()
    summary = b.text_in("[data-role='form-import-summary']", "拒绝 1")
    assert f"读取 {len(FILLED)} 项，变化 {len(FILLED) - 1}" in summary.text, summary.text
    assert "「手术患者死亡人数」（B06）不能小于0" in b.css("[data-role='form-import-errors']").text
    b.shot("form-template-01-dry-run")
    b.js("arguments[0].scrollIntoView({block: 'center'})", b.css("[data-role='form-import-commit']"))
    b.css("[data-role='form-import-commit']").click()
    b.wait(lambda d: b.css("#ind-B01").get_attribute("value") == "300", what="imported values in the form")
    assert b.css("#ind-A03").get_attribute("value") == "1200"
    assert b.css("#ind-B06").get_attribute("value") == ""
    b.shot("form-template-02-imported")
