// 国家质控中心 (platform operators; docs/registration.md): the national centre and the
// national specialty centres with their accounts; the operator registers a centre (no
// specialty: the national centre; some: a national specialty centre) and opens an account
// for it (username and initial password go to the phone by SMS).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, choices, Form } from "../components/field.js";
import { toast } from "../components/toast.js";
import { SPECIALTY_NAMES, specialtyName, roleTitle } from "../format.js";

const URL = "/api/identity/v1/national-centres";
const SPECIALTY_OPTIONS = Object.entries(SPECIALTY_NAMES).map(([value, label]) => ({ value, label }));

export default async function registrationNational({ root, alive }) {
  const body = h("div", { "aria-live": "polite" });
  mount(root, h("div", { class: "page-head", "data-page": "registration-national" },
    h("div", null, h("h1", null, "国家质控中心"),
      h("p", { class: "sub" }, "国家质控中心与国家亚专业质控中心由平台运营注册并开通账号；账号的用户名和初始密码以短信发送，首次登录须修改密码。"))), body);
  let list;
  try { list = await api.get(URL); } catch (e) { mount(body, h("p", { class: "error" }, e.message)); return; }
  if (!alive()) return;
  const reload = () => registrationNational({ root, alive });

  // register a centre
  const form = new Form();
  const name = form.add("name", field({ label: "中心名称", name: "centreName", maxlength: 60, required: true }));
  const specs = form.add("specialties", choices({ legend: "负责的亚专业（国家质控中心不选）", name: "centreSpecialties", options: SPECIALTY_OPTIONS }));
  const create = h("button", { type: "submit", class: "btn btn-primary" }, "注册中心");
  const f = h("form", { novalidate: true, "data-role": "centre-form" }, form.errorBox, name.el, specs.el, create);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    form.clear();
    const payload = { name: name.value, specialties: specs.values };
    await busy(create, "正在注册…", async () => {
      try { await api.post(URL, payload); toast("中心已注册", "success"); reload(); } catch (err) { form.show(err); }
    });
  });

  const centres = list.items || [];
  mount(body,
    h("section", { class: "card" }, h("h2", null, "注册中心"), f),
    centres.map(c => centreCard(c, reload)));
}

function centreCard(c, reload) {
  const national = c.specialties.length === 0;
  const form = new Form();
  const roleOptions = national ? [{ value: "national_centre", label: "国家质控中心" }, { value: "national_specialty_centre", label: "国家亚专业质控中心" }]
    : [{ value: "national_specialty_centre", label: "国家亚专业质控中心" }];
  const role = form.add("role", field({ label: "账号类型", name: `role-${c.id}`, options: roleOptions, placeholderOption: false, value: roleOptions[0].value }));
  const specialty = form.add("specialty", field({ label: "亚专业", name: `specialty-${c.id}`,
    options: (national ? SPECIALTY_OPTIONS : c.specialties.map(s => ({ value: s, label: specialtyName(s) }))),
    placeholderOption: national ? "（国家质控中心账号不选）" : "全部负责的亚专业" }));
  const displayName = form.add("displayName", field({ label: "姓名", name: `display-${c.id}`, maxlength: 30, required: true }));
  const phone = form.add("phone", field({ label: "手机号", name: `phone-${c.id}`, type: "tel", maxlength: 11, inputmode: "numeric", required: true }));
  const add = h("button", { type: "submit", class: "btn" }, "开通账号");
  const f = h("form", { novalidate: true, "data-role": "account-form" }, form.errorBox, role.el, specialty.el, displayName.el, phone.el, add);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    form.clear();
    const payload = { role: role.value, displayName: displayName.value, phone: phone.value };
    if (specialty.value) payload.specialty = specialty.value;
    await busy(add, "正在开通…", async () => {
      try {
        await api.post(`${URL}/${encodeURIComponent(c.id)}/accounts`, payload);
        toast("账号已开通，用户名和初始密码已短信发送", "success");
        reload();
      } catch (err) { form.show(err); }
    });
  });
  return h("section", { class: "card", "data-centre": c.id },
    h("h2", null, c.name),
    h("p", { class: "muted" }, national ? "国家质控中心（覆盖全部亚专业）" : `国家亚专业质控中心：${c.specialties.map(specialtyName).join("、")}`),
    c.accounts.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "accounts" },
      h("thead", null, h("tr", null, ["用户名", "姓名", "手机", "角色", "亚专业"].map(t => h("th", null, t)))),
      h("tbody", null, c.accounts.map(a => h("tr", { "data-account": a.id },
        h("td", { "data-label": "用户名" }, a.username), h("td", { "data-label": "姓名" }, a.displayName),
        h("td", { "data-label": "手机" }, a.phoneMasked), h("td", { "data-label": "角色" }, roleTitle(a.role)),
        h("td", { "data-label": "亚专业" }, a.specialty ? specialtyName(a.specialty) : "全部"))))))
      : h("p", { class: "muted", "data-role": "no-accounts" }, "尚未开通账号。"),
    h("h3", null, "开通账号"), f);
}
