// Shared by the notice pages and the home page: who publishes, how a scope path reads, and a
// notice's body (HTML the reporting service already reduced to its allow-list: p, br, strong,
// em, ul, ol, li, h3, a[href http/https]).
import { h } from "../dom.js";
import { api } from "../api.js";

export const PUBLISHER_ROLES = new Set(["platform_operator", "national_centre", "national_specialty_centre", "provincial_centre"]);
export const canPublish = u => (u && u.roles ? u.roles : []).some(r => PUBLISHER_ROLES.has(r.role));

let provinces = null;
async function provinceNames() {
  if (!provinces) {
    provinces = api.get("/api/identity/v1/regions").then(r => new Map((r.items || []).map(p => [p.code, p.name]))).catch(() => new Map());
  }
  return provinces;
}

/** "86" → 全国, "86/33" → 浙江省, deeper paths as their province plus "下属范围". */
export async function scopeLabel(path) {
  if (!path || path === "86") return "全国";
  const parts = path.split("/");
  const names = await provinceNames();
  const province = names.get(parts[1]) || parts[1];
  return parts.length > 2 ? `${province}（部分范围）` : province;
}

/** The sanitized body (server-side allow-list) as nodes; links open in a new tab. */
export function noticeBody(html) {
  const box = h("div", { class: "notice-body", "data-role": "notice-body" });
  box.innerHTML = html || "";
  for (const a of box.querySelectorAll("a")) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
  return box;
}

/** A plain text typed without markup becomes paragraphs (escaped); markup is sent as written
 *  and the server keeps only what its allow-list permits. */
export function bodyFromEditor(text) {
  if (/<[a-z!/]/i.test(text)) return text;
  const esc = s => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return text.split(/\n\s*\n/).map(p => p.trim()).filter(Boolean).map(p => `<p>${esc(p).replace(/\n/g, "<br>")}</p>`).join("");
}
