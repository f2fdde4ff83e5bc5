// The password rule, shown while the user types (identity checks the same rule, and a list
// of common passwords, on the server).
import { h } from "../dom.js";

export const RULE_TEXT = "密码至少8位，须包含字母、数字、符号中的至少两种，且不能包含用户名或手机号";

function classes(pw) {
  let n = 0;
  if (/[A-Za-z]/.test(pw)) n += 1;
  if (/[0-9]/.test(pw)) n += 1;
  if (/[^A-Za-z0-9]/.test(pw)) n += 1;
  return n;
}

function rules(pw, ctx) {
  const lower = pw.toLowerCase();
  const u = (ctx.username || "").toLowerCase();
  const p = ctx.phone && /^\d{11}$/.test(ctx.phone) ? ctx.phone : "";
  return [
    ["len", "至少 8 位（不超过 64 位）", pw.length >= 8 && pw.length <= 64],
    ["mix", "包含字母、数字、符号中的至少两种", classes(pw) >= 2],
    ["own", "不包含用户名或手机号", pw.length > 0 && !(u && lower.includes(u)) && !(p && lower.includes(p))],
  ];
}

/** The first rule a password breaks, as a message; null when it passes. */
export function passwordProblem(pw, ctx = {}) {
  if (!pw) return "请输入新密码";
  if (pw.length < 8) return "密码至少8位";
  if (pw.length > 64) return "密码不能超过64位";
  if (classes(pw) < 2) return "密码须包含字母、数字、符号中的至少两种";
  const lower = pw.toLowerCase();
  if (ctx.username && lower.includes(ctx.username.toLowerCase())) return "密码不能包含用户名";
  if (ctx.phone && /^\d{11}$/.test(ctx.phone) && lower.includes(ctx.phone)) return "密码不能包含手机号";
  return null;
}

/** A live checklist under `input`; `ctx()` gives {username, phone}. */
export function passwordRule(input, ctx = () => ({})) {
  const items = new Map();
  const list = h("ul", { class: "rule-list", "aria-label": "密码规则" });
  for (const [key, text] of rules("", ctx())) {
    const li = h("li", { "data-rule": key }, text);
    items.set(key, li);
    list.append(li);
  }
  const bar = h("span");
  const meter = h("div", { class: "strength", "aria-hidden": "true" }, bar);
  const status = h("div", { class: "visually-hidden", "aria-live": "polite" });
  function update() {
    const pw = input.value;
    const results = rules(pw, ctx());
    let ok = 0;
    for (const [key, , pass] of results) {
      const li = items.get(key);
      li.className = pw ? (pass ? "ok" : "bad") : "";
      if (pass) ok += 1;
    }
    const strength = pw ? Math.min(100, ok * 25 + Math.min(25, Math.max(0, pw.length - 8) * 4)) : 0;
    bar.style.width = `${strength}%`;
    bar.style.background = strength >= 85 ? "var(--green)" : strength >= 60 ? "#d9a400" : "var(--red)";
    status.textContent = pw ? (ok === results.length ? "密码符合规则" : `还有 ${results.length - ok} 条规则未满足`) : "";
  }
  input.addEventListener("input", update);
  update();
  return h("div", { class: "password-rule" }, meter, list, status);
}
