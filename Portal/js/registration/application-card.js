// One registration application as its applicant sees it: status, where it waits (which
// stage, which centres have not acted and since when), the rejection opinion where it was
// given, edit while no approver has acted, and "send my account again" once approved.
import { h, mount, busy } from "../dom.js";
import { fmtTime, elapsed, specialtyName, roleTitle } from "../format.js";
import { applicationBadge } from "../components/badge.js";
import { stageTimeline } from "../components/progress.js";
import { applicantApi } from "../applicant.js";

function whereItWaits(progress) {
  if (!progress || progress.status !== "pending") return null;
  const stage = (progress.stages || []).find(s => s.status === "pending" || s.status === "resolving") ||
    (progress.stages || []).find(s => s.index === progress.currentStage);
  if (!stage) return null;
  const orgs = (stage.pendingOrgs || []).map(o => o.name);
  return h("div", { class: "notice", "data-role": "waiting" },
    h("p", null, "当前环节：", h("strong", null, stage.name),
      stage.since ? `（自 ${fmtTime(stage.since)} 起，已等待${elapsed(stage.since)}）` : ""),
    stage.escalationNote ? h("p", { "data-role": "escalated" }, h("strong", null, "已上转："), stage.escalationNote,
      stage.escalatedFrom ? `（原环节：${stage.escalatedFrom}）` : "") : null,
    orgs.length ? h("p", null, "尚未审批的单位：", h("strong", { "data-role": "pending-orgs" }, orgs.join("、")))
      : stage.rule === "all" || stage.status === "resolving" ? h("p", null, "正在确定审批单位，请稍后刷新。") : h("p", null, "审批单位：", stage.approvers || ""),
    h("p", { class: "small" }, "如长时间未审核，可联系上述单位。"));
}

export function applicationCard(id, { onEdit, onRefresh } = {}) {
  const el = h("article", { class: "app-card", "data-application": id }, h("p", { class: "muted" }, "正在加载申请…"));
  const applicant = applicantApi(id);
  let retries = 0;
  let timer = null;

  async function load() {
    clearTimeout(timer);
    let a;
    try {
      a = await applicant.get();
    } catch (e) {
      mount(el, h("div", { class: "notice error" }, e.status === 401 ? "验证已过期，请重新验证手机号后查看。" : e.message));
      return;
    }
    el.dataset.status = a.status;
    const title = `${a.roleTitle || roleTitle(a.role) || "未选择用户类型"}${a.orgName ? ` · ${a.orgName}` : ""}`;
    const specs = (a.specialties || []).map(specialtyName).join("、");
    const actions = h("div", { class: "form-actions" });
    const message = h("div", { "aria-live": "polite" });

    if (a.status === "draft") {
      actions.append(h("button", { type: "button", class: "btn btn-primary", "data-role": "continue", onclick: () => onEdit && onEdit(a) }, "继续填写并提交"));
    } else if (a.editable && a.status !== "rejected") {
      actions.append(h("button", { type: "button", class: "btn", "data-role": "edit", onclick: () => onEdit && onEdit(a) }, "修改申请"));
    }
    if (a.status === "approved") {
      const resend = h("button", { type: "button", class: "btn btn-primary", "data-role": "resend-credentials" }, "重新发送账号密码");
      resend.addEventListener("click", () => busy(resend, "正在发送…", async () => {
        try {
          const r = await applicant.resendCredentials();
          mount(message, h("div", { class: "notice success", "data-role": "resend-result" }, (r && r.message) || "账号信息已发送至您的手机，请查收短信"));
        } catch (e) {
          mount(message, h("div", { class: "notice error", "data-role": "resend-result" }, e.message));
        }
      }));
      actions.append(resend, h("a", { class: "btn", href: "#/login" }, "去登录"));
    }
    if (a.status === "rejected") {
      actions.append(h("button", { type: "button", class: "btn btn-primary", "data-role": "correct", onclick: () => onEdit && onEdit(a) }, "修改后重新提交"),
        h("a", { class: "btn", href: "#/register" }, "另行申请"));
    }
    actions.append(h("button", { type: "button", class: "btn", "data-role": "refresh", onclick: () => { retries = 0; load(); } }, "刷新"));

    mount(el,
      h("div", { class: "app-card-head" },
        h("div", null, h("h3", null, title), h("div", { class: "muted small" }, `申请编号 ${a.id}`)),
        applicationBadge(a.status)),
      h("dl", { class: "kv" },
        h("dt", null, "手机号"), h("dd", null, a.phoneMasked || ""),
        specs ? [h("dt", null, "申请专业"), h("dd", null, specs)] : null,
        a.person && a.person.name ? [h("dt", null, "申请人"), h("dd", null, a.person.name)] : null,
        a.submittedAt ? [h("dt", null, "提交时间"), h("dd", null, fmtTime(a.submittedAt))] : null,
        a.decidedAt ? [h("dt", null, "审核完成"), h("dd", null, fmtTime(a.decidedAt))] : null),
      a.status === "approved" ? h("div", { class: "notice success", "data-role": "approved" },
        "您的账号已审核通过。用户名和初始密码已通过短信发送至本手机号；如未收到，可点击“重新发送账号密码”（不会在页面上显示）。") : null,
      a.status === "rejected" ? h("div", { class: "opinion", "data-role": "rejection" },
        h("strong", null, "审核未通过"), a.opinion ? `　审核意见：${a.opinion}` : "") : null,
      a.status === "draft" ? h("div", { class: "notice warn" }, "申请尚未提交审核，请完善信息并提交。") : null,
      a.status === "draft" && a.opinion ? h("div", { class: "opinion", "data-role": "last-opinion" }, h("strong", null, "上次审核意见"), `　${a.opinion}`) : null,
      a.status === "pending" && !a.editable ? h("p", { class: "muted small" }, "审核已开始，申请不能再修改；如需更正请联系审批单位。") : null,
      a.status === "pending" && a.editable ? h("p", { class: "muted small" }, "审核开始前可随时修改申请信息，修改后需重新提交。") : null,
      whereItWaits(a.progress),
      a.progress ? h("section", null, h("h3", null, "审批进度"), stageTimeline(a.progress.stages, { showPending: false })) : null,
      message, actions);
    if (onRefresh) onRefresh(a);
    // Just submitted or just decided: the approval service may not have the request (or the
    // outcome) yet. Look again a few times.
    const stage = a.progress && (a.progress.stages || []).find(s => s.status === "pending" || s.status === "resolving");
    const settling = a.status === "pending" && (!a.progress || a.progress.status !== "pending" || (stage && !(stage.pendingOrgs || []).length));
    if (settling && retries < 8) { retries += 1; timer = setTimeout(() => { if (el.isConnected) load(); }, 1500); }
  }

  load();
  return { el, reload: load };
}
