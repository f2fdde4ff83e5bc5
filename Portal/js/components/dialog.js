// Modal dialogs on the native <dialog> element: focus moves in and back, Esc closes.
import { h } from "../dom.js";

export function openDialog({ title, body, actions = [], onClose, wide = false }) {
  const headingId = `dlg-${Math.random().toString(36).slice(2, 8)}`;
  const opener = document.activeElement;
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": headingId },
    h("div", { class: "dialog-head" },
      h("h2", { id: headingId }, title),
      h("button", { type: "button", class: "close-x", "aria-label": "关闭", onclick: () => close() }, "×")),
    h("div", { class: "dialog-body" }, body),
    actions.length ? h("div", { class: "dialog-foot" }, actions.map(a =>
      h("button", { type: a.type || "button", class: `btn ${a.class || ""}`, onclick: e => a.onClick && a.onClick(e, api) }, a.label))) : null);
  if (wide) dialog.style.width = "min(760px, calc(100vw - 24px))";
  let closed = false;
  function close(result) {
    if (closed) return;
    closed = true;
    dialog.close();
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
    if (onClose) onClose(result);
  }
  dialog.addEventListener("cancel", e => { e.preventDefault(); close(); });
  document.body.append(dialog);
  dialog.showModal();
  const firstInput = dialog.querySelector(".dialog-body input, .dialog-body select, .dialog-body textarea");
  (firstInput || dialog.querySelector(".dialog-foot .btn-primary, .dialog-foot .btn") || dialog).focus();
  const api = { close, el: dialog };
  return api;
}

/** Resolves true when confirmed. */
export function confirmDialog(title, message, { confirmLabel = "确定", danger = false } = {}) {
  return new Promise(resolve => {
    let answer = false;
    openDialog({
      title,
      body: h("p", null, message),
      actions: [
        { label: "取消", onClick: (e, d) => d.close() },
        { label: confirmLabel, class: danger ? "btn-danger solid" : "btn-primary", onClick: (e, d) => { answer = true; d.close(); } },
      ],
      onClose: () => resolve(answer),
    });
  });
}
