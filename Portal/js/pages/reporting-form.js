// 填报表单: one report of a program's form and period. Indicators by category, messages as the
// user types (type, bounds, decimals, cross-field rules), 保存 (a partial draft; the server
// answers per field), 提交 (the complete list of what is missing, each entry taking the user to
// its field), the read-only view with the reason, the reviewer's opinion when returned, 编辑日志,
// 申请修改 and the CSV.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { openDialog } from "../components/dialog.js";
import { toast } from "../components/toast.js";
import { badge } from "../components/badge.js";
import { API, statusBadge, shown, checkValue, brokenRules, downloadCSV, fmtDate } from "../reporting/common.js";
import { formImportSection } from "./reporting-form-import.js";

const REASON_MAX = 200;

function fmtValue(v) { return v === null || v === undefined || v === "" ? "（空）" : String(v); }

export default async function reportingForm({ root, params, alive }) {
  let view = null;

  async function load() {
    if (params.id) return api.get(`${API}/reports/${encodeURIComponent(params.id)}`);
    const path = `${API}/programs/${encodeURIComponent(params.program)}/forms/${encodeURIComponent(params.form)}/periods/${encodeURIComponent(params.period)}`;
    const v = await api.get(path);
    if (v.report || v.readOnly) return v;
    // Not started yet and open: the draft is opened on first visit.
    return api.post(`${API}/reports`, { program: params.program, form: params.form, period: params.period });
  }

  try {
    view = await load();
  } catch (e) {
    if (alive()) mount(root, h("div", { class: "card" }, h("h1", null, "无法打开报表"), h("p", { class: "error" }, e.message),
      h("a", { class: "btn", href: "#/reporting" }, "返回数据填报")));
    return;
  }
  if (!alive()) return;

  const inputs = new Map(); // code → {ind, input, error}
  const missingBox = h("div", { class: "notice error", hidden: true, "data-role": "missing", role: "alert", tabindex: "-1" });
  const rulesBox = h("div", { class: "notice warn", hidden: true, "data-role": "rule-problems", "aria-live": "polite" });

  function reportId() { return view.report && view.report.id; }

  function setError(code, message) {
    const f = inputs.get(code);
    if (!f) return;
    f.error.textContent = message || "";
    if (message) f.input.setAttribute("aria-invalid", "true"); else f.input.removeAttribute("aria-invalid");
  }

  function numberOf(code) {
    const f = inputs.get(code);
    const raw = f ? f.input.value.trim() : "";
    if (!raw) {
      const ind = view.indicators.find(i => i.code === code);
      return ind && ind.value !== null && ind.value !== undefined && ind.value !== "" ? Number(ind.value) : null;
    }
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  }

  function checkRules() {
    const broken = brokenRules(view.rules, numberOf);
    rulesBox.hidden = !broken.length;
    mount(rulesBox, broken.map(r => h("div", { "data-rule": r.fields.join(",") }, r.message)));
    return broken;
  }

  function focusField(code) {
    const f = inputs.get(code);
    if (!f) return;
    f.input.scrollIntoView({ block: "center" });
    f.input.focus({ preventScroll: true });
  }

  function changedValues() {
    const out = {};
    for (const [code, f] of inputs) {
      if (f.ind.computed) continue;
      const now = f.input.value.trim();
      if (now !== shown(f.ind.value) || (view.carried || {})[code]) out[code] = now === "" ? null : now;
    }
    return out;
  }

  function changedComments() {
    const out = {};
    for (const [code, f] of inputs) {
      if (!f.comment || f.comment.disabled) continue;
      const now = f.comment.value.trim();
      if (now !== ((view.comments || {})[code] || "")) out[code] = now === "" ? null : now;
    }
    return out;
  }

  function showProblems(problems) {
    for (const p of problems || []) {
      if (p.code === "rule_violation") continue;
      setError(p.field, p.message);
    }
  }

  function input(ind, readOnly) {
    const id = `ind-${ind.code}`;
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const common = { id, name: ind.code, "data-indicator": ind.code, "aria-describedby": `${hintId} ${errorId}` };
    let el;
    if (ind.type === "choice" && ind.choices) {
      el = h("select", common, h("option", { value: "" }, "请选择"), ind.choices.map(c => h("option", { value: c }, c)));
    } else {
      const type = ind.type === "date" ? "date" : "text";
      const mode = ["integer"].includes(ind.type) ? "numeric" : ["decimal", "percent"].includes(ind.type) ? "decimal" : undefined;
      el = h("input", { ...common, type, inputmode: mode, autocomplete: "off" });
    }
    el.value = shown(ind.value);
    if (readOnly || ind.computed) { el.disabled = true; }
    const error = h("div", { class: "error", id: errorId, role: "alert" });
    const hintText = [ind.computed ? `自动计算：${ind.formula}` : null, ind.unit ? `单位：${ind.unit}` : null,
      ind.min !== null && ind.min !== undefined ? `最小 ${ind.min}` : null, ind.max !== null && ind.max !== undefined ? `最大 ${ind.max}` : null,
      ind.help && ind.help !== ind.formula && !(ind.computed && ind.help.includes(ind.formula || "\u0000")) ? ind.help : null].filter(Boolean).join("；");
    const f = { ind, input: el, error };
    inputs.set(ind.code, f);
    // Outlier / plausibility warnings (never block) and the 说明 next to the field.
    const warns = (view.warnings || []).filter(w => w.field === ind.code);
    const said = (view.comments || {})[ind.code] || "";
    let note = null;
    const carriedFrom = (view.carried || {})[ind.code];
    const carriedNote = carriedFrom ? h("div", { class: "hint", "data-carried": ind.code }, `沿用上期（${carriedFrom}）的数值，请核对；保存即确认`) : null;
    if (warns.length || said) {
      const cid = `${id}-comment`;
      f.comment = h("textarea", { id: cid, "data-comment": ind.code, maxlength: "200", rows: "2" });
      f.comment.value = said;
      if (readOnly) f.comment.disabled = true;
      note = h("div", { class: "value-note", "data-warnings": ind.code },
        warns.map(w => h("div", { class: "notice warn small", "data-warning": w.code }, w.message,
          w.history ? `（近${w.history.length}期：${w.history.map(p => p.value).join("、")}）` : "")),
        h("label", { for: cid, class: "small" }, warns.some(w => w.commentRequired) ? "说明（必填，最多200字）" : "说明（最多200字）"),
        f.comment);
    }
    const check = () => {
      setError(ind.code, checkValue(ind, el.value));
      checkRules();
    };
    el.addEventListener("input", check);
    el.addEventListener("change", check);
    return h("div", { class: "field", "data-field": ind.code },
      h("label", { for: id }, h("span", { class: "mono muted small" }, ind.code), " ", ind.name,
        ind.required && !ind.computed ? h("span", { class: "req", "aria-hidden": "true" }, "*") : null),
      el, hintText ? h("div", { class: "hint", id: hintId }, hintText) : null, carriedNote, error, note);
  }

  async function save(button, quiet) {
    const values = changedValues();
    const comments = changedComments();
    if (!Object.keys(values).length && !Object.keys(comments).length) { if (!quiet) toast("没有需要保存的修改"); return true; }
    try {
      const answer = await api.put(`${API}/reports/${encodeURIComponent(reportId())}/values`, { values, comments });
      const typed = new Map([...inputs].map(([c, f]) => [c, f.input.value]));
      view = answer;
      render();
      // keep what the user typed for the fields that were refused, with their messages
      const refused = new Set((answer.problems || []).filter(p => p.code !== "rule_violation").map(p => p.field));
      for (const code of refused) { const f = inputs.get(code); if (f) f.input.value = typed.get(code) || ""; }
      showProblems(answer.problems);
      checkRules();
      if (!quiet) toast(answer.problems && answer.problems.length ? `已保存 ${answer.saved} 项，${answer.problems.length} 项有误未保存` : "草稿已保存", answer.problems && answer.problems.length ? "error" : "success");
      return !(answer.problems || []).some(p => p.code !== "rule_violation");
    } catch (e) {
      toast(e.message, "error");
      return false;
    }
  }

  async function submit(button) {
    if (!(await save(button, true))) { toast("有填写错误的项，请先修改", "error"); return; }
    try {
      view = await api.post(`${API}/reports/${encodeURIComponent(reportId())}/submit`);
      render();
      toast(view.status === "under_review" ? "已提交，等待审核" : "已提交", "success");
    } catch (e) {
      const details = e.body && e.body.error && e.body.error.details;
      if (e.code === "submission_incomplete" && details) {
        mount(missingBox, h("strong", null, e.message), h("ul", { class: "missing-list" }, details.map(d => {
          const link = h("button", { type: "button", class: "btn-link", "data-missing": d.field }, `${d.category ? `${d.category} · ` : ""}${d.name}（${d.field}）`);
          link.addEventListener("click", () => focusField(d.field));
          return h("li", null, link, "：", d.message);
        })));
        missingBox.hidden = false;
        for (const d of details) setError(d.field, d.message);
        missingBox.focus();
      } else {
        toast(e.message, "error");
      }
    }
  }

  function editLog() {
    const body = h("div", null, h("p", { class: "loading" }, "正在加载…"));
    openDialog({ title: "编辑日志", body, wide: true, actions: [{ label: "关闭", onClick: (e, d) => d.close() }] });
    api.get(`${API}/reports/${encodeURIComponent(reportId())}/edits`, { query: { limit: 100 } }).then(page => {
      const items = page.items || [];
      const reopened = view.reopenedAt ? new Date(view.reopenedAt) : null;
      mount(body, items.length ? h("div", { class: "table-wrap" }, h("table", { class: "table", "data-role": "edit-log-table" },
        h("thead", null, h("tr", null, ["时间", "指标", "原值", "新值", "修改人", ""].map(t => h("th", null, t)))),
        h("tbody", null, items.map(e => h("tr", { "data-edit": e.indicator },
          h("td", { class: "nowrap" }, fmtDate(e.at)), h("td", null, `${e.indicator} ${e.indicatorName}`),
          h("td", null, fmtValue(e.old)), h("td", null, fmtValue(e.new)),
          h("td", null, e.source === "computed" ? "自动计算" : e.actorName),
          h("td", null, reopened && new Date(e.at) >= reopened ? badge("重新开放后", "amber") : null))))))
        : h("p", { class: "muted" }, "暂无修改记录"), page.nextCursor ? h("p", { class: "muted small" }, "仅显示最早的 100 条") : null);
    }).catch(e => mount(body, h("p", { class: "error" }, e.message)));
  }

  function modificationDialog() {
    const id = "modification-reason";
    const text = h("textarea", { id, rows: 5, "aria-describedby": `${id}-count ${id}-error`, "data-role": "reason" });
    const count = h("div", { class: "hint", id: `${id}-count` }, `0/${REASON_MAX}`);
    const error = h("div", { class: "error", id: `${id}-error`, role: "alert" });
    const update = () => {
      const n = [...text.value.trim()].length;
      count.textContent = `${n}/${REASON_MAX}`;
      error.textContent = n > REASON_MAX ? `申请修改的理由不能超过${REASON_MAX}个字` : "";
    };
    text.addEventListener("input", update);
    openDialog({
      title: "申请修改",
      body: h("div", null, h("p", { class: "muted" }, "提交后须经审核单位批准，批准后报表重新开放，可修改后再次提交。"),
        h("div", { class: "field" }, h("label", { for: id }, "修改理由", h("span", { class: "req", "aria-hidden": "true" }, "*")), text, count, error)),
      actions: [
        { label: "取消", onClick: (e, d) => d.close() },
        { label: "提交申请", class: "btn-primary", onClick: async (e, d) => {
          const reason = text.value.trim();
          if (!reason) { error.textContent = "请填写申请修改的理由"; text.focus(); return; }
          await busy(e.currentTarget, "正在提交…", async () => {
            try {
              view = await api.post(`${API}/reports/${encodeURIComponent(reportId())}/modification`, { reason });
              d.close();
              render();
              toast("已提交申请修改，等待审批", "success");
            } catch (err) {
              error.textContent = err.message;
              text.focus();
            }
          });
        } },
      ],
    });
  }

  function render() {
    inputs.clear();
    const readOnly = view.readOnly;
    const notices = [];
    if (view.lock) notices.push(h("div", { class: "notice warn", "data-role": "lock", "data-lock": view.lock.code }, h("strong", null, "只读："), view.lock.message));
    if (view.review && view.review.status === "returned") {
      notices.push(h("div", { class: "notice error", "data-role": "review-opinion" }, h("strong", null, "已退回："),
        `审核意见：${view.review.opinion || "（无）"}。请修改后重新提交。`));
    }
    if (view.modification) {
      const m = view.modification;
      notices.push(h("div", { class: `notice ${m.status === "rejected" ? "error" : ""}`.trim(), "data-role": "modification" },
        h("strong", null, `${m.statusLabel}：`), `理由：${m.reason || ""}`, m.opinion ? `；审核意见：${m.opinion}` : ""));
    }
    if (view.carried && Object.keys(view.carried).length && !readOnly) {
      notices.push(h("div", { class: "notice warn", "data-role": "carried" }, h("strong", null, "沿用上期："),
        `${Object.keys(view.carried).length} 项数值沿用了上一个已通过期间的数据，请逐项核对，保存草稿即确认。`));
    }
    if (view.status === "overdue" && !readOnly) notices.push(h("div", { class: "notice warn" }, "该期已过截止日期，本项目允许逾期填报，提交后将记为逾期。"));

    const categories = [];
    for (const ind of view.indicators) {
      let c = categories.find(x => x.name === ind.category);
      if (!c) { c = { name: ind.category, items: [] }; categories.push(c); }
      c.items.push(ind);
    }
    const sections = categories.map(c => h("fieldset", { class: "card indicator-group", "data-category": c.name },
      h("legend", null, c.name), h("div", { class: "grid-3 indicator-grid" }, c.items.map(ind => input(ind, readOnly)))));

    const actions = [];
    if (view.report && !readOnly) {
      const saveBtn = h("button", { type: "button", class: "btn", "data-role": "save" }, "保存草稿");
      saveBtn.addEventListener("click", () => busy(saveBtn, "正在保存…", () => save(saveBtn, false)));
      const submitBtn = h("button", { type: "button", class: "btn btn-primary", "data-role": "submit" }, "提交");
      submitBtn.addEventListener("click", () => busy(submitBtn, "正在提交…", () => submit(submitBtn)));
      actions.push(saveBtn, submitBtn);
    }
    if (view.canRequestModification) {
      const mod = h("button", { type: "button", class: "btn", "data-role": "request-modification" }, "申请修改");
      mod.addEventListener("click", modificationDialog);
      actions.push(mod);
    }
    if (view.report) {
      const log = h("button", { type: "button", class: "btn", "data-role": "edit-log" }, "编辑日志");
      log.addEventListener("click", editLog);
      const csv = h("button", { type: "button", class: "btn", "data-role": "csv" }, "导出CSV");
      csv.addEventListener("click", () => downloadCSV(reportId(), `report-${view.period}.csv`));
      actions.push(log, csv);
    }
    missingBox.hidden = true;
    rulesBox.hidden = true;
    const w = view.window;
    mount(root,
      h("div", { class: "crumbs" }, h("a", { href: "#/reporting" }, "数据填报"), ` / ${view.program.name}`),
      h("div", { class: "page-head", "data-page": "reporting-form", "data-report": reportId() || "" },
        h("div", null, h("h1", null, `${view.form.name} · ${view.periodLabel}`),
          h("p", { class: "sub" }, statusBadge(view.status, view.statusLabel), "　", `指标版本：${view.version.name}`,
            w ? `　截止日期：${w.deadline}` : ""))),
      notices, missingBox, rulesBox,
      sections,
      formImportSection(view, async () => { view = await load(); render(); }),
      actions.length ? h("div", { class: "form-actions sticky-actions" }, actions) : null);
    checkRules();
  }

  render();
}
