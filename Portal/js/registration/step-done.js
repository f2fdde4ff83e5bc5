// Step 4 信息审核: submitted; the application's status and where it waits.
import { h } from "../dom.js";
import { applicationCard } from "./application-card.js";

export function doneStep({ state, onEdit }) {
  const card = applicationCard(state.applicationId, { onEdit });
  const el = h("div", { "aria-label": "信息审核" },
    h("div", { class: "notice success", "data-role": "submitted" },
      h("p", null, h("strong", null, "注册申请已提交"), "，请耐心等待上级单位审核。"),
      h("p", null, "审核通过后，用户名和初始密码将以短信发送至您第一步验证的手机号；审核不通过，审核意见也会发送到该手机号。审核开始前可随时修改申请信息。"),
      h("p", null, "您可随时在“注册进度查询”中使用手机号查看审核状态。")),
    card.el,
    h("div", { class: "form-actions" }, h("a", { class: "btn", href: "#/status" }, "注册进度查询"), h("span", { class: "spacer" }),
      h("a", { class: "btn btn-primary", href: "#/login", "data-role": "finish" }, "完成")));
  return { el, focus: () => el.querySelector("[data-role=submitted]").focus() };
}
