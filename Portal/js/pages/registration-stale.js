// 超期未审批 (platform operators): pending requests whose current stage has waited longer than
// APPROVAL_STALE_DAYS (GET /api/approval/v1/stale), oldest first, with where each waits and
// whether it went one level up for want of an approver organisation.
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { fmtTime } from "../format.js";

export default async function registrationStale({ root, alive }) {
  const body = h("div", { "aria-live": "polite" });
  const head = h("p", { class: "sub" }, "正在加载…");
  mount(root,
    h("div", { class: "page-head", "data-page": "registration-stale" },
      h("div", null, h("h1", null, "超期未审批"), head)),
    body);
  let list;
  try {
    list = await api.get("/api/approval/v1/stale", { query: { limit: 200 } });
  } catch (e) {
    mount(body, h("p", { class: "error" }, e.message));
    return;
  }
  if (!alive()) return;
  const items = list.items || [];
  head.textContent = `当前环节等待超过 ${list.days} 天仍未审批的申请（最早的在前），请督促审批单位或协调处理。`;
  mount(body, items.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack" },
    h("thead", null, h("tr", null, ["申请", "当前环节", "审批单位", "等待", "说明", "操作"].map(t => h("th", null, t)))),
    h("tbody", null, items.map(r => h("tr", { "data-request": r.id },
      h("td", { "data-label": "申请" }, r.title, h("div", { class: "muted small" }, r.chainName)),
      h("td", { "data-label": "当前环节" }, r.stageName, h("div", { class: "muted small" }, `自 ${fmtTime(r.since)}`)),
      h("td", { "data-label": "审批单位" }, r.approvers),
      h("td", { "data-label": "等待", class: "nowrap", "data-role": "waiting-days" }, `${r.waitingDays} 天`),
      h("td", { "data-label": "说明" }, r.escalationNote || ""),
      h("td", { "data-label": "操作", class: "nowrap" }, h("a", { class: "btn btn-sm", href: `#/approvals/${encodeURIComponent(r.id)}` }, "查看")))))))
    : h("p", { class: "muted", "data-role": "no-stale" }, "没有超期未审批的申请。"));
}
