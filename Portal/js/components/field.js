// Form fields: every input has a <label>, a hint and an error slot wired with
// aria-describedby; `Form` puts an API error next to the field the envelope names (or at the
// top of the form) and keeps what the user typed.
import { h, uid } from "../dom.js";

function describe(input, ...ids) {
  input.setAttribute("aria-describedby", ids.filter(Boolean).join(" "));
}

/** A labelled input, select or textarea. */
export function field(opts) {
  const id = opts.id || uid(opts.name ? opts.name.replace(/\W/g, "-") : "f");
  const hintId = opts.hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  let input;
  const common = {
    id, name: opts.name, required: opts.required, autocomplete: opts.autocomplete || "off", placeholder: opts.placeholder,
    maxlength: opts.maxlength, inputmode: opts.inputmode, readonly: opts.readonly, disabled: opts.disabled,
    pattern: opts.pattern, spellcheck: opts.spellcheck === undefined ? undefined : String(opts.spellcheck),
    ...opts.attrs,
  };
  if (opts.options) {
    input = h("select", common, opts.placeholderOption !== false ? h("option", { value: "" }, opts.placeholderOption || "请选择") : null,
      opts.options.map(o => h("option", { value: o.value }, o.label)));
    if (opts.value != null) input.value = opts.value;
  } else if (opts.multiline) {
    input = h("textarea", { ...common, rows: opts.rows || 4 });
    if (opts.value != null) input.value = opts.value;
  } else {
    input = h("input", { ...common, type: opts.type || "text" });
    if (opts.value != null) input.value = opts.value;
  }
  const hint = opts.hint ? h("div", { class: "hint", id: hintId }, opts.hint) : null;
  const error = h("div", { class: "error", id: errorId, role: "alert" });
  describe(input, hintId, errorId);
  const label = h("label", { for: id }, opts.label, opts.required ? h("span", { class: "req", "aria-hidden": "true" }, "*") : null);
  const control = opts.after ? h("div", { class: "input-row" }, input, opts.after) : input;
  const el = h("div", { class: `field ${opts.class || ""}`.trim() }, label, control, opts.extra || null, hint, error);
  const f = {
    el, input, label: opts.label, name: opts.name, required: Boolean(opts.required),
    get value() { return input.value.trim(); },
    set value(v) { input.value = v ?? ""; },
    setError(message) {
      error.textContent = message || "";
      if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    },
    clearError() { f.setError(""); },
    focus() { input.focus(); },
    setOptions(options, keep = true) {
      const old = input.value;
      input.replaceChildren(h("option", { value: "" }, opts.placeholderOption || "请选择"), ...options.map(o => h("option", { value: o.value }, o.label)));
      if (keep) input.value = old;
    },
  };
  input.addEventListener("input", () => f.clearError());
  input.addEventListener("change", () => f.clearError());
  return f;
}

/** A group of checkboxes or radios in a fieldset with a legend. */
export function choices(opts) {
  const id = uid("group");
  const errorId = `${id}-error`;
  const type = opts.type || "checkbox";
  const error = h("div", { class: "error", id: errorId, role: "alert" });
  const inputs = [];
  const list = h("div", { class: "choice-list" }, (opts.options || []).map(o => {
    const input = h("input", { type, name: opts.name || id, value: o.value, checked: (opts.values || []).includes(o.value) });
    inputs.push(input);
    input.addEventListener("change", () => g.clearError());
    return h("label", { class: "choice" }, input, o.label);
  }));
  const hint = opts.hint ? h("div", { class: "hint" }, opts.hint) : null;
  const el = h("fieldset", { class: "field", "aria-describedby": errorId },
    h("legend", null, opts.legend, opts.required ? h("span", { class: "req", "aria-hidden": "true" }, "*") : null), list, hint, error);
  const g = {
    el, inputs, label: opts.legend, name: opts.name, required: Boolean(opts.required),
    get values() { return inputs.filter(i => i.checked).map(i => i.value); },
    get value() { return g.values.join(","); },
    setError(message) { error.textContent = message || ""; },
    clearError() { error.textContent = ""; },
    focus() { (inputs.find(i => i.checked) || inputs[0])?.focus(); },
  };
  return g;
}

/** Collects fields by the names the API uses for them, shows API errors where they belong,
 *  and checks required fields before a call. */
export class Form {
  constructor() {
    this.fields = new Map();
    this.aliases = new Map();
    this.errorBox = h("div", { class: "form-error", role: "alert", hidden: true, tabindex: "-1" });
  }

  add(name, f) { this.fields.set(name, f); return f; }
  /** An API field name shown at another field (e.g. "organisation" → "organisation.name"). */
  alias(apiName, name) { this.aliases.set(apiName, name); }

  clear() {
    this.errorBox.hidden = true;
    this.errorBox.textContent = "";
    for (const f of this.fields.values()) f.clearError();
  }

  message(text) {
    this.errorBox.textContent = text;
    this.errorBox.hidden = false;
    this.errorBox.focus();
  }

  /** The field an API error names, by exact name, alias or prefix ("person" → "person.name"). */
  lookup(apiField) {
    if (!apiField) return null;
    if (this.fields.has(apiField)) return this.fields.get(apiField);
    if (this.aliases.has(apiField)) return this.fields.get(this.aliases.get(apiField));
    for (const [name, f] of this.fields) if (name.startsWith(`${apiField}.`)) return f;
    return null;
  }

  /** Shows an error: next to its field when the envelope names one we show, else on top. */
  show(err) {
    const f = this.lookup(err.field);
    if (f && f.el.isConnected && !f.el.closest("[hidden]")) {
      f.setError(err.message);
      f.focus();
    } else {
      this.message(err.message || "操作失败，请稍后再试");
    }
  }

  /** Required and format checks in the browser (the server checks again). */
  check(extra = []) {
    this.clear();
    let first = null;
    for (const f of this.fields.values()) {
      if (!f.required || !f.el.isConnected || f.el.closest("[hidden]")) continue;
      if (!f.value) {
        f.setError(f.requiredMessage || (f.input && f.input.tagName === "SELECT" ? `请选择${f.label}` : `请填写${f.label}`));
        first = first || f;
      }
    }
    for (const [f, ok, message] of extra) {
      if (!f || first === f || !f.el.isConnected) continue;
      if (!ok) { f.setError(message); first = first || f; }
    }
    if (first) first.focus();
    return !first;
  }
}
