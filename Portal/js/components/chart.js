// Small SVG charts drawn by our own code (no third-party scripts): a line (trend per period),
// bars (figures by region) and a dot map (regions at their coordinates, coloured by value). Every chart comes with its table beside it and a CSV download
// of that table, so the figures are readable without the picture. Text is set as text only.
import { h } from "../dom.js";

const NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function fmt(v) {
  if (v === null || v === undefined || v === "") return "—";
  const n = Number(v);
  return Number.isFinite(n) ? (Number.isInteger(n) ? n.toLocaleString("zh-CN") : n.toLocaleString("zh-CN", { maximumFractionDigits: 2 })) : String(v);
}

function csvCell(v) {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A download link for rows (first row = header), UTF-8 with a BOM so Excel reads the Chinese. */
export function csvLink(rows, fileName, label = "下载CSV") {
  const text = "\ufeff" + rows.map(r => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
  const a = h("a", { class: "btn btn-sm", download: fileName, "data-role": "chart-download" }, label);
  a.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  return a;
}

/** Makes a bar or dot a keyboard-reachable drill-down link. */
function drillDown(g, select) {
  g.setAttribute("tabindex", "0");
  g.setAttribute("role", "link");
  g.classList.add("chart-link");
  g.addEventListener("click", select);
  g.addEventListener("keydown", e => { if (e.key === "Enter") select(); });
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function frame(title, picture, table, link) {
  return h("figure", { class: "chart", "data-role": "chart" },
    h("figcaption", null, title, " ", link),
    h("div", { class: "chart-body" },
      h("div", { class: "chart-picture" }, picture),
      h("div", { class: "table-wrap chart-table" }, table)));
}

function table(labelHead, valueHead, points) {
  return h("table", { class: "table" },
    h("thead", null, h("tr", null, h("th", null, labelHead), h("th", null, valueHead))),
    h("tbody", null, points.map(p => h("tr", null, h("td", null, p.label), h("td", { class: "num" }, fmt(p.value))))));
}

/**
 * Bars: points [{label, value}] (value may be null). Options: title, unit, labelHead,
 * fileName, onSelect(point) to make a bar a drill-down link.
 */
export function barChart({ title, points, unit = "", labelHead = "地区", fileName = "chart.csv", onSelect }) {
  const W = 640, rowH = 22, left = 150, right = 70;
  const H = Math.max(1, points.length) * rowH + 10;
  const max = niceMax(Math.max(0, ...points.map(p => Number(p.value) || 0)));
  const scale = (W - left - right) / max;
  const pic = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": title, class: "chart-svg" },
    points.map((p, i) => {
      const y = 5 + i * rowH, v = Number(p.value) || 0;
      const bar = svg("rect", { x: left, y: y + 3, width: Math.max(0, v * scale), height: rowH - 8, class: "chart-bar", fill: "#3b82f6" });
      const g = svg("g", { "data-label": p.label },
        svg("text", { x: left - 6, y: y + rowH / 2 + 4, "text-anchor": "end", class: "chart-label", "font-size": 12, fill: "#374151" }, String(p.label).slice(0, 22)),
        bar,
        svg("text", { x: left + Math.max(0, v * scale) + 4, y: y + rowH / 2 + 4, class: "chart-value", "font-size": 12, fill: "#111827" }, fmt(p.value) + (p.value != null ? unit : "")));
      if (onSelect) drillDown(g, () => onSelect(p));
      return g;
    }));
  const rows = [[labelHead, unit ? `数值（${unit}）` : "数值"], ...points.map(p => [p.label, p.value ?? ""])];
  return frame(title, pic, table(labelHead, rows[0][1], points), csvLink(rows, fileName));
}

/** A line over periods: points [{label, value}] in order. */
export function lineChart({ title, points, unit = "", labelHead = "期间", fileName = "trend.csv" }) {
  const W = 640, H = 220, left = 50, right = 16, top = 12, bottom = 36;
  const vals = points.map(p => (p.value === null || p.value === undefined ? null : Number(p.value)));
  const max = niceMax(Math.max(0, ...vals.filter(v => v !== null)));
  const x = i => left + (points.length <= 1 ? (W - left - right) / 2 : i * (W - left - right) / (points.length - 1));
  const y = v => top + (H - top - bottom) * (1 - v / max);
  let d = "";
  vals.forEach((v, i) => { if (v !== null) d += `${d && vals[i - 1] !== null ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`; });
  const pic = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": title, class: "chart-svg" },
    [0, 0.5, 1].map(f => svg("g", null,
      svg("line", { x1: left, x2: W - right, y1: y(max * f), y2: y(max * f), class: "chart-grid", stroke: "#e5e7eb" }),
      svg("text", { x: left - 6, y: y(max * f) + 4, "text-anchor": "end", class: "chart-label", "font-size": 11, fill: "#6b7280" }, fmt(max * f)))),
    svg("path", { d, class: "chart-line", fill: "none", stroke: "#2563eb", "stroke-width": 2 }),
    vals.map((v, i) => v === null ? null : svg("circle", { cx: x(i), cy: y(v), r: 3, class: "chart-dot", fill: "#2563eb" }, svg("title", null, `${points[i].label}: ${fmt(v)}${unit}`))),
    points.map((p, i) => (points.length <= 12 || i % Math.ceil(points.length / 12) === 0)
      ? svg("text", { x: x(i), y: H - 12, "text-anchor": "middle", class: "chart-label", "font-size": 11, fill: "#6b7280" }, p.label) : null));
  const rows = [[labelHead, unit ? `数值（${unit}）` : "数值"], ...points.map(p => [p.label, p.value ?? ""])];
  return frame(title, pic, table(labelHead, rows[0][1], points), csvLink(rows, fileName));
}

// A sequential palette (light → dark blue), one colour per class of value.
const PALETTE = ["#dbeafe", "#93c5fd", "#60a5fa", "#2563eb", "#1e3a8a"];

/** The class bounds of values: PALETTE.length equal steps from min to max (one class if all equal). */
function classes(values) {
  const lo = Math.min(...values), hi = Math.max(...values);
  const n = hi > lo ? PALETTE.length : 1;
  const step = (hi - lo) / n;
  return { lo, hi, n, step, index: v => (n === 1 ? PALETTE.length - 1 : Math.min(n - 1, Math.floor((v - lo) / step))) };
}

/**
 * A dot map of regions: points [{label, value, lon, lat, node}] — each point with a value and
 * coordinates drawn as a circle at its longitude/latitude (equirectangular, x scaled by the
 * cosine of the middle latitude, fitted to the points' bounding box), coloured by value on a
 * sequential palette with a legend; no tiles, no outlines. The table lists every point.
 * Options as barChart (title, unit, labelHead, fileName, onSelect).
 */
export function dotMap({ title, points, unit = "", labelHead = "地区", fileName = "map.csv", onSelect }) {
  const W = 640, H = 420, pad = 28, legendH = 34;
  const drawn = points.filter(p => p.value !== null && p.value !== undefined && Number.isFinite(Number(p.value))
    && Number.isFinite(Number(p.lon)) && Number.isFinite(Number(p.lat)) && p.lon !== null && p.lat !== null);
  const lons = drawn.map(p => Number(p.lon)), lats = drawn.map(p => Number(p.lat));
  const minLon = Math.min(...lons), maxLon = Math.max(...lons), minLat = Math.min(...lats), maxLat = Math.max(...lats);
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180) || 1;
  const spanX = Math.max((maxLon - minLon) * k, 1e-6), spanY = Math.max(maxLat - minLat, 1e-6);
  const plotW = W - 2 * pad, plotH = H - legendH - 2 * pad;
  const s = Math.min(plotW / spanX, plotH / spanY);
  const offX = pad + (plotW - spanX * s) / 2, offY = pad + (plotH - spanY * s) / 2;
  const single = drawn.length <= 1 || (maxLon === minLon && maxLat === minLat);
  const x = lon => (single ? W / 2 : offX + (lon - minLon) * k * s);
  const y = lat => (single ? (H - legendH) / 2 : offY + (maxLat - lat) * s);
  const c = drawn.length ? classes(drawn.map(p => Number(p.value))) : null;
  const r = drawn.length > 60 ? 5 : drawn.length > 20 ? 7 : 10;
  const dots = drawn.map(p => {
    const v = Number(p.value);
    const dot = svg("circle", { cx: x(Number(p.lon)).toFixed(1), cy: y(Number(p.lat)).toFixed(1), r, class: "chart-map-dot",
      fill: PALETTE[c.index(v)], stroke: "#1f2937", "stroke-width": 0.8, "data-node": p.node, "data-value": v },
      svg("title", null, `${p.label}：${fmt(v)}${unit}`));
    const g = svg("g", { "data-label": p.label }, dot,
      drawn.length <= 40 ? svg("text", { x: x(Number(p.lon)) + r + 2, y: y(Number(p.lat)) + 4, class: "chart-label", "font-size": 11, fill: "#374151" },
        String(p.label).slice(0, 8)) : null);
    if (onSelect) drillDown(g, () => onSelect(p));
    return g;
  });
  const legend = c ? svg("g", { class: "chart-legend", "data-role": "map-legend" },
    Array.from({ length: c.n }, (_, i) => {
      const from = c.lo + i * c.step, to = c.n === 1 ? c.hi : c.lo + (i + 1) * c.step;
      const lx = pad + i * 118, ly = H - legendH + 8;
      return svg("g", null,
        svg("rect", { x: lx, y: ly, width: 14, height: 14, fill: PALETTE[c.n === 1 ? PALETTE.length - 1 : i], stroke: "#1f2937", "stroke-width": 0.5 }),
        svg("text", { x: lx + 18, y: ly + 12, class: "chart-label", "font-size": 11, fill: "#374151" },
          c.n === 1 ? `${fmt(from)}${unit}` : `${fmt(from)}～${fmt(to)}${unit}`));
    })) : null;
  const pic = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": title, class: "chart-svg chart-map" },
    svg("rect", { x: 0, y: 0, width: W, height: H - legendH, fill: "#f8fafc", stroke: "#e5e7eb" }),
    drawn.length ? null : svg("text", { x: W / 2, y: (H - legendH) / 2, "text-anchor": "middle", class: "chart-label", "font-size": 13, fill: "#6b7280" }, "没有带坐标的数据"),
    dots, legend);
  const rows = [[labelHead, unit ? `数值（${unit}）` : "数值", "经度", "纬度"],
    ...points.map(p => [p.label, p.value ?? "", p.lon ?? "", p.lat ?? ""])];
  const fig = frame(title, pic, table(labelHead, rows[0][1], points), csvLink(rows, fileName));
  fig.dataset.kind = "map";
  return fig;
}
