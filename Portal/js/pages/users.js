// 用户管理 (NCIS 账号管理): a main account's sub-accounts — add, edit, enable/disable,
// delete, reset password (new passwords go to the sub-account's phone by SMS).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { openDialog, confirmDialog } from "../components/dialog.js";
import { badge } from "../components/badge.js";
import { toast } from "../components/toast.js";
import { roleTitle, specialtyName, PHONE_RE, EMAIL_RE, SPECIALTY_NAMES } from "../format.js";

const SUB_ROLES = [{ value: "specialty_admin", label: "亚专业管理员" }, { value: "data_entry", label: "数据填报员/医师" }];

export default async function users({ root }) {
  const tbody = h("tbody");
  const notice = h("div", { "aria-live": "polite" });
  const add = h("button", { type: "button", class: "btn btn-primary", "data-role": "add-user" }, "新增子账号");
  mount(root,
    h("div", { class: "page-head", "data-page": "users" },
      h("div", null, h("h1", null, "用户管理"), h("p", { class: "sub" }, "管理本单位主账号名下的子账号。新账号的初始密码通过短信发送到其手机号，首次登录须修改密码。")),
      add),
    notice,
    h("section", { class: "card" }, h("div", { class: "table-wrap" }, h("table", { class: "table responsive", "data-role": "users" },
      h("caption", { class: "visually-hidden" }, "子账号列表"),
      h("thead", null, h("tr", null, ["用户名", "姓名", "手机号", "电子邮箱", "角色", "状态"].map(t => h("th", null, t)), h("th", { class: "actions" }, "操作"))),
      tbody))));

  let specialties = Object.entries(SPECIALTY_NAMES).map(([value, label]) => ({ value, label }));
  api.get("/api/identity/v1/specialties").then(r => { specialties = (r.items || []).map(s => ({ value: s.code, label: s.name })); }).catch(() => {});

  async function load() {
    mount(tbody, h("tr", null, h("td", { colspan: "7", class: "empty" }, "正在加载…")));
    try {
      const r = await api.get("/api/identity/v1/users");
      const items = r.items || [];
      mount(tbody, items.length ? items.map(row) : h("tr", null, h("td", { colspan: "7", class: "empty" }, "还没有子账号，点击“新增子账号”创建。")));
    } catch (e) {
      mount(tbody, h("tr", null, h("td", { colspan: "7", class: "empty" }, h("span", { class: "error" }, e.message))));
    }
  }

  function row(u) {
    const active = u.status === "active";
    const toggle = h("button", { type: "button", class: `btn btn-sm ${active ? "btn-danger" : ""}`, "data-role": active ? "disable" : "enable" }, active ? "停用" : "启用");
    toggle.addEventListener("click", async () => {
      if (active && !await confirmDialog("停用账号", `停用后“${u.displayName}（${u.username}）”将无法登录，并立即退出所有登录。确定停用吗？`, { confirmLabel: "停用", danger: true })) return;
      await busy(toggle, "处理中…", async () => {
        try {
          await api.post(`/api/identity/v1/users/${encodeURIComponent(u.id)}/status`, { enabled: !active });
          toast(active ? "账号已停用" : "账号已启用", "success");
          await load();
        } catch (e) { toast(e.message, "error"); }
      });
    });
    const reset = h("button", { type: "button", class: "btn btn-sm", "data-role": "reset-password" }, "重置密码");
    reset.addEventListener("click", async () => {
      if (!await confirmDialog("重置密码", `将为“${u.displayName}”生成新密码并以短信发送至 ${u.phone}，对方登录后须修改密码。确定重置吗？`, { confirmLabel: "重置" })) return;
      await busy(reset, "处理中…", async () => {
        try {
          const r = await api.post(`/api/identity/v1/users/${encodeURIComponent(u.id)}/reset-password`);
          mount(notice, h("div", { class: "notice success" }, (r && r.message) || "密码已重置，新密码已通过短信发送"));
        } catch (e) { toast(e.message, "error"); }
      });
    });
    const del = h("button", { type: "button", class: "btn btn-sm btn-danger", "data-role": "delete" }, "删除");
    del.addEventListener("click", async () => {
      if (!await confirmDialog("删除子账号", `确定删除“${u.displayName}（${u.username}）”吗？删除后不能恢复。`, { confirmLabel: "删除", danger: true })) return;
      await busy(del, "处理中…", async () => {
        try {
          await api.del(`/api/identity/v1/users/${encodeURIComponent(u.id)}`);
          toast("子账号已删除", "success");
          await load();
        } catch (e) { toast(e.message, "error"); }
      });
    });
    const edit = h("button", { type: "button", class: "btn btn-sm", "data-role": "edit" }, "编辑");
    edit.addEventListener("click", () => editDialog(u));
    const roles = (u.roles || []).map(r => `${roleTitle(r.role)}${r.specialty ? `（${specialtyName(r.specialty)}）` : ""}`).join("、");
    return h("tr", { "data-user": u.username, "data-status": u.status },
      h("td", { "data-label": "用户名", class: "mono" }, u.username),
      h("td", { "data-label": "姓名" }, u.displayName),
      h("td", { "data-label": "手机号" }, u.phone),
      h("td", { "data-label": "电子邮箱" }, u.email || "—"),
      h("td", { "data-label": "角色" }, roles || "—"),
      h("td", { "data-label": "状态" }, active ? badge("正常", "green") : badge("已停用", "red")),
      h("td", { class: "actions", "data-label": "操作" }, edit, toggle, reset, del));
  }

  function userForm(u) {
    const form = new Form();
    const name = form.add("displayName", field({ label: "姓名", name: "displayName", required: true, maxlength: 30, value: u ? u.displayName : "" }));
    const phone = form.add("phone", field({ label: u ? "新手机号" : "手机号", name: "phone", type: "tel", required: !u, maxlength: 11, inputmode: "numeric",
      placeholder: u ? `当前 ${u.phone}，不修改请留空` : "", hint: u ? "修改后该用户需使用新手机号登录和接收验证码" : "初始密码将以短信发送到该手机号" }));
    const email = form.add("email", field({ label: "电子邮箱", name: "email", type: "email", maxlength: 100, value: u && u.email && !u.email.includes("*") ? u.email : "",
      placeholder: u && u.email ? `当前 ${u.email}，不修改请留空` : "", hint: "用于找回密码，选填" }));
    let role = null;
    let spec = null;
    if (!u) {
      role = form.add("role", field({ label: "角色", name: "role", required: true, options: SUB_ROLES, value: "data_entry" }));
      spec = form.add("specialty", field({ label: "负责专业", name: "specialty", required: true, options: specialties }));
    }
    const checks = () => [
      [phone, !phone.value || PHONE_RE.test(phone.value), "请输入正确的11位手机号"],
      [email, !email.value || EMAIL_RE.test(email.value), "请输入正确的电子邮箱"],
    ];
    const el = h("form", { novalidate: true }, form.errorBox, name.el, phone.el, email.el, role ? role.el : null, spec ? spec.el : null,
      h("button", { type: "submit", class: "visually-hidden", tabindex: "-1" }, "提交"));
    return { form, el, checks, values: () => ({ displayName: name.value, phone: phone.value, email: email.value, role: role && role.value, specialty: spec && spec.value }) };
  }

  function addDialog() {
    const uf = userForm(null);
    const dlg = openDialog({
      title: "新增子账号", body: uf.el,
      actions: [{ label: "取消", onClick: (e, d) => d.close() }, { label: "创建", class: "btn-primary", type: "button", onClick: e => submit(e.currentTarget) }],
    });
    uf.el.addEventListener("submit", e => { e.preventDefault(); submit(dlg.el.querySelector(".dialog-foot .btn-primary")); });
    async function submit(button) {
      if (!uf.form.check(uf.checks())) return;
      const v = uf.values();
      await busy(button, "正在创建…", async () => {
        try {
          const r = await api.post("/api/identity/v1/users", { displayName: v.displayName, phone: v.phone, email: v.email || undefined, role: v.role, specialty: v.specialty || undefined });
          dlg.close();
          mount(notice, h("div", { class: "notice success", "data-role": "created" }, "子账号 ", h("strong", { class: "mono" }, r.user ? r.user.username : ""),
            `（${v.displayName}）已创建，初始密码已通过短信发送至 ${v.phone.slice(0, 3)}****${v.phone.slice(7)}，首次登录须修改密码。`));
          await load();
        } catch (err) { uf.form.show(err); }
      });
    }
  }

  function editDialog(u) {
    const uf = userForm(u);
    const dlg = openDialog({
      title: `编辑子账号 ${u.username}`, body: uf.el,
      actions: [{ label: "取消", onClick: (e, d) => d.close() }, { label: "保存", class: "btn-primary", onClick: e => submit(e.currentTarget) }],
    });
    uf.el.addEventListener("submit", e => { e.preventDefault(); submit(dlg.el.querySelector(".dialog-foot .btn-primary")); });
    async function submit(button) {
      if (!uf.form.check(uf.checks())) return;
      const v = uf.values();
      const body = { displayName: v.displayName };
      if (v.phone) body.phone = v.phone;
      if (v.email) body.email = v.email;
      await busy(button, "正在保存…", async () => {
        try {
          await api.patch(`/api/identity/v1/users/${encodeURIComponent(u.id)}`, body);
          dlg.close();
          toast("已保存", "success");
          await load();
        } catch (err) { uf.form.show(err); }
      });
    }
  }

  add.addEventListener("click", addDialog);
  await load();
}
