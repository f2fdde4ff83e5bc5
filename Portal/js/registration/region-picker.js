// Three-level region picker over GB/T 2260 six-digit codes (GET /api/identity/v1/regions,
// ?parent= for the next level, ?q= to search by name). `level` is how deep the applicant must
// go: "province" (a provincial centre), "city" (a city commission; institution lookups) or
// "county" (an institution: city required, county optional). The value is the deepest code
// chosen: 330000, 330100 or 330106.
import { h, uid } from "../dom.js";
import { api } from "../api.js";

const cache = new Map();
function regions(parent) {
  const key = parent || "";
  if (!cache.has(key)) cache.set(key, api.get("/api/identity/v1/regions", { query: { parent } }).then(r => r.items || []).catch(e => { cache.delete(key); throw e; }));
  return cache.get(key);
}

const DEPTH = { province: 1, city: 2, county: 3 };

/** The province, city and county codes of a six-digit code (city and county may be ""). */
export function splitRegion(code) {
  if (!/^\d{6}$/.test(code || "")) return { province: "", city: "", county: "" };
  const province = code.slice(0, 2) + "0000";
  const city = code.endsWith("0000") ? "" : code.slice(0, 4) + "00";
  const county = code.endsWith("00") ? "" : code;
  return { province, city, county };
}

export function regionPicker({ level = "city", value = "", onChange } = {}) {
  const id = uid("region");
  const error = h("div", { class: "error", id: `${id}-error`, role: "alert" });
  const req = () => h("span", { class: "req", "aria-hidden": "true" }, "*");
  const province = h("select", { id: `${id}-p`, name: "province", "aria-describedby": `${id}-error`, required: true }, h("option", { value: "" }, "请选择省份"));
  const city = h("select", { id: `${id}-c`, name: "city", "aria-describedby": `${id}-error`, required: true }, h("option", { value: "" }, "请选择城市"));
  const county = h("select", { id: `${id}-x`, name: "county", "aria-describedby": `${id}-error ${id}-xhint` }, h("option", { value: "" }, "（不选区县）"));
  const cityWrap = h("div", { class: "field" }, h("label", { for: `${id}-c` }, "所在城市", req()), city);
  const countyWrap = h("div", { class: "field" }, h("label", { for: `${id}-x` }, "所在区县"), county,
    h("div", { class: "hint", id: `${id}-xhint` }, "选填；医疗机构位于区县时请选择"));
  const search = h("input", { type: "search", id: `${id}-q`, name: "regionQuery", maxlength: 20, autocomplete: "off",
    placeholder: "输入地区名称搜索，如：西湖", "aria-describedby": `${id}-qhint`, "aria-controls": `${id}-hits` });
  const hits = h("ul", { class: "inst-hits region-hits", id: `${id}-hits`, "aria-label": "地区搜索结果", hidden: true });
  const hitsStatus = h("div", { class: "muted small", role: "status", "aria-live": "polite" });
  const searchWrap = h("div", { class: "field span-2 region-search" },
    h("label", { for: `${id}-q` }, "搜索地区"), search,
    h("div", { class: "hint", id: `${id}-qhint` }, "可直接输入省、市或区县名称，从结果中选择"), hitsStatus, hits);
  const el = h("div", { class: "grid-2 region-picker", "data-role": "region-picker" },
    searchWrap,
    h("div", { class: "field" }, h("label", { for: `${id}-p` }, "所在省份", req()), province),
    cityWrap, countyWrap, h("div", { class: "span-2 region-error" }, error));
  const depth = () => DEPTH[level] || 2;
  function layout() {
    cityWrap.hidden = depth() < 2;
    countyWrap.hidden = depth() < 3 || county.options.length <= 1;
  }
  layout();

  async function fill(select, parent, placeholder, selected) {
    select.replaceChildren(h("option", { value: "" }, placeholder));
    if (!parent) return;
    const items = await regions(parent);
    select.append(...items.map(r => h("option", { value: r.code }, r.name)));
    if (selected) select.value = selected;
  }
  async function loadCities(code, selected) {
    await fill(city, depth() >= 2 ? code : "", "请选择城市", selected);
    await loadCounties("", "");
  }
  async function loadCounties(code, selected) {
    await fill(county, depth() >= 3 ? code : "", "（不选区县）", selected);
    layout();
  }

  /** Sets the selects to a six-digit code (its province, city and county). */
  async function setCode(code) {
    const parts = splitRegion(code);
    province.value = parts.province;
    await loadCities(parts.province, parts.city);
    if (parts.city && depth() >= 3) await loadCounties(parts.city, parts.county);
  }

  const picker = {
    el, label: "所在地区", name: "regionCode", required: true,
    get requiredMessage() { return level === "province" ? "请选择所在省份" : "请选择所在省份和城市"; },
    get value() {
      if (depth() === 1) return province.value;
      if (depth() === 2) return city.value;
      return county.value || city.value;
    },
    get provinceCode() { return province.value; },
    get cityCode() { return city.value; },
    get regionName() {
      const names = [province, city, county].slice(0, depth()).map(s => s.selectedOptions[0]).filter(o => o && o.value).map(o => o.textContent);
      return names.join("");
    },
    setError(message) {
      error.textContent = message || "";
      const target = depth() === 1 || !province.value ? province : city;
      if (message) target.setAttribute("aria-invalid", "true"); else { province.removeAttribute("aria-invalid"); city.removeAttribute("aria-invalid"); }
    },
    clearError() { picker.setError(""); },
    focus() { (depth() === 1 || !province.value ? province : city).focus(); },
    async setLevel(newLevel) {
      const keep = picker.value;
      level = newLevel;
      await setCode(keep);
      layout();
    },
    setCode,
  };

  function changed() { picker.clearError(); if (onChange) onChange(picker.value); }
  // chosen by hand: the search's "已选择" no longer applies
  province.addEventListener("change", async () => { hitsStatus.textContent = ""; await loadCities(province.value); changed(); });
  city.addEventListener("change", async () => { hitsStatus.textContent = ""; await loadCounties(city.value); changed(); });
  county.addEventListener("change", () => { hitsStatus.textContent = ""; changed(); });

  // --- search by name
  let seq = 0;
  let timer = null;
  async function runSearch() {
    const q = search.value.trim();
    const mine = ++seq;
    if (!q) { hits.hidden = true; hits.replaceChildren(); hitsStatus.textContent = ""; return; }
    try {
      const r = await api.get("/api/identity/v1/regions", { query: { q, limit: 30 } });
      if (mine !== seq) return;
      const items = (r.items || []).filter(x => DEPTH[x.level] <= depth()).slice(0, 12);
      hits.replaceChildren(...items.map(x => h("li", null,
        h("span", null, x.fullName || x.name),
        h("button", { type: "button", class: "btn btn-sm", "data-code": x.code, "aria-label": `选择 ${x.fullName || x.name}`,
          onclick: async () => {
            await setCode(x.code);
            hits.hidden = true;
            hitsStatus.textContent = `已选择：${x.fullName || x.name}`;
            changed();
            (depth() >= 2 && !city.value ? city : depth() >= 3 && !countyWrap.hidden ? county : province).focus();
          } }, "选择"))));
      hits.hidden = !items.length;
      hitsStatus.textContent = items.length ? `找到 ${items.length} 个地区` : "未找到该地区";
    } catch (e) {
      if (mine === seq) hitsStatus.textContent = e.message || "搜索失败";
    }
  }
  search.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(runSearch, 250); });
  search.addEventListener("keydown", e => { if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); runSearch(); } });

  picker.ready = (async () => {
    try {
      const items = await regions(null);
      province.append(...items.map(r => h("option", { value: r.code }, r.name)));
      if (value) await setCode(value);
    } catch (e) {
      picker.setError(e.message || "地区加载失败，请刷新重试");
    }
  })();
  return picker;
}
