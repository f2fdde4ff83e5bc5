// 设置新密码 from the e-mailed link (#/reset-password?token=…).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { passwordRule, passwordProblem, RULE_TEXT } from "../components/password-rule.js";
import { publicShell, publicLinks } from "../components/public-shell.js";

export default function resetPassword({ root, query }) {
  const token = query.token || "";
  const card = h("div", { class: "card", "data-page": "reset-password" }, h("h1", null, "设置新密码"));
  mount(root, publicShell([card, publicLinks(["#/login", "返回登录"], ["#/forgot", "重新申请重置链接"])]));
  if (!token) {
    card.append(h("div", { class: "notice error" }, "重置链接不完整，请从邮件中完整复制链接，或重新申请。"));
    return;
  }
  const form = new Form();
  form.alias("token", "newPassword");
  const pw = form.add("newPassword", field({ label: "新密码", name: "newPassword", type: "password", required: true, autocomplete: "new-password", maxlength: 64, hint: RULE_TEXT }));
  pw.el.insertBefore(passwordRule(pw.input), pw.el.querySelector(".hint"));
  const confirm = form.add("confirm", field({ label: "确认新密码", name: "confirm", type: "password", required: true, autocomplete: "new-password", maxlength: 64 }));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "保存新密码");
  const f = h("form", { novalidate: true }, form.errorBox, pw.el, confirm.el, submit);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    const problem = passwordProblem(pw.input.value);
    if (!form.check([[pw, !problem, problem], [confirm, confirm.input.value === pw.input.value, "两次输入的新密码不一致"]])) return;
    await busy(submit, "正在保存…", async () => {
      try {
        await api.post("/api/identity/v1/password-resets/confirm", { token, newPassword: pw.input.value });
        mount(card, h("h1", null, "密码已重置"), h("div", { class: "notice success" }, "新密码已生效，请使用新密码登录。"),
          h("a", { class: "btn btn-primary", href: "#/login" }, "去登录"));
      } catch (err) {
        if (err.field === "token") { form.message(err.message); return; }
        form.show(err);
      }
    });
  });
  card.append(h("p", { class: "muted" }, "请设置新的登录密码。"), f);
  pw.focus();
}
