// 忘记密码: a single-use link to the account's registered e-mail (30 minutes).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { publicShell, publicLinks } from "../components/public-shell.js";

export default function forgot({ root }) {
  const form = new Form();
  const login = form.add("login", field({ label: "用户名或手机号", name: "login", required: true, autocomplete: "username", maxlength: 64 }));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "发送重置链接");
  const result = h("div", { "aria-live": "polite" });
  const f = h("form", { novalidate: true }, form.errorBox, login.el, submit);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check()) return;
    await busy(submit, "正在发送…", async () => {
      try {
        const r = await api.post("/api/identity/v1/password-resets", { login: login.value });
        mount(result, h("div", { class: "notice success", "data-role": "reset-sent" },
          h("p", null, r && r.message ? r.message : "如账号已登记邮箱，重置链接已发送，请在30分钟内使用。"),
          h("p", { class: "small" }, "没有登记邮箱或收不到邮件？请联系本单位管理员重置密码，或使用“账号查询”确认用户名。")));
      } catch (err) {
        form.show(err);
      }
    });
  });
  mount(root, publicShell([h("div", { class: "card", "data-page": "forgot" },
    h("h1", null, "忘记密码"),
    h("p", { class: "muted" }, "输入用户名或手机号，我们将向账号登记的电子邮箱发送一个重置链接（30 分钟内有效，仅可使用一次）。"),
    result, f), publicLinks(["#/login", "返回登录"], ["#/lookup", "忘记用户名？账号查询"])]));
  login.focus();
}
