// 项目报名: every reporting program, whether the institution takes part, and (institution
// administrators only) the button to enrol. A program that approves its participants (NCCQI)
// shows 待审核 while its request is open and 已退回 with the opinion after a refusal (the
// administrator may ask again). Centres see the participating institutions of their region.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { user } from "../session.js";
import { badge } from "../components/badge.js";
import { toast } from "../components/toast.js";
import { API, PERIOD_TYPES, fmtDate, isHospital, isInstitutionAdmin, subNav } from "../reporting/common.js";

const PARTICIPANT_STATUS = { active: ["已参加", "green"], pending: ["待审核", "amber"], rejected: ["已退回", "red"] };

/** The participating institutions of a program a centre may see (loaded on demand). */
async function participants(p, box, button) {
  let list;
  try {
    list = await api.get(`${API}/programs/${encodeURIComponent(p.code)}/enrolments`);
  } catch (e) { toast(e.message, "error"); return; }
  const rows = (list.items || []).map(i => {
    const [text, tone] = PARTICIPANT_STATUS[i.status] || [i.status, "gray"];
    return h("tr", { "data-org": i.orgId },
      h("td", null, i.orgName || i.orgId), h("td", null, badge(text, tone)), h("td", null, fmtDate(i.since)),
      h("td", null, i.opinion || ""));
  });
  mount(box, rows.length
    ? h("table", { class: "table", "data-role": "participants" },
        h("caption", null, `参加机构（${rows.length}${list.truncated ? "+" : ""}）`),
        h("thead", null, h("tr", null, h("th", null, "医疗机构"), h("th", null, "状态"), h("th", null, "时间"), h("th", null, "审核意见"))),
        h("tbody", null, rows))
    : h("p", { class: "muted", "data-role": "participants" }, "本辖区暂无参加机构"));
  button.hidden = true;
}

export default async function reportingPrograms({ root, alive }) {
  async function render() {
    let list;
    try {
      list = await api.get(`${API}/programs`);
    } catch (e) {
      if (alive()) mount(root, h("div", { class: "card" }, h("h1", null, "项目报名"), h("p", { class: "error" }, e.message)));
      return;
    }
    if (!alive()) return;
    const admin = isInstitutionAdmin(user());
    const hospital = isHospital(user());
    const cards = (list.items || []).map(p => {
      let action = null;
      let note = null;
      const state = p.enrolment ? p.enrolment.status : null;
      const enrolButton = label => {
        const b = h("button", { type: "button", class: "btn btn-primary btn-sm", "data-role": "enrol" }, label);
        b.addEventListener("click", () => busy(b, "正在提交…", async () => {
          try {
            const v = await api.post(`${API}/programs/${encodeURIComponent(p.code)}/enrolment`);
            toast(v.status === "pending" ? `已提交报名申请，等待审核：${p.name}` : `已报名参加：${p.name}`, "success");
            await render();
          } catch (e) { toast(e.message, "error"); }
        }));
        return b;
      };
      if (p.enrolled) action = badge("已参加", "green");
      else if (state === "pending") {
        action = badge("待审核", "amber");
        note = h("p", { class: "small", "data-role": "enrolment-note" }, "已提交报名申请，等待省级质控中心（对应专业）审核；审核通过后即可填报。");
      } else if (state === "rejected") {
        action = admin ? h("span", null, badge("已退回", "red"), " ", enrolButton("重新申请")) : badge("已退回", "red");
        note = h("p", { class: "small error", "data-role": "enrolment-note" },
          `报名申请未通过审核。审核意见：${p.enrolment.opinion || "（无）"}`);
      } else if (admin) {
        action = enrolButton(p.enrolmentApproval ? "申请参加" : "报名参加");
        if (p.enrolmentApproval) note = h("p", { class: "small muted" }, "该项目的参加机构需经项目审核（本机构已审核的注册材料将直接复用，无需重新上传）。");
      } else if (hospital) action = h("span", { class: "muted small" }, "未参加（由机构管理员报名）");
      let extra = null;
      if (!hospital) {
        const box = h("div", { "data-role": "participants-box" });
        const show = h("button", { type: "button", class: "btn btn-sm", "data-role": "show-participants" }, "查看参加机构");
        show.addEventListener("click", () => busy(show, "正在加载…", () => participants(p, box, show)));
        extra = h("div", { class: "stack", style: "margin-top:12px" }, show, box);
      }
      return h("section", { class: "card", "data-program": p.code },
        h("div", { class: "card-head" }, h("h2", null, p.name), action),
        note,
        h("p", { class: "muted" }, p.description),
        h("dl", { class: "kv" },
          h("dt", null, "填报周期"), h("dd", null, PERIOD_TYPES[p.periodType] || p.periodType),
          h("dt", null, "填报时间"), h("dd", null, p.deadlineRule),
          h("dt", null, "逾期填报"), h("dd", null, p.lateEntry ? "允许（标记为逾期）" : "不允许")),
        extra);
    });
    mount(root,
      h("div", { class: "page-head", "data-page": "reporting-programs" },
        h("div", null, h("h1", null, "项目报名"), h("p", { class: "sub" }, admin ? "报名后，本机构的填报人员即可在“数据填报”中填报该项目。" : "本机构参加的项目由机构管理员报名。"))),
      subNav("programs"), cards);
  }
  await render();
}
