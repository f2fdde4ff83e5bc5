// Small status labels.
import { h } from "../dom.js";
import { APPLICATION_STATUS, REQUEST_STATUS } from "../format.js";

export function badge(text, tone = "gray") {
  return h("span", { class: `badge badge-${tone}` }, text);
}

export function applicationBadge(status) {
  const [text, tone] = APPLICATION_STATUS[status] || [status, "gray"];
  return badge(text, tone);
}

export function requestBadge(status) {
  const [text, tone] = REQUEST_STATUS[status] || [status, "gray"];
  return badge(text, tone);
}

/** The red count in the header (hidden at zero). */
export function countBadge(n, label) {
  const el = h("span", { class: "count", hidden: !n, "aria-label": label ? `${label} ${n} 条` : undefined }, String(n || 0));
  return el;
}
