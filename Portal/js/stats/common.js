// Shared by the statistics pages (stats-*.js): API path, default periods, node labels, CSV
// downloads made by the server (format=csv).
import { download } from "../reporting/common.js";

export const STATS = "/api/reporting/v1/stats";
export const READER_ROLES = ["city_commission", "provincial_centre", "national_centre", "national_specialty_centre"];
export const CENTRE_ROLES = ["provincial_centre", "national_centre", "national_specialty_centre"];

export function hasRole(u, roles) { return (u && u.roles ? u.roles : []).some(r => roles.includes(r.role)); }

/** The period before the current one, as the program keys it (a sensible default). */
export function defaultPeriod(type, back = 1) {
  const d = new Date();
  const y = d.getFullYear(), m = d.getMonth() + 1;
  if (type === "year") return String(y - back);
  if (type === "quarter") {
    let q = Math.floor((m - 1) / 3) + 1 - back, yy = y;
    while (q < 1) { q += 4; yy -= 1; }
    return `${yy}-Q${q}`;
  }
  if (type === "week") return `${y}-W01`;
  let mm = m - back, yy = y;
  while (mm < 1) { mm += 12; yy -= 1; }
  return `${yy}-${String(mm).padStart(2, "0")}`;
}

/** A region node (its last segment a region code), as opposed to an institution (an id). */
export function isRegion(node) { return /^[0-9]+$/.test(String(node).split("/").pop()); }

/** "86/33/3301" → 层级 label by segment count. */
export function nodeLabel(node) {
  const parts = String(node).split("/");
  const last = parts[parts.length - 1];
  if (!/^[0-9]+$/.test(last)) return `机构 …${last.slice(-8)}`;
  const names = ["全国", "省", "市", "区县"];
  return parts.length === 1 ? "全国" : `${names[parts.length - 1] || "机构"} ${parts[parts.length - 1]}`;
}

export function downloadServerCSV(path, query, fallbackName) { return downloadServer(path, query, fallbackName, "csv"); }

/** The server's download of a statistics table (`format` csv or xlsx). */
export function downloadServer(path, query, fallbackName, format = "csv") {
  return download(path, { query: { ...query, format }, fallbackName });
}
