// Step 1 手机验证: phone + image captcha + SMS code, user type and specialties with the
// seeds' rules. The verified phone gets an applicant token (kept in memory) and a draft.
import { h, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { captchaField } from "../components/captcha.js";
import { smsField } from "../components/sms.js";
import { phoneCodeSender } from "../components/phone-code.js";
import { PHONE_RE, specialtyName } from "../format.js";
import { remember } from "../applicant.js";
import { ROLE_NOTES, SPECIALTY_GROUPS, PROGRAMS, specialtyMode } from "./rules.js";

/** Grouped checkboxes (省级质控中心) or a single select (亚专业), as a form field. */
function specialtyField(mode, selected, known) {
  const error = h("div", { class: "error", role: "alert" });
  if (mode === "none") {
    const el = h("div", { class: "field" }, h("div", { class: "label" }, "申请专业"),
      h("p", { class: "muted", "data-role": "specialty-note" }, "无需选择，默认包含所有专业。"));
    return { el, label: "申请专业", required: false, values: [], value: "x", setError() {}, clearError() {}, focus() {} };
  }
  if (mode === "one") {
    const f = field({ label: "申请专业", name: "specialty", required: true, value: selected[0] || "",
      options: known.map(s => ({ value: s.code, label: s.name })),
      hint: "负责多个专业须分别申请；同一手机号申请同一专业的不同角色时，保留较高级别的角色。" });
    Object.defineProperty(f, "values", { get: () => (f.value ? [f.value] : []) });
    return f;
  }
  const inputs = [];
  const knownCodes = new Set(known.map(s => s.code));
  const groups = SPECIALTY_GROUPS.map(g => {
    const codes = g.codes.filter(c => knownCodes.has(c));
    const all = h("input", { type: "checkbox", "aria-label": `全选${g.title}` });
    const boxes = codes.map(c => {
      const input = h("input", { type: "checkbox", name: "specialties", value: c, checked: selected.includes(c) });
      inputs.push(input);
      input.addEventListener("change", () => { sync(); error.textContent = ""; });
      return h("label", { class: "choice" }, input, specialtyName(c));
    });
    function sync() { const checked = boxes.filter(b => b.querySelector("input").checked).length; all.checked = checked === boxes.length; all.indeterminate = checked > 0 && checked < boxes.length; }
    all.addEventListener("change", () => { for (const b of boxes) b.querySelector("input").checked = all.checked; error.textContent = ""; });
    sync();
    return h("div", { class: "spec-group" }, h("label", { class: "group-title choice" }, all, g.title), h("div", { class: "choice-list" }, boxes));
  });
  const el = h("fieldset", { class: "field" },
    h("legend", null, "申请专业", h("span", { class: "req", "aria-hidden": "true" }, "*")),
    h("div", { class: "hint" }, "按本质控中心管理的专业选择：综合质控中心一般选择所有专业（不含介入）；心外科质控中心选择“外科相关专业”；心内科质控中心选择“内科相关专业”。"),
    groups, error);
  return {
    el, label: "申请专业", required: true,
    get values() { return inputs.filter(i => i.checked).map(i => i.value); },
    get value() { return this.values.join(","); },
    setError(m) { error.textContent = m || ""; }, clearError() { error.textContent = ""; },
    focus() { inputs[0] && inputs[0].focus(); },
  };
}

export function phoneStep({ state, roles, specialties, onNext }) {
  const form = new Form();
  const verified = Boolean(state.applicationId);
  const phone = form.add("phone", field({ label: "手机号", name: "phone", type: "tel", required: true, maxlength: 11, inputmode: "numeric",
    autocomplete: "tel", value: state.phone || "", readonly: verified,
    hint: verified ? "手机号已验证。审核结果、用户名和初始密码将发送到该手机号。" : "请输入申请人本人手机号，审核结果、用户名和初始密码将发送到该手机号。" }));
  let captcha = null;
  let code = null;
  if (!verified) {
    captcha = form.add("captchaAnswer", captchaField({ forCode: true }));
    code = form.add("code", smsField({ send: phoneCodeSender(form, phone, captcha, "register"), onError: e => { form.show(e); return true; } }));
  }
  const role = form.add("role", field({ label: "用户类型", name: "role", required: true, value: state.role || "",
    options: roles.map(r => ({ value: r.code, label: r.name })) }));
  const program = form.add("program", field({ label: "填报项目", name: "program", value: state.program || "",
    options: PROGRAMS.map(p => ({ value: p.code, label: p.name })), placeholderOption: "未指定（国家心血管病医疗质量控制）",
    hint: "NCIS、HQMS 的医疗机构注册由平台运营审核，其他由质控中心审核" }));
  const roleNote = h("div", { class: "notice", "data-role": "role-note", hidden: true });
  const specSlot = h("div");
  let spec = null;
  function renderSpecialties() {
    roleNote.hidden = !role.value;
    roleNote.textContent = ROLE_NOTES[role.value] || "";
    spec = specialtyField(specialtyMode(role.value), state.specialties || [], specialties);
    form.add("specialties", spec);
    specSlot.replaceChildren(role.value ? spec.el : "");
  }
  role.input.addEventListener("change", () => { state.specialties = []; renderSpecialties(); });
  renderSpecialties();

  const next = h("button", { type: "submit", class: "btn btn-primary" }, "下一步");
  const el = h("form", { novalidate: true, "aria-label": "手机验证" },
    form.errorBox, phone.el, captcha ? captcha.el : null, code ? code.el : null, role.el, roleNote, specSlot, program.el,
    h("div", { class: "form-actions" }, h("a", { class: "btn", href: "#/login" }, "返回登录"), h("span", { class: "spacer" }), next));

  el.addEventListener("submit", async e => {
    e.preventDefault();
    const mode = specialtyMode(role.value);
    const checks = [[phone, PHONE_RE.test(phone.value), "请输入正确的11位手机号"]];
    if (code) checks.push([code, /^\d{6}$/.test(code.value), "请输入6位数字短信验证码"]);
    if (role.value && mode !== "none") checks.push([spec, spec.values.length > 0, mode === "one" ? "请选择申请专业" : "请至少选择一个申请专业"]);
    if (!form.check(checks)) return;
    await busy(next, "正在保存…", async () => {
      try {
        if (!state.applicationId) {
          const r = await api.post("/api/identity/v1/applications/verify", { phone: phone.value, code: code.value, create: true });
          for (const a of r.applications || []) remember(a, phone.value);
          remember(r.created, phone.value);
          state.phone = phone.value;
          state.applicationId = r.created.id;
          state.others = (r.applications || []).filter(a => a.id !== r.created.id);
        }
        state.role = role.value;
        state.specialties = mode === "none" ? [] : spec.values;
        state.program = program.value;
        await onNext({ role: state.role, specialties: state.specialties, program: state.program });
      } catch (err) {
        form.show(err);
      }
    });
  });
  return { el, focus: () => (verified ? role : phone).focus() };
}
