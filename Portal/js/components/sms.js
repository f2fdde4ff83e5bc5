// The SMS code input with its "获取验证码" button and the 60-second countdown. `send` asks
// the server for a code and answers {phoneMasked, resendAfter}; it throws ApiError.
import { h } from "../dom.js";
import { field } from "./field.js";
import { toast } from "./toast.js";
import { api } from "../api.js";
import { PHONE_RE } from "../format.js";

export function smsField({ send, onError, label = "短信验证码", name = "code" }) {
  let timer = null;
  const button = h("button", { type: "button", class: "btn", "data-role": "send-code" }, "获取验证码");
  const f = field({ label, name, required: true, maxlength: 6, inputmode: "numeric", autocomplete: "one-time-code",
    placeholder: "6 位数字", after: button, hint: "验证码 60 秒内有效；同一手机号 10 分钟内最多发送 5 次。" });

  function countdown(seconds) {
    clearInterval(timer);
    let left = seconds;
    button.disabled = true;
    const tick = () => {
      if (!button.isConnected || left <= 0) {
        clearInterval(timer);
        button.disabled = false;
        button.textContent = "重新获取";
        return;
      }
      button.textContent = `重新获取（${left}s）`;
      left -= 1;
    };
    tick();
    timer = setInterval(tick, 1000);
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const r = await send();
      if (r === false) { button.disabled = false; return; }
      toast(`验证码已发送至 ${r && r.phoneMasked ? r.phoneMasked : "您的手机"}`, "success");
      countdown((r && r.resendAfter) || 60);
      f.focus();
    } catch (e) {
      button.disabled = false;
      if (e.status === 429 && e.retryAfter) countdown(Math.min(e.retryAfter, 600));
      if (!(onError && onError(e))) f.setError(e.message);
    }
  });
  return Object.assign(f, { button, stop() { clearInterval(timer); } });
}

/** The send step of a public form that proves a phone by SMS (账号激活, 卒中登记用户注册): the
 *  phone and the captcha checked here first, then the code requested at `url` with both; the
 *  captcha is renewed whatever the answer (one answer, one code). For `smsField({ send })`. */
export function phoneCodeSender(form, phone, captcha, url) {
  return async () => {
    form.clear();
    if (!PHONE_RE.test(phone.value)) { phone.setError("请输入正确的11位手机号"); phone.focus(); return false; }
    if (!captcha.value) { captcha.setError("请先输入图形验证码"); captcha.focus(); return false; }
    try {
      return await api.post(url, { phone: phone.value, captchaId: captcha.captchaId, captchaAnswer: captcha.value });
    } finally {
      captcha.refresh();
    }
  };
}
