// 数据监测: completeness and timeliness of a program's form and period by region — enrolled,
// on time, late, not submitted — with a drill-down province → city → institutions, the list of
// the institutions that have not submitted, and (centres) a reminder to them.
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { field } from "../components/field.js";
import { barChart } from "../components/chart.js";
import { toast } from "../components/toast.js";
import { user } from "../session.js";
import { STATS, CENTRE_ROLES, hasRole, defaultPeriod, nodeLabel, isRegion, downloadServer, downloadServerCSV } from "../stats/common.js";

const API = "/api/reporting/v1";

export default async function statsMonitor({ root, alive }) {
  const programs = (await api.get(`${API}/programs`).catch(() => ({ items: [] }))).items || [];
  if (!alive()) return;
  if (!programs.length) { mount(root, h("p", { class: "muted" }, "没有填报项目。")); return; }
  const program = field({ label: "填报项目", name: "program", options: programs.map(p => ({ value: p.code, label: p.name })), placeholderOption: false });
  const form = field({ label: "填报表单", name: "form", options: [], placeholderOption: false });
  const period = field({ label: "期间", name: "period", placeholder: "如 2024-06" });
  const crumbs = h("nav", { class: "toolbar", "aria-label": "地区层级" });
  const body = h("div", { "data-role": "monitor-body" });
  let node = null, trail = [];

  async function loadForms() {
    const p = programs.find(x => x.code === program.value) || programs[0];
    period.value = defaultPeriod(p.periodType, 1);
    const detail = await api.get(`${API}/programs/${encodeURIComponent(p.code)}`).catch(() => ({ forms: [] }));
    mount(form.input, (detail.forms || []).map(f => h("option", { value: f.code }, f.name)));
  }
  program.input.addEventListener("change", async () => { node = null; trail = []; await loadForms(); load(); });
  form.input.addEventListener("change", load);
  period.input.addEventListener("change", load);

  function query() { return { program: program.value, form: form.value, period: period.value, node: node || undefined }; }

  function drill(child) { trail = [...trail, child]; node = child; load(); }

  let seq = 0;
  async function load() {
    const mine = ++seq;
    let v;
    try {
      v = await api.get(`${STATS}/completeness`, { query: query() });
    } catch (e) {
      mount(body, h("p", { class: "error", "data-role": "stats-error" }, e.message));
      return;
    }
    if (!alive() || mine !== seq) return;
    if (!node) trail = [v.node];
    node = v.node;
    mount(crumbs, trail.map((n, k) => k === trail.length - 1 ? h("span", { class: "btn btn-sm btn-primary", "aria-current": "page" }, nodeLabel(n))
      : h("button", { type: "button", class: "btn btn-sm", onclick: () => { trail = trail.slice(0, k + 1); node = n; load(); } }, nodeLabel(n))));
    const t = v.total;
    const csv = h("button", { type: "button", class: "btn btn-sm", "data-role": "monitor-csv" }, "下载CSV");
    csv.addEventListener("click", () => downloadServerCSV(`${STATS}/completeness`, query(), "stats-completeness.csv"));
    const xlsx = h("button", { type: "button", class: "btn btn-sm", "data-role": "monitor-xlsx" }, "下载Excel");
    xlsx.addEventListener("click", () => downloadServer(`${STATS}/completeness`, query(), "stats-completeness.xlsx", "xlsx"));
    const regions = v.rows;
    const missingBox = h("div", { "data-role": "missing" });
    mount(body,
      h("div", { class: "grid-2 stats-cards" },
        h("div", { class: "card" }, h("strong", null, "应报机构"), h("p", { "data-role": "enrolled" }, String(t.enrolled))),
        h("div", { class: "card" }, h("strong", null, "按时上报"), h("p", { "data-role": "on-time" }, `${t.onTime}（${t.onTimeRate ?? 0}%）`)),
        h("div", { class: "card" }, h("strong", null, "逾期上报"), h("p", { "data-role": "late" }, String(t.late))),
        h("div", { class: "card" }, h("strong", null, "未上报"), h("p", { "data-role": "missing-count" }, String(t.missing)))),
      v.deadline ? h("p", { class: "muted" }, `截止日期：${v.deadline}`) : null,
      barChart({ title: "各地区上报率（%）", unit: "%", fileName: `completeness-${v.program}-${v.period}.csv`,
        points: regions.map(r => ({ label: r.name || nodeLabel(r.node), node: r.node, value: r.submittedRate })), onSelect: p => { if (isRegion(p.node)) drill(p.node); } }),
      h("div", { class: "toolbar" }, h("h2", null, "明细"), csv, xlsx),
      h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "monitor-table", "data-period": v.period, "data-node": v.node },
        h("thead", null, h("tr", null, ["地区/机构", "应报", "按时", "逾期", "未报", "上报率", ""].map(x => h("th", null, x)))),
        h("tbody", null, v.rows.map(r => h("tr", { "data-node": r.node },
          h("td", { "data-label": "地区/机构" }, r.name || nodeLabel(r.node)),
          h("td", { "data-label": "应报", class: "num" }, String(r.enrolled)),
          h("td", { "data-label": "按时", class: "num" }, String(r.onTime)),
          h("td", { "data-label": "逾期", class: "num" }, String(r.late)),
          h("td", { "data-label": "未报", class: "num" }, String(r.missing)),
          h("td", { "data-label": "上报率", class: "num" }, r.submittedRate != null ? `${r.submittedRate}%` : "—"),
          h("td", null, isRegion(r.node) ? h("button", { type: "button", class: "btn btn-sm", onclick: () => drill(r.node) }, "下钻") : null)))))),
      missingBox);
    await showMissing(missingBox, mine);
  }

  // The missing list of the load numbered `mine`; a newer load's list wins.
  async function showMissing(box, mine) {
    let m;
    const q = query();
    try { m = await api.get(`${STATS}/missing`, { query: q }); } catch (e) { mount(box, h("p", { class: "error" }, e.message)); return; }
    if (!alive() || mine !== seq) return;
    const remind = hasRole(user(), CENTRE_ROLES) && m.items.length
      ? h("button", { type: "button", class: "btn btn-primary btn-sm", "data-role": "remind" }, `提醒未上报机构（${m.items.length}）`) : null;
    if (remind) remind.addEventListener("click", async () => {
      remind.disabled = true;
      try {
        const r = await api.post(`${STATS}/reminders`, { program: program.value, form: form.value, period: period.value, node });
        toast(`已提醒 ${r.sent} 家机构`);
      } catch (e) { toast(e.message, "error"); remind.disabled = false; }
    });
    mount(box, h("div", { class: "toolbar" }, h("h2", null, "未上报机构"), remind),
      m.items.length ? h("ul", { "data-role": "missing-list", "data-period": q.period, "data-node": q.node || "" }, m.items.map(i => h("li", { "data-org": i.orgId }, i.name || i.orgId, " ",
        h("small", { class: "muted" }, i.status === "not_started" ? "未填报" : i.status === "returned" ? "已退回" : "填报中"))))
        : h("p", { class: "muted" }, "全部机构均已上报。"));
  }

  mount(root,
    h("div", { class: "page-head", "data-page": "stats-monitor" },
      h("div", null, h("h1", null, "数据监测"), h("p", { class: "sub" }, "上报完整性与及时性：应报、按时、逾期、未报，可逐级下钻到未上报的机构。"))),
    h("div", { class: "filters grid-2" }, program.el, form.el, period.el),
    crumbs, body);
  await loadForms();
  await load();
}
