// 注册进度查询: verify the phone (SMS code, purpose "status"), then every application of that
// phone with its status, where it waits, the rejection opinion, edit while editable, and
// "重新发送账号密码" once approved.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { captchaField } from "../components/captcha.js";
import { smsField } from "../components/sms.js";
import { phoneCodeSender } from "../components/phone-code.js";
import { publicShell, publicLinks } from "../components/public-shell.js";
import { PHONE_RE, maskPhone } from "../format.js";
import { remember, knownApplications, phone as verifiedPhone, forgetAll } from "../applicant.js";
import { applicationCard } from "../registration/application-card.js";

export default function status({ root, navigate }) {
  const card = h("div", { class: "card", "data-page": "status" });
  mount(root, publicShell([card, publicLinks(["#/login", "返回登录"], ["#/register", "新用户注册"], ["#/lookup", "账号查询"])], { wide: true }));

  function showList(ids, phoneNumber) {
    const edit = a => navigate(`/register?application=${encodeURIComponent(a.id)}&step=3`);
    const other = h("button", { type: "button", class: "btn btn-link" }, "使用其他手机号查询");
    other.addEventListener("click", () => { forgetAll(); showVerify(); });
    mount(card,
      h("div", { class: "card-head" }, h("h1", null, "注册进度查询"), other),
      h("p", { class: "muted" }, `手机号 ${maskPhone(phoneNumber)} 的注册申请：`),
      ids.length ? h("div", { "data-role": "applications" }, ids.map(id => applicationCard(id, { onEdit: edit }).el))
        : h("div", { class: "notice" }, "该手机号还没有注册申请。", h("a", { href: "#/register" }, "立即注册")));
  }

  function showVerify() {
    const form = new Form();
    const phone = form.add("phone", field({ label: "手机号", name: "phone", type: "tel", required: true, maxlength: 11, inputmode: "numeric", autocomplete: "tel",
      hint: "注册时第一步验证的手机号" }));
    const captcha = form.add("captchaAnswer", captchaField({ forCode: true }));
    const code = form.add("code", smsField({ send: phoneCodeSender(form, phone, captcha, "status"), onError: e => { form.show(e); return true; } }));
    const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "查询");
    const f = h("form", { novalidate: true, "aria-label": "验证手机号" }, form.errorBox, phone.el, captcha.el, code.el, submit);
    f.addEventListener("submit", async e => {
      e.preventDefault();
      if (!form.check([[phone, PHONE_RE.test(phone.value), "请输入正确的11位手机号"], [code, /^\d{6}$/.test(code.value), "请输入6位数字验证码"]])) return;
      await busy(submit, "正在查询…", async () => {
        try {
          const r = await api.post("/api/identity/v1/applications/verify", { phone: phone.value, code: code.value, create: false });
          forgetAll();
          for (const a of r.applications || []) remember(a, phone.value);
          showList((r.applications || []).map(a => a.id), phone.value);
        } catch (err) {
          form.show(err);
        }
      });
    });
    mount(card, h("h1", null, "注册进度查询"),
      h("p", { class: "muted" }, "验证手机号后，可查看该手机号所有注册申请的审核状态、等待哪个单位审批，审核前可修改申请。"), f);
    phone.focus();
  }

  const known = knownApplications();
  if (known.length && verifiedPhone()) showList(known, verifiedPhone());
  else showVerify();
}
