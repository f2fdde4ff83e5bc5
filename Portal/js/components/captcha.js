// The image captcha (GET /api/identity/v1/captcha → {id, image}): click the picture for a new
// one. Each answer is used once, so callers refresh after every attempt.
import { h } from "../dom.js";
import { api } from "../api.js";
import { devMode } from "../devmode.js";
import { field } from "./field.js";

/** `forCode`: the captcha only guards the "获取验证码" button (checked there, not on submit). */
export function captchaField({ name = "captchaAnswer", label = "图形验证码", forCode = false } = {}) {
  let id = null;
  const img = h("img", { alt: "图形验证码（看不清？点击换一张）", width: "110", height: "38" });
  const button = h("button", { type: "button", class: "captcha-img", title: "看不清？换一张", "aria-label": "换一张图形验证码" }, img);
  const devLine = h("div", { class: "dev-answer", hidden: true });
  const f = field({ label, name, required: true, maxlength: 8, autocomplete: "off", placeholder: forCode ? "获取短信验证码前填写" : "右侧图片中的字符", after: button,
    extra: devLine, attrs: { autocapitalize: "characters", "data-role": "captcha-input", spellcheck: "false" } });

  async function refresh() {
    f.value = "";
    devLine.hidden = true;
    try {
      const c = await api.get("/api/identity/v1/captcha");
      id = c.id;
      img.src = c.image;
      img.dataset.captchaId = c.id;
      button.dataset.captchaId = c.id;
    } catch (e) {
      f.setError(e.message || "图形验证码加载失败，请点击图片重试");
    }
    if (await devMode()) {
      devLine.replaceChildren(h("button", { type: "button", class: "btn-link btn", onclick: showAnswer }, "开发模式：查看验证码答案"));
      devLine.hidden = false;
    }
  }

  async function showAnswer() {
    try {
      const a = await api.get(`/api/identity/v1/dev/captchas/${encodeURIComponent(id)}`);
      devLine.textContent = `开发模式：答案是 ${a.answer}`;
    } catch {
      devLine.textContent = "开发模式：答案已失效，请换一张";
    }
  }

  button.addEventListener("click", () => { refresh(); f.focus(); });
  refresh();
  if (forCode) f.required = false;
  Object.defineProperty(f, "captchaId", { get: () => id });
  f.refresh = refresh;
  return f;
}
