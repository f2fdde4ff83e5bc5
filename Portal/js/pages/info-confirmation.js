// 信息确认 (Zhejiang institution administrators; docs/registration.md): the institution's general
// information and its liaison (联络员) are confirmed at least every six months. Shows the last
// confirmation and the due date, the liaison's fields, the upload of the stamped 联络员信息表
// (documents kind liaison_form, in a confirmation:<id> folder of this administrator) and 确认.
import { h, mount, busy } from "../dom.js";
import { api, upload } from "../api.js";
import { field, Form } from "../components/field.js";
import { fmtTime, fmtSize } from "../format.js";
import { toast } from "../components/toast.js";

const STATUS = { ok: "已确认", due_soon: "即将到期", lapsed: "已过期", liaison_changed: "联络员已变更，需重新确认" };
const API = "/api/identity/v1/info-confirmation";

export default async function infoConfirmation({ root, alive }) {
  const body = h("div", { "aria-live": "polite" });
  mount(root, h("div", { class: "page-head", "data-page": "info-confirmation" },
    h("div", null, h("h1", null, "机构信息确认"),
      h("p", { class: "sub" }, "浙江省医疗机构须每六个月确认一次机构基本信息和联络员；联络员变更时须重新确认并上传盖章的联络员信息表。"))), body);
  let s;
  try { s = await api.get(API); } catch (e) {
    mount(body, h("p", { class: "error" }, e.status === 403 ? "仅浙江省医疗机构的管理员需要确认机构信息。" : e.message));
    return;
  }
  if (!alive()) return;
  show(s);

  function show(s) {
    const form = new Form();
    const name = form.add("liaisonName", field({ label: "联络员姓名", name: "liaisonName", maxlength: 30, required: true, value: s.liaisonName || "" }));
    const phone = form.add("liaisonPhone", field({ label: "联络员手机", name: "liaisonPhone", type: "tel", maxlength: 11, inputmode: "numeric", required: true,
      hint: s.liaisonPhoneMasked ? `当前联络员手机：${s.liaisonPhoneMasked}（确认时请填写完整手机号）` : "请填写11位手机号" }));
    // The stamped 联络员信息表: uploaded at once into this confirmation's folder.
    const folder = `confirmation:${randomId()}`;
    let formDoc = null;
    const fileId = "liaison-form-file";
    const fileError = h("div", { class: "error", id: `${fileId}-error`, role: "alert" });
    const fileInfo = h("div", { class: "muted small", "data-role": "liaison-form-uploaded" });
    const file = h("input", { type: "file", id: fileId, accept: ".pdf,.jpg,.jpeg", "data-role": "liaison-form",
      "aria-describedby": `${fileId}-hint ${fileId}-error` });
    file.addEventListener("change", async () => {
      fileError.textContent = "";
      if (!file.files[0]) return;
      const picked = file.files[0];
      fileInfo.textContent = `正在上传 ${picked.name}…`;
      try {
        formDoc = await upload("/api/documents/v1/documents", picked, { query: { kind: "liaison_form", object: folder } });
        fileInfo.textContent = `已上传：${formDoc.fileName}（${fmtSize(formDoc.size)}）`;
      } catch (e) {
        formDoc = null;
        fileInfo.textContent = "";
        fileError.textContent = e.message;
      }
    });
    const fileField = h("div", { class: "field" },
      h("label", { for: fileId }, "联络员信息表（盖章）", h("span", { class: "req", "aria-hidden": "true" }, "*")), file,
      h("div", { class: "hint", id: `${fileId}-hint` }, "JPG 或 PDF，不超过 5 MB"), fileInfo, fileError);
    const submit = h("button", { type: "submit", class: "btn btn-primary", "data-role": "confirm" }, "确认");
    const f = h("form", { novalidate: true, "data-role": "info-confirmation-form" }, form.errorBox, name.el, phone.el, fileField, submit);
    f.addEventListener("submit", async e => {
      e.preventDefault();
      form.clear();
      if (!form.check([[name, name.value.length > 0, "请输入联络员姓名"], [phone, /^1\d{10}$/.test(phone.value), "请输入正确的11位手机号"]])) return;
      if (!formDoc) { fileError.textContent = "请上传盖章的联络员信息表"; file.focus(); return; }
      await busy(submit, "正在确认…", async () => {
        try {
          const next = await api.post(API, { liaisonName: name.value, liaisonPhone: phone.value, liaisonFormId: formDoc.id });
          toast("机构信息已确认", "success");
          show(next);
        } catch (err) {
          if (err.field === "liaisonFormId") fileError.textContent = err.message; else form.show(err);
        }
      });
    });
    mount(body,
      h("section", { class: "card", "data-role": "confirmation-status", "data-status": s.status },
        h("h2", null, s.orgName),
        h("dl", { class: "kv" },
          h("dt", null, "上次确认"), h("dd", { "data-role": "last-confirmed" }, s.lastConfirmedAt ? fmtTime(s.lastConfirmedAt) : "尚未确认"),
          h("dt", null, "下次确认截止"), h("dd", { "data-role": "due-at" }, fmtTime(s.dueAt)),
          h("dt", null, "状态"), h("dd", { "data-role": "status" }, STATUS[s.status] || s.status),
          h("dt", null, "联络员"), h("dd", { "data-role": "liaison" }, s.liaisonName ? `${s.liaisonName}（${s.liaisonPhoneMasked || ""}）` : "—"))),
      h("section", { class: "card" }, h("h2", null, "确认机构信息"), f));
  }
}

/** 32 random hex digits (a folder id; crypto.randomUUID needs a secure context). */
function randomId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");
}
