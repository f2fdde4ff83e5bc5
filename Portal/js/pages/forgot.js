// 忘记密码: by 用户名, registered 邮箱 or verified 手机号. An e-mail address (or a user name with
// an e-mail) gets a single-use link (30 minutes); a phone (or a user name without e-mail) gets an
// SMS code, entered here with the new password. The server answers the same whether or not an
// account exists, so this page always offers both ways on.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { captchaField } from "../components/captcha.js";
import { passwordRule, passwordProblem, RULE_TEXT } from "../components/password-rule.js";
import { publicShell, publicLinks } from "../components/public-shell.js";

export default function forgot({ root }) {
  const form = new Form();
  const login = form.add("login", field({ label: "用户名、邮箱或手机号", name: "login", required: true, autocomplete: "username", maxlength: 100 }));
  const captcha = form.add("captchaAnswer", captchaField());
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "找回密码");
  const result = h("div", { "aria-live": "polite" });
  const f = h("form", { novalidate: true }, form.errorBox, login.el, captcha.el, submit);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check()) return;
    await busy(submit, "正在发送…", async () => {
      try {
        const r = await api.post("/api/identity/v1/password-resets", { login: login.value, captchaId: captcha.captchaId, captchaAnswer: captcha.value });
        showNext(r && r.message, login.value);
      } catch (err) {
        form.show(err);
      } finally {
        captcha.refresh();
      }
    });
  });

  function showNext(message, who) {
    const cform = new Form();
    cform.alias("login", "code");
    const code = cform.add("code", field({ label: "短信验证码", name: "code", required: true, maxlength: 6, inputmode: "numeric", autocomplete: "one-time-code" }));
    const username = cform.add("username", field({ label: "用户名（同一手机号有多个账号时填写）", name: "username", maxlength: 64, autocomplete: "username" }));
    const pw = cform.add("newPassword", field({ label: "新密码", name: "newPassword", type: "password", required: true, autocomplete: "new-password", maxlength: 64, hint: RULE_TEXT }));
    pw.el.insertBefore(passwordRule(pw.input), pw.el.querySelector(".hint"));
    const confirm = cform.add("confirm", field({ label: "确认新密码", name: "confirm", type: "password", required: true, autocomplete: "new-password", maxlength: 64 }));
    const save = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "保存新密码");
    const codeForm = h("form", { novalidate: true, "data-role": "reset-by-code" }, cform.errorBox, code.el, username.el, pw.el, confirm.el, save);
    codeForm.addEventListener("submit", async e => {
      e.preventDefault();
      const problem = passwordProblem(pw.input.value);
      if (!cform.check([[code, /^\d{6}$/.test(code.value), "请输入6位数字验证码"], [pw, !problem, problem],
        [confirm, confirm.input.value === pw.input.value, "两次输入的新密码不一致"]])) return;
      await busy(save, "正在保存…", async () => {
        try {
          await api.post("/api/identity/v1/password-resets/confirm", { login: who, code: code.value, username: username.value || undefined, newPassword: pw.input.value });
          mount(result, h("div", { class: "notice success", "data-role": "reset-done" }, "新密码已生效，请使用新密码登录。",
            h("a", { class: "btn btn-primary", href: "#/login" }, "去登录")));
        } catch (err) {
          cform.show(err);
        }
      });
    });
    mount(result, h("div", { class: "notice success", "data-role": "reset-sent" },
      h("p", null, message || "如账号存在，重置链接已发送至登记的电子邮箱，或验证码已发送至账号验证过的手机。"),
      h("p", { class: "small" }, "收到邮件：请在30分钟内打开邮件中的链接设置新密码。收到短信：在下方输入验证码（60秒内有效）和新密码。")),
      h("section", { class: "card" }, h("h2", null, "用短信验证码设置新密码"), codeForm));
    code.focus();
  }

  mount(root, publicShell([h("div", { class: "card", "data-page": "forgot" },
    h("h1", null, "忘记密码"),
    h("p", { class: "muted" }, "输入用户名、注册邮箱或验证过的手机号：登记了邮箱的账号会收到重置链接（30 分钟内有效，仅可使用一次），只有手机号的账号会收到短信验证码。"),
    f), result, publicLinks(["#/login", "返回登录"], ["#/lookup", "忘记用户名？账号查询"])]));
  login.focus();
}
