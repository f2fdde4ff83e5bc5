// 病例登记 of a program's period (the stroke year): the year's row (counts, 附件4, submission),
// 模板下载, 数据导入 (dry run with the row errors and conflicts, then commit) and 病例管理 (list,
// query by admission number, add, edit, delete). Identifiers come masked from the server.
import { h, mount } from "../dom.js";
import { api, upload } from "../api.js";
import { field } from "../components/field.js";
import { cursorPager } from "../components/pagination.js";
import { openDialog, confirmDialog } from "../components/dialog.js";
import { toast } from "../components/toast.js";
import { API, downloadFile, statusBadge } from "../reporting/common.js";

export default async function registryYear({ root, params, alive }) {
  const { program, period } = params;
  let registries;
  try {
    registries = (await api.get(`${API}/registries`, { query: { program, period } })).items || [];
  } catch (e) {
    mount(root, h("p", { class: "error" }, e.message));
    return;
  }
  if (!alive()) return;
  let current = registries[0];
  const yearBox = h("section", { class: "card", "data-role": "year" });
  const importBox = h("div", { "data-role": "import-result" });
  const listBox = h("div", { "data-role": "cases" });
  const pager = cursorPager(loadCases);
  const registry = field({ label: "登记表", name: "registry", options: registries.map(r => ({ value: r.code, label: r.name })), placeholderOption: false });
  const admission = field({ label: "住院号", name: "admission", placeholder: "住院号（前缀）" });
  const fileInput = h("input", { type: "file", accept: ".csv,.xlsx", "data-role": "import-file", "aria-label": "导入文件" });
  const clearBlanks = h("input", { type: "checkbox", "data-role": "clear-blanks" });

  async function loadYear() {
    let y;
    try { y = await api.get(`${API}/registry-years/${encodeURIComponent(program)}/${encodeURIComponent(period)}`); } catch (e) {
      mount(yearBox, h("p", { class: "error" }, e.message));
      return;
    }
    if (!alive()) return;
    const scan = h("input", { type: "file", accept: ".pdf,.jpg,.jpeg,.png", "data-role": "scan-file", "aria-label": "附件4（扫描版）" });
    scan.addEventListener("change", async () => {
      if (!scan.files[0]) return;
      try {
        const doc = await upload("/api/documents/v1/documents", scan.files[0], { query: { kind: y.scanKind, object: y.scanObject } });
        await api.put(`${API}/registry-years/${encodeURIComponent(program)}/${encodeURIComponent(period)}/scan`, { documentId: doc.id });
        toast("附件4已上传", "success");
      } catch (e) { toast(e.message, "error"); }
      loadYear();
    });
    const submit = h("button", { type: "button", class: "btn btn-primary", "data-role": "submit-year", disabled: y.status === "submitted" }, "提交");
    submit.addEventListener("click", async () => {
      const noCases = y.lists.filter(l => l.count === 0).map(l => l.registry);
      if (noCases.length && !(await confirmDialog("确认提交", `${noCases.map(c => registries.find(r => r.code === c)?.shortName || c).join("、")}本年度为0例，确认提交？`))) return;
      try {
        await api.post(`${API}/registry-years/${encodeURIComponent(program)}/${encodeURIComponent(period)}/submit`, { noCases });
        toast("已提交", "success");
      } catch (e) { toast(e.message, "error"); }
      loadYear();
      loadCases(null);
    });
    mount(yearBox,
      h("div", { class: "toolbar" }, h("strong", null, `${period}年度`), " ", h("span", { "data-role": "counts" }, y.countsLabel), " ",
        statusBadge(y.status === "submitted" ? "submitted" : "draft", y.statusLabel)),
      y.scanRequired ? h("p", null, "附件4（扫描版）：", y.scanDocumentId ? h("span", { "data-role": "scan-done" }, "已上传 ") : "未上传 ",
        y.status === "submitted" ? null : scan) : null,
      y.missing.length && y.status !== "submitted"
        ? h("ul", { class: "muted", "data-role": "year-missing" }, y.missing.map(m => h("li", null, m))) : null,
      y.status === "submitted" ? null : submit);
  }

  async function dryRun() {
    const file = fileInput.files[0];
    if (!file) { toast("请选择要导入的文件", "error"); return; }
    mount(importBox, h("p", { class: "muted" }, "正在预检…"));
    let r;
    try {
      r = await api.post(`${API}/registries/${encodeURIComponent(current.code)}/imports`, file,
        { query: { period, filename: file.name, clear_blanks: clearBlanks.checked ? "1" : "" } });
    } catch (e) {
      mount(importBox, h("p", { class: "error", "data-role": "import-error" }, e.message));
      return;
    }
    const s = r.summary;
    const commit = h("button", { type: "button", class: "btn btn-primary", "data-role": "commit", disabled: !(s.created || s.updated) }, "确认导入");
    commit.addEventListener("click", async () => {
      try {
        await api.post(`${API}/imports/${encodeURIComponent(r.importId)}/commit`, {});
        mount(importBox, h("p", { "data-role": "committed" }, `已导入：新增 ${s.created} 例，更新 ${s.updated} 例。`));
        loadYear();
        pager.reset();
        loadCases(null);
      } catch (e) { toast(e.message, "error"); }
    });
    mount(importBox,
      h("p", { "data-role": "summary" },
        `预检结果：读取 ${s.rowsRead} 行，新增 ${s.created}，更新 ${s.updated}，无变化 ${s.unchanged}，拒绝 ${s.rejected}，冲突 ${s.conflicts}。`),
      r.errors.length ? h("div", { class: "table-wrap" }, h("table", { class: "table", "data-role": "row-errors" },
        h("thead", null, h("tr", null, ["行", "列", "值", "问题"].map(t => h("th", null, t)))),
        h("tbody", null, r.errors.map(e => h("tr", null, h("td", null, String(e.row)), h("td", null, e.column), h("td", null, e.value), h("td", null, e.message)))))) : null,
      r.errorsTotal > r.errors.length ? h("p", { class: "muted" }, `另有 ${r.errorsTotal - r.errors.length} 条问题未列出`) : null,
      r.conflicts.length ? h("div", { class: "table-wrap" }, h("table", { class: "table", "data-role": "conflicts" },
        h("thead", null, h("tr", null, ["行", "住院号", "已登记在", "说明"].map(t => h("th", null, t)))),
        h("tbody", null, r.conflicts.map(c => h("tr", null, h("td", null, String(c.row)), h("td", null, c.admissionNo), h("td", null, c.list), h("td", null, c.message)))))) : null,
      commit);
  }

  function caseDialog(existing) {
    const fields = current.fields.map(f => {
      const value = existing ? (f.identifier ? existing.personal[f.code] : f.key ? existing.admissionNo : existing.values[f.code]) : "";
      return { def: f, f: field({ label: f.label, name: f.code, required: f.required, value: value ?? "", readonly: Boolean(existing && f.key),
        options: f.type === "choice" ? f.choices.map(c => ({ value: c, label: c })) : undefined, hint: f.help || undefined }) };
    });
    const dlg = openDialog({
      title: existing ? "编辑病例" : "增加病例", wide: true, body: h("div", { class: "grid-2" }, fields.map(x => x.f.el)),
      actions: [
        { label: "取消", onClick: () => dlg.close() },
        { label: "保存", class: "btn-primary", onClick: async () => {
          const values = {};
          for (const { def, f } of fields) {
            if (existing && def.key) continue;
            const v = f.value;
            if (existing) values[def.code] = v === "" ? null : v; else if (v !== "") values[def.code] = v;
          }
          try {
            if (existing) await api.put(`${API}/cases/${encodeURIComponent(existing.id)}`, { values });
            else await api.post(`${API}/registries/${encodeURIComponent(current.code)}/cases`, { period, values });
            dlg.close();
            toast("已保存", "success");
            loadYear();
            loadCases(pager.cursor);
          } catch (e) {
            const details = e.body && e.body.error && e.body.error.details;
            const target = code => fields.find(y => y.def.code === code);
            if (details) for (const d of details) { const x = target(d.field); if (x) x.f.setError(d.message); }
            else if (e.field && target(e.field)) target(e.field).f.setError(e.message);
            else toast(e.message, "error");
          }
        } },
      ],
    });
  }

  async function loadCases(cursor) {
    let page;
    try {
      page = await api.get(`${API}/registries/${encodeURIComponent(current.code)}/cases`, { query: { period, admission: admission.value, limit: 20, cursor } });
    } catch (e) {
      mount(listBox, h("p", { class: "error" }, e.message));
      return;
    }
    if (!alive()) return;
    pager.update(page.nextCursor, page.items.length);
    const shown = current.fields.filter(f => !f.key).slice(0, 8);
    mount(listBox, h("p", { "data-role": "total" }, `共${page.total}条数据`),
      page.items.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack" },
        h("thead", null, h("tr", null, ["住院号", ...shown.map(f => f.label), "操作"].map(t => h("th", null, t)))),
        h("tbody", null, page.items.map(c => {
          const edit = h("button", { type: "button", class: "btn btn-sm", "data-role": "edit" }, "编辑");
          edit.addEventListener("click", async () => caseDialog(await api.get(`${API}/cases/${encodeURIComponent(c.id)}`)));
          const del = h("button", { type: "button", class: "btn btn-sm", "data-role": "delete" }, "删除");
          del.addEventListener("click", async () => {
            if (!(await confirmDialog("删除病例", `确认删除住院号 ${c.admissionNo} 的病例？`, { danger: true }))) return;
            try { await api.del(`${API}/cases/${encodeURIComponent(c.id)}`); loadYear(); loadCases(pager.cursor); } catch (e) { toast(e.message, "error"); }
          });
          return h("tr", { "data-case": c.admissionNo },
            h("td", { "data-label": "住院号" }, c.admissionNo),
            shown.map(f => h("td", { "data-label": f.label }, (f.identifier ? c.personal[f.code] : c.values[f.code]) || "")),
            h("td", { "data-label": "操作", class: "nowrap" }, edit, " ", del));
        })))) : null, pager.el);
  }

  registry.input.addEventListener("change", () => {
    current = registries.find(r => r.code === registry.value) || registries[0];
    mount(importBox);
    pager.reset();
    loadCases(null);
  });
  const search = h("button", { type: "button", class: "btn", "data-role": "search" }, "查询");
  search.addEventListener("click", () => { pager.reset(); loadCases(null); });
  const add = h("button", { type: "button", class: "btn btn-primary", "data-role": "add" }, "+ 增加病例");
  add.addEventListener("click", () => caseDialog(null));
  const check = h("button", { type: "button", class: "btn btn-primary", "data-role": "dry-run" }, "上传并预检");
  check.addEventListener("click", dryRun);
  const base = `${API}/registries`;
  const dateShift = h("input", { type: "checkbox", "data-role": "date-shift" });

  mount(root,
    h("div", { class: "page-head", "data-page": "registry-year" },
      h("div", null, h("h1", null, "病例登记"), h("p", { class: "sub" }, "必须在线下载最新模板才可以成功导入数据；同一个住院号只允许导入一次，重复的可人工录入。"))),
    yearBox,
    h("section", { class: "card", "data-role": "templates" }, h("h2", null, "模板下载"),
      h("div", { class: "toolbar" },
        h("button", { type: "button", class: "btn", "data-role": "zip", onclick: () => downloadFile(`${API}/registry-years/${encodeURIComponent(program)}/${encodeURIComponent(period)}/templates.zip`, "templates.zip") }, "一键下载"),
        registries.map(r => h("button", { type: "button", class: "btn btn-sm", onclick: () => downloadFile(`${base}/${r.code}/template.xlsx?period=${encodeURIComponent(period)}`, `${r.code}.xlsx`) }, `${r.shortName}模板`)))),
    h("div", { class: "filters grid-2" }, registry.el),
    h("section", { class: "card" }, h("h2", null, "数据导入"),
      h("div", { class: "toolbar" }, fileInput, h("label", null, clearBlanks, " 空白单元格清空已有值"), check), importBox),
    h("section", { class: "card" }, h("h2", null, "病例管理"),
      h("div", { class: "toolbar" }, admission.el, search, add,
        h("label", { title: "每个病例的日期统一前移0–364天（同一病例每次相同），住院号以序号代替" }, dateShift, " 日期偏移"),
        h("button", { type: "button", class: "btn", "data-role": "export", onclick: () => downloadFile(`${base}/${current.code}/export.xlsx?period=${encodeURIComponent(period)}${dateShift.checked ? "&date_shift=1" : ""}`, "export.xlsx") }, "导出（不含个人信息）")),
      listBox));
  await Promise.all([loadYear(), loadCases(null)]);
}
