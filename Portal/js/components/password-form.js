// Old password, new password with the live rule, confirmation → POST /me/password. The
// gateway turns the new tokens of the answer into cookies.
import { h, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "./field.js";
import { passwordRule, passwordProblem, RULE_TEXT } from "./password-rule.js";

export function passwordForm({ oldLabel = "原密码", submitLabel = "修改密码", context = () => ({}), onDone }) {
  const form = new Form();
  const oldPassword = form.add("oldPassword", field({ label: oldLabel, name: "oldPassword", type: "password", required: true, autocomplete: "current-password", maxlength: 64 }));
  const newPassword = form.add("newPassword", field({ label: "新密码", name: "newPassword", type: "password", required: true, autocomplete: "new-password", maxlength: 64, hint: RULE_TEXT }));
  newPassword.el.insertBefore(passwordRule(newPassword.input, context), newPassword.el.querySelector(".hint"));
  const confirm = form.add("confirm", field({ label: "确认新密码", name: "confirm", type: "password", required: true, autocomplete: "new-password", maxlength: 64 }));
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, submitLabel);
  const el = h("form", { novalidate: true, "aria-label": "修改密码" }, form.errorBox, oldPassword.el, newPassword.el, confirm.el,
    h("div", { class: "form-actions" }, submit));
  el.addEventListener("submit", async e => {
    e.preventDefault();
    const problem = passwordProblem(newPassword.input.value, context());
    const ok = form.check([
      [newPassword, !problem, problem],
      [newPassword, newPassword.input.value !== oldPassword.input.value || !newPassword.input.value, "新密码不能与原密码相同"],
      [confirm, confirm.input.value === newPassword.input.value, "两次输入的新密码不一致"],
    ]);
    if (!ok) return;
    await busy(submit, "正在保存…", async () => {
      try {
        await api.post("/api/identity/v1/me/password", { oldPassword: oldPassword.input.value, newPassword: newPassword.input.value });
        oldPassword.value = ""; newPassword.value = ""; confirm.value = "";
        newPassword.input.dispatchEvent(new Event("input"));
        if (onDone) await onDone();
      } catch (err) {
        form.show(err);
      }
    });
  });
  return { el, focus: () => oldPassword.focus() };
}
