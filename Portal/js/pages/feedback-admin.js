// 反馈处理 (platform operators): every user's feedback, its status and the reply the sender sees.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field } from "../components/field.js";
import { toast } from "../components/toast.js";
import { fmtTime } from "../format.js";
import { categoryName, statusBadge, STATUS } from "./feedback-mine.js";

export default async function feedbackAdmin({ root }) {
  const statusFilter = field({ label: "状态", name: "status", options: Object.entries(STATUS).map(([value, [label]]) => ({ value, label })), placeholderOption: "全部" });
  const list = h("div", { "data-role": "feedback-admin-list" });
  statusFilter.input.addEventListener("change", load);

  function item(i) {
    const status = field({ label: "处理状态", name: `status-${i.id}`, options: Object.entries(STATUS).map(([value, [label]]) => ({ value, label })), placeholderOption: false, value: i.status });
    const reply = field({ label: "回复", name: `reply-${i.id}`, multiline: true, rows: 2, maxlength: 2000, value: i.reply || "" });
    const save = h("button", { type: "button", class: "btn btn-primary btn-sm" }, "保存");
    save.addEventListener("click", () => busy(save, "正在保存…", async () => {
      try {
        await api.patch(`/api/reporting/v1/feedback/${encodeURIComponent(i.id)}`, { status: status.value, reply: reply.value || undefined });
        toast("已保存", "success");
        await load();
      } catch (err) {
        reply.setError(err.message);
      }
    }));
    return h("li", { "data-feedback": i.id, "data-status": i.status },
      h("div", { class: "row" }, statusBadge(i.status), h("strong", null, categoryName(i.category)),
        h("span", null, i.userName), i.organisation ? h("span", null, i.organisation) : null,
        i.contact ? h("span", { class: "muted small" }, `联系方式：${i.contact}`) : null, h("span", { class: "muted small" }, fmtTime(i.createdAt))),
      h("p", { class: "pre" }, i.content),
      h("div", { class: "feedback-reply" }, status.el, reply.el, h("div", { class: "form-actions" }, save)));
  }

  async function load() {
    try {
      const items = (await api.get("/api/reporting/v1/feedback", { query: { limit: 100, status: statusFilter.value || undefined } })).items || [];
      mount(list, items.length ? h("ul", { class: "feedback-list" }, items.map(item)) : h("p", { class: "muted" }, "没有反馈。"));
    } catch (err) {
      mount(list, h("p", { class: "error" }, err.message));
    }
  }

  mount(root,
    h("div", { class: "page-head", "data-page": "feedback-admin" }, h("div", null, h("h1", null, "反馈处理"),
      h("p", { class: "sub" }, "用户提交的意见反馈；处理状态和回复会显示给反馈人。"))),
    h("section", { class: "card" }, h("div", { class: "filters" }, statusFilter.el), list));
  await load();
}
