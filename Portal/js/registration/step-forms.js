// Step 2 资料下载: the user notice to agree to, the generated forms to print, sign and stamp.
import { h } from "../dom.js";
import { formDownloads } from "./form-downloads.js";
import { extraMaterials, TERMS } from "./rules.js";

export function formsStep({ state, applicant, onBack, onNext }) {
  const error = h("div", { class: "error", role: "alert" });
  const agree = h("input", { type: "checkbox", id: "agree-terms", name: "agree", checked: Boolean(state.agreed), "aria-describedby": "agree-error" });
  error.id = "agree-error";
  agree.addEventListener("change", () => { error.textContent = ""; state.agreed = agree.checked; });
  const downloads = formDownloads(state.role, applicant);
  const extra = extraMaterials(state.role);
  const next = h("button", { type: "button", class: "btn btn-primary" }, "下一步");
  next.addEventListener("click", () => {
    if (!agree.checked) { error.textContent = "请先阅读并同意用户须知"; agree.focus(); return; }
    onNext();
  });
  const el = h("div", { "aria-label": "资料下载" },
    h("h2", { class: "section-title" }, "用户须知"),
    h("div", { class: "terms", tabindex: "0", "aria-label": "用户须知" }, h("ol", null, TERMS.map(t => h("li", null, t)))),
    h("div", { class: "field" }, h("label", { class: "choice", for: "agree-terms" }, agree, "已认真阅读并同意以上须知"), error),
    h("h2", { class: "section-title" }, "下载申请材料"),
    h("p", { class: "muted" }, "下载以下文件，按要求填写完整并签字盖章，扫描后在下一步上传（PDF 或 JPG/PNG，单个文件不超过 10 MB）。表格按您填写的信息生成：完成下一步“信息完善”并保存后，可下载含完整信息的版本。"),
    extra ? h("div", { class: "notice warn" }, extra) : null,
    downloads.el,
    h("div", { class: "form-actions" }, h("button", { type: "button", class: "btn", onclick: onBack }, "上一步"), h("span", { class: "spacer" }), next));
  return { el, focus: () => agree.focus(), dispose: downloads.dispose };
}
