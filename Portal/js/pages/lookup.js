// 账号查询: the accounts of a verified phone, with masked usernames (stroke registry 账号查询).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { captchaField } from "../components/captcha.js";
import { smsField } from "../components/sms.js";
import { publicShell, publicLinks } from "../components/public-shell.js";
import { PHONE_RE } from "../format.js";
import { phoneCodeSender } from "../components/phone-code.js";

export default function lookup({ root }) {
  const form = new Form();
  const phone = form.add("phone", field({ label: "手机号", name: "phone", type: "tel", required: true, maxlength: 11, inputmode: "numeric", autocomplete: "tel" }));
  const captcha = form.add("captchaAnswer", captchaField({ forCode: true }));
  const code = form.add("code", smsField({ send: phoneCodeSender(form, phone, captcha, "lookup"), onError: e => { form.show(e); return true; } }));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "查询账号");
  const results = h("div", { "aria-live": "polite" });
  const f = h("form", { novalidate: true }, form.errorBox, phone.el, captcha.el, code.el, submit);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check([[phone, PHONE_RE.test(phone.value), "请输入正确的11位手机号"], [code, /^\d{6}$/.test(code.value), "请输入6位数字验证码"]])) return;
    await busy(submit, "正在查询…", async () => {
      try {
        const r = await api.post("/api/identity/v1/accounts/lookup", { phone: phone.value, code: code.value });
        const items = r.items || [];
        mount(results, h("div", { class: "card", "data-role": "lookup-results" },
          h("h2", null, "查询结果"),
          items.length ? h("ul", { class: "outcomes" }, items.map(i => h("li", null,
            h("strong", { class: "mono" }, i.username), h("span", null, i.orgName || ""), h("span", { class: "muted" }, (i.roles || []).join("、")))))
            : h("p", { class: "muted" }, "该手机号下没有账号。如已提交注册申请，请在“注册进度查询”中查看审核状态。"),
          h("p", { class: "small muted" }, "为保护账号安全，用户名已部分隐藏。忘记密码请使用“忘记密码”。")));
      } catch (err) {
        form.show(err);
      }
    });
  });
  mount(root, publicShell([h("div", { class: "card", "data-page": "lookup" },
    h("h1", null, "账号查询"), h("p", { class: "muted" }, "验证手机号后，查看该手机号名下的账号。"), f), results,
    publicLinks(["#/login", "返回登录"], ["#/forgot", "忘记密码？"], ["#/status", "注册进度查询"])]));
  phone.focus();
}
