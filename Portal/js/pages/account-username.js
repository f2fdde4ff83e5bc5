// 修改用户名 (NCIS; docs/accounts.md): PATCH /api/identity/v1/me/username with the password.
// Shown as a section of 个人中心 (profile.js) and as its own page.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { user, loadSession } from "../session.js";
import { toast } from "../components/toast.js";

export function usernameSection(u) {
  const form = new Form();
  const name = form.add("username", field({ label: "新用户名", name: "username", required: true, maxlength: 20, autocomplete: "username",
    hint: "4至20位，以字母开头，可含字母、数字、下划线或点；不区分大小写，不能与他人重复" }));
  const password = form.add("password", field({ label: "当前密码", name: "password", type: "password", required: true, maxlength: 64, autocomplete: "current-password" }));
  const current = h("strong", { class: "mono", "data-role": "current-username" }, u.username);
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "修改用户名");
  const f = h("form", { novalidate: true, "data-role": "username-form" }, form.errorBox, name.el, password.el, submit);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check()) return;
    await busy(submit, "正在保存…", async () => {
      try {
        const r = await api.patch("/api/identity/v1/me/username", { username: name.value, password: password.input.value });
        current.textContent = r.username;
        password.input.value = "";
        await loadSession();
        toast("用户名已修改，请使用新用户名登录", "success");
      } catch (err) {
        form.show(err);
      }
    });
  });
  return h("section", { class: "card", "data-role": "username-section" }, h("h2", null, "修改用户名"),
    h("p", { class: "muted" }, "当前用户名：", current), f);
}

export default function accountUsername({ root }) {
  mount(root, h("div", { class: "page-head", "data-page": "account-username" }, h("div", null, h("h1", null, "修改用户名"))),
    usernameSection(user()));
}
