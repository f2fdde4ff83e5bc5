// A signed-in user on a page his roles do not open.
import { h, mount } from "../dom.js";

export default function forbidden({ root }) {
  mount(root, h("div", { class: "card", "data-page": "forbidden" },
    h("h1", null, "没有权限访问此页面"),
    h("p", { class: "muted" }, "当前账号的角色不能使用此功能。如需开通，请联系上级管理员。"),
    h("a", { class: "btn btn-primary", href: "#/home" }, "返回首页")));
}
