// The generated forms (GET /api/documents/v1/forms/<form>?application=<id>, applicant token):
// fetched as a Blob and offered as a download link; printed with the applicant's data and a
// verification code.
import { h, busy } from "../dom.js";
import { fmtSize } from "../format.js";
import { formsFor } from "./rules.js";

export function formDownloads(role, applicant) {
  const urls = [];
  const el = h("div", { class: "downloads" }, formsFor(role).map((f, i) => {
    const button = h("button", { type: "button", class: "btn btn-primary btn-sm", "data-form": f.code }, `下载${f.name}`);
    const out = h("div", { class: "small", "aria-live": "polite" });
    button.addEventListener("click", () => busy(button, "正在生成…", async () => {
      out.replaceChildren();
      try {
        const file = await applicant.form(f.code, f.name);
        const url = URL.createObjectURL(file.blob);
        urls.push(url);
        const link = h("a", { href: url, download: file.fileName, "data-role": "download-link", "data-form": f.code }, `${file.fileName}（${fmtSize(file.blob.size)}）`);
        out.replaceChildren("已生成：", link, file.verificationCode ? h("span", { class: "muted" }, `　校验码 ${file.verificationCode}`) : null);
        link.click();
      } catch (e) {
        out.replaceChildren(h("span", { class: "error" }, e.message));
      }
    }));
    return h("div", { class: "download-item" },
      h("div", { class: "title" }, `${i + 1}. ${f.name}`),
      h("div", { class: "muted small" }, f.note),
      h("div", null, button), out);
  }));
  return { el, dispose() { for (const u of urls) URL.revokeObjectURL(u); } };
}
