// 首页: what needs this user now — pending approvals, sub-accounts, account notices — by role.
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { user, can } from "../session.js";
import { roleTitle, specialtyName, fmtTime, elapsed } from "../format.js";
import { badge } from "../components/badge.js";

function tile(href, num, label, extra, role) {
  return h(href ? "a" : "div", { class: `tile ${extra || ""}`, href, "data-role": role }, h("span", { class: "num" }, String(num)), h("span", { class: "label" }, label));
}

export default async function home({ root, alive }) {
  const u = user();
  const roles = u.roles || [];
  const notices = h("div");
  const tiles = h("div", { class: "tiles" });
  const recent = h("div");
  mount(root,
    h("div", { class: "page-head", "data-page": "home" },
      h("div", null, h("h1", null, `您好，${u.displayName || u.username}`),
        h("p", { class: "sub" }, u.orgName || "", " ", roles.map(r => badge(`${roleTitle(r.role)}${r.specialty ? `（${specialtyName(r.specialty)}）` : ""}`, "blue"))))),
    notices, tiles, recent);

  if (!u.email) {
    notices.append(h("div", { class: "notice warn", "data-role": "notice-email" }, "您的账号尚未登记电子邮箱，忘记密码时无法通过邮件找回。",
      h("a", { href: "#/profile" }, "去个人中心填写")));
  }
  if (u.mustChangePassword) notices.append(h("div", { class: "notice warn" }, "请先修改初始密码。", h("a", { href: "#/change-password" }, "立即修改")));

  const jobs = [];
  if (can.approve(u)) {
    jobs.push(api.get("/api/approval/v1/inbox/count").then(c => {
      tiles.prepend(tile("#/approvals", c.count, "待我审批的申请", c.count ? "alert" : "", "tile-approvals"));
      if (c.count) notices.prepend(h("div", { class: "notice", "data-role": "notice-approvals" }, `有 ${c.count} 条申请等待您审批。`, h("a", { href: "#/approvals" }, "去审批")));
    }).catch(() => {}));
    jobs.push(api.get("/api/approval/v1/inbox", { query: { limit: 5 } }).then(r => {
      const items = r.items || [];
      if (!items.length) return;
      recent.append(h("section", { class: "card" }, h("div", { class: "card-head" }, h("h2", null, "最近待审批"), h("a", { href: "#/approvals" }, "全部")),
        h("ul", { class: "outcomes" }, items.map(i => h("li", null,
          h("a", { href: `#/approvals/${encodeURIComponent(i.id)}` }, i.title), h("span", { class: "muted small" }, `${i.stageName || ""} · 已等待${elapsed(i.since || i.createdAt)}`))))));
    }).catch(() => {}));
  }
  if (can.manageUsers(u)) {
    jobs.push(api.get("/api/identity/v1/users").then(r => {
      const items = r.items || [];
      const disabled = items.filter(x => x.status === "disabled").length;
      tiles.append(tile("#/users", items.length, disabled ? `子账号（${disabled} 个已停用）` : "本单位子账号", "", "tile-users"));
    }).catch(() => {}));
  }
  tiles.append(h("a", { class: "tile", href: "#/profile" }, h("span", { class: "num" }, "⚙"), h("span", { class: "label" }, "个人中心：资料与密码")));
  await Promise.all(jobs);
  if (!alive()) return;
  recent.append(h("section", { class: "card" }, h("h2", null, "账号信息"),
    h("dl", { class: "kv" },
      h("dt", null, "用户名"), h("dd", { "data-role": "username" }, u.username),
      h("dt", null, "所属单位"), h("dd", null, u.orgName || "—"),
      h("dt", null, "账号类型"), h("dd", null, u.isMainAccount ? "主账号" : "子账号"),
      h("dt", null, "角色"), h("dd", null, roles.map(r => roleTitle(r.role)).join("、") || "—")),
    h("p", { class: "muted small" }, "数据填报与统计功能将在后续版本中开放。")));
}
