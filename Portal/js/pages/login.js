// 登录: username or phone + password + image captcha, then the SMS code (the gateway keeps
// the session in HttpOnly cookies). A frozen account sees how long to wait.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { setSession } from "../session.js";
import { field, Form } from "../components/field.js";
import { captchaField } from "../components/captcha.js";
import { publicShell, publicLinks } from "../components/public-shell.js";
import { fmtSeconds } from "../format.js";
import { toast } from "../components/toast.js";

export default function login(ctx) {
  const { root, query, navigate } = ctx;
  let lockTimer = null;
  const card = h("div", { class: "card", "data-page": "login" });
  mount(root, publicShell([card, publicLinks(["#/register", "用户注册"], ["#/stroke-register", "脑卒中登记用户注册"], ["#/status", "注册进度查询"], ["#/lookup", "账号查询"], ["#/forgot", "忘记密码？"], ["#/activate", "账号激活"])]));

  // Step 1: password.
  const form = new Form();
  const loginField = form.add("login", field({ label: "用户名或手机号", name: "login", required: true, autocomplete: "username", maxlength: 64 }));
  const password = form.add("password", field({ label: "密码", name: "password", type: "password", required: true, autocomplete: "current-password", maxlength: 64 }));
  const captcha = form.add("captchaAnswer", captchaField());
  const lockBox = h("div", { class: "notice warn", role: "alert", hidden: true, "data-role": "locked" });
  const submit = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "登录");
  const passwordForm = h("form", { novalidate: true, "aria-label": "密码登录" },
    form.errorBox, lockBox, loginField.el, password.el, captcha.el, submit);

  function showLock(seconds) {
    clearInterval(lockTimer);
    let left = seconds;
    const tick = () => {
      if (!lockBox.isConnected) { clearInterval(lockTimer); return; }
      if (left <= 0) {
        clearInterval(lockTimer);
        lockBox.replaceChildren("账号已解冻，请重新登录。");
        lockBox.className = "notice";
        submit.disabled = false;
        return;
      }
      lockBox.className = "notice warn";
      lockBox.replaceChildren(h("strong", null, "账号已冻结"), `：连续输错密码次数过多，请在 `,
        h("strong", { "data-role": "lock-seconds" }, fmtSeconds(left)), " 后再试。");
      left -= 1;
    };
    lockBox.hidden = false;
    submit.disabled = true;
    tick();
    lockTimer = setInterval(tick, 1000);
  }

  passwordForm.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check()) return;
    await busy(submit, "正在登录…", async () => {
      try {
        const answer = await api.post("/api/session/login", {
          login: loginField.value, password: password.input.value, captchaId: captcha.captchaId, captchaAnswer: captcha.value,
        });
        if (answer && answer.challengeId) showSmsStep(answer);
        else done(answer);
      } catch (err) {
        captcha.refresh();
        if (err.code === "account_locked") { form.clear(); showLock(err.retryAfter || 180); return; }
        if (err.code === "invalid_credentials") { password.setError(err.message); password.input.select(); password.focus(); return; }
        form.show(err);
      }
    });
    if (!lockBox.hidden && lockBox.classList.contains("warn")) submit.disabled = true;
  });

  // Step 2: the SMS code sent to the account's phone.
  function showSmsStep(challenge) {
    const smsForm = new Form();
    const code = smsForm.add("code", field({ label: "短信验证码", name: "code", required: true, maxlength: 6, inputmode: "numeric",
      autocomplete: "one-time-code", placeholder: "6 位数字", hint: "验证码 60 秒内有效。" }));
    const ok = h("button", { type: "submit", class: "btn btn-primary btn-block" }, "验证并登录");
    const again = h("button", { type: "button", class: "btn btn-link" }, "没收到？返回重新获取");
    const f = h("form", { novalidate: true, "aria-label": "短信验证" },
      h("div", { class: "notice" }, "短信验证码已发送至 ", h("strong", { "data-role": "phone-masked" }, challenge.phoneMasked || "您的手机"), "，请输入 6 位验证码。"),
      smsForm.errorBox, code.el, ok, h("div", { class: "form-actions" }, again));
    again.addEventListener("click", () => { showPasswordStep(); toast("请重新输入图形验证码以获取新的短信验证码"); });
    f.addEventListener("submit", async e => {
      e.preventDefault();
      if (!smsForm.check([[code, /^\d{6}$/.test(code.value), "请输入6位数字验证码"]])) return;
      await busy(ok, "正在验证…", async () => {
        try {
          done(await api.post("/api/session/verify", { challengeId: challenge.challengeId, code: code.value }));
        } catch (err) {
          if (err.field === "challengeId") { showPasswordStep(); form.message(err.message); return; }
          smsForm.show(err.field ? err : { ...err, field: "code", message: err.message });
        }
      });
    });
    mount(card, h("h1", null, "短信验证"), f);
    code.focus();
  }

  function showPasswordStep() {
    mount(card, h("h1", null, "登录"), h("p", { class: "muted" }, "使用用户名或手机号、密码登录，随后输入短信验证码。"), passwordForm);
    captcha.refresh();
    (loginField.value ? password : loginField).focus();
  }

  function done(answer) {
    setSession(answer);
    if (answer && answer.mustChangePassword) { navigate("/change-password"); return; }
    const next = query.next && query.next.startsWith("/") && !query.next.startsWith("/login") ? query.next : "/home";
    navigate(next);
  }

  mount(card, h("h1", null, "登录"), h("p", { class: "muted" }, "使用用户名或手机号、密码登录，随后输入短信验证码。"), passwordForm);
  loginField.focus();
  return () => clearInterval(lockTimer);
}
