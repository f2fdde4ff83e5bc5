// 用户注册 of the stroke registry (中国脑血管病登记平台, docs/registration.md "脑卒中登记个人用户"):
// 行政区划 → 单位名称 (a registered stroke unit, GET /api/identity/v1/stroke-units), 真实姓名,
// 身份证号码, 设置用户名, 手机号码 + 短信验证码, 设置密码. The account signs in at once; until
// 个人身份认证 is approved it sees only its own records (POST /api/identity/v1/stroke-users).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { captchaField } from "../components/captcha.js";
import { smsField, phoneCodeSender } from "../components/sms.js";
import { passwordRule } from "../components/password-rule.js";
import { publicShell, publicLinks } from "../components/public-shell.js";
import { regionPicker } from "../registration/region-picker.js";
import { PHONE_RE } from "../format.js";

const ID_RE = /^\d{17}[\dXx]$/;

export default function strokeUserRegister({ root }) {
  const form = new Form();
  const unit = form.add("orgId", field({ label: "单位名称", name: "orgId", required: true, options: [], placeholderOption: "请先选择行政区划",
    hint: "已注册脑卒中登记的医疗机构；可输入名称筛选" }));
  const unitQuery = field({ label: "按名称筛选单位", name: "unitQuery", maxlength: 50, placeholder: "输入单位名称中的字" });
  const unitStatus = h("div", { class: "muted small", role: "status", "aria-live": "polite", "data-role": "unit-status" });
  let seq = 0;
  async function loadUnits() {
    const mine = ++seq;
    unit.setOptions([], false);
    if (!region.value) { unitStatus.textContent = ""; return; }
    try {
      const r = await api.get("/api/identity/v1/stroke-units", { query: { region: region.value, q: unitQuery.value } });
      if (mine !== seq) return;
      const items = r.items || [];
      unit.setOptions(items.map(u => ({ value: u.id, label: u.name })), false);
      unitStatus.textContent = items.length ? `找到 ${items.length} 个单位` : "该地区暂无已注册的脑卒中登记单位";
    } catch (e) {
      if (mine === seq) unitStatus.textContent = e.message || "单位加载失败";
    }
  }
  const region = form.add("region", regionPicker({ level: "city", onChange: loadUnits }));
  let timer = null;
  unitQuery.input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(loadUnits, 300); });

  const name = form.add("name", field({ label: "真实姓名", name: "name", required: true, maxlength: 30, autocomplete: "name" }));
  const idNumber = form.add("idNumber", field({ label: "身份证号码", name: "idNumber", required: true, maxlength: 18, autocomplete: "off",
    hint: "18位居民身份证号码" }));
  const username = form.add("username", field({ label: "设置用户名", name: "username", required: true, maxlength: 20, autocomplete: "username",
    hint: "4至20位，以字母开头，可含字母、数字、下划线或点" }));
  const phone = form.add("phone", field({ label: "手机号码", name: "phone", type: "tel", required: true, maxlength: 11, inputmode: "numeric", autocomplete: "tel" }));
  const captcha = form.add("captchaAnswer", captchaField({ forCode: true }));
  const send = phoneCodeSender(form, phone, captcha, "/api/identity/v1/stroke-users/sms-code");
  const code = form.add("code", smsField({ send, onError: e => { form.show(e); return true; } }));
  const password = form.add("password", field({ label: "设置密码", name: "password", type: "password", required: true, maxlength: 64, autocomplete: "new-password" }));
  password.el.insertBefore(passwordRule(password.input, () => ({ username: username.value, phone: phone.value })), password.el.querySelector(".error"));
  const confirm = form.add("confirm", field({ label: "确认密码", name: "confirm", type: "password", required: true, maxlength: 64, autocomplete: "new-password" }));
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "注册");
  const done = h("div", { "aria-live": "polite" });
  const f = h("form", { novalidate: true, "data-page": "stroke-user-register" }, form.errorBox,
    region.el, unitQuery.el, unit.el, unitStatus,
    h("p", { class: "small" }, "没有单位可选？", h("a", { href: "#/register" }, "立即注册单位")),
    name.el, idNumber.el, username.el, phone.el, captcha.el, code.el, password.el, confirm.el, submit,
    h("p", { class: "muted small" }, "注：用户注册成功后可直接登录，不需要注册单位；如果先注册了单位，也就不需要再注册用户，二者选其一即可。"));
  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check([[region, Boolean(region.value), "请选择行政区划"], [unit, Boolean(unit.value), "请选择单位名称"],
      [idNumber, ID_RE.test(idNumber.value), "请输入正确的18位身份证号码"], [phone, PHONE_RE.test(phone.value), "请输入正确的11位手机号"],
      [code, /^\d{6}$/.test(code.value), "请输入6位数字验证码"], [confirm, confirm.value === password.input.value, "两次输入的密码不一致"]])) return;
    await busy(submit, "正在注册…", async () => {
      try {
        const r = await api.post("/api/identity/v1/stroke-users", {
          phone: phone.value, code: code.value, name: name.value, idNumber: idNumber.value, orgId: unit.value,
          username: username.value, password: password.input.value });
        f.hidden = true;
        mount(done, h("div", { class: "card", "data-role": "stroke-registered" },
          h("h2", null, "注册成功"),
          h("p", null, "用户名：", h("strong", { class: "mono" }, r.username), `（${r.orgName}）`),
          h("p", null, "现在即可登录。登录后请在“个人身份认证”中上传医疗机构执业许可证照片并填写登记号，经本单位医院管理员审核通过后即可填报本单位的脑卒中登记数据。"),
          h("p", null, h("a", { class: "btn btn-primary", href: "#/login" }, "去登录"))));
      } catch (err) {
        form.show(err);
      }
    });
  });
  mount(root, publicShell([h("div", { class: "card" }, h("h1", null, "脑卒中登记 用户注册"), f), done,
    publicLinks(["#/login", "返回登录页"], ["#/activate", "账号激活"], ["#/lookup", "账号查询"])], { wide: true }));
  return () => clearTimeout(timer);
}
