// 个人中心: own account, profile change confirmed by an SMS code to the current phone
// (POST /me/sms-code, PATCH /me) and, for a new phone, by a code sent to that phone
// (POST /me/sms-code {phone}, `newPhoneCode`), password change.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { user, loadSession } from "../session.js";
import { field, Form } from "../components/field.js";
import { smsField } from "../components/sms.js";
import { passwordForm } from "../components/password-form.js";
import { toast } from "../components/toast.js";
import { roleTitle, specialtyName, maskPhone, PHONE_RE, EMAIL_RE } from "../format.js";
import { usernameSection } from "./account-username.js";

export default function profile({ root, navigate }) {
  const u = user();
  const form = new Form();
  const name = form.add("displayName", field({ label: "姓名", name: "displayName", required: true, maxlength: 30, value: u.displayName, autocomplete: "name" }));
  const email = form.add("email", field({ label: "电子邮箱", name: "email", type: "email", maxlength: 100, value: u.email || "", autocomplete: "email", hint: "用于找回密码" }));
  const phone = form.add("phone", field({ label: "新手机号", name: "phone", type: "tel", maxlength: 11, inputmode: "numeric", placeholder: "不修改请留空",
    hint: `当前手机号 ${maskPhone(u.phone)}；修改后请使用新手机号登录和接收验证码` }));
  const code = form.add("code", smsField({
    label: `短信验证码（发送至当前手机 ${maskPhone(u.phone)}）`,
    send: () => api.post("/api/identity/v1/me/sms-code"),
    onError: e => { form.show(e.field ? e : { ...e, field: "code" }); return true; },
  }));
  const newCode = form.add("newPhoneCode", smsField({
    label: "新手机号短信验证码（修改手机号时填写）", name: "newPhoneCode",
    send: () => {
      if (!PHONE_RE.test(phone.value)) { form.show({ field: "phone", message: "请先输入正确的11位新手机号" }); return false; }
      return api.post("/api/identity/v1/me/sms-code", { phone: phone.value });
    },
    onError: e => { form.show(e.field ? e : { ...e, field: "newPhoneCode" }); return true; },
  }));
  // Shown (and required) only while a new phone is entered.
  newCode.el.hidden = true;
  phone.input.addEventListener("input", () => { newCode.el.hidden = !phone.value; });
  const save = h("button", { type: "submit", class: "btn btn-primary" }, "保存资料");
  const profileForm = h("form", { novalidate: true, "aria-label": "修改资料" }, form.errorBox, h("div", { class: "grid-2" }, name.el, email.el, phone.el, code.el, newCode.el),
    h("div", { class: "form-actions" }, save));
  profileForm.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check([[phone, !phone.value || PHONE_RE.test(phone.value), "请输入正确的11位手机号"],
      [email, !email.value || EMAIL_RE.test(email.value), "请输入正确的电子邮箱"],
      [code, /^\d{6}$/.test(code.value), "请输入6位数字验证码"],
      [newCode, !phone.value || /^\d{6}$/.test(newCode.value), "请输入新手机号收到的6位验证码"]])) return;
    await busy(save, "正在保存…", async () => {
      try {
        const body = { displayName: name.value, email: email.value, code: code.value };
        if (phone.value) { body.phone = phone.value; body.newPhoneCode = newCode.value; }
        await api.patch("/api/identity/v1/me", body);
        await loadSession();
        toast("资料已保存", "success");
        navigate("/profile");
      } catch (err) {
        form.show(err);
      }
    });
  });

  const pf = passwordForm({ context: () => ({ username: u.username, phone: u.phone }), onDone: async () => { await loadSession(); toast("密码已修改，其他设备上的登录已退出", "success"); } });
  mount(root,
    h("div", { class: "page-head", "data-page": "profile" }, h("div", null, h("h1", null, "个人中心"), h("p", { class: "sub" }, "查看账号信息，修改个人资料和登录密码。"))),
    h("section", { class: "card" }, h("h2", null, "账号信息"),
      h("dl", { class: "kv" },
        h("dt", null, "用户名"), h("dd", { class: "mono" }, u.username),
        h("dt", null, "姓名"), h("dd", null, u.displayName),
        h("dt", null, "手机号"), h("dd", null, maskPhone(u.phone)),
        h("dt", null, "电子邮箱"), h("dd", null, u.email || "未登记"),
        h("dt", null, "所属单位"), h("dd", null, u.orgName || "—"),
        h("dt", null, "账号类型"), h("dd", null, u.isMainAccount ? "主账号" : "子账号"),
        h("dt", null, "角色"), h("dd", null, (u.roles || []).map(r => `${roleTitle(r.role)}${r.specialty ? `（${specialtyName(r.specialty)}）` : ""}`).join("、") || "—"))),
    h("section", { class: "card", "data-role": "profile-form" }, h("h2", null, "修改资料"),
      h("p", { class: "muted" }, "修改姓名、电子邮箱或手机号，须输入发送到当前手机号的短信验证码。"), profileForm),
    usernameSection(u),
    h("section", { class: "card", "data-role": "password-form" }, h("h2", null, "修改密码"), pf.el));
}
