// 历史报表: the reports in the caller's scope (his institution's, or his region's for a centre),
// newest first, filtered by program and status, each with its CSV.
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { field } from "../components/field.js";
import { cursorPager } from "../components/pagination.js";
import { API, statusBadge, fmtDate, download, downloadCSV, subNav, isHospital } from "../reporting/common.js";
import { user } from "../session.js";

const STATUS_OPTIONS = [
  { value: "draft", label: "填报中" }, { value: "under_review", label: "审核中" }, { value: "returned", label: "已退回" },
  { value: "submitted", label: "已提交" }, { value: "accepted", label: "已通过" },
];

export default async function reportingHistory({ root, alive }) {
  const programs = await api.get(`${API}/programs`).catch(() => ({ items: [] }));
  if (!alive()) return;
  const names = Object.fromEntries((programs.items || []).map(p => [p.code, p.name]));
  const program = field({ label: "填报项目", name: "program", options: (programs.items || []).map(p => ({ value: p.code, label: p.name })), placeholderOption: "全部项目" });
  const status = field({ label: "状态", name: "status", options: STATUS_OPTIONS, placeholderOption: "全部状态" });
  const body = h("div");
  const pager = cursorPager(load);
  program.input.addEventListener("change", () => { pager.reset(); load(null); });
  status.input.addEventListener("change", () => { pager.reset(); load(null); });

  // 期间列表 CSV (GET /periods/export.csv): every period with its state, submission and review.
  function periodsLink() {
    const b = h("button", { type: "button", class: "btn btn-sm", "data-role": "periods-csv" }, "下载期间列表（CSV）");
    b.addEventListener("click", () => download(`${API}/periods/export.csv`, { query: program.value ? { program: program.value } : {}, fallbackName: "periods.csv" }));
    return b;
  }

  async function load(cursor) {
    let page;
    try {
      page = await api.get(`${API}/reports`, { query: { program: program.value, status: status.value, limit: 20, cursor } });
    } catch (e) {
      mount(body, h("p", { class: "error" }, e.message));
      return;
    }
    if (!alive()) return;
    const items = page.items || [];
    pager.update(page.nextCursor, items.length);
    mount(body, items.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack" },
      h("thead", null, h("tr", null, ["项目", "表单", "期间", "状态", "提交时间", "操作"].map(t => h("th", null, t)))),
      h("tbody", null, items.map(r => {
        const csv = h("button", { type: "button", class: "btn btn-sm", "data-role": "csv" }, "导出CSV");
        csv.addEventListener("click", () => downloadCSV(r.id, `report-${r.period}.csv`));
        return h("tr", { "data-report": r.id },
          h("td", { "data-label": "项目" }, r.programName || names[r.program] || r.program),
          h("td", { "data-label": "表单" }, r.formName || r.form),
          h("td", { "data-label": "期间", class: "nowrap" }, r.periodLabel || r.period),
          h("td", { "data-label": "状态" }, statusBadge(r.status, r.statusLabel)),
          h("td", { "data-label": "提交时间", class: "nowrap" }, fmtDate(r.submittedAt)),
          h("td", { "data-label": "操作", class: "nowrap" }, h("a", { class: "btn btn-sm btn-primary", href: `#/reporting/report/${encodeURIComponent(r.id)}` }, "查看"), " ", csv));
      })))) : h("p", { class: "muted", "data-role": "no-reports" }, "没有符合条件的报表。"), pager.el);
  }

  mount(root,
    h("div", { class: "page-head", "data-page": "reporting-history" },
      h("div", null, h("h1", null, "报表查询"), h("p", { class: "sub" }, isHospital(user()) ? "本机构的全部报表，可导出为 CSV（Excel 可直接打开）。" : "辖区内医疗机构的报表（只读）。"))),
    isHospital(user()) ? subNav("history") : null,
    h("div", { class: "filters grid-2" }, program.el, status.el),
    h("p", null, periodsLink()),
    body);
  await load(null);
}
