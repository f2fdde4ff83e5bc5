"""Imports of an institution without cases of the period (the fast path of issue #19): the dry
run stages the rows as the COPY text of `cases` and the commit is one COPY into `cases`. The
behaviour is the other path's: the dry run stores no case and reports rejected rows and
duplicates in the file; the commit applies exactly the dry run (the same case ids, values,
sealed identifiers, the committing user) or nothing: a case entered since the dry run with a
staged admission number (in any list of the program) makes it 409 `import_stale` with nothing
applied, while a case with another number does not.

Hospital tokens come from the real flow (register → approval → SMS login)."""
import pytest

from helpers import approved_account
from test_reporting_registries import IVT_HEADER, call, csv_bytes, dry_run, ivt_row, name_of, org_of, psql, resident_id


@pytest.fixture(scope="module")
def hospital(gw, suite):
    h = approved_account(gw, suite)
    assert call(gw, "POST", "/programs/stroke_annual/enrolment", h).status_code in (200, 201)
    return h


def stored(hospital, period):
    return int(psql(f"SELECT count(*) FROM reporting.cases WHERE org_id = '{org_of(hospital)}' AND period = '{period}'"))


def enter(gw, hospital, period, adm, registry="stroke_ivt"):
    values = {"ADM": adm, "TREAT": "单纯静脉溶栓", "NIHSS0": 3, "DRUG": "尿激酶", "MRS": 1}
    if registry == "stroke_evt":
        values = {"ADM": adm, "TREAT": "机械取栓", "NIHSS0": 3, "MRS": 1}
    r = call(gw, "POST", f"/registries/{registry}/cases", hospital, json={"period": period, "values": values})
    assert r.status_code == 201, r.text
    return r.json()


def test_staged_as_cases_commits_exactly_the_dry_run(gw, hospital):
    period = "2019"
    rows = [ivt_row(n) for n in range(1, 301)]
    rows[9][IVT_HEADER.index("出院时mRS评分")] = ""           # required and blank: rejected
    rows[20][0] = rows[19][0]                                  # the same number twice: the second refused
    rows[30][IVT_HEADER.index("治疗前NIHSS评分")] = "43"      # refused by the cell check
    r = dry_run(gw, hospital, csv_bytes(IVT_HEADER, rows), period=period)
    assert r.status_code == 201, r.text
    dry = r.json()
    assert dry["summary"] == {"rowsRead": 300, "created": 297, "updated": 0, "unchanged": 0, "rejected": 3, "conflicts": 0}
    codes = sorted((e["row"], e["code"]) for e in dry["errors"])
    assert codes == [(11, "missing"), (22, "duplicate_in_file"), (32, "out_of_range")], codes
    assert stored(hospital, period) == 0                                        # the dry run stores no case
    assert psql(f"SELECT staged FROM reporting.imports WHERE id = '{dry['importId']}'") == "cases"

    r = call(gw, "POST", f"/imports/{dry['importId']}/commit", hospital)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "committed" and r.json()["summary"] == dry["summary"]
    assert stored(hospital, period) == 297
    user = psql(f"SELECT created_by FROM reporting.imports WHERE id = '{dry['importId']}'")
    shared = psql("SELECT count(DISTINCT (registry_id, program_id, scope_path, source, import_id, created_by, updated_by, revision))"
                  f" || ' ' || min(created_by) || ' ' || min(source) || ' ' || min(import_id::text) FROM reporting.cases"
                  f" WHERE org_id = '{org_of(hospital)}' AND period = '{period}'")
    assert shared == f"1 {user} import {dry['importId']}", shared
    assert psql(f"SELECT count(*) FROM reporting.cases WHERE org_id = '{org_of(hospital)}' AND period = '{period}'"
                " AND admission_no IN ('00000010', '00000031')") == "0"
    # values and identifiers as entry stores them: read back in clear by the entering hospital
    page = call(gw, "GET", "/registries/stroke_ivt/cases", hospital, params={"period": period, "admission": "00000042"}).json()
    assert page["total"] == 1
    case = call(gw, "GET", f"/cases/{page['items'][0]['id']}", hospital).json()
    assert case["personal"]["NAME"] == name_of(42) and case["personal"]["IDNO"] == resident_id(42)
    assert case["values"]["MRS"] == str(42 % 7) and case["values"]["TDATE"] == f"2024-{1 + 42 % 12:02d}-{1 + 42 % 28:02d}"
    assert case["revision"] == 1
    again = call(gw, "POST", f"/imports/{dry['importId']}/commit", hospital)
    assert again.status_code == 409 and again.json()["error"]["code"] == "import_committed"
    # the same file again: the period has cases now, classified against them
    r = dry_run(gw, hospital, csv_bytes(IVT_HEADER, rows), period=period)
    assert r.json()["summary"]["unchanged"] == 297 and r.json()["summary"]["created"] == 0, r.text
    assert psql(f"SELECT staged FROM reporting.imports WHERE id = '{r.json()['importId']}'") == "rows"


@pytest.mark.parametrize("registry", ["stroke_ivt", "stroke_evt"])
def test_staged_as_cases_is_stale_when_a_staged_number_was_entered_since(gw, hospital, registry):
    period = {"stroke_ivt": "2020", "stroke_evt": "2021"}[registry]
    rows = [ivt_row(n) for n in range(1, 101)]
    first = dry_run(gw, hospital, csv_bytes(IVT_HEADER, rows), period=period)
    second = dry_run(gw, hospital, csv_bytes(IVT_HEADER, rows[:50]), period=period)
    assert first.status_code == second.status_code == 201, first.text
    assert first.json()["summary"]["created"] == 100 and second.json()["summary"]["created"] == 50
    # a case entered by hand after the dry runs: a number of the first file only (in either list)
    enter(gw, hospital, period, "00000077", registry)
    r = call(gw, "POST", f"/imports/{first.json()['importId']}/commit", hospital)
    assert r.status_code == 409 and r.json()["error"]["code"] == "import_stale", r.text
    assert stored(hospital, period) == 1                      # nothing applied
    status = psql(f"SELECT status FROM reporting.imports WHERE id = '{first.json()['importId']}'")
    assert status == "dry_run"
    # a case with another number does not make the second file stale
    r = call(gw, "POST", f"/imports/{second.json()['importId']}/commit", hospital)
    assert r.status_code == 200, r.text
    assert stored(hospital, period) == 51
