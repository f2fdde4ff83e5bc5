"""Statistics and monitoring (issue 20) with real actors (registered, approved, signed in with the
SMS code; tests/e2e/actors.py): in a province drawn at random, three institutions take part in the
NCCQI PCI quarterly program. A centre reads the province's rollup; a hospital submits; the
rollup has changed when the submit returns (same transaction). A second hospital with another
denominator shows the rate is pooled from the summed parts, not averaged. The city commission
sees its city and nothing above it. The hospital compares itself with its province (its value,
median, quartiles). The completeness drill-down lists the institution that has not submitted,
the centre reminds it, and the reminder reaches it. An approved 申请修改 takes the report out of
the rollup again.

The period is drawn at random from past quarters, so the figures are read as differences from
what the nodes held before (a kept dev database may hold earlier runs' data)."""
import os
import random
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
import requests

from actors import actors_for, until
import helpers
from suite import read_env_file
from portal_helpers import browsers  # noqa: F401  (fixture)

V1 = "/api/reporting/v1"
APPROVAL = "/api/approval/v1"
PROGRAM = "nccqi_pci_quarterly"
PERIOD = f"{random.SystemRandom().randrange(2020, 2025)}-Q{random.SystemRandom().randrange(1, 5)}"


def call(gw, method, path, who, **kw):
    return requests.request(method, gw + V1 + path, headers=who.headers, timeout=20, **kw)


@pytest.fixture(scope="module")
def world(gw, suite):
    a = actors_for(suite)
    province = a.random_city_province()
    world = {
        "actors": a,
        "province": province,
        "centre": a.provincial_centre(province, "coronary_intervention"),
        "city": a.city_commission(province),
        "national": a.national(),
        "h1": a.institution(province, tag="stats-1"),
        "h2": a.institution(province, tag="stats-2"),
        "h3": a.institution(province, tag="stats-3"),
    }
    _WORLD[:] = [world]
    return world


_WORLD = []   # the module's world, for enrol()


def enrol(gw, who):
    """NCCQI PCI approves its participants: the province's coronary centre (the world's) decides
    through approval (helpers.enrol)."""
    world = _WORLD[0]
    state = helpers.enrol(gw, world["actors"].suite, who, PROGRAM, approver=world["centre"])
    assert state["status"] == "active", state


def submit(gw, who, deaths, total):
    """A PCI quarter with P06 deaths out of P01 procedures (P07 = P06 / P01 × 100)."""
    enrol(gw, who)
    r = call(gw, "POST", "/reports", who, json={"program": PROGRAM, "form": "pci", "period": PERIOD})
    assert r.status_code in (200, 201), r.text
    rid = r.json()["report"]["id"]
    r = call(gw, "PUT", f"/reports/{rid}/values", who,
             json={"values": {"P01": total, "P02": 20, "P03": 15, "P05": "60.5", "P06": deaths}})
    assert r.status_code == 200 and r.json()["problems"] == [], r.text
    r = call(gw, "POST", f"/reports/{rid}/submit", who)
    assert r.status_code == 200, r.text
    return rid


def rollup(gw, who, node=None, indicator="P07", expect=200, **extra):
    params = {"program": PROGRAM, "from": PERIOD, "to": PERIOD, "indicator": indicator, **extra}
    if node:
        params["node"] = node
    r = call(gw, "GET", "/stats/rollup", who, params=params)
    assert r.status_code == expect, r.text
    return r.json()


def identity_regions(gw, parent=None):
    r = requests.get(gw + "/api/identity/v1/regions", params={"parent": parent} if parent else {}, timeout=20)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def figure(view, node, indicator="P07"):
    for row in view["rows"]:
        if row["node"] == node and row["indicator"] == indicator:
            return row
    return {"numerator": 0, "denominator": 0, "institutions": 0, "sum": 0, "value": None}


def pooled(num, den):
    return (Decimal(str(num)) * 100 / Decimal(str(den))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_rollup_fresh_at_submit_pooled_rates_scope_and_comparison(gw, suite, world):
    centre, h1, h2 = world["centre"], world["h1"], world["h2"]
    province_node = "86/" + world["province"]
    city_node = "/".join(h1.scope_path.split("/")[:-1])
    assert city_node.startswith(province_node + "/")

    before = rollup(gw, centre, province_node)
    assert before["node"] == province_node
    b_self, b_city = figure(before, province_node), figure(before, city_node)

    # A submission is in the statistics when the submit returns: self and the city child.
    submit(gw, h1, deaths=1, total=10)
    after1 = rollup(gw, centre, province_node)
    s1, c1 = figure(after1, province_node), figure(after1, city_node)
    assert Decimal(str(s1["numerator"])) - Decimal(str(b_self["numerator"])) == 1
    assert Decimal(str(s1["denominator"])) - Decimal(str(b_self["denominator"])) == 10
    assert s1["institutions"] == b_self["institutions"] + 1 and s1["level"] == "self"
    assert c1["institutions"] == b_city["institutions"] + 1 and c1["level"] == "child"

    # Unequal denominators: 1/10 (10 %) and 9/30 (30 %) pool to 10/40 = 25 %, the average of
    # the two rates would be 20 %.
    submit(gw, h2, deaths=9, total=30)
    after2 = rollup(gw, centre, province_node)
    s2 = figure(after2, province_node)
    num, den = Decimal(str(s2["numerator"])), Decimal(str(s2["denominator"]))
    assert num - Decimal(str(b_self["numerator"])) == 10 and den - Decimal(str(b_self["denominator"])) == 40
    assert Decimal(str(s2["value"])) == pooled(num, den)
    if b_self["institutions"] == 0:
        assert Decimal(str(s2["value"])) == Decimal("25.00")
    assert next(i for i in after2["indicators"] if i["code"] == "P07")["kind"] == "rate"
    # the counts sum (P01)
    p01 = figure(rollup(gw, centre, province_node, indicator="P01"), province_node, "P01")
    assert Decimal(str(p01["value"])) - Decimal(str(figure(before, province_node, "P01")["sum"] or 0)) >= 40

    # The nation sees the province as one of its children; the trend has the period.
    nation = rollup(gw, world["national"], "86")
    assert figure(nation, province_node)["institutions"] >= 2

    # Region names and coordinates: identity's GB/T 2260 table, as its public API gives them.
    provinces = {x["code"]: x for x in identity_regions(gw)}
    cities = {x["code"]: x for x in identity_regions(gw, world["province"])}
    prov, cty = provinces[world["province"]], cities[city_node.split("/")[-1]]
    assert prov["name"] and cty["name"]
    assert after2["nodeName"] == prov["name"] and nation["nodeName"] == "全国"
    c2 = figure(after2, city_node)
    assert (c2["name"], c2.get("longitude"), c2.get("latitude")) == (cty["name"], cty["longitude"], cty["latitude"])
    assert c2["longitude"] is not None and c2["latitude"] is not None
    p2 = figure(nation, province_node)
    assert (p2["name"], p2.get("longitude"), p2.get("latitude")) == (prov["name"], prov["longitude"], prov["latitude"])
    assert figure(after2, province_node)["name"] == prov["name"]
    r = call(gw, "GET", "/stats/trend", centre, params={"program": PROGRAM, "indicator": "P07", "node": province_node,
                                                        "from": PERIOD, "to": PERIOD})
    assert r.status_code == 200, r.text
    assert [p["period"] for p in r.json()["rows"]] == [PERIOD]
    assert Decimal(str(r.json()["rows"][0]["value"])) == pooled(num, den)

    # The city commission sees its city (its default node) and nothing above or beside it.
    city = world["city"]
    mine = rollup(gw, city)
    assert mine["node"] == city.scope_path == city_node
    assert figure(mine, city_node)["institutions"] >= 2
    for outside in (province_node, "86", "86/" + ("31" if world["province"] != "31" else "32")):
        r = call(gw, "GET", "/stats/rollup", city, params={"program": PROGRAM, "from": PERIOD, "node": outside})
        assert r.status_code == 403 and r.json()["error"]["code"] == "out_of_scope", r.text
    # a hospital reads no regional rollup at all
    r = call(gw, "GET", "/stats/rollup", h1, params={"program": PROGRAM, "from": PERIOD, "node": city_node})
    assert r.status_code == 403, r.text

    # The hospital compares itself with its province and the nation.
    r = call(gw, "GET", "/stats/compare", h1, params={"program": PROGRAM, "indicator": "P07", "period": PERIOD})
    assert r.status_code == 200, r.text
    cmp = r.json()
    assert Decimal(str(cmp["own"])) == Decimal("10")
    levels = {l["level"]: l for l in cmp["levels"]}
    assert levels["province"]["node"] == province_node and levels["nation"]["node"] == "86"
    assert levels["province"]["institutions"] >= 2
    assert Decimal(str(levels["province"]["value"])) == pooled(num, den)
    if b_self["institutions"] == 0:
        # percentile_cont over 10 and 30
        assert levels["province"]["median"] == 20 and levels["province"]["q1"] == 15 and levels["province"]["q3"] == 25

    # Every table downloads as CSV (BOM, the figures).
    r = call(gw, "GET", "/stats/rollup", centre, params={"program": PROGRAM, "from": PERIOD, "node": province_node,
                                                         "format": "csv"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv"), r.text
    assert r.content.startswith(b"\xef\xbb\xbf") and "P07" in r.content.decode("utf-8-sig")
    assert cty["name"] in r.content.decode("utf-8-sig") and "地区名称" in r.content.decode("utf-8-sig")
    r = call(gw, "GET", "/stats/rollup", centre, params={"program": PROGRAM, "from": PERIOD, "node": province_node,
                                                         "format": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["Content-Type"] and r.content[:2] == b"PK", r.text[:200]
    assert ".xlsx" in r.headers["Content-Disposition"]
    r = call(gw, "GET", "/stats/rollup", centre, params={"program": PROGRAM, "from": PERIOD, "node": province_node,
                                                         "format": "pdf"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_format", r.text


def test_completeness_drill_down_and_reminder(gw, suite, world):
    centre, h1, h3 = world["centre"], world["h1"], world["h3"]
    enrol(gw, h3)   # enrolled, never submits
    province_node = "86/" + world["province"]
    city_node = "/".join(h3.scope_path.split("/")[:-1])
    if not call(gw, "GET", "/reports", h1, params={"program": PROGRAM, "period": PERIOD}).json()["items"]:
        submit(gw, h1, deaths=1, total=10)   # when run alone
    params = {"program": PROGRAM, "form": "pci", "period": PERIOD}

    r = call(gw, "GET", "/stats/completeness", centre, params={**params, "node": province_node})
    assert r.status_code == 200, r.text
    prov = r.json()
    row = next(x for x in prov["rows"] if x["node"] == city_node)
    assert row["enrolled"] >= 3 and row["missing"] >= 1 and row["late"] + row["onTime"] >= 1
    assert prov["total"]["enrolled"] == sum(x["enrolled"] for x in prov["rows"])
    r = call(gw, "GET", "/stats/completeness", centre, params={**params, "node": province_node, "format": "xlsx"})
    assert r.status_code == 200 and "spreadsheetml" in r.headers["Content-Type"] and r.content[:2] == b"PK", r.text[:200]
    assert row["enrolled"] == row["onTime"] + row["late"] + row["missing"]
    cities = {x["code"]: x["name"] for x in identity_regions(gw, world["province"])}
    assert row["name"] == cities[city_node.split("/")[-1]]

    # Drill down to the city: institutions; then the missing ones by name.
    r = call(gw, "GET", "/stats/completeness", centre, params={**params, "node": city_node})
    assert r.status_code == 200, r.text
    assert any(x["node"] == h3.scope_path and x["missing"] == 1 for x in r.json()["rows"])
    r = call(gw, "GET", "/stats/missing", centre, params={**params, "node": city_node})
    assert r.status_code == 200, r.text
    missing = {m["orgId"]: m for m in r.json()["items"]}
    assert h3.org_id in missing and h1.org_id not in missing and world["h2"].org_id not in missing
    assert missing[h3.org_id]["status"] == "not_started" and missing[h3.org_id]["name"]

    # The city commission reads its city's completeness but cannot remind; outside its city: 403.
    city = world["city"]
    assert call(gw, "GET", "/stats/completeness", city, params=params).status_code == 200
    r = call(gw, "GET", "/stats/missing", city, params={**params, "node": province_node})
    assert r.status_code == 403, r.text
    r = call(gw, "POST", "/stats/reminders", city, json={**params, "node": city_node})
    assert r.status_code == 403, r.text
    def reminded(who):
        r = call(gw, "GET", "/stats/reminders", who)
        assert r.status_code == 200, r.text
        return [m for m in r.json()["items"] if m["program"] == PROGRAM and m["period"] == PERIOD]
    assert reminded(h3) == []
    # The message's 500-character limit is the server's (the portal's counter is a convenience).
    r = call(gw, "POST", "/stats/reminders", centre, json={**params, "node": city_node, "message": "提" * 501})
    assert r.status_code == 422 and r.json()["error"]["code"] == "too_long", r.text
    assert reminded(h3) == []

    # The centre reminds the missing institutions of the city; the reminder reaches h3 only.
    r = call(gw, "POST", "/stats/reminders", centre, json={**params, "node": city_node})
    assert r.status_code == 201, r.text
    assert h3.org_id in r.json()["orgIds"] and h1.org_id not in r.json()["orgIds"]
    got = reminded(h3)
    assert len(got) == 1 and "请尽快报送" in got[0]["message"] and got[0]["form"] == "pci"
    assert reminded(h1) == []
    # …and by SMS to the missing institution's admin (identity's notify, through the outbox), nobody else.
    from helpers import messages
    idbase = suite.url("identity")
    def texts(phone):
        return [m for m in messages(idbase, phone) if "数据报送提醒" in (m.get("subject") or m["body"]) or "请尽快报送" in m["body"]]
    sms = until(lambda: texts(h3.phone) or None, what="the reminder SMS to the missing hospital")
    assert len(sms) == 1 and "请尽快报送" in sms[0]["body"], sms
    assert texts(h1.phone) == []

    r = call(gw, "GET", "/stats/completeness", centre, params={**params, "node": province_node, "format": "csv"})
    assert r.status_code == 200 and "应报机构数" in r.content.decode("utf-8-sig")


def test_reopened_report_leaves_the_rollup(gw, suite, world):
    """申请修改 approved by the provincial centre: the report is a draft again and its values
    leave the rollup in the outcome's transaction."""
    centre, h2 = world["centre"], world["h2"]
    province_node = "86/" + world["province"]
    r = call(gw, "GET", "/reports", h2, params={"program": PROGRAM, "period": PERIOD})
    rid = r.json()["items"][0]["id"] if r.json()["items"] else submit(gw, h2, deaths=9, total=30)
    before = figure(rollup(gw, centre, province_node), province_node)
    r = call(gw, "POST", f"/reports/{rid}/modification", h2, json={"reason": "统计口径有误，需更正"})
    assert r.status_code == 200, r.text

    def request_id():
        x = requests.get(suite.url("approval") + APPROVAL + "/internal/requests/by-subject",
                         params={"service": "reporting", "id": f"{rid}:m1"},
                         headers={"X-Internal-Token": suite.internal_token}, timeout=10)
        return x.json()["id"] if x.status_code == 200 else None
    mid = until(request_id, what="modification request")
    r = world["actors"].decide(centre, mid, "approve", "同意修改")
    assert r.status_code == 200, r.text

    def reopened():
        f = figure(rollup(gw, centre, province_node), province_node)
        return f if f["institutions"] == before["institutions"] - 1 else None
    after = until(reopened, what="the reopened report out of the rollup")
    assert Decimal(str(before["numerator"])) - Decimal(str(after["numerator"])) == 9
    assert Decimal(str(before["denominator"])) - Decimal(str(after["denominator"])) == 30


def js_click(b, selector):
    """Clicks the element matching `selector` as it is when clicked (the page re-renders while
    its answers arrive, so a found element can go stale before a WebDriver click)."""
    until(lambda: b.js("const x = document.querySelector(arguments[0]); if (x) { x.click(); return true; } return false;",
                       selector), what=f"a click on {selector}")


def downloaded(directory, stem):
    """An .xlsx file whose name starts with `stem` was saved in `directory` (a zip: PK)."""
    return any(f.suffix == ".xlsx" and f.name.startswith(stem) and f.read_bytes()[:2] == b"PK"
               for f in directory.iterdir())


def psql_lines(sql):
    """Runs statements on reporting's database, one result line per SELECT."""
    url = read_env_file(os.environ["TEST_SERVICES_ENV"])["REPORTING_DATABASE_URL"]
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt"], input=sql, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_fold_in_bounded_batches_keeps_the_figures(gw, suite, world):
    """stats_fold_batch(lim) (migration 011) moves at most `lim` pending deltas per call and the
    figures (rollups + pending deltas) stay the same until none is pending. In one transaction,
    rolled back: the test program's counted values are added again as pending deltas."""
    if not call(gw, "GET", "/reports", world["h1"], params={"program": PROGRAM, "period": PERIOD}).json()["items"]:
        submit(gw, world["h1"], deaths=1, total=10)   # when run alone
    figures = f"""SELECT md5(string_agg(x::text, ';' ORDER BY x::text)) FROM (
        SELECT c.indicator_code, c.period, c.node_path, c.specialty, sum(c.value_sum), sum(c.numerator),
               sum(c.denominator), sum(c.institutions)
        FROM stat_current c JOIN programs p ON p.id = c.program_id WHERE p.code = '{PROGRAM}' AND c.period = '{PERIOD}'
        GROUP BY 1, 2, 3, 4) x;"""
    out = psql_lines(f"""BEGIN;
        SELECT pg_advisory_xact_lock(hashtext('reporting.stats_fold'));
        INSERT INTO stat_deltas (program_id, indicator_code, period, scope_path, org_id, value_sum, numerator, denominator,
                                 institutions)
        SELECT v.program_id, v.indicator_code, v.period, v.scope_path, regexp_replace(v.scope_path, '^.*/', ''), v.num,
               v.num, v.num + 1, 1
        FROM stat_values v JOIN programs p ON p.id = v.program_id WHERE p.code = '{PROGRAM}' AND v.period = '{PERIOD}';
        SELECT count(*) FROM stat_deltas;
        {figures}
        SELECT stats_fold_batch(3);
        SELECT count(*) FROM stat_deltas;
        {figures}
        SELECT sum(stats_fold_batch(3)) FROM generate_series(1, 2000);
        SELECT count(*) FROM stat_deltas;
        {figures}
        ROLLBACK;""")
    pending, before, moved, pending1, mid, _, pending_end, after = out
    assert int(pending) >= 5, out         # at least the entered values of h1's report
    assert int(moved) == 3 and int(pending1) == int(pending) - 3, out
    assert int(pending_end) == 0, out
    assert before == mid == after, out


def test_stats_pages_in_the_browser(gw, suite, world, browsers, tmp_path):
    """The centre's 统计分析 (figures, a bar chart and a trend drawn as SVG with their tables
    and downloads, drill-down to the city) and 数据监测 (drill-down to the missing institution,
    reminder); the hospital's 对比分析. No console errors."""
    from selenium.webdriver.common.keys import Keys

    centre, h1, h3 = world["centre"], world["h1"], world["h3"]
    city_node = "/".join(h3.scope_path.split("/")[:-1])
    b = browsers("centre")
    b.login(centre.username, centre.password, centre.phone)

    b.go("#/stats")
    b.page("stats-rollup")
    b.fill("填报项目", PROGRAM)
    for label in ("起始期间", "结束期间"):
        b.fill(label, PERIOD)
        b.send_keys(Keys.TAB)
    b.css(f"[data-role='stats-body'][data-range$='{PERIOD}~{PERIOD}'] [data-role='stats-table']")
    b.fill("图表指标", "P07")
    b.text_in("[data-role='stats-table'] tr[data-indicator='P07']", "%")   # (the row may be redrawn: no element kept)
    assert b.all("[data-role='chart'] svg rect") and b.all("[data-role='chart'] svg path")
    assert b.all("[data-role='chart'] a[data-role='chart-download'][download]")
    # The dot map: one circle per child region with a value, titled with the region's name.
    view = rollup(gw, centre, "86/" + world["province"])
    drawn = [r for r in view["rows"] if r["level"] == "child" and r["indicator"] == "P07"
             and r["value"] is not None and r.get("longitude") is not None]
    assert any(r["node"] == city_node for r in drawn)
    def dots():   # read in one script: the page may redraw between two selenium calls
        return dict(b.js("return [...document.querySelectorAll(\"[data-role='chart'][data-kind='map'] svg circle\")]"
                         ".map(c => [c.getAttribute('data-node'), c.querySelector('title').textContent])") or [])
    got = until(lambda: (lambda d: d if sorted(d) == sorted(r["node"] for r in drawn) else None)(dots()),
                what="one map circle per child region with data")
    city_name = next(r["name"] for r in drawn if r["node"] == city_node)
    assert got[city_node].startswith(city_name + "："), got
    assert b.all("[data-role='chart'][data-kind='map'] [data-role='map-legend'] rect")
    assert b.all("[data-role='chart'][data-kind='map'] a[data-role='chart-download'][download]")
    b.js("document.querySelector(\"[data-role='chart'][data-kind='map']\").scrollIntoView()")
    b.shot("stats-map")
    js_click(b, "[data-role='rollup-xlsx']")
    until(lambda: downloaded(tmp_path, "stats-rollup"), what="the rollup's .xlsx download")
    js_click(b, f"[data-role='stats-body'][data-range$='{PERIOD}~{PERIOD}'] [data-role='stats-children'] tr[data-node='{city_node}'] button")
    b.text_in("[data-role='stats-crumbs']", city_name)
    b.shot("stats-rollup")

    b.go("#/stats/monitor")
    b.page("stats-monitor")
    b.fill("填报项目", PROGRAM)
    b.fill("期间", PERIOD)
    b.send_keys(Keys.TAB)
    # the table of the chosen period (an earlier render is of the default period)
    b.css(f"[data-role='monitor-table'][data-period='{PERIOD}'] tr[data-node='{city_node}']")
    # the completeness table downloads as .xlsx (the server's writer) from the page
    js_click(b, "[data-role='monitor-xlsx']")
    until(lambda: downloaded(tmp_path, "stats-completeness"), what="the completeness .xlsx download")
    js_click(b, f"[data-role='monitor-table'][data-period='{PERIOD}'] tr[data-node='{city_node}'] button")
    listed = f"[data-role='missing-list'][data-period='{PERIOD}'][data-node='{city_node}']"
    b.css(f"{listed} li[data-org='{h3.org_id}']")
    assert not b.all(f"{listed} li[data-org='{h1.org_id}']")
    b.click("提醒未上报机构")
    b.text_in("#toasts *", "已提醒")
    b.shot("stats-monitor")
    assert b.console_errors() == []

    # the reminder on the missing hospital's 数据填报 page
    rb = browsers("missing-hospital")
    rb.login(h3.username, h3.password, h3.phone)
    rb.go("#/reporting")
    rb.page("reporting-due")
    rb.text_in("[data-role='reminders'] li", "请尽快报送")
    assert rb.console_errors() == []

    hb = browsers("hospital")
    hb.login(h1.username, h1.password, h1.phone)
    hb.go("#/stats/compare")
    hb.page("stats-compare")
    hb.fill("填报项目", PROGRAM)
    hb.fill("期间", PERIOD)
    hb.fill("指标", "P07")
    hb.send_keys(Keys.TAB)
    hb.css("[data-role='compare-table'] tr[data-level='province']")
    assert hb.all("[data-role='chart'] svg rect")
    # every statistics table downloads as .xlsx too: the comparison here, the rollup above
    js_click(hb, "[data-role='compare-xlsx']")
    until(lambda: downloaded(tmp_path, "stats-compare"), what="the comparison's .xlsx download")
    assert downloaded(tmp_path, "stats-rollup")
    hb.shot("stats-compare")
    assert hb.console_errors() == []
