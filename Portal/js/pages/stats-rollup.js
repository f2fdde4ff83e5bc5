// 统计分析: the rollup of a program by region — the node's figures and its children's, for a
// period range, with a bar chart of one indicator by child region (click a bar or a row to
// drill down) and its trend over the periods. Rates are pooled from summed parts (server).
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { field } from "../components/field.js";
import { barChart, dotMap, lineChart } from "../components/chart.js";
import { STATS, defaultPeriod, nodeLabel, isRegion, downloadServer, downloadServerCSV } from "../stats/common.js";

const API = "/api/reporting/v1";

export default async function statsRollup({ root, alive }) {
  const programs = (await api.get(`${API}/programs`).catch(() => ({ items: [] }))).items || [];
  if (!alive()) return;
  if (!programs.length) { mount(root, h("p", { class: "muted" }, "没有可统计的填报项目。")); return; }
  const program = field({ label: "填报项目", name: "program", options: programs.map(p => ({ value: p.code, label: p.name })), placeholderOption: false });
  const from = field({ label: "起始期间", name: "from", placeholder: "如 2024-01" });
  const to = field({ label: "结束期间", name: "to", placeholder: "如 2024-12" });
  const indicator = field({ label: "图表指标", name: "indicator", options: [], placeholderOption: false });
  const crumbs = h("nav", { class: "toolbar", "aria-label": "地区层级", "data-role": "stats-crumbs" });
  const body = h("div", { "data-role": "stats-body" });
  let node = null, trail = [], view = null;
  const names = new Map(); // node → region name (from the server's answers)
  const label = n => names.get(n) || nodeLabel(n);

  function type() { return (programs.find(p => p.code === program.value) || programs[0]).periodType; }
  function resetPeriods() { from.value = defaultPeriod(type(), 12); to.value = defaultPeriod(type(), 1); }
  resetPeriods();
  program.input.addEventListener("change", () => { resetPeriods(); node = null; trail = []; load(); });
  for (const f of [from, to]) f.input.addEventListener("change", load);
  indicator.input.addEventListener("change", draw);

  function query() { return { program: program.value, from: from.value, to: to.value, node: node || undefined }; }

  let seq = 0;
  async function load() {
    const mine = ++seq;
    let got;
    try {
      got = await api.get(`${STATS}/rollup`, { query: query() });
    } catch (e) {
      mount(body, h("p", { class: "error", "data-role": "stats-error" }, e.message));
      return;
    }
    if (!alive() || mine !== seq) return;
    view = got;
    body.dataset.range = `${view.node} ${view.from}~${view.to}`;
    if (view.nodeName) names.set(view.node, view.nodeName);
    for (const r of view.rows) if (r.name) names.set(r.node, r.name);
    if (!node) trail = [view.node];
    node = view.node;
    const keep = indicator.value;
    mount(indicator.input, view.indicators.map(i => h("option", { value: i.code }, `${i.code} ${i.name}`)));
    indicator.value = view.indicators.some(i => i.code === keep) ? keep : (view.indicators.find(i => i.kind === "rate") || view.indicators[0] || {}).code || "";
    mount(crumbs, trail.map((n, k) => k === trail.length - 1 ? h("span", { class: "btn btn-sm btn-primary", "aria-current": "page" }, label(n))
      : h("button", { type: "button", class: "btn btn-sm", onclick: () => { trail = trail.slice(0, k + 1); node = n; load(); } }, label(n))));
    await draw();
  }

  function drill(child) {
    if (!isRegion(child)) return;
    trail = [...trail, child];
    node = child;
    load();
  }

  async function draw() {
    if (!view) return;
    const ind = view.indicators.find(i => i.code === indicator.value);
    const children = view.rows.filter(r => r.level === "child" && r.indicator === indicator.value);
    const parts = [];
    if (ind) {
      parts.push(barChart({ title: `${ind.name}（${view.from}～${view.to}）按地区`, unit: ind.unit, fileName: `stats-${view.program}-${ind.code}-regions.csv`,
        points: children.map(r => ({ label: label(r.node), node: r.node, value: r.value })), onSelect: p => drill(p.node) }));
      if (children.some(r => r.longitude != null && r.latitude != null)) {
        parts.push(dotMap({ title: `${ind.name}（${view.from}～${view.to}）地图：${label(view.node)}`, unit: ind.unit,
          fileName: `stats-${view.program}-${ind.code}-map.csv`,
          points: children.map(r => ({ label: label(r.node), node: r.node, value: r.value, lon: r.longitude, lat: r.latitude })),
          onSelect: p => drill(p.node) }));
      }
      try {
        const t = await api.get(`${STATS}/trend`, { query: { ...query(), indicator: ind.code } });
        if (!alive()) return;
        parts.push(lineChart({ title: `${ind.name} 趋势（${label(view.node)}）`, unit: ind.unit, fileName: `stats-${view.program}-${ind.code}-trend.csv`,
          points: t.rows.map(r => ({ label: r.period, value: r.value })) }));
      } catch { /* the bar chart is enough */ }
    }
    const selfRows = view.rows.filter(r => r.level === "self");
    const csv = h("button", { type: "button", class: "btn btn-sm", "data-role": "stats-csv" }, "下载统计表CSV");
    csv.addEventListener("click", () => downloadServerCSV(`${STATS}/rollup`, query(), "stats-rollup.csv"));
    const xlsx = h("button", { type: "button", class: "btn btn-sm", "data-role": "rollup-xlsx" }, "下载Excel");
    xlsx.addEventListener("click", () => downloadServer(`${STATS}/rollup`, query(), "stats-rollup.xlsx", "xlsx"));
    mount(body, parts,
      h("div", { class: "toolbar" }, h("h2", null, `${label(view.node)} 全部指标`), csv, xlsx),
      h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "stats-table" },
        h("thead", null, h("tr", null, ["指标", "数值", "分子合计", "分母合计", "机构数"].map(t => h("th", null, t)))),
        h("tbody", null, view.indicators.map(i => {
          const r = selfRows.find(x => x.indicator === i.code);
          return h("tr", { "data-indicator": i.code },
            h("td", { "data-label": "指标" }, `${i.code} ${i.name}`),
            h("td", { "data-label": "数值", class: "num" }, r && r.value != null ? `${r.value}${i.unit}` : "—"),
            h("td", { "data-label": "分子合计", class: "num" }, r && r.numerator != null ? String(r.numerator) : ""),
            h("td", { "data-label": "分母合计", class: "num" }, r && r.denominator != null ? String(r.denominator) : ""),
            h("td", { "data-label": "机构数", class: "num" }, r ? String(r.institutions) : "0"));
        })))),
      h("h2", null, "下级地区"),
      children.length ? null : h("p", { class: "muted" }, "没有下级地区的汇总（各机构的上报情况见“数据监测”）。"),
      h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "stats-children" },
        h("thead", null, h("tr", null, ["地区", "数值", "机构数", ""].map(t => h("th", null, t)))),
        h("tbody", null, children.map(r => h("tr", { "data-node": r.node },
          h("td", { "data-label": "地区" }, label(r.node)),
          h("td", { "data-label": "数值", class: "num" }, r.value != null ? String(r.value) : "—"),
          h("td", { "data-label": "机构数", class: "num" }, String(r.institutions)),
          h("td", null, isRegion(r.node) ? h("button", { type: "button", class: "btn btn-sm", onclick: () => drill(r.node) }, "下钻") : null)))))));
  }

  mount(root,
    h("div", { class: "page-head", "data-page": "stats-rollup" },
      h("div", null, h("h1", null, "统计分析"), h("p", { class: "sub" }, "辖区汇总：率由分子、分母合计重新计算，提交后即时更新。"))),
    h("div", { class: "filters grid-2" }, program.el, indicator.el, from.el, to.el),
    crumbs, body);
  await load();
}
