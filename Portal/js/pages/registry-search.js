// 检索导出 (病例查询): the case lists of a program, for an institution (its own cases) and for a
// centre (its region and specialty; the server decides in SQL). Program, registry, period;
// filters (住院号 prefix, 机构 for centres, the fields the API filters: choices and numbers);
// results with paging and the identifiers masked by the server; export .csv/.xlsx without
// personal data, optionally 日期偏移. Nobody exports raw data: identifier columns never leave
// the server. Centres also see the region's year rows.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { user } from "../session.js";
import { field } from "../components/field.js";
import { cursorPager } from "../components/pagination.js";
import { toast } from "../components/toast.js";
import { API, isHospital, statusBadge, download } from "../reporting/common.js";

/** The periods to offer for a program's period type, newest first. */
function recentPeriods(type, now = new Date()) {
  const y = now.getFullYear();
  const out = [];
  if (type === "quarter") {
    let q = Math.floor(now.getMonth() / 3) + 1;
    let year = y;
    for (let i = 0; i < 16; i++) { out.push(`${year}-Q${q}`); q -= 1; if (q === 0) { q = 4; year -= 1; } }
  } else if (type === "month") {
    for (let i = 0; i < 24; i++) { const d = new Date(y, now.getMonth() - i, 1); out.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`); }
  } else {
    for (let i = 0; i < 12; i++) out.push(String(y - i));
  }
  return out;
}

export default async function registrySearch({ root, query, alive }) {
  const hospital = isHospital(user());
  let programs;
  try {
    programs = (await api.get(`${API}/programs`)).items || [];
  } catch (e) { mount(root, h("p", { class: "error" }, e.message)); return; }
  if (!alive()) return;
  // the programs with case lists (a registry of any period)
  const withLists = [];
  for (const p of programs) {
    try {
      const regs = (await api.get(`${API}/registries`, { query: { program: p.code } })).items || [];
      if (regs.length) withLists.push({ program: p, registries: regs });
    } catch { /* not readable: left out */ }
  }
  if (!alive()) return;
  if (!withLists.length) { mount(root, h("p", { class: "muted" }, "暂无可查询的病例登记表")); return; }

  let current = withLists.find(x => x.program.code === query.program) || withLists[0];
  let registry = null;            // the registry version of the chosen period (with its fields)
  const programF = field({ label: "填报项目", name: "program", options: withLists.map(x => ({ value: x.program.code, label: x.program.name })), placeholderOption: false, value: current.program.code });
  const registryF = field({ label: "登记表", name: "registry", options: [], placeholderOption: false });
  const periodF = field({ label: "期间", name: "period", options: [], placeholderOption: false });
  const admission = field({ label: "住院号", name: "admission", placeholder: "住院号（前缀）" });
  const orgF = field({ label: "医疗机构", name: "org", options: [], placeholderOption: "全部（本辖区）" });
  const filtersBox = h("div", { class: "grid-3", "data-role": "field-filters" });
  const listBox = h("div", { "data-role": "cases" });
  const yearsBox = h("section", { class: "card", "data-role": "region-years", hidden: hospital });
  const pager = cursorPager(loadCases);
  const dateShift = h("input", { type: "checkbox", "data-role": "date-shift" });
  let fieldFilters = [];

  function fillProgram() {
    const periods = recentPeriods(current.program.periodType);
    periodF.input.replaceChildren(...periods.map(p => h("option", { value: p }, p)));
    periodF.value = query.period && periods.includes(query.period) ? query.period : periods[current.program.periodType === "year" ? 1 : 0];
  }

  /** The registries of the chosen period (their names of that version); keeps the choice. */
  async function fillRegistries() {
    const wanted = registryF.value || query.registry;
    let regs = [];
    try { regs = (await api.get(`${API}/registries`, { query: { program: current.program.code, period: periodF.value } })).items || []; } catch { /* none */ }
    registryF.input.replaceChildren(...regs.map(r => h("option", { value: r.code }, r.name)));
    if (regs.some(r => r.code === wanted)) registryF.value = wanted;
  }

  async function loadRegistry() {
    if (!registryF.value) { registry = null; mount(filtersBox); mount(listBox, h("p", { class: "muted" }, "该期间没有病例登记表")); return false; }
    try {
      registry = await api.get(`${API}/registries/${encodeURIComponent(registryF.value)}`, { query: { period: periodF.value } });
    } catch (e) {
      registry = null;
      mount(filtersBox);
      mount(listBox, h("p", { class: "error", "data-role": "search-error" }, e.message));
      return false;
    }
    fieldFilters = registry.fields.filter(f => !f.identifier && !f.key && (f.type === "choice" || f.type === "integer")).slice(0, 6).map(f => ({
      def: f,
      f: field({ label: f.label, name: `f.${f.code}`, options: f.type === "choice" ? f.choices.map(c => ({ value: c, label: c })) : undefined,
        placeholderOption: "不限", placeholder: f.type === "integer" ? "等于" : undefined, inputmode: f.type === "integer" ? "numeric" : undefined }),
    }));
    mount(filtersBox, fieldFilters.map(x => x.f.el));
    return true;
  }

  function params() {
    const q = { period: periodF.value };
    if (admission.value) q.admission = admission.value;
    if (!hospital && orgF.value) q.org = orgF.value;
    for (const { def, f } of fieldFilters) if (f.value) q[`f.${def.code}`] = f.value;
    return q;
  }

  async function loadCases(cursor) {
    if (!registry) return;
    let page;
    try {
      page = await api.get(`${API}/registries/${encodeURIComponent(registry.code)}/cases`, { query: { ...params(), limit: 20, cursor } });
    } catch (e) {
      mount(listBox, h("p", { class: "error", "data-role": "search-error" }, e.message));
      return;
    }
    if (!alive()) return;
    pager.update(page.nextCursor, page.items.length);
    const shown = registry.fields.filter(f => !f.key).slice(0, 9);
    mount(listBox, h("p", { "data-role": "total" }, `共${page.total}条数据`),
      page.items.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "case-list" },
        h("thead", null, h("tr", null, ["住院号", ...shown.map(f => f.label)].map(t => h("th", null, t)))),
        h("tbody", null, page.items.map(c => h("tr", { "data-case": c.admissionNo },
          h("td", { "data-label": "住院号" }, c.admissionNo),
          shown.map(f => h("td", { "data-label": f.label }, (f.identifier ? c.personal[f.code] : c.values[f.code]) || ""))))))) : null,
      pager.el);
  }

  async function loadYears() {
    if (hospital) return;
    let rows;
    try { rows = (await api.get(`${API}/registry-years/${encodeURIComponent(current.program.code)}`, { query: { period: periodF.value, limit: 100 } })).items; } catch (e) {
      mount(yearsBox, h("h2", null, "本辖区年度数据"), h("p", { class: "error" }, e.message));
      return;
    }
    if (!alive()) return;
    const names = new Map(rows.map(y => [y.orgId, y.institutionName || y.orgId]));
    orgF.setOptions([...names].map(([value, label]) => ({ value, label })));
    mount(yearsBox, h("h2", null, "本辖区年度数据"),
      rows.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "year-list" },
        h("thead", null, h("tr", null, ["医疗机构", "期间", "上报情况", "状态"].map(t => h("th", null, t)))),
        h("tbody", null, rows.map(y => h("tr", { "data-org": y.orgId },
          h("td", { "data-label": "医疗机构" }, y.institutionName || y.orgId),
          h("td", { "data-label": "期间" }, y.period),
          h("td", { "data-label": "上报情况" }, y.countsLabel),
          h("td", { "data-label": "状态" }, statusBadge(y.status === "submitted" ? "submitted" : "draft", y.statusLabel))))))) :
        h("p", { class: "muted" }, "本期间暂无年度数据"));
  }

  async function refresh() {
    pager.reset();
    await fillRegistries();
    if (await loadRegistry()) await Promise.all([loadCases(null), loadYears()]);
  }

  programF.input.addEventListener("change", () => { current = withLists.find(x => x.program.code === programF.value) || withLists[0]; registryF.input.replaceChildren(); fillProgram(); refresh(); });
  registryF.input.addEventListener("change", refresh);
  periodF.input.addEventListener("change", refresh);
  const go = h("button", { type: "submit", class: "btn btn-primary", "data-role": "search" }, "查询");
  const form = h("form", { onsubmit: e => { e.preventDefault(); pager.reset(); busy(go, null, () => loadCases(null)); } },
    h("div", { class: "grid-3" }, programF.el, registryF.el, periodF.el, admission.el, hospital ? null : orgF.el),
    filtersBox, h("div", { class: "toolbar" }, go));
  const exportAs = ext => () => {
    if (!registry) return;
    const q = params();
    if (dateShift.checked) q.date_shift = "1";
    download(`${API}/registries/${encodeURIComponent(registry.code)}/export.${ext}`, { query: q, fallbackName: `${registry.code}-${q.period}.${ext}` });
  };

  fillProgram();
  mount(root,
    h("div", { class: "page-head", "data-page": "registry-search" },
      h("div", null, h("h1", null, "检索导出"),
        h("p", { class: "sub" }, hospital ? "查询本单位的病例；导出不含患者个人信息（姓名、身份证号、联系电话）。"
          : "查询本辖区、本专业医疗机构的病例；平台任何用户均不能导出原始数据，导出不含患者个人信息，住院号以序号代替。"))),
    h("section", { class: "card" }, form),
    h("section", { class: "card" }, h("h2", null, "查询结果"),
      h("div", { class: "toolbar" },
        h("label", { title: "每个病例的日期统一前移0–364天（同一病例每次相同），住院号以序号代替" }, dateShift, " 日期偏移"),
        h("button", { type: "button", class: "btn", "data-role": "export-csv", onclick: exportAs("csv") }, "导出 .csv"),
        h("button", { type: "button", class: "btn", "data-role": "export-xlsx", onclick: exportAs("xlsx") }, "导出 .xlsx"),
        h("span", { class: "muted" }, "（不含个人信息）")),
      listBox),
    yearsBox);
  await refresh();
}
