// Province and city selects (GET /api/identity/v1/regions, ?parent=). A provincial centre
// picks a province only; the others pick a city.
import { h, uid } from "../dom.js";
import { api } from "../api.js";

const cache = new Map();
function regions(parent) {
  const key = parent || "";
  if (!cache.has(key)) cache.set(key, api.get("/api/identity/v1/regions", { query: { parent } }).then(r => r.items || []).catch(e => { cache.delete(key); throw e; }));
  return cache.get(key);
}

export function regionPicker({ level = "city", value = "", onChange } = {}) {
  const id = uid("region");
  const error = h("div", { class: "error", id: `${id}-error`, role: "alert" });
  const province = h("select", { id: `${id}-p`, name: "province", "aria-describedby": `${id}-error`, required: true }, h("option", { value: "" }, "请选择省份"));
  const city = h("select", { id: `${id}-c`, name: "city", "aria-describedby": `${id}-error`, required: true }, h("option", { value: "" }, "请选择城市"));
  const cityWrap = h("div", { class: "field" }, h("label", { for: `${id}-c` }, "所在城市", h("span", { class: "req", "aria-hidden": "true" }, "*")), city);
  const el = h("div", { class: "grid-2 region-picker" },
    h("div", { class: "field" }, h("label", { for: `${id}-p` }, "所在省份", h("span", { class: "req", "aria-hidden": "true" }, "*")), province),
    cityWrap, h("div", { class: "span-2 region-error" }, error));
  cityWrap.hidden = level === "province";

  async function loadCities(code, selected) {
    city.replaceChildren(h("option", { value: "" }, "请选择城市"));
    if (!code || level === "province") return;
    const items = await regions(code);
    city.append(...items.map(r => h("option", { value: r.code }, r.name)));
    if (!items.length) city.append(h("option", { value: "", disabled: true }, "（该省暂无城市数据）"));
    if (selected) city.value = selected;
  }

  const picker = {
    el, label: "所在地区", name: "regionCode", required: true, requiredMessage: level === "province" ? "请选择所在省份" : "请选择所在省份和城市",
    get value() { return level === "province" ? province.value : city.value; },
    get provinceCode() { return province.value; },
    get regionName() {
      const p = province.selectedOptions[0];
      const c = city.selectedOptions[0];
      return `${p && p.value ? p.textContent : ""}${level !== "province" && c && c.value ? c.textContent : ""}`;
    },
    setError(message) {
      error.textContent = message || "";
      const target = level === "province" || !province.value ? province : city;
      if (message) target.setAttribute("aria-invalid", "true"); else { province.removeAttribute("aria-invalid"); city.removeAttribute("aria-invalid"); }
    },
    clearError() { picker.setError(""); },
    focus() { (level === "province" || !province.value ? province : city).focus(); },
    async setLevel(newLevel) {
      level = newLevel;
      cityWrap.hidden = level === "province";
      if (level !== "province" && province.value && city.options.length <= 1) await loadCities(province.value);
    },
  };

  province.addEventListener("change", async () => {
    picker.clearError();
    await loadCities(province.value);
    if (onChange) onChange(picker.value);
  });
  city.addEventListener("change", () => { picker.clearError(); if (onChange) onChange(picker.value); });

  picker.ready = (async () => {
    try {
      const items = await regions(null);
      province.append(...items.map(r => h("option", { value: r.code }, r.name)));
      if (value) {
        province.value = value.slice(0, 2);
        await loadCities(province.value, value.length > 2 ? value : "");
      }
    } catch (e) {
      picker.setError(e.message || "地区加载失败，请刷新重试");
    }
  })();
  return picker;
}
