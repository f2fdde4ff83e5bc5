// The portal's frame: the route table, a small hash router, the header with its navigation and
// the approvals badge, and the session guards. Pages live in pages/<name>.js and export
// `default async function (ctx)`; they may return a cleanup function.
import { h, mount } from "./dom.js";
import { api, setSessionLostHandler } from "./api.js";
import { session, user, loadSession, logout, onSessionChange, clearSession, can } from "./session.js";
import { devMode } from "./devmode.js";
import { countBadge } from "./components/badge.js";
import { toast } from "./components/toast.js";

// ---------------------------------------------------------------------------------------------
// Route table. Adding a page = one file in pages/ and one line here.
//   access: "guest" (signed-out only), "public" (anyone), "user" (signed in)
//   when:   an ability the signed-in user needs (see session.js `can`)
//   nav:    label in the header navigation; layout "public": the sign-in style frame
//   dev:    only when dev mode is on (absent otherwise)
// ---------------------------------------------------------------------------------------------
export const routes = [
  { path: "/login", page: "login", title: "登录", access: "guest", layout: "public" },
  { path: "/register", page: "register", title: "用户注册", access: "public", layout: "public" },
  { path: "/status", page: "status", title: "注册进度查询", access: "public", layout: "public" },
  { path: "/lookup", page: "lookup", title: "账号查询", access: "public", layout: "public" },
  { path: "/forgot", page: "forgot", title: "忘记密码", access: "public", layout: "public" },
  { path: "/reset-password", page: "reset-password", title: "设置新密码", access: "public", layout: "public" },
  { path: "/change-password", page: "change-password", title: "修改初始密码", access: "user", layout: "public" },
  { path: "/home", page: "home", title: "首页", access: "user", nav: "首页" },
  { path: "/approvals", page: "approvals", title: "审批管理", access: "user", when: can.approve, nav: "审批管理", badge: "inbox" },
  { path: "/approvals/:id", page: "approval-detail", title: "审批详情", access: "user", when: can.approve, navParent: "/approvals" },
  { path: "/reporting", page: "reporting-due", title: "数据填报", access: "user", when: u => (u.roles || []).some(r => ["institution_admin", "specialty_admin", "data_entry"].includes(r.role)), nav: "数据填报" },
  { path: "/reporting/programs", page: "reporting-programs", title: "项目报名", access: "user", navParent: "/reporting" },
  { path: "/reporting/history", page: "reporting-history", title: "报表查询", access: "user", nav: "报表查询", when: u => (u.roles || []).some(r => ["institution_admin", "specialty_admin", "data_entry", "provincial_centre", "city_commission", "national_centre"].includes(r.role)) },
  { path: "/reporting/form/:program/:form/:period", page: "reporting-form", title: "数据填报", access: "user", navParent: "/reporting" },
  { path: "/reporting/report/:id", page: "reporting-form", title: "报表", access: "user", navParent: "/reporting" },
  { path: "/registry/binding", page: "registry-binding", title: "绑定既往数据", access: "user", when: u => (u.roles || []).some(r => ["institution_admin", "specialty_admin"].includes(r.role)), nav: "绑定既往数据" },
  { path: "/registry/search", page: "registry-search", title: "检索导出", access: "user", nav: "检索导出", when: u => (u.roles || []).some(r => ["institution_admin", "specialty_admin", "data_entry", "provincial_centre", "city_commission", "national_centre", "national_specialty_centre"].includes(r.role)) },
  { path: "/registry/:program/:period", page: "registry-year", title: "病例登记", access: "user", navParent: "/reporting" },
  { path: "/stats", page: "stats-rollup", title: "统计分析", access: "user", nav: "统计分析", when: u => (u.roles || []).some(r => ["city_commission", "provincial_centre", "national_centre", "national_specialty_centre"].includes(r.role)) },
  { path: "/stats/monitor", page: "stats-monitor", title: "数据监测", access: "user", nav: "数据监测", when: u => (u.roles || []).some(r => ["city_commission", "provincial_centre", "national_centre", "national_specialty_centre"].includes(r.role)) },
  { path: "/stats/compare", page: "stats-compare", title: "对比分析", access: "user", nav: "对比分析", when: u => (u.roles || []).some(r => ["institution_admin", "specialty_admin", "data_entry"].includes(r.role)) },
  { path: "/national-centres", page: "registration-national", title: "国家质控中心", access: "user", when: u => (u.roles || []).some(r => r.role === "platform_operator"), nav: "国家质控中心" },
  { path: "/stale-requests", page: "registration-stale", title: "超期未审批", access: "user", when: u => (u.roles || []).some(r => r.role === "platform_operator"), nav: "超期未审批" },
  { path: "/users", page: "users", title: "用户管理", access: "user", when: can.manageUsers, nav: "用户管理" },
  { path: "/notices/manage", page: "notice-admin", title: "信息发布", access: "user", when: u => (u.roles || []).some(r => ["platform_operator", "national_centre", "national_specialty_centre", "provincial_centre"].includes(r.role)), nav: "信息发布" },
  { path: "/notices/:id", page: "notice-detail", title: "通知", access: "user", navParent: "/home" },
  { path: "/feedback", page: "feedback-mine", title: "意见反馈", access: "user", nav: "意见反馈" },
  { path: "/feedback/admin", page: "feedback-admin", title: "反馈处理", access: "user", when: u => (u.roles || []).some(r => r.role === "platform_operator"), nav: "反馈处理" },
  { path: "/activate", page: "activate", title: "账号激活", access: "public", layout: "public" },
  { path: "/account-import", page: "account-import", title: "机构导入", access: "user", when: u => (u.roles || []).some(r => r.role === "platform_operator"), nav: "机构导入" },
  { path: "/info-confirmation", page: "info-confirmation", title: "机构信息确认", access: "user", when: u => (u.roles || []).some(r => r.role === "institution_admin"), navParent: "/home" },
  { path: "/org-change", page: "org-change", title: "变更资料", access: "user", when: u => (u.roles || []).some(r => r.role === "institution_admin") && u.isMainAccount !== false, nav: "变更资料" },
  { path: "/profile/username", page: "account-username", title: "修改用户名", access: "user", navParent: "/profile" },
  { path: "/profile", page: "profile", title: "个人中心", access: "user", nav: "个人中心" },
  { path: "/stroke-register", page: "stroke-user-register", title: "脑卒中登记用户注册", access: "public", layout: "public" },
  { path: "/stroke-certification", page: "stroke-user-certify", title: "个人身份认证", access: "user", when: u => !(u.roles || []).length || (u.roles || []).some(r => r.specialty === "stroke"), nav: "个人身份认证" },
  { path: "/stroke-users", page: "stroke-user-admin", title: "脑卒中登记用户", access: "user", when: u => (u.roles || []).some(r => r.role === "institution_admin") && u.isMainAccount !== false, nav: "卒中登记用户" },
  { path: "/dev", page: "dev", title: "开发收件箱", access: "public", dev: true },
];

const main = document.getElementById("main");
const header = document.getElementById("app-header");
const footer = document.getElementById("app-footer");
let cleanup = null;
let renderCount = 0;
let inboxTimer = null;
const inboxBadge = countBadge(0, "待审批");

function parseHash() {
  const raw = decodeURI(location.hash.replace(/^#/, "")) || "/";
  const [path, qs = ""] = raw.split("?");
  return { path: path.replace(/\/+$/, "") || "/", query: Object.fromEntries(new URLSearchParams(qs)) };
}

function match(path) {
  for (const route of routes) {
    const names = [];
    const re = new RegExp(`^${route.path.replace(/:(\w+)/g, (_, n) => { names.push(n); return "([^/]+)"; })}$`);
    const m = re.exec(path);
    if (m) return { route, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

export function navigate(hash, { replace = false } = {}) {
  const target = hash.startsWith("#") ? hash : `#${hash}`;
  if (location.hash === target) { render(); return; }
  if (replace) { history.replaceState(null, "", target); render(); } else location.hash = target;
}

function redirect(hash) { navigate(hash, { replace: true }); }

async function render() {
  const n = ++renderCount;
  const { path, query } = parseHash();
  const s = session();
  if (path === "/") { redirect(s ? "/home" : "/login"); return; }
  const found = match(path);
  let route = found ? found.route : null;
  let page = route ? route.page : "not-found";
  if (route && route.dev && !(await devMode())) { route = null; page = "not-found"; }
  if (route) {
    if (route.access === "user" && !s) { redirect(`/login?next=${encodeURIComponent(path)}`); return; }
    if (route.access === "guest" && s) { redirect(s.mustChangePassword ? "/change-password" : "/home"); return; }
    if (s && s.mustChangePassword && route.access === "user" && route.page !== "change-password") { redirect("/change-password"); return; }
    if (route.when && !route.when(user())) page = "forbidden";
  }
  if (cleanup) { try { cleanup(); } catch { /* page gone */ } cleanup = null; }
  const module = await import(`./pages/${page}.js`);
  if (n !== renderCount) return; // a newer navigation won
  const layout = route && route.layout === "public" ? "public" : "app";
  main.className = `app-main ${layout === "public" ? "public" : ""}`.trim();
  document.title = `${route ? route.title : "页面不存在"} - 质控上报平台`;
  renderHeader(route, layout);
  renderFooter();
  mount(main);
  const ctx = { root: main, params: found ? found.params : {}, query, route, navigate, alive: () => n === renderCount };
  try {
    const result = await module.default(ctx);
    if (typeof result === "function") { if (n === renderCount) cleanup = result; else result(); }
  } catch (e) {
    console.error(e);
    if (n === renderCount) mount(main, h("div", { class: "card" }, h("h1", null, "页面加载失败"), h("p", null, e.message || "请刷新页面重试")));
  }
  if (n === renderCount && document.activeElement === document.body) main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function renderHeader(route, layout) {
  const u = user();
  if (layout === "public" || !u) {
    if (layout === "public") { header.hidden = true; header.replaceChildren(); return; }
    header.hidden = false;
    mount(header, h("a", { class: "brand", href: "#/login" }, h("img", { src: "/img/logo.svg", alt: "" }), "质控上报平台"),
      h("nav", { class: "nav", "aria-label": "主导航" }), h("div", { class: "user-box" }, h("a", { class: "btn btn-sm", href: "#/login" }, "登录")));
    return;
  }
  header.hidden = false;
  const current = route ? (route.navParent || route.path) : "";
  const toggle = h("button", { type: "button", class: "btn btn-sm menu-toggle", "aria-expanded": "false", "aria-controls": "main-nav" }, "菜单");
  toggle.addEventListener("click", () => {
    const open = !header.classList.contains("open");
    header.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", String(open));
  });
  const nav = h("nav", { class: "nav", id: "main-nav", "aria-label": "主导航" },
    routes.filter(r => r.nav && (!r.when || r.when(u))).map(r =>
      h("a", { href: `#${r.path}`, "aria-current": r.path === current ? "page" : undefined, "data-nav": r.page },
        r.nav, r.badge === "inbox" ? inboxBadge : null)));
  const orgName = u.orgName || "";
  mount(header,
    h("a", { class: "brand", href: "#/home" }, h("img", { src: "/img/logo.svg", alt: "" }), "质控上报平台"),
    toggle, nav,
    h("div", { class: "user-box" },
      h("div", { class: "who" }, h("span", { "data-role": "user-name" }, u.displayName || u.username), orgName ? h("small", null, orgName) : null),
      h("button", { type: "button", class: "btn btn-sm", "data-role": "logout", onclick: onLogout }, "退出")));
  header.classList.remove("open");
  refreshInboxCount();
}

async function renderFooter() {
  const dev = await devMode();
  mount(footer, h("span", null, "质控上报平台"),
    h("a", { href: "#/status" }, "注册进度查询"), h("a", { href: "#/lookup" }, "账号查询"),
    dev ? h("a", { href: "#/dev", "data-role": "dev-link" }, "开发收件箱") : null);
}

async function onLogout() {
  await logout();
  toast("已安全退出");
  navigate("/login");
}

/** The approvals badge: pending requests waiting for one of this user's organisations. */
export async function refreshInboxCount() {
  const u = user();
  if (!u || !can.approve(u) || (session() && session().mustChangePassword)) { inboxBadge.hidden = true; return; }
  try {
    const c = await api.get("/api/approval/v1/inbox/count");
    inboxBadge.textContent = String(c.count);
    inboxBadge.setAttribute("aria-label", `待审批 ${c.count} 条`);
    inboxBadge.hidden = !c.count;
  } catch { /* keep the last count */ }
}

function startInboxTimer() {
  clearInterval(inboxTimer);
  inboxTimer = setInterval(() => { if (!document.hidden) refreshInboxCount(); }, 60000);
}

setSessionLostHandler(() => {
  if (!session()) return;
  clearSession();
  toast("登录已失效，请重新登录", "error");
  const { path } = parseHash();
  redirect(`/login?next=${encodeURIComponent(path)}`);
});

document.getElementById("skip-link").addEventListener("click", e => { e.preventDefault(); main.focus(); });
window.addEventListener("hashchange", render);
window.addEventListener("inbox:changed", refreshInboxCount);
onSessionChange(() => { if (!session()) inboxBadge.hidden = true; });

(async function start() {
  try {
    await loadSession();
  } catch {
    toast("无法连接服务器，请稍后刷新页面", "error");
  }
  startInboxTimer();
  render();
})();
