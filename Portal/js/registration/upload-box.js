// One kind of scan to upload: the limits from GET /api/documents/v1/kinds shown as a hint,
// checked in the browser first (the server still decides), progress while uploading, and
// the uploaded files with a delete button.
import { h, uid } from "../dom.js";
import { fmtSize } from "../format.js";
import { confirmDialog } from "../components/dialog.js";

function extensionOk(file, accept) {
  if (!accept) return true;
  const name = file.name.toLowerCase();
  return accept.split(",").some(ext => name.endsWith(ext.trim().toLowerCase()));
}

export function uploadBox({ kind, required, docs = [], applicant, onChange }) {
  const id = uid("upload");
  const files = []; // {id, fileName, size, sealed}
  const list = h("ul", { class: "file-list", "aria-label": `${kind.name}已上传文件` });
  const error = h("div", { class: "error", id: `${id}-error`, role: "alert" });
  const input = h("input", { type: "file", id, name: kind.code, accept: kind.accept, multiple: kind.maxFiles > 1, class: "visually-hidden",
    "aria-describedby": `${id}-hint ${id}-error`, "data-kind": kind.code });
  const pick = h("label", { for: id, class: "btn btn-sm", tabindex: "-1" }, "选择文件");
  const el = h("div", { class: "upload-box field", "data-upload": kind.code },
    h("div", { class: "upload-head" },
      h("div", null, h("div", { class: "upload-title" }, kind.name, required ? h("span", { class: "req", "aria-hidden": "true" }, "*") : h("span", { class: "muted small" }, "（选填）")),
        h("div", { class: "hint", id: `${id}-hint` }, kind.hint)),
      h("div", null, input, pick)),
    list, error);
  // The visually hidden input stays focusable for keyboard users; show focus on the button.
  input.addEventListener("focus", () => pick.classList.add("focus-ring"));
  input.addEventListener("blur", () => pick.classList.remove("focus-ring"));

  function row(doc) {
    const del = h("button", { type: "button", class: "btn btn-sm btn-danger", "aria-label": `删除 ${doc.fileName}` }, "删除");
    const li = h("li", { "data-document": doc.id },
      h("span", { class: "name", title: doc.fileName }, doc.fileName), h("span", { class: "muted small" }, fmtSize(doc.size)),
      doc.sealed ? h("span", { class: "badge badge-blue", title: "已随申请提交的文件会保留；如需更正请上传新文件" }, "已随申请提交") : h("span", { class: "badge badge-green" }, "已上传"),
      doc.sealed ? null : del);
    del.addEventListener("click", async () => {
      if (!await confirmDialog("删除文件", `确定删除“${doc.fileName}”吗？`, { confirmLabel: "删除", danger: true })) return;
      try {
        await applicant.deleteDocument(doc.id);
        files.splice(files.findIndex(f => f.id === doc.id), 1);
        li.remove();
        changed();
      } catch (e) {
        box.setError(e.message);
      }
    });
    return li;
  }

  function changed() { if (onChange) onChange(); }

  async function send(file) {
    const progress = h("progress", { max: "1", value: "0", "aria-label": `${file.name} 上传进度` });
    const pct = h("span", { class: "muted small" }, "0%");
    const li = h("li", { "data-uploading": file.name }, h("span", { class: "name" }, file.name), h("span", { class: "muted small" }, fmtSize(file.size)), progress, pct);
    list.append(li);
    try {
      const doc = await applicant.upload(kind.code, file, p => { progress.value = p; pct.textContent = `${Math.round(p * 100)}%`; });
      const item = { id: doc.id, fileName: doc.fileName, size: doc.size, sealed: doc.sealed };
      files.push(item);
      li.replaceWith(row(item));
      changed();
    } catch (e) {
      li.remove();
      box.setError(`${file.name}：${e.message}`);
    }
  }

  input.addEventListener("change", async () => {
    box.clearError();
    const chosen = [...input.files];
    input.value = "";
    for (const file of chosen) {
      if (files.length + list.querySelectorAll("[data-uploading]").length >= kind.maxFiles) {
        box.setError(`${kind.name}最多只能上传 ${kind.maxFiles} 个文件，请先删除不需要的文件`);
        break;
      }
      if (!extensionOk(file, kind.accept)) { box.setError(`${file.name}：格式不支持，${kind.hint}`); continue; }
      if (file.size > kind.maxBytes) { box.setError(`${file.name}：文件过大（${fmtSize(file.size)}），每个文件不能超过 ${kind.maxSize}`); continue; }
      if (file.size === 0) { box.setError(`${file.name}：文件为空，请重新选择`); continue; }
      await send(file);
    }
  });

  for (const d of docs) {
    const item = { id: d.id, fileName: d.fileName, size: d.size, sealed: d.sealed };
    files.push(item);
    list.append(row(item));
  }

  const box = {
    el, label: kind.name, name: kind.code, required, requiredMessage: `请上传${kind.name}`,
    get ids() { return files.map(f => f.id); },
    get value() { return files.length ? "ok" : ""; },
    get busy() { return list.querySelector("[data-uploading]") !== null; },
    setError(message) { error.textContent = message || ""; },
    clearError() { error.textContent = ""; },
    focus() { input.focus(); },
  };
  return box;
}
