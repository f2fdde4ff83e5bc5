"""A stroke registry year walked through the real flows only, nothing arranged in SQL: the
platform reopens a past year (延期: `PUT /internal/programs/stroke_annual/windows/:period`, the
stroke window otherwise being February–March), the hospital sees it due, fills 附件1 (the summary
form) from its .xlsx template with openpyxl, imports and submits it, imports its thrombolysis
cases, adds an intervention case, attaches the 附件4 scan and submits the year."""
import datetime
import io

import openpyxl
import requests

from helpers import approved_account, auth, pdf_document, reporting_window

V1 = "/api/reporting/v1"
YEAR = "2020"
IVT_HEADER = ["住院号", "患者姓名", "身份证号", "随访联系电话", "治疗方式", "溶栓日期", "治疗前NIHSS评分",
              "出院时NIHSS评分", "溶栓药物", "其他溶栓药", "出院时mRS评分"]


def call(gw, method, path, account=None, **kw):
    headers = dict(auth(account["access"])) if account else {}
    headers.update(kw.pop("headers", {}))
    return requests.request(method, gw + V1 + path, headers=headers, timeout=60, **kw)


def set_window(suite, opens, closes):
    return reporting_window(suite, "stroke_annual", YEAR, opens, closes)


def resident_id(n):
    body = f"11010519{80 + n % 20:02d}0{1 + n % 9}1{n % 9}{n % 1000:03d}"[:17]
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def ivt_csv(n):
    lines = [",".join(IVT_HEADER)]
    for i in range(1, n + 1):
        lines.append(",".join([f"Y{i:06d}", f"年度患者{i}", resident_id(i), f"137{i:08d}", "单纯静脉溶栓", f"{YEAR}/3/{1 + i % 28}",
                               str(i % 30), str(i % 10), "阿替普酶", "", str(i % 7)]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def test_a_reopened_stroke_year_from_template_to_submission(gw, suite):
    hospital = approved_account(gw, suite)
    assert call(gw, "POST", "/programs/stroke_annual/enrolment", hospital).status_code in (200, 201)

    # the year's window (February–March of the next year) is long past and stroke takes no late entry
    r = call(gw, "POST", "/reports", hospital, json={"program": "stroke_annual", "form": "survey", "period": YEAR})
    assert r.status_code == 409 and r.json()["error"]["code"] == "deadline_passed", r.text

    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    set_window(suite, now - datetime.timedelta(hours=1), now + datetime.timedelta(hours=2))
    try:
        due = call(gw, "GET", "/due", hospital).json()["items"]
        item = next(d for d in due if d["program"] == "stroke_annual" and d["form"] == "survey" and d["period"] == YEAR)
        assert item["status"] == "not_started" and item.get("lock") is None, item

        report = call(gw, "POST", "/reports", hospital, json={"program": "stroke_annual", "form": "survey", "period": YEAR})
        assert report.status_code == 201, report.text
        rid = report.json()["report"]["id"]

        # 附件1 from its template, filled by openpyxl
        t = call(gw, "GET", "/programs/stroke_annual/forms/survey/template.xlsx", hospital, params={"period": YEAR})
        assert t.status_code == 200, t.text
        wb = openpyxl.load_workbook(io.BytesIO(t.content))
        values = {"S01": "高级卒中中心", "S02": 500, "S03": 400, "S04": 100, "S05": 40, "S07": 10}
        for row in wb.worksheets[0].iter_rows(min_row=2):
            if row[0].value in values:
                row[4].value = values[row[0].value]
        out = io.BytesIO()
        wb.save(out)
        dry = call(gw, "POST", f"/reports/{rid}/imports", hospital, data=out.getvalue(),
                   headers={"Content-Type": "application/octet-stream"})
        assert dry.status_code == 201, dry.text
        assert dry.json()["summary"]["rejected"] == 0, dry.json()
        commit = call(gw, "POST", f"/form-imports/{dry.json()['importId']}/commit", hospital)
        assert commit.status_code == 200, commit.text
        form = call(gw, "GET", f"/reports/{rid}", hospital).json()
        got = {i["code"]: i["value"] for i in form["indicators"]}
        assert got["S02"] in (500, "500") and got["S01"] == "高级卒中中心" and got["S06"] not in (None, ""), got
        s = call(gw, "POST", f"/reports/{rid}/submit", hospital, json={})
        assert s.status_code == 200, s.text
        assert s.json()["status"] in ("submitted", "under_review", "accepted"), s.json()

        # the case lists: thrombolysis cases imported, one intervention case by hand
        dry = call(gw, "POST", "/registries/stroke_ivt/imports", hospital, data=ivt_csv(40), params={"period": YEAR},
                   headers={"Content-Type": "text/csv"})
        assert dry.status_code == 201 and dry.json()["summary"]["created"] == 40, dry.text
        assert call(gw, "POST", f"/imports/{dry.json()['importId']}/commit", hospital).status_code == 200
        r = call(gw, "POST", "/registries/stroke_evt/cases", hospital, json={"period": YEAR, "values": {
            "ADM": "E000001", "TREAT": "机械取栓", "NIHSS0": 12, "MRS": 3}})
        assert r.status_code == 201, r.text

        year = call(gw, "GET", f"/registry-years/stroke_annual/{YEAR}", hospital).json()
        assert year["countsLabel"] == "共上报40例溶栓个案，1例介入个案", year
        assert year["missing"] and all("总表" not in m for m in year["missing"]), year["missing"]  # only 附件4 is left
        up = requests.post(gw + "/api/documents/v1/documents", params={"kind": "annual_survey_scan", "object": year["scanObject"]},
                           files={"file": ("附件4.pdf", pdf_document("scan"), "application/pdf")},
                           headers=auth(hospital["access"]), timeout=20)
        assert up.status_code == 201, up.text
        r = call(gw, "PUT", f"/registry-years/stroke_annual/{YEAR}/scan", hospital, json={"documentId": up.json()["id"]})
        assert r.status_code == 200, r.text
        r = call(gw, "POST", f"/registry-years/stroke_annual/{YEAR}/submit", hospital, json={})
        assert r.status_code == 200 and r.json()["status"] == "submitted", r.text
    finally:
        # closed again, so no later test sees the stroke year open
        set_window(suite, now - datetime.timedelta(hours=1), now - datetime.timedelta(minutes=30))

    r = call(gw, "POST", "/reports", hospital, json={"program": "stroke_annual", "form": "survey", "period": "2019"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "deadline_passed", r.text
