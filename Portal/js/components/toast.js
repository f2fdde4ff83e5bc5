// Short notices in the polite live region (screen readers announce them).
import { h } from "../dom.js";

export function toast(message, tone = "info", ms = 4000) {
  const box = document.getElementById("toasts");
  if (!box) return;
  const el = h("div", { class: `toast ${tone}` }, message);
  box.append(el);
  setTimeout(() => el.remove(), ms);
}
