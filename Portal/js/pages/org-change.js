// 变更资料 (institution admins; docs/accounts.md): the institution's current data, a form for the
// changed fields and a new data administrator, and the requests with their review status.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { fmtTime } from "../format.js";
import { toast } from "../components/toast.js";

const FIELDS = [["name", "机构名称", 100], ["regionCode", "所在地区代码（6位）", 6], ["creditCode", "统一社会信用代码", 18], ["level", "机构级别", 30],
  ["category", "机构类别", 30], ["address", "地址", 200], ["headName", "负责人姓名", 30], ["headPhone", "负责人手机", 11],
  ["contactName", "联系人姓名", 30], ["contactPhone", "联系人手机", 11]];
const LABEL = Object.fromEntries(FIELDS.map(([k, l]) => [k, l]));
const STATUS = { pending: "待审批", approved: "已通过", rejected: "未通过", withdrawn: "已撤回" };

export default async function orgChange({ root, alive }) {
  const body = h("div", { "aria-live": "polite" });
  mount(root, h("div", { class: "page-head", "data-page": "org-change" },
    h("div", null, h("h1", null, "变更资料"), h("p", { class: "sub" }, "机构资料或数据管理员有变化时提交变更，审批通过后生效。"))), body);
  let data;
  try { data = await api.get("/api/identity/v1/org-changes"); } catch (e) { mount(body, h("p", { class: "error" }, e.message)); return; }
  if (!alive()) return;
  const current = data.current || {};
  const pending = (data.items || []).some(c => c.status === "pending");
  const form = new Form();
  const inputs = FIELDS.map(([k, label, max]) => form.add(`data.${k}`, field({ label, name: k, maxlength: max, value: current[k] || "" })));
  const changeAdmin = h("input", { type: "checkbox", id: "change-admin", "data-role": "change-admin" });
  const adminName = form.add("newAdmin.name", field({ label: "新管理员姓名", name: "adminName", maxlength: 30 }));
  const adminPhone = form.add("newAdmin.phone", field({ label: "新管理员手机", name: "adminPhone", type: "tel", maxlength: 11, inputmode: "numeric" }));
  const adminEmail = form.add("newAdmin.email", field({ label: "新管理员邮箱", name: "adminEmail", type: "email", maxlength: 100 }));
  // The phone of an account of this institution: that account becomes the administrator once
  // its holder gives the SMS code sent to it (docs/accounts.md).
  const sendCode = h("button", { type: "button", class: "btn btn-sm", "data-role": "admin-code" }, "获取验证码");
  const adminCode = form.add("newAdmin.code", field({ label: "新管理员手机验证码", name: "adminCode", maxlength: 6, inputmode: "numeric", after: sendCode,
    hint: "该手机号在本机构已有账号时填写：由该账号担任数据管理员，不另开账号" }));
  adminCode.el.hidden = true;
  sendCode.addEventListener("click", async () => {
    await busy(sendCode, "发送中…", async () => {
      try {
        const r = await api.post("/api/identity/v1/org-changes/admin-code", { phone: adminPhone.value });
        toast(`验证码已发送至 ${r.phoneMasked}`, "success");
      } catch (err) { form.show(err); }
    });
  });
  const adminBox = h("fieldset", { hidden: true, "data-role": "new-admin" }, h("legend", null, "新的数据管理员"),
    h("p", { class: "muted small" }, "审批通过后，原管理员的权限移除、子账号转交新管理员，原管理员将收到短信和邮件通知；新管理员在登录页“账号激活”中用此手机号激活账号。"),
    adminName.el, adminPhone.el, adminEmail.el, adminCode.el);
  changeAdmin.addEventListener("change", () => { adminBox.hidden = !changeAdmin.checked; });
  const submit = h("button", { type: "submit", class: "btn btn-primary", disabled: pending }, pending ? "已有待审批的变更" : "提交变更");
  const f = h("form", { novalidate: true, "data-role": "org-change-form" }, form.errorBox, inputs.map(i => i.el),
    h("div", { class: "field" }, h("label", { for: "change-admin" }, changeAdmin, " 变更数据管理员")), adminBox, submit);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    form.clear();
    const changed = {};
    FIELDS.forEach(([k], i) => { if (inputs[i].value !== (current[k] || "")) changed[k] = inputs[i].value; });
    const payload = { data: changed };
    if (changeAdmin.checked) payload.newAdmin = { name: adminName.value, phone: adminPhone.value, email: adminEmail.value || undefined, code: adminCode.value || undefined };
    await busy(submit, "正在提交…", async () => {
      try {
        await api.post("/api/identity/v1/org-changes", payload);
        toast("变更已提交，等待审批", "success");
        orgChange({ root, alive });
      } catch (err) {
        if (err.code === "sms_code_required") adminCode.el.hidden = false;
        form.show(err);
      }
    });
  });
  const items = data.items || [];
  mount(body,
    h("section", { class: "card" }, h("h2", null, "提交变更"), f),
    h("section", { class: "card", "data-role": "org-changes" }, h("h2", null, "变更记录"),
      items.length ? h("ul", { class: "outcomes" }, items.map(c => h("li", { "data-status": c.status },
        h("strong", null, STATUS[c.status] || c.status), " ", h("span", { class: "muted" }, fmtTime(c.createdAt)), " ",
        Object.entries(c.newData).map(([k, v]) => `${LABEL[k] || k}：${c.oldData[k] || "（空）"} → ${v || "（空）"}`).join("；"),
        c.newAdmin ? `；数据管理员 → ${c.newAdmin.name}${c.newAdmin.userId ? "（本机构已有账号）" : ""}` : "", c.opinion ? h("div", { class: "muted small" }, `审批意见：${c.opinion}`) : null)))
        : h("p", { class: "muted" }, "暂无变更记录。")));
}
