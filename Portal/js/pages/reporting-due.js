// 数据填报: what is due now for the user's institution (GET /due): each program's form and
// period with its deadline, days left, status and a link to the form; programs with case
// registries in that period (the stroke year's 溶栓/介入个案) also link to the registry page.
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { API, statusBadge, formRoute, subNav, fmtDate } from "../reporting/common.js";

function deadlineText(w) {
  if (!w) return "时间未公布";
  if (w.daysLeft < 0) return `${w.deadline}（已逾期 ${-w.daysLeft} 天）`;
  return `${w.deadline}（剩余 ${w.daysLeft} 天）`;
}

export default async function reportingDue({ root, alive }) {
  mount(root, h("p", { class: "loading" }, "正在加载…"));
  let due;
  try {
    due = await api.get(`${API}/due`);
  } catch (e) {
    if (!alive()) return;
    mount(root, h("div", { class: "card" }, h("h1", null, "数据填报"), h("p", { class: "error" }, e.message)));
    return;
  }
  // reminders a centre sent about missing periods (docs/statistics.md)
  const reminders = ((await api.get(`${API}/stats/reminders`).catch(() => ({ items: [] }))).items || []).slice(0, 5);
  if (!alive()) return;
  const items = due.items || [];
  // Which program/period pairs have case lists (one request per pair; none: no link).
  const pairs = [...new Set(items.map(d => `${d.program}/${d.period}`))];
  const withLists = new Set();
  await Promise.all(pairs.map(async pair => {
    const [program, period] = pair.split("/");
    try {
      const r = await api.get(`${API}/registries?program=${encodeURIComponent(program)}&period=${encodeURIComponent(period)}`);
      if ((r.items || []).length) withLists.add(pair);
    } catch (e) { /* no registry link */ }
  }));
  if (!alive()) return;
  const rows = items.map(d => h("tr", { "data-due": `${d.program}/${d.form}/${d.period}` },
    h("td", { "data-label": "项目" }, d.programName),
    h("td", { "data-label": "表单" }, d.formName),
    h("td", { "data-label": "期间", class: "nowrap" }, d.periodLabel),
    h("td", { "data-label": "截止日期" }, deadlineText(d.window)),
    h("td", { "data-label": "状态" }, statusBadge(d.status, d.statusLabel)),
    h("td", { "data-label": "操作" }, h("a", { class: "btn btn-sm btn-primary", href: formRoute(d.program, d.form, d.period), "data-role": "open-form" },
      d.lock || ["submitted", "under_review", "accepted"].includes(d.status) ? "查看" : "填报"),
      withLists.has(`${d.program}/${d.period}`)
        ? [" ", h("a", { class: "btn btn-sm", href: `#/registry/${encodeURIComponent(d.program)}/${encodeURIComponent(d.period)}`,
          "data-role": "open-registry" }, "病例登记")]
        : null)));
  mount(root,
    h("div", { class: "page-head", "data-page": "reporting-due" },
      h("div", null, h("h1", null, "数据填报"), h("p", { class: "sub" }, "本机构参加的填报项目中，当前开放、逾期或未完成的报表。"))),
    subNav("due"),
    reminders.length ? h("div", { class: "card", "data-role": "reminders" }, h("strong", null, "上报提醒"),
      h("ul", null, reminders.map(m => h("li", { "data-reminder": m.id }, m.message, " ", h("small", { class: "muted" }, `${m.sentBy || "质控中心"} ${fmtDate(m.sentAt)}`))))) : null,
    items.length
      ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack" },
        h("thead", null, h("tr", null, ["项目", "表单", "期间", "截止日期", "状态", "操作"].map(t => h("th", null, t)))),
        h("tbody", null, rows)))
      : h("div", { class: "card empty", "data-role": "nothing-due" }, h("p", null, "目前没有需要填报的报表。"),
        h("p", { class: "muted small" }, "尚未参加填报项目？"), h("a", { class: "btn", href: "#/reporting/programs" }, "去项目报名")));
}
