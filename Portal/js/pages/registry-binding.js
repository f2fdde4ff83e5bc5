// 绑定既往数据 (中国脑血管病登记): the institution's earlier years of the old system. The bound
// list with 解绑 (at once, no approval), the requests and their state at approval, and the
// search (keyword: 医院名称, 行政区划, 负责人, 联系电话) with a preview before 绑定. The server
// masks the head's name and phone, and keeps the search to the institution's province.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field } from "../components/field.js";
import { cursorPager } from "../components/pagination.js";
import { openDialog, confirmDialog } from "../components/dialog.js";
import { toast } from "../components/toast.js";
import { API, statusBadge, fmtDate } from "../reporting/common.js";

const TONES = { pending: "under_review", approved: "accepted", rejected: "returned", withdrawn: "not_started", unbound: "not_started" };

export default async function registryBinding({ root, query, alive }) {
  const program = query.program || "stroke_annual";
  const boundBox = h("section", { class: "card", "data-role": "bound" });
  const requestsBox = h("section", { class: "card", "data-role": "requests", hidden: true });
  const resultsBox = h("div", { "data-role": "results" });
  const pager = cursorPager(search);
  const keyword = field({ label: "关键词", name: "q", placeholder: "医院名称、行政区划、负责人或联系电话" });
  const searchBox = h("section", { class: "card", "data-role": "search", hidden: true });
  const yearsBox = h("section", { class: "card", "data-role": "years" });

  // 脑血管病登记: the institution's years, this platform's and the bound earlier ones
  async function loadYears() {
    let rows;
    try { rows = (await api.get(`${API}/registry-years/${encodeURIComponent(program)}`)).items; } catch (e) {
      mount(yearsBox, h("p", { class: "error" }, e.message));
      return;
    }
    if (!alive()) return;
    mount(yearsBox, h("h2", null, "本单位各年度数据"),
      rows.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "year-list" },
        h("thead", null, h("tr", null, ["年度", "上报情况", "来源", "状态"].map(t => h("th", null, t)))),
        h("tbody", null, rows.map(y => h("tr", { "data-year": y.id, "data-source": y.source },
          h("td", { "data-label": "年度" }, y.source === "platform"
            ? h("a", { href: `#/registry/${encodeURIComponent(program)}/${encodeURIComponent(y.period)}` }, `${y.period}年度`) : `${y.period}年度`),
          h("td", { "data-label": "上报情况" }, y.countsLabel),
          h("td", { "data-label": "来源" }, y.source === "history" ? `既往数据（${y.institutionName}）` : "本平台"),
          h("td", { "data-label": "状态" }, statusBadge(y.status === "submitted" ? "submitted" : "draft", y.statusLabel))))))) :
        h("p", { class: "muted" }, "暂无年度数据"));
  }

  const cells = r => [
    h("td", { "data-label": "医院名称" }, r.institutionName),
    h("td", { "data-label": "行政区划" }, r.regionName),
    h("td", { "data-label": "医院负责人姓名" }, r.headName),
    h("td", { "data-label": "联系电话" }, r.phone),
    h("td", { "data-label": "调查年度" }, r.period),
    h("td", { "data-label": "提交状态" }, r.statusLabel),
    h("td", { "data-label": "录入时间" }, fmtDate(r.enteredAt)),
  ];
  const HEAD = ["医院名称", "行政区划", "医院负责人姓名", "联系电话", "调查年度", "提交状态", "录入时间"];

  async function loadBindings() {
    let list;
    try { list = await api.get(`${API}/history-bindings`, { query: { program } }); } catch (e) {
      mount(boundBox, h("p", { class: "error" }, e.message));
      return;
    }
    if (!alive()) return;
    const bound = list.items.filter(b => b.status === "approved" && b.record);
    const others = list.items.filter(b => b.status !== "approved" && b.record);
    const start = h("button", { type: "button", class: "btn btn-primary", "data-role": "start" }, bound.length ? "继续绑定数据" : "立即绑定");
    start.addEventListener("click", () => { searchBox.hidden = false; keyword.input.focus(); });
    mount(boundBox, h("h2", null, "已绑定的数据"),
      bound.length
        ? h("p", { "data-role": "bound-count" }, `目前本单位已绑定${list.boundCount}条数据`)
        : h("div", { "data-role": "none-bound" },
          h("p", null, "本单位暂无绑定的数据，如以往填报过，可绑定既往填报数据以便完成以下操作。"),
          h("ol", null, h("li", null, "快速获取已报数据"), h("li", null, "核实已报数据，补充填报未报、漏报数据。"))),
      bound.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "bound-list" },
        h("thead", null, h("tr", null, [...HEAD, "上报病例", "操作"].map(t => h("th", null, t)))),
        h("tbody", null, bound.map(b => {
          const unbind = h("button", { type: "button", class: "btn btn-sm btn-danger", "data-role": "unbind" }, "解绑");
          unbind.addEventListener("click", async () => {
            if (!(await confirmDialog("解绑数据", `确认解绑 ${b.record.institutionName} ${b.record.period}年度的数据？解绑后绑定的数据将会被清除（不再显示在本单位）。`, { danger: true, confirmLabel: "解绑" }))) return;
            try {
              await api.post(`${API}/history-bindings/${encodeURIComponent(b.id)}/unbind`, {});
              toast("已解绑", "success");
            } catch (e) { toast(e.message, "error"); }
            loadBindings();
          });
          return h("tr", { "data-record": b.record.id }, cells(b.record),
            h("td", { "data-label": "上报病例" }, b.record.countsLabel), h("td", { "data-label": "操作" }, unbind));
        })))) : null,
      h("div", { class: "toolbar" }, start));
    requestsBox.hidden = !others.length;
    mount(requestsBox, others.length ? [h("h2", null, "绑定申请"),
      h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "request-list" },
        h("thead", null, h("tr", null, ["医院名称", "调查年度", "申请时间", "状态", "审批意见"].map(t => h("th", null, t)))),
        h("tbody", null, others.map(b => h("tr", { "data-binding": b.id, "data-record": b.record.id, "data-status": b.status },
          h("td", { "data-label": "医院名称" }, b.record.institutionName),
          h("td", { "data-label": "调查年度" }, b.record.period),
          h("td", { "data-label": "申请时间" }, fmtDate(b.requestedAt)),
          h("td", { "data-label": "状态" }, statusBadge(TONES[b.status] || "not_started", b.statusLabel)),
          h("td", { "data-label": "审批意见" }, b.opinion || "—"))))))] : null);
    if (!bound.length && !others.length) searchBox.hidden = false;
    loadYears();
  }

  async function preview(id) {
    let r;
    try { r = await api.get(`${API}/history-records/${encodeURIComponent(id)}`); } catch (e) { toast(e.message, "error"); return; }
    const rows = [["医院名称", r.institutionName], ["行政区划", r.regionName], ["医院负责人", r.headName || "—"], ["联系电话", r.phone || "—"],
      ["调查年度", r.period], ["提交状态", r.statusLabel], ["录入时间", fmtDate(r.enteredAt)], ["上报病例", r.countsLabel],
      ...Object.entries(r.summary || {}).sort().map(([k, v]) => [k, v])];
    const dlg = openDialog({
      title: "核对既往数据", wide: true,
      body: h("div", { "data-role": "preview" },
        h("p", { class: "muted" }, "请详细核对数据后再绑定，避免绑定错数据，或误绑定其他医院数据。绑定申请由省级质控中心审批，通过后可在“病例登记”中查看。"),
        h("table", { class: "table" }, h("tbody", null, rows.map(([k, v]) => h("tr", null, h("th", { scope: "row" }, k), h("td", null, v)))))),
      actions: [
        { label: "取消", onClick: () => dlg.close() },
        { label: "申请绑定", class: "btn-primary", onClick: async () => {
          try {
            await api.post(`${API}/history-records/${encodeURIComponent(id)}/binding`, {});
            dlg.close();
            toast("已提交绑定申请，等待省级质控中心审批", "success");
            loadBindings();
            search(pager.cursor);
          } catch (e) { toast(e.message, "error"); }
        } },
      ],
    });
  }

  async function search(cursor) {
    let page;
    try { page = await api.get(`${API}/history-records`, { query: { program, q: keyword.value, limit: 20, cursor } }); } catch (e) {
      mount(resultsBox, h("p", { class: "error" }, e.message));
      return;
    }
    if (!alive()) return;
    pager.update(page.nextCursor, page.items.length);
    mount(resultsBox, h("p", { "data-role": "found" }, `共帮你找到相关结果约 ${page.total} 个`),
      page.items.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "result-list" },
        h("thead", null, h("tr", null, [...HEAD, "操作"].map(t => h("th", null, t)))),
        h("tbody", null, page.items.map(r => {
          const bind = h("button", { type: "button", class: "btn btn-sm btn-primary", "data-role": "bind", disabled: r.state !== "unbound" },
            r.state === "pending" ? (r.mine ? "审批中" : "他人申请中") : "绑定");
          bind.addEventListener("click", () => preview(r.id));
          return h("tr", { "data-record": r.id }, cells(r), h("td", { "data-label": "操作" }, bind));
        })))) : null, pager.el);
  }

  const go = h("button", { type: "submit", class: "btn btn-primary", "data-role": "do-search" }, "搜索");
  const form = h("form", { class: "toolbar", onsubmit: e => { e.preventDefault(); pager.reset(); busy(go, null, () => search(null)); } }, keyword.el, go);
  mount(searchBox, h("h2", null, "查找既往数据"), form, resultsBox);
  mount(root,
    h("div", { class: "page-head", "data-page": "registry-binding" },
      h("div", null, h("h1", null, "绑定既往数据"),
        h("p", { class: "sub" }, "如果您单位既往上报过脑血管病诊疗数据，可采用此功能绑定；如果没有上报过，重新上报即可。绑定后的数据可在“病例登记”中查看；如果绑定错误，可解绑。"))),
    boundBox, requestsBox, searchBox, yearsBox);
  await loadBindings();
}
