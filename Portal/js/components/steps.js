// The wizard's step indicator (手机验证 → 资料下载 → 信息完善 → 信息审核).
import { h } from "../dom.js";

export function steps(names, current) {
  return h("ol", { class: "steps", "aria-label": "注册步骤" }, names.map((name, i) =>
    h("li", { class: i < current ? "done" : i === current ? "current" : "", "aria-current": i === current ? "step" : undefined },
      name, i < current ? h("span", { class: "visually-hidden" }, "（已完成）") : null)));
}
