// Where a request stands: its stages, which organisations have not acted yet and since when,
// and each decision with its opinion (a rejection's opinion shown where it happened).
import { h } from "../dom.js";
import { fmtTime, elapsed, DECISION_TITLES } from "../format.js";
import { requestBadge, badge } from "./badge.js";

function decisionBadge(d) {
  const tone = d === "approve" ? "green" : "red";
  return badge(DECISION_TITLES[d] || d, tone);
}

/** `showPending`: list the organisations that have not acted (off where the page already
 *  says where the request waits). */
export function stageTimeline(stages, { showPending = true } = {}) {
  if (!stages || !stages.length) return h("p", { class: "muted" }, "审批流程正在生成，请稍后刷新。");
  // A stage that ended the request (不同意, 退回, 撤回) closes it: nothing else waits any more.
  const closed = stages.some(s => s.status === "rejected" || s.status === "returned" || s.status === "withdrawn");
  return h("ol", { class: "timeline", "aria-label": "审批进度" }, stages.map(s => {
    const open = !closed && (s.status === "pending" || s.status === "resolving");
    const notReached = closed && (s.status === "waiting" || s.status === "pending" || s.status === "resolving");
    const orgs = s.orgs && s.orgs.length ? s.orgs : null;
    const decided = new Set((s.decisions || []).map(d => d.orgId || d.orgName));
    return h("li", { class: `st-${s.status}`, "data-stage": s.index },
      h("span", { class: "dot", "aria-hidden": "true" }),
      h("div", { class: "stage-name" }, `第 ${s.index} 步：${s.name}`, notReached ? badge("未进行", "gray") : requestBadge(s.status)),
      s.approvers ? h("div", { class: "stage-meta" }, `审批方：${s.approvers}`) : null,
      open && s.since ? h("div", { class: "stage-meta", "data-role": "waiting-since" },
        `自 ${fmtTime(s.since)} 起等待审批（已等待${elapsed(s.since)}）`) : null,
      !open && s.completedAt ? h("div", { class: "stage-meta" }, `完成于 ${fmtTime(s.completedAt)}`) : null,
      showPending && open && s.pendingOrgs && s.pendingOrgs.length && !(orgs && orgs.length > 1) ? h("div", { class: "pending-orgs", "data-role": "pending-orgs" },
        h("strong", null, "尚未审批："),
        s.pendingOrgs.map((o, i) => [i ? "、" : "", h("span", { class: "org" }, o.name)])) : null,
      orgs && orgs.length > 1 ? h("ul", { class: "org-list" }, orgs.map(o =>
        h("li", null, h("span", null, o.name), o.decision ? decisionBadge(o.decision) : open ? badge("待审批", "amber") : badge("未审批", "gray"),
          o.decidedAt ? h("span", { class: "muted small" }, fmtTime(o.decidedAt)) : null))) : null,
      (s.decisions || []).map(d => h("div", { class: "decision" },
        h("div", { class: "stage-meta" }, `${d.orgName || ""}${d.userName ? ` · ${d.userName}` : ""}　`, decisionBadge(d.decision),
          d.at ? `　${fmtTime(d.at)}` : ""),
        d.opinion ? h("div", { class: `opinion ${d.decision === "approve" ? "ok" : ""}`, "data-role": "opinion" },
          `审核意见：${d.opinion}`) : null)),
      notReached ? h("div", { class: "stage-meta" }, "申请已结束，本环节不再进行") : null,
      decided.size === 0 && !closed && s.status === "waiting" ? h("div", { class: "stage-meta" }, "待上一步完成后开始") : null);
  }));
}
