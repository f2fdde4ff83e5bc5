// 开发收件箱 (dev mode only; the route is absent otherwise): the SMS and e-mail the suite
// "sent", and the answer of an image captcha, so the whole flow can be walked without a phone.
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { fmtTime } from "../format.js";
import { badge } from "../components/badge.js";

function linkify(text) {
  const parts = [];
  let last = 0;
  const re = /https?:\/\/[^\s]+/g;
  let m;
  while ((m = re.exec(text))) {
    parts.push(text.slice(last, m.index));
    const url = m[0];
    const local = url.indexOf("/#/");
    parts.push(h("a", { href: local >= 0 ? url.slice(local + 1) : url, rel: "noopener" }, url));
    last = m.index + url.length;
  }
  parts.push(text.slice(last));
  return parts;
}

export default async function dev({ root }) {
  const filter = new Form();
  const recipient = filter.add("recipient", field({ label: "收件人（手机号或邮箱）", name: "recipient", maxlength: 100, placeholder: "留空显示全部" }));
  recipient.el.classList.add("grow");
  const auto = h("input", { type: "checkbox", id: "dev-auto", checked: true });
  const refresh = h("button", { type: "submit", class: "btn btn-primary" }, "刷新");
  const filterForm = h("form", { class: "filters", role: "search" }, recipient.el, h("div", { class: "row" }, refresh,
    h("label", { class: "choice", for: "dev-auto" }, auto, "每 5 秒自动刷新")));
  const tbody = h("tbody");

  const cap = new Form();
  const capId = cap.add("captchaId", field({ label: "图形验证码编号", name: "captchaId", maxlength: 64, placeholder: "如 0193…，可在验证码图片的 data-captcha-id 中找到",
    hint: "开发模式下，每个图形验证码下方也有“查看验证码答案”链接。" }));
  capId.el.classList.add("grow");
  const capBtn = h("button", { type: "submit", class: "btn" }, "查看答案");
  const capOut = h("div", { "aria-live": "polite", "data-role": "captcha-answer" });
  const capForm = h("form", { class: "filters" }, cap.errorBox, capId.el, h("div", { class: "row" }, capBtn));

  mount(root,
    h("div", { class: "page-head", "data-page": "dev" }, h("div", null, h("h1", null, "开发收件箱"),
      h("p", { class: "sub" }, "仅开发模式（DEV_MODE=1）可见：平台“发送”的短信和邮件，以及图形验证码的答案。"))),
    h("div", { class: "notice warn" }, "开发模式不得用于生产环境。"),
    h("section", { class: "card" }, h("h2", null, "短信与邮件"), filterForm,
      h("div", { class: "table-wrap" }, h("table", { class: "table responsive messages", "data-role": "messages" },
        h("thead", null, h("tr", null, ["时间", "渠道", "收件人", "内容"].map(t => h("th", null, t)))), tbody))),
    h("section", { class: "card" }, h("h2", null, "图形验证码答案"), capForm, capOut));

  async function load() {
    try {
      const r = await api.get("/api/identity/v1/dev/messages", { query: { recipient: recipient.value, limit: 100 } });
      const items = r.items || [];
      mount(tbody, items.length ? items.map(m => h("tr", null,
        h("td", { "data-label": "时间", class: "nowrap" }, fmtTime(m.createdAt)),
        h("td", { "data-label": "渠道" }, m.channel === "sms" ? badge("短信", "blue") : badge("邮件", "amber")),
        h("td", { "data-label": "收件人", class: "mono" }, m.recipient),
        h("td", { "data-label": "内容", class: "body" }, m.subject ? h("strong", null, m.subject, h("br")) : null, linkify(m.body)))) :
        h("tr", null, h("td", { colspan: "4", class: "empty" }, "没有消息")));
    } catch (e) {
      mount(tbody, h("tr", null, h("td", { colspan: "4", class: "empty error" }, e.message)));
    }
  }
  filterForm.addEventListener("submit", e => { e.preventDefault(); busy(refresh, null, load); });
  capForm.addEventListener("submit", async e => {
    e.preventDefault();
    if (!capId.value) { capId.setError("请输入图形验证码编号"); capId.focus(); return; }
    try {
      const a = await api.get(`/api/identity/v1/dev/captchas/${encodeURIComponent(capId.value)}`);
      mount(capOut, h("p", null, "答案：", h("strong", { class: "mono" }, a.answer)));
    } catch (err) {
      capId.setError(err.status === 404 ? "验证码不存在或已过期" : err.message);
    }
  });
  const timer = setInterval(() => { if (auto.checked && !document.hidden) load(); }, 5000);
  await load();
  return () => clearInterval(timer);
}
