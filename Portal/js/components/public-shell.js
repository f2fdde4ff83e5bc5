// The frame of the pages one uses before signing in: a calm brand panel and the form card.
import { h } from "../dom.js";

export function publicShell(content, { wide = false } = {}) {
  return h("div", { class: "public-shell" },
    h("aside", { class: "public-aside" },
      h("a", { class: "brand", href: "#/login" }, h("img", { src: "/img/logo.svg", alt: "" }), "质控上报平台"),
      h("p", null, "医疗机构与质控中心的一站式注册、审批与质量数据上报平台。"),
      h("h2", null, "一次注册，多项上报"),
      h("ul", null,
        h("li", null, "医疗机构一次认证，一个账号参加多个上报项目"),
        h("li", null, "注册申请在线审批，进度随时可查"),
        h("li", null, "省级质控中心在线审核，结果短信通知")),
      h("div", { class: "aside-foot" }, "推荐使用最新版 Chrome 浏览器")),
    h("div", { class: "public-body" }, h("div", { class: `public-card ${wide ? "wide" : ""}` }, content)));
}

export function publicLinks(...links) {
  return h("nav", { class: "public-links", "aria-label": "其他操作" }, links.map(([href, text]) => h("a", { href }, text)));
}
