// 首页: what needs this user now — pending approvals, sub-accounts, account notices — by role.
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { user, can } from "../session.js";
import { roleTitle, specialtyName, elapsed, fmtTime } from "../format.js";
import { badge } from "../components/badge.js";
import { noticeBody } from "./notice-common.js";

function tile(href, num, label, extra, role) {
  return h("a", { class: `tile ${extra || ""}`, href, "data-role": role }, h("span", { class: "num" }, String(num)), h("span", { class: "label" }, label));
}

export default async function home({ root, alive }) {
  const u = user();
  const roles = u.roles || [];
  mount(root, h("p", { class: "loading" }, "正在加载…"));

  // Ask what this user's roles need, all at once; a failing call leaves its tile out.
  const zhejiangAdmin = roles.some(r => r.role === "institution_admin") && (roles.find(r => r.role === "institution_admin").scopePath || "").startsWith("86/330000/");
  const [count, inbox, subs, noticePage, confirmation] = await Promise.all([
    can.approve(u) ? api.get("/api/approval/v1/inbox/count").catch(() => null) : null,
    can.approve(u) ? api.get("/api/approval/v1/inbox", { query: { limit: 5 } }).catch(() => null) : null,
    can.manageUsers(u) ? api.get("/api/identity/v1/users").catch(() => null) : null,
    api.get("/api/reporting/v1/notices", { query: { limit: 5 } }).catch(() => null),
    zhejiangAdmin ? api.get("/api/identity/v1/info-confirmation").catch(() => null) : null,
  ]);
  if (!alive()) return;

  const notices = [];
  const tiles = [];
  if (count) {
    tiles.push(tile("#/approvals", count.count, "待我审批的申请", count.count ? "alert" : "", "tile-approvals"));
    if (count.count) notices.push(h("div", { class: "notice", "data-role": "notice-approvals" }, `有 ${count.count} 条申请等待您审批。`, h("a", { href: "#/approvals" }, "去审批")));
  }
  if (subs) {
    const items = subs.items || [];
    const disabled = items.filter(x => x.status === "disabled").length;
    tiles.push(tile("#/users", items.length, disabled ? `本单位子账号（${disabled} 个已停用）` : "本单位子账号", "", "tile-users"));
    if (!items.length) notices.push(h("div", { class: "notice", "data-role": "notice-users" }, "本单位还没有子账号：可在“用户管理”中为各专业的管理员和填报人员开通账号。", h("a", { href: "#/users" }, "去开通")));
  }
  if (confirmation && confirmation.status !== "ok") {
    const why = { due_soon: "即将到期", lapsed: "已过期", liaison_changed: "联络员已变更" }[confirmation.status] || "待确认";
    notices.push(h("div", { class: "notice warn", "data-role": "notice-info-confirmation" }, `机构信息确认${why}（截止 ${fmtTime(confirmation.dueAt)}），请确认机构基本信息和联络员。`,
      h("a", { href: "#/info-confirmation" }, "去确认")));
  }
  if (!u.email) {
    notices.push(h("div", { class: "notice warn", "data-role": "notice-email" }, "您的账号尚未登记电子邮箱，忘记密码时无法通过邮件找回。",
      h("a", { href: "#/profile" }, "去个人中心填写")));
  }
  tiles.push(h("a", { class: "tile", href: "#/profile" }, h("span", { class: "num", "aria-hidden": "true" }, "⚙"), h("span", { class: "label" }, "个人中心：资料与密码")));
  tiles.push(h("a", { class: "tile", href: "#/status" }, h("span", { class: "num", "aria-hidden": "true" }, "☰"), h("span", { class: "label" }, "注册申请进度查询")));

  const recent = inbox && (inbox.items || []).length ? h("section", { class: "card" },
    h("div", { class: "card-head" }, h("h2", null, "最近待审批"), h("a", { href: "#/approvals" }, "全部")),
    h("ul", { class: "outcomes" }, inbox.items.map(i => h("li", null,
      h("a", { href: `#/approvals/${encodeURIComponent(i.id)}` }, i.title),
      h("span", { class: "muted small" }, `${i.stageName || ""} · 已等待${elapsed(i.since || i.createdAt)}`))))) : null;

  const noticeSection = noticePage ? noticesCard(noticePage) : null;

  mount(root,
    h("div", { class: "page-head", "data-page": "home" },
      h("div", null, h("h1", null, `您好，${u.displayName || u.username}`),
        h("p", { class: "sub" }, u.orgName || "", " ", roles.map(r => badge(`${roleTitle(r.role)}${r.specialty ? `（${specialtyName(r.specialty)}）` : ""}`, "blue"))))),
    notices,
    noticeSection,
    h("div", { class: "tiles" }, tiles),
    recent,
    h("section", { class: "card" }, h("h2", null, "账号信息"),
      h("dl", { class: "kv" },
        h("dt", null, "用户名"), h("dd", { "data-role": "username", class: "mono" }, u.username),
        h("dt", null, "所属单位"), h("dd", null, u.orgName || "—"),
        h("dt", null, "账号类型"), h("dd", null, u.isMainAccount ? "主账号" : "子账号"),
        h("dt", null, "角色"), h("dd", null, roles.map(r => roleTitle(r.role)).join("、") || "—")),
      h("p", { class: "muted small" }, "数据填报与统计功能将在后续版本中开放。")));
}

/** 通知公告: the notices of this user's scope, unread first marked, each marked read on 标记已读
 *  or when opened. */
function noticesCard(page) {
  const items = page.items || [];
  let unread = page.unread || 0;
  const count = h("span", { class: "badge badge-red", "data-role": "notice-unread", hidden: !unread, "aria-label": `未读通知 ${unread} 条` }, `${unread} 条未读`);
  const setUnread = n => { unread = n; count.textContent = `${n} 条未读`; count.setAttribute("aria-label", `未读通知 ${n} 条`); count.hidden = !n; };
  const list = items.length ? h("ul", { class: "notice-list" }, items.map(n => {
    const li = h("li", { "data-notice": n.id, "data-read": String(Boolean(n.read)) });
    const mark = n.read ? null : h("button", { type: "button", class: "btn btn-sm", "data-role": "mark-read" }, "标记已读");
    if (mark) mark.addEventListener("click", async () => {
      try {
        await api.post(`/api/reporting/v1/notices/${encodeURIComponent(n.id)}/read`);
        li.dataset.read = "true";
        mark.remove();
        li.querySelector("[data-role=unread-dot]")?.remove();
        setUnread(Math.max(0, unread - 1));
      } catch { /* stays unread */ }
    });
    li.append(
      h("div", { class: "row" }, n.read ? null : badge("未读", "red"), h("a", { href: `#/notices/${encodeURIComponent(n.id)}`, "data-role": "notice-title" }, n.title),
        h("span", { class: "muted small" }, `${n.authorName}（${n.authorRoleTitle}）· ${fmtTime(n.createdAt)}`), h("span", { class: "spacer" }), mark),
      noticeBody(n.bodyHtml));
    if (!n.read) li.querySelector(".badge").dataset.role = "unread-dot";
    return li;
  })) : h("p", { class: "muted" }, "暂无通知。");
  return h("section", { class: "card", "data-role": "notices" },
    h("div", { class: "card-head" }, h("h2", null, "通知公告 ", count)), list);
}
