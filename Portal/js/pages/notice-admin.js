// 信息发布: a national or provincial centre (or the platform operator) publishes a notice to its
// scope — the whole of it or one province within it — and sees who has read its notices.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { user } from "../session.js";
import { field, Form } from "../components/field.js";
import { badge } from "../components/badge.js";
import { toast } from "../components/toast.js";
import { confirmDialog } from "../components/dialog.js";
import { fmtTime, roleTitle } from "../format.js";
import { PUBLISHER_ROLES, scopeLabel, bodyFromEditor } from "./notice-common.js";

export default async function noticeAdmin({ root }) {
  const u = user();
  const grants = (u.roles || []).filter(r => PUBLISHER_ROLES.has(r.role));
  const scopes = [];
  for (const g of grants) {
    if (!scopes.some(s => s.value === g.scopePath)) scopes.push({ value: g.scopePath, label: `${await scopeLabel(g.scopePath)}（${roleTitle(g.role)}）` });
  }
  if (grants.some(g => g.scopePath === "86")) {
    try {
      const provinces = (await api.get("/api/identity/v1/regions")).items || [];
      for (const p of provinces) scopes.push({ value: `86/${p.code}`, label: p.name });
    } catch { /* the nation only */ }
  }
  const form = new Form();
  const title = form.add("title", field({ label: "标题", name: "title", required: true, maxlength: 100 }));
  const scope = form.add("scope", field({ label: "发布范围", name: "scope", required: true, options: scopes, placeholderOption: false,
    hint: "通知只显示给该范围内的单位和用户。" }));
  const body = form.add("body", field({ label: "正文", name: "body", required: true, multiline: true, rows: 8, maxlength: 20000,
    hint: "空行分段。也可使用 p、br、strong、em、ul、ol、li、h3 和 a（仅 http/https 链接）标签，其他标签会被去除。" }));
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, "发布");
  const f = h("form", { novalidate: true, "data-role": "notice-form" }, form.errorBox, title.el, scope.el, body.el, h("div", { class: "form-actions" }, submit));
  const list = h("div", { "data-role": "managed-notices" });

  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check()) return;
    await busy(submit, "正在发布…", async () => {
      try {
        await api.post("/api/reporting/v1/notices", { title: title.value, body: bodyFromEditor(body.input.value), scope: scope.value });
        toast("通知已发布", "success");
        title.value = "";
        body.value = "";
        await load();
      } catch (err) {
        form.show(err);
      }
    });
  });

  async function load() {
    try {
      const r = await api.get("/api/reporting/v1/notices/managed", { query: { limit: 50 } });
      const items = r.items || [];
      if (!items.length) { mount(list, h("p", { class: "muted" }, "还没有发布过通知。")); return; }
      const rows = [];
      for (const n of items) {
        const withdraw = n.withdrawn ? null : h("button", { type: "button", class: "btn btn-sm btn-danger" }, "撤回");
        if (withdraw) withdraw.addEventListener("click", async () => {
          if (!await confirmDialog("撤回通知", `确定撤回“${n.title}”吗？撤回后用户将不再看到该通知。`, { confirmLabel: "撤回", danger: true })) return;
          try { await api.del(`/api/reporting/v1/notices/${encodeURIComponent(n.id)}`); toast("已撤回"); await load(); } catch (err) { toast(err.message, "error"); }
        });
        rows.push(h("tr", { "data-notice": n.id },
          h("td", { "data-label": "标题" }, h("a", { href: `#/notices/${encodeURIComponent(n.id)}` }, n.title)),
          h("td", { "data-label": "发布范围" }, await scopeLabel(n.scopePath)),
          h("td", { "data-label": "发布人" }, `${n.authorName}（${n.authorRoleTitle}）`),
          h("td", { "data-label": "发布时间", class: "nowrap" }, fmtTime(n.createdAt)),
          h("td", { "data-label": "已读人数" }, String(n.readers ?? 0)),
          h("td", { "data-label": "状态" }, n.withdrawn ? badge("已撤回", "gray") : badge("已发布", "green")),
          h("td", { class: "actions", "data-label": "操作" }, withdraw)));
      }
      mount(list, h("div", { class: "table-wrap" }, h("table", { class: "table responsive" },
        h("caption", { class: "visually-hidden" }, "已发布的通知"),
        h("thead", null, h("tr", null, ["标题", "发布范围", "发布人", "发布时间", "已读人数", "状态"].map(t => h("th", null, t)), h("th", { class: "actions" }, "操作"))),
        h("tbody", null, rows))));
    } catch (err) {
      mount(list, h("p", { class: "error" }, err.message));
    }
  }

  mount(root,
    h("div", { class: "page-head", "data-page": "notice-admin" }, h("div", null, h("h1", null, "信息发布"),
      h("p", { class: "sub" }, "向本单位管辖范围内的医疗机构、质控中心和卫生健康委发布通知。"))),
    h("section", { class: "card" }, h("h2", null, "发布通知"), f),
    h("section", { class: "card" }, h("h2", null, "已发布的通知"), list));
  await load();
}
