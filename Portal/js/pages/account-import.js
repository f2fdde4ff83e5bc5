// 机构导入 (platform operators; docs/accounts.md): upload a CSV (UTF-8, GB18030/GBK) or XLSX
// file, see the dry run with every refused cell, then commit exactly the rows shown.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";

const COLUMNS = "机构名称、统一社会信用代码、行政区划代码（6位）、机构级别、机构类别、管理员姓名、管理员手机、管理员邮箱、项目";

export default function accountImport({ root }) {
  const input = h("input", { type: "file", id: "import-file", name: "file", accept: ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
  const run = h("button", { type: "button", class: "btn btn-primary", "data-role": "dry-run" }, "试导入");
  const error = h("div", { class: "form-error", role: "alert", hidden: true, tabindex: "-1" });
  const result = h("div", { "aria-live": "polite" });
  const fail = e => { error.textContent = e.message || "操作失败，请稍后再试"; error.hidden = false; error.focus(); };

  function show(res) {
    const committed = res.status === "committed";
    const commit = h("button", { type: "button", class: "btn btn-primary", "data-role": "commit", disabled: committed || res.errorCount > 0 || res.validCount === 0 },
      committed ? "已导入" : `确认导入 ${res.validCount} 家机构`);
    commit.addEventListener("click", () => busy(commit, "正在导入…", async () => {
      error.hidden = true;
      try { show(await api.post(`/api/identity/v1/account-imports/${encodeURIComponent(res.id)}/commit`)); } catch (e) { fail(e); }
    }));
    mount(result,
      h("div", { class: "card", "data-role": "import-summary", "data-status": res.status },
        h("h2", null, committed ? "导入完成" : "试导入结果"),
        h("p", null, `共 ${res.rowCount} 行：可导入 ${res.validCount} 行，错误 ${res.errorCount} 处`,
          res.encoding ? `（${res.format.toUpperCase()}，${res.encoding}）` : `（${res.format.toUpperCase()}）`),
        committed ? h("p", { class: "muted" }, "各机构管理员可在登录页“账号激活”中用登记的手机号激活账号。")
          : res.errorCount > 0 ? h("p", { class: "error" }, "请按下表修改文件后重新试导入；有错误时不会导入任何数据。") : null,
        commit),
      res.errors.length ? h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "import-errors" },
        h("caption", null, "错误明细"),
        h("thead", null, h("tr", null, ["行", "列", "内容", "说明"].map(t => h("th", { scope: "col" }, t)))),
        h("tbody", null, res.errors.map(e => h("tr", { "data-row": String(e.row) },
          h("td", { "data-label": "行" }, String(e.row)), h("td", { "data-label": "列" }, e.column),
          h("td", { "data-label": "内容", class: "mono" }, e.value), h("td", { "data-label": "说明" }, e.message)))))) : null,
      res.rows.length ? h("details", null, h("summary", null, `可导入的 ${res.rows.length} 行`),
        h("div", { class: "table-wrap" }, h("table", { class: "table table-stack", "data-role": "import-rows" },
          h("thead", null, h("tr", null, ["行", "机构名称", "地区", "管理员", "手机", "项目"].map(t => h("th", { scope: "col" }, t)))),
          h("tbody", null, res.rows.slice(0, 500).map(r => h("tr", null,
            h("td", null, String(r.row)), h("td", null, r.name), h("td", { class: "mono" }, r.regionCode),
            h("td", null, r.adminName), h("td", { class: "mono" }, r.adminPhone), h("td", null, (r.programs || []).join("、")))))))) : null);
  }

  run.addEventListener("click", () => busy(run, "正在检查…", async () => {
    error.hidden = true;
    const file = input.files && input.files[0];
    if (!file) { fail({ message: "请选择要导入的文件" }); return; }
    if (file.size > 5 * 1024 * 1024) { fail({ message: "文件不能超过 5 MB" }); return; }
    try { show(await api.post("/api/identity/v1/account-imports", file, { query: { name: file.name } })); } catch (e) { fail(e); }
  }));

  mount(root,
    h("div", { class: "page-head", "data-page": "account-import" },
      h("div", null, h("h1", null, "机构导入"), h("p", { class: "sub" }, "导入旧系统中已有的医疗机构及其管理员，先试导入检查，确认无误后导入。"))),
    h("div", { class: "card" },
      error,
      h("p", null, `文件格式：CSV（UTF-8 或 GB18030/GBK）或 XLSX，不超过 5 MB、5000 行；第一行为表头：${COLUMNS}。`),
      h("div", { class: "field" }, h("label", { for: "import-file" }, "导入文件"), input),
      run),
    result);
}
