"""The reporting demo seed (what `scripts/run` does with SEED_DEMO=1): the demo hospitals of
identity's demo (created here through identity's internal directory when the demo did not
make them) are enrolled in every program with about a year of history that passes the
form's checks: Zhejiang months accepted, one late, one returned with the centre's opinion;
seeding twice changes nothing."""
import requests

from test_reporting_review import zhejiang_centre

V1 = "/api/reporting/v1"
HOSPITALS = [("浙江省人民医院（演示）", "330100"), ("宁波市第一医院（演示）", "330200"), ("温州市中心医院（演示）", "330300")]


def internal(suite):
    return {"X-Internal-Token": suite.internal_token}


def demo_hospitals(suite):
    out = []
    for name, region in HOSPITALS:
        # by name: the directory lists at most 500 institutions and earlier tests make more
        r = requests.get(suite.url("identity") + "/api/identity/v1/internal/organisations",
                         params={"kind": "institution", "name": name}, headers=internal(suite), timeout=10)
        assert r.status_code == 200, r.text
        have = {o["name"]: o for o in r.json()["items"]}
        if name not in have:
            r = requests.post(suite.url("identity") + "/api/identity/v1/internal/organisations", headers=internal(suite),
                              json={"kind": "institution", "name": name, "regionCode": region}, timeout=10)
            assert r.status_code == 201, r.text
            have[name] = r.json()
        out.append(have[name])
    return out


def seed(suite):
    r = requests.post(suite.url("reporting") + V1 + "/internal/demo-seed", headers=internal(suite), timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_demo_history(gw, suite):
    hospitals = demo_hospitals(suite)
    assert seed(suite)["found"] == 3
    centre = zhejiang_centre(gw, suite)
    headers = {"Authorization": f"Bearer {centre['access']}"}

    def reports(program):
        out, cursor = [], None
        while True:
            r = requests.get(gw + V1 + "/reports", params={"program": program, "limit": 100, "cursor": cursor},
                             headers=headers, timeout=20)
            assert r.status_code == 200, r.text
            out += r.json()["items"]
            cursor = r.json().get("nextCursor")
            if not cursor:
                return out
    zj = reports("zj_monthly")
    before = len(zj)
    for h in hospitals:
        mine = [r for r in zj if r["orgId"] == h["id"]]
        core = {r["period"]: r for r in mine if r["form"] == "core"}
        assert len(core) >= 11, (h["name"], sorted(core))
        statuses = [r["status"] for r in core.values()]
        assert statuses.count("returned") >= 1 and statuses.count("accepted") >= 9, statuses
        returned = next(r for r in core.values() if r["status"] == "returned")
        form = requests.get(gw + V1 + f"/reports/{returned['id']}", headers=headers, timeout=20).json()
        assert form["review"]["status"] == "returned" and form["review"]["opinion"], form["review"]
        assert all(i["value"] is not None for i in form["indicators"] if i["required"]), "demo values incomplete"
    assert any(r["orgId"] in {h["id"] for h in hospitals} for r in reports("nccqi_pci_quarterly"))
    # idempotent
    seed(suite)
    assert len(reports("zj_monthly")) == before
