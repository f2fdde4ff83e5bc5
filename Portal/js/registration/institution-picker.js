// Is the hospital registered already (GET /api/identity/v1/institutions?region=&q=)? Then a
// later applicant picks it and fills only personal data; the first applicant fills the
// institution's data.
import { h, uid, busy } from "../dom.js";
import { api } from "../api.js";
import { badge } from "../components/badge.js";

export function institutionPicker({ getRegion, allowNew, chosen = null, onChange }) {
  const id = uid("inst");
  const error = h("div", { class: "error", id: `${id}-error`, role: "alert" });
  const input = h("input", { type: "search", id, name: "institutionQuery", maxlength: 60, placeholder: "输入医院名称中的关键字，如：人民医院", "aria-describedby": `${id}-hint ${id}-error` });
  const searchBtn = h("button", { type: "button", class: "btn" }, "查询");
  const hits = h("div", { "aria-live": "polite" });
  const chosenBox = h("div", { class: "chosen", hidden: true, "data-role": "chosen-institution" });
  const searchArea = h("div", null,
    h("label", { for: id }, "医疗机构名称", h("span", { class: "req", "aria-hidden": "true" }, "*")),
    h("div", { class: "input-row" }, input, searchBtn),
    h("div", { class: "hint", id: `${id}-hint` }, allowNew
      ? "先查询本院是否已注册：已注册的请选择本院，只需填写个人信息；未注册的填写医疗机构信息（首次注册）。"
      : "请选择本院（医疗机构须先由医疗机构管理员注册并审核通过）。"),
    hits);
  const el = h("div", { class: "field institution-picker" }, searchArea, chosenBox, error);
  let state = chosen; // {orgId, orgName} | {newOrg: true, name} | null

  function render() {
    if (state && state.orgId) {
      searchArea.hidden = true;
      chosenBox.hidden = false;
      chosenBox.replaceChildren(h("span", null, "已选择：", h("strong", null, state.orgName || "已注册机构")),
        h("span", { class: "muted small" }, "本机构已注册，只需填写个人信息"), h("span", { class: "spacer" }),
        h("button", { type: "button", class: "btn btn-sm", onclick: () => { set(null); input.focus(); } }, "更换"));
    } else if (state && state.newOrg) {
      searchArea.hidden = true;
      chosenBox.hidden = false;
      chosenBox.replaceChildren(h("span", null, "首次注册：请在下方填写医疗机构信息"), h("span", { class: "spacer" }),
        h("button", { type: "button", class: "btn btn-sm", onclick: () => { set(null); input.focus(); } }, "重新查询已注册机构"));
    } else {
      searchArea.hidden = false;
      chosenBox.hidden = true;
    }
  }

  function set(next) {
    state = next;
    picker.clearError();
    render();
    if (onChange) onChange(state);
  }

  async function search() {
    picker.clearError();
    const region = getRegion();
    if (!/^\d{6}$/.test(region || "") || region.endsWith("0000")) { picker.setError("请先选择所在省份和城市"); return; }
    const q = input.value.trim();
    if (q.length < 2) { picker.setError("请输入至少2个字的机构名称"); input.focus(); return; }
    await busy(searchBtn, "查询中…", async () => {
      try {
        const r = await api.get("/api/identity/v1/institutions", { query: { region, q } });
        const items = r.items || [];
        hits.replaceChildren(
          items.length ? h("ul", { class: "inst-hits", "aria-label": "查询结果" }, items.map(i => h("li", null,
            h("span", null, i.name, " ", i.hasAdmin ? badge("已有管理员", "blue") : null),
            h("button", { type: "button", class: "btn btn-sm btn-primary", onclick: () => set({ orgId: i.id, orgName: i.name }) }, "选择"))))
            : h("p", { class: "muted", role: "status" }, "未找到已注册的同名机构。"),
          allowNew ? h("p", null, h("button", { type: "button", class: "btn btn-link", "data-role": "new-institution",
            onclick: () => set({ newOrg: true, name: q }) }, "本院尚未注册？填写医疗机构信息（首次注册）")) : null);
      } catch (e) {
        picker.setError(e.message);
      }
    });
  }

  searchBtn.addEventListener("click", search);
  input.addEventListener("keydown", e => { if (e.key === "Enter") { e.preventDefault(); search(); } });
  input.addEventListener("input", () => picker.clearError());

  const picker = {
    el, label: "医疗机构", name: "orgId", required: !allowNew,
    get state() { return state; },
    get value() { return state && state.orgId ? state.orgId : state && state.newOrg ? "new" : ""; },
    setError(message) { error.textContent = message || ""; if (message) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid"); },
    clearError() { picker.setError(""); },
    focus() { (searchArea.hidden ? chosenBox.querySelector("button") : input).focus(); },
  };
  render();
  return picker;
}
