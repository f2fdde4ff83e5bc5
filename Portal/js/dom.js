// Tiny DOM builder: h("div", {class: "x", onclick: fn}, "text", child…). Text is always set
// as text (never parsed as HTML), so data from the server cannot inject markup.

const BOOLEAN = new Set(["disabled", "checked", "required", "readonly", "hidden", "multiple", "selected", "autofocus", "open"]);

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "for") el.htmlFor = value;
      else if (key === "dataset") Object.assign(el.dataset, value);
      else if (key === "value") el.value = value;
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else if (BOOLEAN.has(key)) { el[key] = true; if (key !== "checked" && key !== "selected") el.setAttribute(key, ""); }
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let counter = 0;
/** A unique element id (for label/aria wiring). */
export function uid(prefix = "f") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Runs an async action with the button disabled and a busy label, then restores it. */
export async function busy(button, label, action) {
  const old = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  if (label) button.textContent = label;
  try {
    return await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    if (label) button.textContent = old;
  }
}
