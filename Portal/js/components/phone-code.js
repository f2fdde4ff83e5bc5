// Sends an SMS code for a phone typed on the page, behind the image captcha
// (POST /api/identity/v1/sms-codes {phone, purpose, captchaId, captchaAnswer}).
import { api } from "../api.js";
import { PHONE_RE } from "../format.js";

export function phoneCodeSender(form, phone, captcha, purpose) {
  return async () => {
    form.clear();
    if (!PHONE_RE.test(phone.value)) { phone.setError("请输入正确的11位手机号"); phone.focus(); return false; }
    if (!captcha.value) { captcha.setError("请先输入图形验证码"); captcha.focus(); return false; }
    try {
      return await api.post("/api/identity/v1/sms-codes", { phone: phone.value, purpose, captchaId: captcha.captchaId, captchaAnswer: captcha.value });
    } finally {
      captcha.refresh();
    }
  };
}
