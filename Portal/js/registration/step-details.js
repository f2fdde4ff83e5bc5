// Step 3 信息完善: region, the organisation (pick a registered one, or fill its data when the
// applicant is its first), the applicant, and the signed scans. 保存 keeps a draft; 提交审核
// saves and submits.
import { h, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { PHONE_RE, EMAIL_RE } from "../format.js";
import { regionPicker } from "./region-picker.js";
import { institutionPicker } from "./institution-picker.js";
import { bodyPicker } from "./body-picker.js";
import { uploadBox } from "./upload-box.js";
import { formDownloads } from "./form-downloads.js";
import { orgMode, uploadsFor, LEVELS, CATEGORIES } from "./rules.js";
import { toast } from "../components/toast.js";

let kindsCache = null;
function kinds() {
  if (!kindsCache) kindsCache = api.get("/api/documents/v1/kinds").then(r => r.items || []).catch(e => { kindsCache = null; throw e; });
  return kindsCache;
}

const LICENCE_RE = /^[A-Za-z0-9]{22}$/;
const ID_RE = /^\d{17}[\dXx]$/;

export async function detailsStep({ state, applicant, onBack, onSubmitted }) {
  const a = state.app || {};
  const role = state.role;
  const mode = orgMode(role);
  const org = a.organisation || {};
  const person = a.person || {};
  const form = new Form();
  form.alias("organisation", "organisation.name");
  form.alias("person", "person.name");

  const [kindList, existing] = await Promise.all([kinds(), applicant.documents().catch(() => ({ items: [] }))]);
  const docsByKind = new Map();
  for (const d of existing.items || []) {
    if (!docsByKind.has(d.kind)) docsByKind.set(d.kind, []);
    docsByKind.get(d.kind).push(d);
  }

  // --- region
  // a provincial centre sits in a province, a commission in a city, an institution in a city or
  // one of its counties; specialty admins and data entry look their hospital up by city
  const regionLevel = mode === "centre" ? "province" : mode === "institution" ? "county" : "city";
  const region = form.add("regionCode", regionPicker({ level: regionLevel, value: a.regionCode || "",
    onChange: () => { if (bodyPick) bodyPick.refresh(); } }));

  // --- organisation
  const orgSection = h("div");
  const orgFields = h("div", { class: "grid-2", "data-role": "organisation-fields" });
  const f = (name, opts) => form.add(name, field({ name, ...opts }));
  let picker = null;
  if (mode === "institution" || mode === "existing-institution") {
    const chosen = a.orgId ? { orgId: a.orgId, orgName: a.orgName } : a.organisation ? { newOrg: true } : null;
    picker = form.add("orgId", institutionPicker({
      getRegion: () => region.cityCode || region.value, allowNew: mode === "institution", chosen,
      onChange: s => { orgFields.hidden = !(s && s.newOrg); if (s && s.newOrg && s.name && !orgName.value) orgName.value = s.name; refreshUploads(); },
    }));
  }
  // a second member of a centre or commission joins the one already registered in the region
  let bodyPick = null;
  if (mode === "centre" || mode === "commission") {
    const chosen = a.orgId ? { orgId: a.orgId, orgName: a.orgName } : a.organisation ? { newOrg: true } : null;
    bodyPick = form.add("orgId", bodyPicker({ kind: mode === "centre" ? "provincial_centre" : "city_commission", getRegion: () => region.value, chosen,
      onChange: s => { orgFields.hidden = !(s && s.newOrg); if (boxes) refreshUploads(); } }));
  }
  let orgName = null;
  if (mode === "institution") {
    orgName = f("organisation.name", { label: "医疗机构名称", required: true, maxlength: 60, value: org.name, hint: "须与医疗机构执业许可证及公立医院绩效考核所用名称完全一致" });
    orgFields.append(
      h("div", { class: "span-2" }, orgName.el),
      f("organisation.licenceNo", { label: "执业许可证登记号", required: true, maxlength: 22, value: org.licenceNo, hint: "医疗机构执业许可证上的登记号，22位数字或英文字母", attrs: { spellcheck: "false" } }).el,
      f("organisation.creditCode", { label: "统一社会信用代码", maxlength: 18, value: org.creditCode, hint: "18位，选填", attrs: { spellcheck: "false" } }).el,
      f("organisation.level", { label: "医院等级", required: true, value: org.level, options: LEVELS.map(v => ({ value: v, label: v })) }).el,
      f("organisation.category", { label: "机构类别", required: true, value: org.category, options: CATEGORIES.map(v => ({ value: v, label: v })) }).el,
      h("div", { class: "span-2" }, f("organisation.address", { label: "机构地址", required: true, maxlength: 120, value: org.address }).el),
      f("organisation.legalRepresentative", { label: "法定代表人", maxlength: 30, value: org.legalRepresentative }).el,
      f("organisation.headName", { label: "质控负责人", required: true, maxlength: 30, value: org.headName, hint: "医院质控负责人（账号申请表上签字的负责人）" }).el,
      f("organisation.headPhone", { label: "负责人手机号", type: "tel", maxlength: 11, inputmode: "numeric", value: org.headPhone }).el,
      f("organisation.contactName", { label: "联系人", maxlength: 30, value: org.contactName }).el,
      f("organisation.contactPhone", { label: "联系人手机号", type: "tel", maxlength: 11, inputmode: "numeric", value: org.contactPhone }).el);
    orgFields.hidden = !(picker.state && picker.state.newOrg);
  } else if (mode === "centre" || mode === "commission") {
    orgName = f("organisation.name", { label: mode === "centre" ? "质控中心名称" : "单位名称", required: true, maxlength: 60, value: org.name,
      hint: mode === "centre" ? "如：浙江省心血管病质控中心" : "如：杭州市卫生健康委员会" });
    orgFields.append(h("div", { class: "span-2" }, orgName.el),
      f("organisation.headName", { label: "负责人", maxlength: 30, value: org.headName }).el,
      f("organisation.headPhone", { label: "负责人手机号", type: "tel", maxlength: 11, inputmode: "numeric", value: org.headPhone }).el,
      f("organisation.contactName", { label: "联系人", maxlength: 30, value: org.contactName }).el,
      f("organisation.contactPhone", { label: "联系人手机号", type: "tel", maxlength: 11, inputmode: "numeric", value: org.contactPhone }).el);
  }
  if (picker) orgSection.append(picker.el);
  if (bodyPick) { orgSection.append(bodyPick.el); orgFields.hidden = !(bodyPick.state && bodyPick.state.newOrg); }
  orgSection.append(orgFields);

  // --- applicant
  const personFields = h("div", { class: "grid-2" },
    f("person.name", { label: "申请人姓名", required: true, maxlength: 30, value: person.name, autocomplete: "name" }).el,
    h("div", { class: "field" }, h("label", { for: "applicant-phone" }, "申请人手机号"),
      h("input", { id: "applicant-phone", type: "text", readonly: true, value: state.phone || a.phoneMasked || "" }),
      h("div", { class: "hint" }, "默认为第一步验证的手机号")),
    f("person.title", { label: "职务/职称", maxlength: 30, value: person.title }).el,
    f("person.department", { label: "所在科室/部门", maxlength: 30, value: person.department }).el,
    f("person.email", { label: "电子邮箱", type: "email", maxlength: 100, value: person.email, autocomplete: "email", hint: "用于接收通知和找回密码，建议填写" }).el,
    f("person.idNumber", { label: "身份证号码", maxlength: 18, value: "", attrs: { spellcheck: "false" },
      hint: person.idNumber ? `已登记 ${person.idNumber}；如需更正请重新输入，不修改请留空` : "18位，选填；页面和表格中会隐去部分号码" }).el);

  // --- uploads
  const uploadArea = h("div", { "data-role": "uploads" });
  let boxes = [];
  const touched = new Set();
  function refreshUploads() {
    const newOrg = Boolean((mode === "institution" && picker && picker.state && picker.state.newOrg) ||
      (mode === "centre" && bodyPick && bodyPick.state && bodyPick.state.newOrg));
    const wanted = uploadsFor(role, newOrg, state.program || a.program || "");
    const keep = new Map(boxes.map(b => [b.name, b]));
    boxes = [];
    uploadArea.replaceChildren();
    for (const w of wanted) {
      const kind = kindList.find(k => k.code === w.kind);
      if (!kind) continue;
      let box = keep.get(w.kind);
      if (!box) box = uploadBox({ kind, required: w.required, docs: docsByKind.get(w.kind) || [], applicant, onChange: () => touched.add(w.kind) });
      box.required = w.required;
      boxes.push(box);
      form.add(`upload:${w.kind}`, box);
      uploadArea.append(box.el);
    }
    if (boxes[0]) form.alias("documentIds", `upload:${boxes[0].name}`);
  }
  refreshUploads();
  const downloads = formDownloads(role, applicant);

  // --- buttons
  const save = h("button", { type: "button", class: "btn" }, "保存");
  const submit = h("button", { type: "submit", class: "btn btn-primary", "data-role": "submit-application" }, "提交审核");
  const el = h("form", { novalidate: true, "aria-label": "信息完善" },
    form.errorBox,
    h("h2", { class: "section-title" }, "所在地区"), region.el,
    mode !== "none" ? [h("h2", { class: "section-title" }, mode === "centre" ? "质控中心信息" : mode === "commission" ? "单位信息" : "医疗机构信息"), orgSection] : null,
    h("h2", { class: "section-title" }, "账号申请人信息"), personFields,
    h("h2", { class: "section-title" }, "上传材料"),
    h("p", { class: "muted" }, "请上传签字盖章后的扫描件。先点“保存”，再下载含已填信息的表格打印签字："),
    downloads.el, uploadArea,
    h("div", { class: "form-actions" }, h("button", { type: "button", class: "btn", onclick: onBack }, "上一步"), h("span", { class: "spacer" }), save, submit));

  function body() {
    const b = { role, specialties: state.specialties || [], regionCode: region.value || undefined, documentIds: boxes.flatMap(x => x.ids) };
    // documents of kinds no longer shown (e.g. the licence after picking a registered hospital) stay attached
    const shown = new Set(boxes.map(x => x.name));
    for (const [kind, docs] of docsByKind) if (!shown.has(kind)) b.documentIds.push(...docs.map(d => d.id));
    const v = name => { const x = form.fields.get(name); return x ? x.value : ""; };
    const chosenOrg = (picker && picker.state) || (bodyPick && bodyPick.state);
    if (chosenOrg && chosenOrg.orgId) b.orgId = chosenOrg.orgId;
    else if (mode === "institution" || mode === "centre" || mode === "commission") {
      const o = {};
      for (const [name, x] of form.fields) if (name.startsWith("organisation.") && x.value) o[name.slice(13)] = x.value;
      if (o.name) b.organisation = o;
    }
    const p = { name: v("person.name") };
    for (const k of ["title", "department", "email", "idNumber"]) if (v(`person.${k}`)) p[k] = v(`person.${k}`);
    if (!p.idNumber && person.idNumber && !person.idNumber.includes("*")) p.idNumber = person.idNumber;
    if (p.name) b.person = p;
    return b;
  }

  function formatChecks() {
    const get = name => form.fields.get(name);
    const checks = [];
    const phoneOk = x => !x || !x.value || PHONE_RE.test(x.value);
    for (const n of ["organisation.headPhone", "organisation.contactPhone"]) if (get(n)) checks.push([get(n), phoneOk(get(n)), "请输入正确的11位手机号"]);
    if (get("organisation.licenceNo") && !orgFields.hidden) checks.push([get("organisation.licenceNo"), LICENCE_RE.test(get("organisation.licenceNo").value), "执业许可证登记号应为22位字母或数字"]);
    checks.push([get("person.email"), !get("person.email").value || EMAIL_RE.test(get("person.email").value), "请输入正确的电子邮箱"]);
    checks.push([get("person.idNumber"), !get("person.idNumber").value || ID_RE.test(get("person.idNumber").value), "身份证号码应为18位"]);
    return checks;
  }

  async function persist() {
    state.app = await applicant.save(body());
    touched.clear();
    return state.app;
  }

  // 保存 keeps a draft: only the format of what was typed is checked, never required fields
  // or uploads (the forms to sign are generated from the saved data, before any scan exists).
  function formatsOk() {
    form.clear();
    let first = null;
    for (const [x, ok, message] of formatChecks()) {
      if (!x || !x.value || ok || !x.el.isConnected) continue;
      x.setError(message);
      first = first || x;
    }
    if (first) first.focus();
    return !first;
  }

  save.addEventListener("click", () => busy(save, "正在保存…", async () => {
    if (!formatsOk()) return;
    try {
      await persist();
      toast("已保存", "success");
    } catch (err) {
      form.show(err);
    }
  }));

  el.addEventListener("submit", async e => {
    e.preventDefault();
    if (boxes.some(b => b.busy)) { form.message("文件正在上传，请稍候再提交"); return; }
    const checks = formatChecks();
    if (picker && mode === "existing-institution") checks.push([picker, Boolean(picker.state && picker.state.orgId), "请查询并选择本院"]);
    if (picker && mode === "institution") checks.push([picker, Boolean(picker.state), "请先查询本院是否已注册，或选择“首次注册”填写医疗机构信息"]);
    if (!form.check(checks)) return;
    await busy(submit, "正在提交…", async () => {
      try {
        await persist();
        state.app = await applicant.submit();
        onSubmitted(state.app);
      } catch (err) {
        form.show(err);
      }
    });
  });

  await region.ready;
  if (bodyPick) await bodyPick.refresh();
  return { el, focus: () => region.focus(), dispose: downloads.dispose };
}
