// 账号激活 (docs/accounts.md): an administrator imported by the platform operator, or set as
// the new data administrator by 变更资料, proves the phone on file by an SMS code and chooses a
// login name and password (POST /api/identity/v1/activation/sms-code, /activation).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { captchaField } from "../components/captcha.js";
import { smsField, phoneCodeSender } from "../components/sms.js";
import { publicShell, publicLinks } from "../components/public-shell.js";
import { PHONE_RE } from "../format.js";

export default function activate({ root }) {
  const form = new Form();
  const phone = form.add("phone", field({ label: "手机号", name: "phone", type: "tel", required: true, maxlength: 11, inputmode: "numeric", autocomplete: "tel",
    hint: "导入或变更资料时登记的管理员手机号" }));
  const captcha = form.add("captchaAnswer", captchaField({ forCode: true }));
  const send = phoneCodeSender(form, phone, captcha, "/api/identity/v1/activation/sms-code");
  const code = form.add("code", smsField({ send, onError: e => { form.show(e); return true; } }));
  const username = form.add("username", field({ label: "用户名", name: "username", required: true, maxlength: 20, autocomplete: "username",
    hint: "4至20位，以字母开头，可含字母、数字、下划线或点" }));
  const password = form.add("password", field({ label: "密码", name: "password", type: "password", required: true, maxlength: 64, autocomplete: "new-password",
    hint: "至少8位，须包含字母、数字、符号中的至少两种，且不能包含用户名或手机号" }));
  const confirm = form.add("confirm", field({ label: "确认密码", name: "confirm", type: "password", required: true, maxlength: 64, autocomplete: "new-password" }));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "激活账号");
  const done = h("div", { "aria-live": "polite" });
  const f = h("form", { novalidate: true }, form.errorBox, phone.el, captcha.el, code.el, username.el, password.el, confirm.el, submit);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check([[phone, PHONE_RE.test(phone.value), "请输入正确的11位手机号"], [code, /^\d{6}$/.test(code.value), "请输入6位数字验证码"],
      [confirm, confirm.value === password.value, "两次输入的密码不一致"]])) return;
    await busy(submit, "正在激活…", async () => {
      try {
        const r = await api.post("/api/identity/v1/activation", { phone: phone.value, code: code.value, username: username.value, password: password.input.value });
        f.hidden = true;
        mount(done, h("div", { class: "card", "data-role": "activated" },
          h("h2", null, "账号已激活"),
          h("p", null, `用户名：`, h("strong", { class: "mono" }, r.username), r.orgName ? `（${r.orgName}）` : ""),
          h("p", null, h("a", { class: "btn btn-primary", href: "#/login" }, "去登录"))));
      } catch (err) {
        form.show(err);
      }
    });
  });
  mount(root, publicShell([h("div", { class: "card", "data-page": "activate" },
    h("h1", null, "账号激活"),
    h("p", { class: "muted" }, "已有旧系统账号的机构无需注册：平台已导入您的机构，请验证管理员手机号并设置用户名和密码。"), f), done,
    publicLinks(["#/login", "返回登录"], ["#/lookup", "账号查询"])]));
  phone.focus();
}
