// 对比分析 (hospitals): the institution's own value of an indicator and period next to its
// province and the nation — pooled figure, median and quartiles of the institutions' values.
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { field } from "../components/field.js";
import { barChart } from "../components/chart.js";
import { STATS, defaultPeriod, downloadServer, downloadServerCSV } from "../stats/common.js";

const API = "/api/reporting/v1";

export default async function statsCompare({ root, alive }) {
  const programs = ((await api.get(`${API}/programs`).catch(() => ({ items: [] }))).items || []).filter(p => p.enrolled);
  if (!alive()) return;
  if (!programs.length) { mount(root, h("p", { class: "muted" }, "本机构尚未参加填报项目。")); return; }
  const program = field({ label: "填报项目", name: "program", options: programs.map(p => ({ value: p.code, label: p.name })), placeholderOption: false });
  const indicator = field({ label: "指标", name: "indicator", placeholder: "指标代码，如 B03" });
  const period = field({ label: "期间", name: "period", placeholder: "如 2024-06" });
  const body = h("div", { "data-role": "compare-body" });
  function reset() { period.value = defaultPeriod((programs.find(p => p.code === program.value) || programs[0]).periodType, 1); }
  reset();
  program.input.addEventListener("change", () => { reset(); load(); });
  for (const f of [indicator, period]) f.input.addEventListener("change", load);
  const query = () => ({ program: program.value, indicator: indicator.value, period: period.value });

  async function load() {
    if (!indicator.value) { mount(body, h("p", { class: "muted" }, "请输入要对比的指标代码。")); return; }
    let v;
    try { v = await api.get(`${STATS}/compare`, { query: query() }); } catch (e) { mount(body, h("p", { class: "error", "data-role": "stats-error" }, e.message)); return; }
    if (!alive()) return;
    const name = { province: "全省", nation: "全国" };
    const csv = h("button", { type: "button", class: "btn btn-sm" }, "下载CSV");
    csv.addEventListener("click", () => downloadServerCSV(`${STATS}/compare`, query(), "stats-compare.csv"));
    const xlsx = h("button", { type: "button", class: "btn btn-sm", "data-role": "compare-xlsx" }, "下载Excel");
    xlsx.addEventListener("click", () => downloadServer(`${STATS}/compare`, query(), "stats-compare.xlsx", "xlsx"));
    mount(body,
      barChart({ title: `${v.indicator.name}（${v.period}）`, unit: v.indicator.unit, labelHead: "范围", fileName: `compare-${v.indicator.code}-${v.period}.csv`,
        points: [{ label: "本机构", value: v.own }, ...v.levels.flatMap(l => [
          { label: `${name[l.level]}合计`, value: l.value }, { label: `${name[l.level]}中位数`, value: l.median }])] }),
      h("div", { class: "toolbar" }, h("h2", null, "分布"), csv, xlsx),
      h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "compare-table" },
        h("thead", null, h("tr", null, ["范围", "机构数", "合计口径", "P25", "中位数", "P75"].map(x => h("th", null, x)))),
        h("tbody", null, v.levels.map(l => h("tr", { "data-level": l.level },
          h("td", { "data-label": "范围" }, name[l.level]), h("td", { "data-label": "机构数", class: "num" }, String(l.institutions)),
          h("td", { "data-label": "合计口径", class: "num" }, l.value ?? "—"), h("td", { "data-label": "P25", class: "num" }, l.q1 ?? "—"),
          h("td", { "data-label": "中位数", class: "num" }, l.median ?? "—"), h("td", { "data-label": "P75", class: "num" }, l.q3 ?? "—")))))));
  }

  mount(root,
    h("div", { class: "page-head", "data-page": "stats-compare" },
      h("div", null, h("h1", null, "对比分析"), h("p", { class: "sub" }, "本机构数值与全省、全国的合计口径、中位数和四分位数对比。"))),
    h("div", { class: "filters grid-2" }, program.el, indicator.el, period.el), body);
  await load();
}
