// 审批管理: the inbox of requests waiting for one of this user's organisations — filters,
// paging, details, and several approved together (each outcome shown).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field } from "../components/field.js";
import { cursorPager } from "../components/pagination.js";
import { openDialog } from "../components/dialog.js";
import { badge } from "../components/badge.js";
import { fmtTime, elapsed } from "../format.js";
import { toast } from "../components/toast.js";

const PAGE = 20;

export default async function approvals({ root, query, navigate }) {
  const chain = field({ label: "审批类型", name: "chain", options: [], placeholderOption: "全部类型", value: query.chain || "" });
  const q = field({ label: "关键字", name: "q", type: "search", maxlength: 100, placeholder: "申请人、机构或标题", value: query.q || "" });
  q.el.classList.add("grow");
  const filterBtn = h("button", { type: "submit", class: "btn btn-primary" }, "筛选");
  const resetBtn = h("button", { type: "button", class: "btn" }, "重置");
  const filters = h("form", { class: "filters", role: "search", "aria-label": "筛选待审批申请" }, chain.el, q.el, h("div", { class: "row" }, filterBtn, resetBtn));
  const selectAll = h("input", { type: "checkbox", "aria-label": "全选本页" });
  const batchBtn = h("button", { type: "button", class: "btn btn-primary", disabled: true, "data-role": "batch-approve" }, "批量同意");
  const selectedInfo = h("span", { class: "muted", "aria-live": "polite" });
  const tbody = h("tbody");
  const pager = cursorPager(load);
  const table = h("div", { class: "table-wrap" }, h("table", { class: "table responsive", "data-role": "inbox" },
    h("caption", { class: "visually-hidden" }, "待审批申请"),
    h("thead", null, h("tr", null, h("th", { class: "check" }, selectAll), h("th", null, "申请"), h("th", null, "申请人"),
      h("th", null, "审批类型"), h("th", null, "当前环节"), h("th", null, "等待时间"), h("th", { class: "actions" }, "操作"))),
    tbody));
  mount(root,
    h("div", { class: "page-head", "data-page": "approvals" }, h("div", null, h("h1", null, "审批管理"),
      h("p", { class: "sub" }, "等待本单位审批的申请。审核通过直接点“同意”；不通过须填写审核意见。"))),
    h("section", { class: "card" }, filters, h("div", { class: "toolbar" }, batchBtn, selectedInfo), table, pager.el));

  let items = [];
  const selected = new Set();
  function updateSelection() {
    batchBtn.disabled = selected.size === 0;
    batchBtn.textContent = selected.size ? `批量同意（${selected.size}）` : "批量同意";
    selectedInfo.textContent = selected.size ? `已选择 ${selected.size} 条` : "";
    selectAll.checked = items.length > 0 && items.every(i => selected.has(i.id));
    selectAll.indeterminate = !selectAll.checked && items.some(i => selected.has(i.id));
  }

  async function load(cursor) {
    mount(tbody, h("tr", null, h("td", { colspan: "7", class: "empty" }, "正在加载…")));
    try {
      const r = await api.get("/api/approval/v1/inbox", { query: { limit: PAGE, cursor, chain: chain.value, q: q.value } });
      items = r.items || [];
      selected.clear();
      pager.update(r.nextCursor, items.length);
      if (!items.length) {
        mount(tbody, h("tr", null, h("td", { colspan: "7", class: "empty", "data-role": "inbox-empty" }, q.value || chain.value ? "没有符合条件的待审批申请" : "暂无待审批的申请")));
      } else {
        mount(tbody, items.map(row));
      }
    } catch (e) {
      mount(tbody, h("tr", null, h("td", { colspan: "7", class: "empty" }, h("span", { class: "error" }, e.message))));
    }
    updateSelection();
  }

  function row(i) {
    const a = i.applicant || {};
    const box = h("input", { type: "checkbox", "aria-label": `选择：${i.title}`, "data-request": i.id });
    box.addEventListener("change", () => { if (box.checked) selected.add(i.id); else selected.delete(i.id); updateSelection(); });
    const href = `#/approvals/${encodeURIComponent(i.id)}`;
    return h("tr", { "data-request": i.id },
      h("td", { class: "check", "data-label": "选择" }, box),
      h("td", { "data-label": "申请" }, h("a", { href }, i.title), h("div", { class: "muted small" }, `提交于 ${fmtTime(i.createdAt)}`)),
      h("td", { "data-label": "申请人" }, a.name || "—", a.phoneMasked ? h("div", { class: "muted small" }, a.phoneMasked) : null),
      h("td", { "data-label": "审批类型" }, i.chainName || i.type),
      h("td", { "data-label": "当前环节" }, badge(i.stageName || `第 ${i.stage} 步`, "amber")),
      h("td", { "data-label": "等待时间", class: "nowrap" }, elapsed(i.since || i.createdAt),
        i.stale ? h("span", { "data-stale": "true", title: "当前环节等待时间已超过审批时限" }, " ", badge("超期", "red")) : null),
      h("td", { class: "actions", "data-label": "操作" }, h("a", { class: "btn btn-sm", href }, "审核")));
  }

  selectAll.addEventListener("change", () => {
    for (const i of items) { if (selectAll.checked) selected.add(i.id); else selected.delete(i.id); }
    for (const box of tbody.querySelectorAll("input[type=checkbox]")) box.checked = selected.has(box.dataset.request);
    updateSelection();
  });

  batchBtn.addEventListener("click", () => {
    const chosen = items.filter(i => selected.has(i.id));
    openDialog({
      title: `批量同意 ${chosen.length} 条申请`,
      body: h("div", null, h("p", null, "以下申请将逐条记录为“同意”，每条的结果会分别显示："),
        h("ul", { class: "outcomes" }, chosen.map(i => h("li", null, i.title)))),
      actions: [
        { label: "取消", onClick: (e, d) => d.close() },
        { label: "确认同意", class: "btn-primary", onClick: async (e, d) => {
          await busy(e.currentTarget, "正在提交…", async () => {
            try {
              const r = await api.post("/api/approval/v1/decisions", { items: chosen.map(i => ({ requestId: i.id, decision: "approve" })) });
              d.close();
              showOutcomes(r, chosen);
            } catch (err) {
              d.close();
              toast(err.message, "error");
            }
          });
        } },
      ],
    });
  });

  function showOutcomes(r, chosen) {
    const titles = new Map(chosen.map(i => [i.id, i.title]));
    openDialog({
      title: "批量审批结果",
      body: h("div", { "data-role": "batch-result" },
        h("p", null, `成功 ${r.succeeded} 条，失败 ${r.failed} 条。`),
        h("ul", { class: "outcomes" }, (r.items || []).map(item => h("li", { "data-request": item.requestId, "data-ok": String(item.ok) },
          item.ok ? badge("已同意", "green") : badge("未成功", "red"),
          h("span", null, titles.get(item.requestId) || item.requestId),
          item.ok ? h("span", { class: "muted small" }, item.result && item.result.status === "approved" ? "审批已全部通过" : "已记录，等待其他单位审批")
            : h("span", { class: "error" }, item.error ? item.error.message : "失败"))))),
      actions: [{ label: "知道了", class: "btn-primary", onClick: (e, d) => d.close() }],
    });
    window.dispatchEvent(new Event("inbox:changed"));
    pager.reset();
    load(null);
  }

  filters.addEventListener("submit", e => { e.preventDefault(); pager.reset(); load(null); });
  resetBtn.addEventListener("click", () => { chain.value = ""; q.value = ""; pager.reset(); load(null); });

  api.get("/api/approval/v1/chains").then(r => {
    chain.setOptions((r.items || []).map(c => ({ value: c.code, label: c.name })));
    if (query.chain) chain.value = query.chain;
  }).catch(() => {});
  await load(null);
}
