// Cursor paging (`?limit=&cursor=` → `{items, nextCursor}`): remembers the cursors of the
// pages seen so "上一页" works.
import { h } from "../dom.js";

export function cursorPager(onChange) {
  const stack = [null]; // cursor of each page seen; stack[i] loads page i+1
  let next = null;
  const info = h("span", { "aria-live": "polite" });
  const prev = h("button", { type: "button", class: "btn btn-sm", onclick: () => { if (stack.length > 1) { stack.pop(); onChange(stack[stack.length - 1]); } } }, "上一页");
  const nextBtn = h("button", { type: "button", class: "btn btn-sm", onclick: () => { if (next) { stack.push(next); onChange(next); } } }, "下一页");
  const el = h("nav", { class: "pager", "aria-label": "分页" }, info, prev, nextBtn);
  return {
    el,
    get cursor() { return stack[stack.length - 1]; },
    reset() { stack.length = 1; next = null; },
    update(nextCursor, count) {
      next = nextCursor || null;
      prev.disabled = stack.length <= 1;
      nextBtn.disabled = !next;
      info.textContent = `第 ${stack.length} 页${count != null ? `，本页 ${count} 条` : ""}`;
    },
  };
}
