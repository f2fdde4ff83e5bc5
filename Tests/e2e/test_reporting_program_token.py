"""A password-only Zhejiang login (a data-entry account, token bound to zj_monthly; identity's
docs/contracts.md) works on reporting's routes for that program and nowhere else in reporting:
the programs and due lists show only Zhejiang, its reports open, save and submit, another
program's report or enrolment answers 403 program_token_refused and changes nothing."""
import requests

from helpers import approved_account, auth, enrol
from test_identity_grants import claims, data_entry_sub_account, program_login

V1 = "/api/reporting/v1"


def call(gw, method, path, token, **kw):
    return requests.request(method, gw + V1 + path, headers=auth(token), timeout=20, **kw)


def test_program_bound_token_stays_in_its_program(gw, suite):
    admin = approved_account(gw, suite)
    entry = data_entry_sub_account(gw, admin)
    r = program_login(gw, entry["username"], entry["password"], program="zj_monthly")
    assert r.status_code == 200, r.text
    token = r.json()["accessToken"]
    assert claims(token)["program"] == "zj_monthly"

    for program in ("zj_monthly", "nccqi_pci_quarterly"):   # NCCQI: approved by the coronary centre
        assert enrol(gw, suite, admin, program)["status"] == "active"
    pci = call(gw, "POST", "/reports", admin["access"], json={"program": "nccqi_pci_quarterly", "form": "pci", "period": "2021-Q1"})
    assert pci.status_code == 201, pci.text
    pci_id = pci.json()["report"]["id"]

    # Its program: listed, opened, entered.
    programs = call(gw, "GET", "/programs", token).json()["items"]
    assert [p["code"] for p in programs] == ["zj_monthly"]
    r = call(gw, "POST", "/reports", token, json={"program": "zj_monthly", "form": "core", "period": "2019-10"})
    assert r.status_code == 201, r.text
    rid = r.json()["report"]["id"]
    r = call(gw, "PUT", f"/reports/{rid}/values", token, json={"values": {"A01": 10}})
    assert r.status_code == 200 and r.json()["saved"] == 1, r.text
    assert call(gw, "GET", f"/reports/{rid}/edits", token).status_code == 200
    due = call(gw, "GET", "/due", token).json()["items"]
    assert due and {d["program"] for d in due} == {"zj_monthly"}
    listed = call(gw, "GET", "/reports", token).json()["items"]
    assert listed and {i["program"] for i in listed} == {"zj_monthly"}

    # Anything else: refused, nothing changed.
    refused = [
        call(gw, "GET", "/programs/nccqi_pci_quarterly", token),
        call(gw, "GET", f"/reports/{pci_id}", token),
        call(gw, "PUT", f"/reports/{pci_id}/values", token, json={"values": {"P01": 1}}),
        call(gw, "POST", f"/reports/{pci_id}/submit", token),
        call(gw, "GET", f"/reports/{pci_id}/edits", token),
        call(gw, "GET", f"/reports/{pci_id}/export.csv", token),
        call(gw, "POST", "/reports", token, json={"program": "nccqi_pci_quarterly", "form": "pci", "period": "2021-Q2"}),
        call(gw, "GET", "/reports", token, params={"program": "nccqi_pci_quarterly"}),
    ]
    for r in refused:
        assert r.status_code == 403 and r.json()["error"]["code"] == "program_token_refused", (r.request.method, r.url, r.text)
    assert call(gw, "GET", f"/reports/{pci_id}/edits", admin["access"]).json()["items"] == []
    r = call(gw, "POST", "/reports", admin["access"], json={"program": "nccqi_pci_quarterly", "form": "pci", "period": "2021-Q2"})
    assert r.status_code == 201, r.text  # the refused open above created nothing
