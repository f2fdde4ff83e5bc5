// 通知详情: one notice of the reader's scope; opening it marks it read.
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { fmtTime } from "../format.js";
import { noticeBody, scopeLabel } from "./notice-common.js";

export default async function noticeDetail({ root, params, alive }) {
  let n;
  try {
    n = await api.get(`/api/reporting/v1/notices/${encodeURIComponent(params.id)}`);
  } catch (e) {
    mount(root, h("div", { class: "card" }, h("h1", null, "无法查看该通知"), h("p", null, e.message), h("a", { class: "btn", href: "#/home" }, "返回首页")));
    return;
  }
  if (!alive()) return;
  mount(root,
    h("div", { class: "crumbs" }, h("a", { href: "#/home" }, "首页"), " / 通知"),
    h("article", { class: "card", "data-page": "notice-detail", "data-notice": n.id },
      h("h1", null, n.title),
      h("p", { class: "muted small" }, `${n.authorName}（${n.authorRoleTitle}）· ${fmtTime(n.createdAt)} · 发布范围：${await scopeLabel(n.scopePath)}`),
      noticeBody(n.bodyHtml)));
  if (!n.read) api.post(`/api/reporting/v1/notices/${encodeURIComponent(n.id)}/read`).catch(() => {});
}
