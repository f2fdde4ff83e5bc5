// 审批详情: the request, its attachments viewed in the browser (PDF in a frame, images as
// pictures, both from blob URLs fetched with the session), where it stands, its history, and
// the decision (a rejection needs an opinion).
import { h, mount, busy } from "../dom.js";
import { api, fetchBlob } from "../api.js";
import { field, Form } from "../components/field.js";
import { badge, requestBadge } from "../components/badge.js";
import { stageTimeline } from "../components/progress.js";
import { confirmDialog } from "../components/dialog.js";
import { toast } from "../components/toast.js";
import { fmtTime, fmtSize, DECISION_TITLES } from "../format.js";

const DETAIL_LABELS = {
  role: "用户类型", specialties: "申请专业", region: "所在地区", organisation: "机构名称", applicant: "申请人",
  licenceNo: "执业许可证登记号", level: "医院等级", category: "机构类别", reason: "申请理由",
};

const regionNames = new Map();
async function regionName(code) {
  if (!code || !/^\d{2,6}$/.test(code)) return code;
  if (regionNames.has(code)) return regionNames.get(code);
  let name = code;
  try {
    const provinces = (await api.get("/api/identity/v1/regions")).items || [];
    const p = provinces.find(r => r.code === code.slice(0, 2) + "0000");
    name = p ? p.name : code;
    if (code.length > 2 && p) {
      const cities = (await api.get("/api/identity/v1/regions", { query: { parent: p.code } })).items || [];
      const c = cities.find(r => r.code === code);
      if (c) name += c.name;
    }
  } catch { /* keep the code */ }
  regionNames.set(code, name);
  return name;
}

export default async function approvalDetail({ root, params, navigate, alive }) {
  const id = params.id;
  const urls = [];
  const dispose = () => { for (const u of urls) URL.revokeObjectURL(u); };

  async function render() {
    let r;
    try {
      r = await api.get(`/api/approval/v1/requests/${encodeURIComponent(id)}`);
    } catch (e) {
      mount(root, h("div", { class: "card" }, h("h1", null, "无法查看该申请"), h("p", null, e.message), h("a", { class: "btn", href: "#/approvals" }, "返回审批列表")));
      return;
    }
    if (!alive()) return;
    const a = r.applicant || {};
    const details = r.details && typeof r.details === "object" ? r.details : {};
    const detailRows = [];
    if (a.name) detailRows.push(["申请人", a.name]);
    if (a.phoneMasked) detailRows.push(["手机号", a.phoneMasked]);
    if (a.orgName) detailRows.push(["所属机构", a.orgName]);
    const entries = Object.entries(details);
    // Reporting's requests carry the report's values keyed "B01 出院人数": general rows first, then by indicator code.
    if (r.type === "monthly_submission" || r.type === "modification_request") entries.sort(([a], [b]) => (/^[A-Z]\d+ /.test(a) - /^[A-Z]\d+ /.test(b)) || a.localeCompare(b, "zh-CN"));
    for (const [k, v] of entries) {
      if (v === null || v === "" || (k === "applicant" && v === a.name) || (k === "organisation" && v === a.orgName)) continue;
      detailRows.push([DETAIL_LABELS[k] || k, k === "region" ? await regionName(String(v)) : typeof v === "object" ? JSON.stringify(v) : String(v)]);
    }
    detailRows.push(["审批类型", r.chainName]);
    detailRows.push(["提交时间", fmtTime(r.createdAt)]);

    const viewer = h("div", { class: "viewer", hidden: true, "data-role": "viewer" });
    const attachments = h("ul", { class: "attachments", "data-role": "attachments" });
    const history = h("div");

    mount(root,
      h("div", { class: "crumbs" }, h("a", { href: "#/approvals" }, "审批管理"), " / 申请详情"),
      h("div", { class: "page-head", "data-page": "approval-detail" },
        h("div", null, h("h1", null, r.title), h("p", { class: "sub" }, requestBadge(r.status), "　", r.chainName))),
      h("div", { class: "detail-layout" },
        h("div", { class: "detail-main" },
          h("section", { class: "card" }, h("h2", null, "申请信息"),
            h("dl", { class: "kv", "data-role": "details" }, detailRows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)]))),
          h("section", { class: "card" }, h("h2", null, "附件"),
            r.attachments && r.attachments.length ? attachments : h("p", { class: "muted" }, "没有附件"), viewer),
          h("section", { class: "card" }, h("h2", null, "审批记录"), history)),
        h("aside", { class: "detail-side", "aria-label": "审核与进度" },
          decisionPanel(r),
          h("section", { class: "card" }, h("h2", null, "审批进度"), stageTimeline(r.stages),
            r.opinion && r.status !== "pending" ? h("div", { class: `opinion ${r.status === "approved" ? "ok" : ""}` }, `最终意见：${r.opinion}`) : null))));

    for (const docId of r.attachments || []) attachments.append(attachmentRow(docId, viewer));
    api.get(`/api/approval/v1/requests/${encodeURIComponent(id)}/history`).then(hst => {
      const items = hst.items || [];
      mount(history, items.length ? h("ul", { class: "outcomes" }, items.map(e => h("li", null,
        h("span", { class: "muted small nowrap" }, fmtTime(e.at)), h("span", null, e.title),
        e.actorName ? h("span", { class: "muted small" }, e.actorName) : null,
        e.opinion ? h("span", { class: "small" }, `意见：${e.opinion}`) : null))) : h("p", { class: "muted" }, "暂无记录"));
    }).catch(e => mount(history, h("p", { class: "error" }, e.message)));
  }

  function attachmentRow(docId, viewer) {
    const li = h("li", { "data-document": docId }, h("span", { class: "muted" }, "正在读取附件信息…"));
    api.get(`/api/documents/v1/documents/${encodeURIComponent(docId)}`).then(d => {
      const content = `/api/documents/v1/documents/${encodeURIComponent(docId)}/content`;
      const view = h("button", { type: "button", class: "btn btn-sm btn-primary", "data-role": "view" }, "查看");
      const download = h("button", { type: "button", class: "btn btn-sm" }, "下载");
      view.addEventListener("click", () => busy(view, "正在打开…", async () => {
        try {
          const file = await fetchBlob(content, { query: { inline: 1 }, fallbackName: d.fileName });
          const url = URL.createObjectURL(file.blob);
          urls.push(url);
          const isPdf = /pdf/i.test(file.contentType || d.contentType);
          const open = h("a", { class: "btn btn-sm", href: url, target: "_blank", rel: "noopener" }, "新窗口打开");
          mount(viewer,
            h("div", { class: "viewer-bar" }, h("span", { class: "spacer" }, `${d.kindName}：${d.fileName}`), open,
              h("button", { type: "button", class: "btn btn-sm", onclick: () => { viewer.hidden = true; view.focus(); } }, "关闭")),
            isPdf ? h("iframe", { src: url, title: `${d.kindName}：${d.fileName}`, "data-role": "pdf-frame" })
              : h("img", { src: url, alt: `${d.kindName}：${d.fileName}`, "data-role": "image-view" }));
          viewer.hidden = false;
          viewer.scrollIntoView({ block: "nearest" });
        } catch (e) {
          toast(e.message, "error");
        }
      }));
      download.addEventListener("click", () => busy(download, "正在下载…", async () => {
        try {
          const file = await fetchBlob(content, { fallbackName: d.fileName });
          const url = URL.createObjectURL(file.blob);
          urls.push(url);
          const a = h("a", { href: url, download: file.fileName, hidden: true });
          document.body.append(a);
          a.click();
          a.remove();
        } catch (e) {
          toast(e.message, "error");
        }
      }));
      mount(li, h("span", { class: "name" }, h("strong", null, d.kindName), "　", d.fileName),
        h("span", { class: "muted small" }, `${d.fileType ? d.fileType.toUpperCase() : ""} ${fmtSize(d.size)}`),
        d.sealed ? badge("已封存", "blue") : null, h("span", { class: "spacer" }), view, download);
    }).catch(e => mount(li, h("span", { class: "error" }, `附件无法读取：${e.message}`)));
    return li;
  }

  function decisionPanel(r) {
    if (!r.canDecide) {
      if (r.status !== "pending") return null;
      return h("div", { class: "notice", "data-role": "cannot-decide" }, "本单位已处理该申请或当前不在本单位的审批环节，等待其他单位审批。");
    }
    const form = new Form();
    const opinion = form.add("opinion", field({ label: "审核意见", name: "opinion", multiline: true, rows: 3, maxlength: 500,
      hint: "同意时可不填；不同意（或退回）时必须填写审核意见，申请人将看到该意见。" }));
    const buttons = (r.allowedDecisions || ["approve", "reject"]).map(d => {
      const b = h("button", { type: "button", class: `btn ${d === "approve" ? "btn-primary" : "btn-danger"}`, "data-decision": d }, DECISION_TITLES[d] || d);
      b.addEventListener("click", () => decide(d, b));
      return b;
    });
    async function decide(decision, button) {
      form.clear();
      if (decision !== "approve" && !opinion.value) {
        opinion.setError("不同意时须填写审核意见");
        opinion.focus();
        return;
      }
      if (decision !== "approve" && !await confirmDialog("确认不同意", "确定不同意该申请吗？审核意见将发送给申请人。", { confirmLabel: "确认不同意", danger: true })) return;
      await busy(button, "正在提交…", async () => {
        try {
          const res = await api.post(`/api/approval/v1/requests/${encodeURIComponent(id)}/decisions`, { decision, opinion: opinion.value || undefined });
          toast(res.status === "pending" ? "已记录，等待其他单位或下一环节审批" : `审批完成：${DECISION_TITLES[decision]}`, decision === "approve" ? "success" : "info");
          window.dispatchEvent(new Event("inbox:changed"));
          await render();
        } catch (err) {
          form.show(err);
        }
      });
    }
    return h("section", { class: "card", "data-role": "decide" }, h("h2", null, "审核"), form.errorBox, opinion.el,
      h("div", { class: "form-actions" }, buttons, h("span", { class: "spacer" }), h("a", { class: "btn", href: "#/approvals" }, "返回列表")));
  }

  await render();
  return dispose;
}
