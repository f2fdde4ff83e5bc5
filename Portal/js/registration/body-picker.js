// A second member of a provincial centre or a city commission joins the organisation already
// registered for the region (GET /api/identity/v1/organisations?kind=&region=) instead of
// registering it again; the first member fills its data ("首次注册").
import { h, uid } from "../dom.js";
import { api } from "../api.js";
import { specialtyName } from "../format.js";

export function bodyPicker({ kind, getRegion, chosen = null, onChange }) {
  const id = uid("body");
  const noun = kind === "provincial_centre" ? "省级质控中心" : "市卫生健康委";
  const error = h("div", { class: "error", id: `${id}-error`, role: "alert" });
  const list = h("div", { role: "radiogroup", "aria-labelledby": `${id}-label`, "aria-describedby": `${id}-error`, "data-role": "body-choices" });
  const el = h("fieldset", { class: "field body-picker" },
    h("legend", { id: `${id}-label` }, `加入已注册的${noun}，或首次注册`), list, error);
  let state = chosen; // {orgId, orgName} | {newOrg: true} | null
  let items = [];
  let region = "";

  function option(value, label, extra) {
    const input = h("input", { type: "radio", name: id, value, id: `${id}-${value}`, checked: state && (state.orgId === value || (value === "new" && state.newOrg)) });
    input.addEventListener("change", () => {
      const hit = items.find(i => i.id === value);
      state = hit ? { orgId: hit.id, orgName: hit.name, specialties: hit.specialties } : { newOrg: true };
      picker.clearError();
      if (onChange) onChange(state);
    });
    return h("div", { class: "check" }, input, h("label", { for: `${id}-${value}` }, label, extra ? h("span", { class: "muted small" }, " ", extra) : null));
  }

  async function refresh() {
    const next = getRegion();
    if (next === region) return;
    region = next;
    items = [];
    if (!/^\d{6}$/.test(region)) {
      list.replaceChildren(h("p", { class: "muted" }, kind === "provincial_centre" ? "请先选择所在省份。" : "请先选择所在城市。"));
      el.hidden = false;
      return;
    }
    try {
      items = (await api.get("/api/identity/v1/organisations", { query: { kind, region } })).items || [];
    } catch (e) {
      picker.setError(e.message);
    }
    if (state && state.orgId && !items.some(i => i.id === state.orgId)) state = null;
    if (!items.length) state = { newOrg: true };
    list.replaceChildren(
      ...items.map(i => option(i.id, i.name, (i.specialties || []).length ? `负责：${i.specialties.map(specialtyName).join("、")}` : "")),
      option("new", `首次注册新的${noun}`, items.length ? "（本地区已有的请勿重复注册）" : ""));
    if (onChange) onChange(state);
  }

  const picker = {
    el, label: noun, name: "orgId", required: true,
    get state() { return state; },
    get value() { return state && state.orgId ? state.orgId : state && state.newOrg ? "new" : ""; },
    setError(message) { error.textContent = message || ""; },
    clearError() { picker.setError(""); },
    focus() { const r = list.querySelector("input"); if (r) r.focus(); },
    refresh,
  };
  return picker;
}
