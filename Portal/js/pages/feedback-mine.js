// 意见反馈: any signed-in user sends feedback (功能建议, 产品缺陷, 表单问题, 文档问题, 其他) to
// the platform operators and follows its status and the reply.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { user } from "../session.js";
import { field, Form } from "../components/field.js";
import { badge } from "../components/badge.js";
import { toast } from "../components/toast.js";
import { fmtTime } from "../format.js";

export const CATEGORIES = [
  { value: "feature", label: "功能建议" }, { value: "defect", label: "产品缺陷" }, { value: "form", label: "表单问题" },
  { value: "docs", label: "文档问题" }, { value: "other", label: "其他" },
];
export const STATUS = { new: ["待处理", "amber"], in_progress: ["处理中", "blue"], done: ["已处理", "green"] };
export const categoryName = c => (CATEGORIES.find(x => x.value === c) || {}).label || c;
export const statusBadge = s => badge(...(STATUS[s] || [s, "gray"]));

export default async function feedbackMine({ root }) {
  const u = user();
  const form = new Form();
  const category = form.add("category", field({ label: "反馈类型", name: "category", required: true, options: CATEGORIES }));
  const content = form.add("content", field({ label: "反馈内容", name: "content", required: true, multiline: true, rows: 6, maxlength: 2000,
    hint: "请具体描述问题或建议，最多 2000 字。" }));
  const counter = h("div", { class: "hint", "aria-live": "polite" }, "0 / 2000");
  content.input.addEventListener("input", () => { counter.textContent = `${content.input.value.length} / 2000`; });
  content.el.append(counter);
  const contact = form.add("contact", field({ label: "联系方式", name: "contact", maxlength: 100, placeholder: "手机号或电子邮箱（选填）" }));
  const organisation = form.add("organisation", field({ label: "单位名称", name: "organisation", maxlength: 100, value: u.orgName || "" }));
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "提交反馈");
  const f = h("form", { novalidate: true, "data-role": "feedback-form" }, form.errorBox, category.el, content.el, contact.el, organisation.el,
    h("div", { class: "form-actions" }, submit));
  const list = h("div", { "data-role": "my-feedback" });

  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check()) return;
    await busy(submit, "正在提交…", async () => {
      try {
        await api.post("/api/reporting/v1/feedback", { category: category.value, content: content.input.value,
          contact: contact.value || undefined, organisation: organisation.value || undefined });
        toast("反馈已提交，平台运营人员会尽快处理", "success");
        content.value = "";
        counter.textContent = "0 / 2000";
        await load();
      } catch (err) {
        form.show(err);
      }
    });
  });

  async function load() {
    try {
      const items = (await api.get("/api/reporting/v1/feedback/mine", { query: { limit: 50 } })).items || [];
      mount(list, items.length ? h("ul", { class: "feedback-list" }, items.map(i => h("li", { "data-feedback": i.id, "data-status": i.status },
        h("div", { class: "row" }, statusBadge(i.status), h("strong", null, categoryName(i.category)), h("span", { class: "muted small" }, fmtTime(i.createdAt))),
        h("p", { class: "pre" }, i.content),
        i.reply ? h("div", { class: "opinion ok", "data-role": "reply" }, `平台回复：${i.reply}`) : null)))
        : h("p", { class: "muted" }, "还没有提交过反馈。"));
    } catch (err) {
      mount(list, h("p", { class: "error" }, err.message));
    }
  }

  mount(root,
    h("div", { class: "page-head", "data-page": "feedback-mine" }, h("div", null, h("h1", null, "意见反馈"),
      h("p", { class: "sub" }, "使用中遇到的问题和建议，请在这里告诉平台运营人员。"))),
    h("section", { class: "card" }, h("h2", null, "提交反馈"), f),
    h("section", { class: "card" }, h("h2", null, "我的反馈"), list));
  await load();
}
