// 个人身份认证 of a stroke registry individual user (docs/registration.md "脑卒中登记个人用户"):
// the licence photo (documents kind licence_photo in the user's own folder
// certification:<user id>) and the 医疗机构执业许可证登记号; the unit's 医院管理员 approves
// (GET /api/identity/v1/stroke-users/me, POST …/me/certification). Status, the opinion of a
// rejection (then 重新提交), and once approved the unit's stroke data-entry grant.
import { h, mount, busy } from "../dom.js";
import { api, upload, refreshSession } from "../api.js";
import { user, loadSession } from "../session.js";
import { field, Form } from "../components/field.js";
import { badge } from "../components/badge.js";
import { uploadBox } from "../registration/upload-box.js";
import { fmtTime } from "../format.js";

const STATUS = {
  uncertified: ["未认证", "gray"], pending: ["审核中", "blue"], rejected: ["未通过", "red"], certified: ["已认证", "green"],
};
let refreshedFor = null; // the session is refreshed once after approval (the grant comes with a new token)

function hasStrokeGrant(u) {
  return (u && u.roles || []).some(r => r.role === "data_entry" && r.specialty === "stroke");
}

export default async function strokeUserCertify(ctx) {
  const { root } = ctx;
  let me;
  try {
    me = await api.get("/api/identity/v1/stroke-users/me");
  } catch (e) {
    if (e.status !== 403) throw e;
    mount(root, h("div", { class: "card", "data-page": "stroke-certification" }, h("h1", null, "个人身份认证"),
      h("p", { "data-role": "not-needed" }, "当前登录的账号不需要个人身份认证。")));
    return;
  }
  if (me.status === "certified" && !hasStrokeGrant(user()) && refreshedFor !== me.userId) {
    refreshedFor = me.userId;
    if (await refreshSession()) { await loadSession(); ctx.navigate("/stroke-certification", { replace: true }); return; }
  }
  const [label, tone] = STATUS[me.status] || [me.status, "gray"];
  const last = me.certifications[0];
  const head = h("div", { class: "card" },
    h("h1", null, "个人身份认证"),
    h("dl", { class: "kv" },
      h("dt", null, "姓名"), h("dd", null, me.displayName),
      h("dt", null, "所在单位"), h("dd", null, me.orgName),
      h("dt", null, "认证状态"), h("dd", { "data-role": "certification-status", "data-status": me.status }, badge(label, tone))),
    me.status === "rejected" && last ? h("p", { class: "form-error", "data-role": "opinion" }, `审核意见：${last.opinion || "无"}。请修改后重新提交。`) : null,
    me.status === "pending" ? h("p", { class: "muted" }, "已提交，等待本单位医院管理员审核。") : null,
    me.status === "certified" ? h("p", { "data-role": "grant" }, `已开通${me.orgName}的脑卒中登记数据填报权限。`,
      hasStrokeGrant(user()) ? h("a", { class: "btn btn-sm", href: "#/reporting" }, "去填报") : "请重新登录后使用。") : null);

  const history = me.certifications.length ? h("div", { class: "card" }, h("h2", null, "认证记录"),
    h("table", { class: "table" }, h("thead", null, h("tr", null, h("th", null, "提交时间"), h("th", null, "登记号"), h("th", null, "结果"), h("th", null, "审核意见"))),
      h("tbody", null, me.certifications.map(c => h("tr", null, h("td", null, fmtTime(c.submittedAt)), h("td", { class: "mono" }, c.registrationNo),
        h("td", null, (STATUS[c.status === "approved" ? "certified" : c.status] || [c.status])[0]), h("td", null, c.opinion || "")))))) : null;

  if (me.status === "pending" || me.status === "certified") { mount(root, head, history); return; }

  // The form: warm tips, the photo, the registration number.
  const kinds = await api.get("/api/documents/v1/kinds");
  const kind = (kinds.items || []).find(k => k.code === "licence_photo");
  let docs = [];
  try {
    docs = (await api.get("/api/documents/v1/documents", { query: { object: me.documentObject } })).items || [];
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  const form = new Form();
  const folder = {
    upload: (code, file, onProgress) => upload("/api/documents/v1/documents", file, { query: { kind: code, object: me.documentObject }, onProgress }),
    deleteDocument: id => api.del(`/api/documents/v1/documents/${id}`),
  };
  const photo = form.add("upload:licence_photo", uploadBox({ kind, required: true, docs: docs.filter(d => d.kind === "licence_photo"), applicant: folder }));
  const number = form.add("registrationNo", field({ label: "医疗机构执业许可证登记号", name: "registrationNo", required: true, maxlength: 30,
    value: last ? last.registrationNo : "", hint: "关键识别信息：需与《医疗机构执业许可证》上的22位登记号一致，如 PDY00001X11010515A1002" }));
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, me.status === "rejected" ? "重新提交" : "提交");
  const f = h("form", { class: "card", novalidate: true, "data-page": "stroke-certification" }, form.errorBox,
    h("div", { class: "notice" }, h("strong", null, "温馨提示"),
      h("ol", null, h("li", null, "请上传医疗机构执业许可证照片，并填写登记号。"),
        h("li", null, `照片支持 jpg、jpeg、bmp、gif 格式，文件大小须小于 5M。`))),
    photo.el, number.el, submit);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (photo.busy) { photo.setError("文件正在上传，请稍候"); return; }
    if (!form.check()) return;
    await busy(submit, "正在提交…", async () => {
      try {
        await api.post("/api/identity/v1/stroke-users/me/certification", { registrationNo: number.value, documentId: photo.ids[0] });
        ctx.navigate("/stroke-certification", { replace: true });
      } catch (err) {
        form.show(err);
      }
    });
  });
  mount(root, head, f, history);
}
