// 项目报名: every reporting program, whether the institution takes part, and (institution
// administrators only) the button to enrol.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { user } from "../session.js";
import { badge } from "../components/badge.js";
import { toast } from "../components/toast.js";
import { API, PERIOD_TYPES, isInstitutionAdmin, subNav } from "../reporting/common.js";

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
    const cards = (list.items || []).map(p => {
      let action = null;
      if (p.enrolled) action = badge("已参加", "green");
      else if (admin) {
        action = h("button", { type: "button", class: "btn btn-primary btn-sm", "data-role": "enrol" }, "报名参加");
        action.addEventListener("click", () => busy(action, "正在报名…", async () => {
          try {
            await api.post(`${API}/programs/${encodeURIComponent(p.code)}/enrolment`);
            toast(`已报名参加：${p.name}`, "success");
            await render();
          } catch (e) { toast(e.message, "error"); }
        }));
      } else action = h("span", { class: "muted small" }, "未参加（由机构管理员报名）");
      return h("section", { class: "card", "data-program": p.code },
        h("div", { class: "card-head" }, h("h2", null, p.name), action),
        h("p", { class: "muted" }, p.description),
        h("dl", { class: "kv" },
          h("dt", null, "填报周期"), h("dd", null, PERIOD_TYPES[p.periodType] || p.periodType),
          h("dt", null, "填报时间"), h("dd", null, p.deadlineRule),
          h("dt", null, "逾期填报"), h("dd", null, p.lateEntry ? "允许（标记为逾期）" : "不允许")));
    });
    mount(root,
      h("div", { class: "page-head", "data-page": "reporting-programs" },
        h("div", null, h("h1", null, "项目报名"), h("p", { class: "sub" }, admin ? "报名后，本机构的填报人员即可在“数据填报”中填报该项目。" : "本机构参加的项目由机构管理员报名。"))),
      subNav("programs"), cards);
  }
  await render();
}
