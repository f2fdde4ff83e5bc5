// 模板下载 and 指标上传 on the report form (docs/form-templates.md): the form's template of the
// report's indicator version (.xlsx, .csv), then a filled one uploaded → the dry run (values
// read, changed, unchanged, rejected; the refused cells by row) → 确认导入, which saves exactly
// that as a draft. Called from reporting-form.js.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { toast } from "../components/toast.js";
import { API, download } from "../reporting/common.js";

function fmt(v) {
  if (!v) return "（空）";
  return v.num !== undefined && v.num !== null ? String(v.num) : String(v.txt ?? "");
}

/** The section for `view` (a FormView); `reload` re-reads and redraws the form after a commit. */
export function formImportSection(view, reload) {
  const q = `period=${encodeURIComponent(view.period)}`;
  const base = `${API}/programs/${encodeURIComponent(view.program.code)}/forms/${encodeURIComponent(view.form.code)}`;
  const name = `${view.form.code}-${view.version.code}`;
  const templates = h("div", { class: "toolbar", "data-role": "form-templates" },
    h("button", { type: "button", class: "btn btn-sm", "data-role": "template-xlsx",
      onclick: () => download(`${base}/template.xlsx?${q}`, { fallbackName: `${name}.xlsx` }) }, "模板下载（Excel）"),
    h("button", { type: "button", class: "btn btn-sm", "data-role": "template-csv",
      onclick: () => download(`${base}/template.csv?${q}`, { fallbackName: `${name}.csv` }) }, "模板下载（CSV）"));
  const editable = view.report && !view.readOnly;
  if (!editable) {
    return h("section", { class: "card", "data-role": "form-import" }, h("h2", null, "模板下载"), templates);
  }
  const id = `form-import-${view.report.id}`;
  const file = h("input", { type: "file", id, accept: ".xlsx,.csv", "data-role": "form-import-file" });
  const clearBlanks = h("input", { type: "checkbox", "data-role": "form-import-clear" });
  const box = h("div", { "data-role": "form-import-result", "aria-live": "polite" });
  const check = h("button", { type: "button", class: "btn btn-primary", "data-role": "form-import-dry-run" }, "上传并预检");

  async function dryRun() {
    const f = file.files[0];
    if (!f) { toast("请选择要上传的文件", "error"); return; }
    mount(box, h("p", { class: "muted" }, "正在预检…"));
    let r;
    try {
      r = await api.post(`${API}/reports/${encodeURIComponent(view.report.id)}/imports`, f,
        { query: { filename: f.name, clear_blanks: clearBlanks.checked ? "1" : "" } });
    } catch (e) {
      mount(box, h("p", { class: "error", "data-role": "form-import-error", role: "alert" }, e.message));
      return;
    }
    const s = r.summary;
    const commit = h("button", { type: "button", class: "btn btn-primary", "data-role": "form-import-commit",
      disabled: !(s.changed || s.commentsChanged) }, "确认导入");
    commit.addEventListener("click", () => busy(commit, "正在导入…", async () => {
      try {
        await api.post(`${API}/form-imports/${encodeURIComponent(r.importId)}/commit`, {});
        toast(`已导入：${s.changed} 项数值`, "success");
        await reload();
      } catch (e) { mount(box, h("p", { class: "error", "data-role": "form-import-error", role: "alert" }, e.message)); }
    }));
    mount(box,
      h("p", { "data-role": "form-import-summary" },
        `预检结果：读取 ${s.valuesRead} 项，变化 ${s.changed}，无变化 ${s.unchanged}，拒绝 ${s.rejected}` +
        (s.commentsChanged ? `，说明 ${s.commentsChanged} 条` : "") + "。确认后按草稿保存，可继续修改。"),
      r.errors.length ? h("div", { class: "table-wrap" }, h("table", { class: "table", "data-role": "form-import-errors" },
        h("thead", null, h("tr", null, ["行", "列", "值", "问题"].map(t => h("th", { scope: "col" }, t)))),
        h("tbody", null, r.errors.map(e => h("tr", null, h("td", null, String(e.row)), h("td", null, e.column),
          h("td", null, e.value), h("td", null, e.message)))))) : null,
      r.errorsTotal > r.errors.length ? h("p", { class: "muted" }, `另有 ${r.errorsTotal - r.errors.length} 条问题未列出`) : null,
      r.changes.length ? h("details", null, h("summary", null, `将修改的指标（${r.changes.length}）`),
        h("ul", { "data-role": "form-import-changes" }, r.changes.map(c => h("li", null, `${c.name}（${c.code}）：${fmt(c.old)} → ${fmt(c.new)}`)))) : null,
      commit);
  }
  check.addEventListener("click", () => busy(check, "正在预检…", dryRun));

  return h("section", { class: "card", "data-role": "form-import" },
    h("h2", null, "模板下载与指标上传"),
    h("p", { class: "sub" }, "Excel 模板是月度指标的首选上传方式：下载本期指标版本的模板，填写「填报值」后上传，预检无误再确认导入。指标版本变化后请下载最新模板。"),
    templates,
    h("div", { class: "toolbar" }, h("label", { for: id }, "指标上传："), file,
      h("label", null, clearBlanks, " 空白单元格清空已有值"), check),
    box);
}
