// Unknown address (and dev-only pages when dev mode is off).
import { h, mount } from "../dom.js";
import { session } from "../session.js";

export default function notFound({ root }) {
  mount(root, h("div", { class: "card", "data-page": "not-found" },
    h("h1", null, "页面不存在"),
    h("p", { class: "muted" }, "您访问的页面不存在或已移动。"),
    h("a", { class: "btn btn-primary", href: session() ? "#/home" : "#/login" }, session() ? "返回首页" : "返回登录")));
}
