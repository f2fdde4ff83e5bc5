// Shared by the reporting pages: status labels, hospital roles, value checks as the user types
// (the server checks again on save and submit), CSV download.
import { h } from "../dom.js";
import { fetchBlob } from "../api.js";
import { badge } from "../components/badge.js";
import { toast } from "../components/toast.js";

export const API = "/api/reporting/v1";
const HOSPITAL_ROLES = new Set(["institution_admin", "specialty_admin", "data_entry"]);

export function isHospital(u) { return (u && u.roles ? u.roles : []).some(r => HOSPITAL_ROLES.has(r.role)); }
export function isInstitutionAdmin(u) { return (u && u.roles ? u.roles : []).some(r => r.role === "institution_admin"); }

const TONES = {
  not_started: "gray", in_progress: "blue", submitted: "blue", under_review: "amber", returned: "red",
  accepted: "green", overdue: "red", draft: "blue",
};
export function statusBadge(code, label) {
  const el = badge(label || code, TONES[code] || "gray");
  el.dataset.status = code;
  return el;
}

export const PERIOD_TYPES = { week: "周报", month: "月报", quarter: "季报", year: "年报" };

export function formRoute(program, form, period) {
  return `#/reporting/form/${encodeURIComponent(program)}/${encodeURIComponent(form)}/${encodeURIComponent(period)}`;
}

/** The value as the input shows it. */
export function shown(value) { return value === null || value === undefined ? "" : String(value); }

function decimalsOf(s) { const i = s.indexOf("."); return i < 0 ? 0 : s.length - i - 1; }

/** What is wrong with `raw` for indicator `ind` (null when fine or empty). */
export function checkValue(ind, raw) {
  const s = raw.trim();
  if (!s) return null;
  const bounds = n => {
    if (ind.min !== null && ind.min !== undefined && n < Number(ind.min)) return `${ind.name}不能小于${ind.min}`;
    if (ind.max !== null && ind.max !== undefined && n > Number(ind.max)) return `${ind.name}不能大于${ind.max}`;
    return null;
  };
  switch (ind.type) {
    case "integer":
      if (!/^-?\d+$/.test(s)) return `${ind.name}须为整数`;
      return bounds(Number(s));
    case "decimal":
    case "percent":
      if (!/^-?\d+(\.\d+)?$/.test(s)) return `${ind.name}须为数字`;
      if (decimalsOf(s) > ind.decimals) return `${ind.name}最多保留${ind.decimals}位小数`;
      return bounds(Number(s));
    case "date": {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${ind.name}须为日期（YYYY-MM-DD）`;
      const d = new Date(`${s}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) return `${ind.name}不是有效日期`;
      return null;
    }
    case "choice":
      return ind.choices && !ind.choices.includes(s) ? `${ind.name}须从选项中选择` : null;
    default:
      return s.length > 200 ? `${ind.name}不能超过200个字` : null;
  }
}

/** Rules Σ left ≤ right broken by the values typed so far: [{fields, message}]. */
export function brokenRules(rules, valueOf) {
  const out = [];
  for (const r of rules || []) {
    const nums = r.fields.map(f => valueOf(f));
    if (nums.some(v => v === null || Number.isNaN(v))) continue;
    const right = nums[nums.length - 1];
    const left = nums.slice(0, -1).reduce((a, b) => a + b, 0);
    if (left > right) out.push(r);
  }
  return out;
}

/** Downloads a file the server makes, under the name its Content-Disposition gives; a failure
 *  is toasted. */
export async function downloadFile(path, fallbackName) {
  try {
    const file = await fetchBlob(path, { fallbackName });
    const url = URL.createObjectURL(file.blob);
    const a = h("a", { href: url, download: file.fileName, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (e) {
    toast(e.message, "error");
  }
}

/** Downloads a report's CSV (UTF-8 with BOM, made by the server). */
export function downloadCSV(reportId, fallbackName) {
  return downloadFile(`${API}/reports/${encodeURIComponent(reportId)}/export.csv`, fallbackName);
}

export function fmtDate(value) {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const p = n => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function subNav(current) {
  const link = (href, label, key) => h("a", { class: `btn btn-sm ${current === key ? "btn-primary" : ""}`.trim(), href, "aria-current": current === key ? "page" : undefined }, label);
  return h("div", { class: "toolbar", "data-role": "reporting-nav" },
    link("#/reporting", "待填报", "due"), link("#/reporting/history", "报表查询", "history"), link("#/reporting/programs", "项目报名", "programs"));
}
