// 用户注册: the seeds' four steps 手机验证 → 资料下载 → 信息完善 → 信息审核.
// #/register?application=<id>&step=3 resumes an application whose applicant token this page
// still holds in memory (from this page or the status page).
import { h, mount } from "../dom.js";
import { api } from "../api.js";
import { steps } from "../components/steps.js";
import { publicShell, publicLinks } from "../components/public-shell.js";
import { applicantApi, hasToken, phone as verifiedPhone } from "../applicant.js";
import { SPECIALTY_NAMES } from "../format.js";
import { phoneStep } from "../registration/step-phone.js";
import { formsStep } from "../registration/step-forms.js";
import { detailsStep } from "../registration/step-details.js";
import { doneStep } from "../registration/step-done.js";

const STEP_NAMES = ["手机验证", "资料下载", "信息完善", "信息审核"];

export default async function register(ctx) {
  const { root, query, alive } = ctx;
  const state = { step: 0, phone: null, applicationId: null, role: "", specialties: [], app: null, agreed: false };
  const head = h("div");
  const body = h("div", { "aria-live": "off" });
  const card = h("div", { class: "card", "data-page": "register" }, h("h1", null, "用户注册"), head, body);
  mount(root, publicShell([card, publicLinks(["#/login", "已有账号？去登录"], ["#/status", "注册进度查询"])], { wide: true }));

  const [roles, specialties] = await Promise.all([
    api.get("/api/identity/v1/roles").then(r => r.items || []),
    api.get("/api/identity/v1/specialties").then(r => r.items || []),
  ]);
  for (const s of specialties) SPECIALTY_NAMES[s.code] = s.name;
  if (!alive()) return;

  if (query.application && hasToken(query.application)) {
    state.applicationId = query.application;
    state.phone = verifiedPhone();
    try {
      state.app = await applicantApi(state.applicationId).get();
      state.role = state.app.role || "";
      state.specialties = state.app.specialties || [];
      state.program = state.app.program || "";
      state.agreed = true;
      const wanted = Number(query.step || 3) - 1;
      state.step = state.app.status === "draft" || state.app.editable ? Math.min(Math.max(wanted, 0), 2) : 3;
      if (!state.role) state.step = 0;
    } catch (e) {
      body.append(h("div", { class: "notice error" }, e.message));
    }
  }

  let current = null;
  async function show(step) {
    if (current && current.dispose) current.dispose();
    state.step = step;
    mount(head, steps(STEP_NAMES, step));
    mount(body, h("p", { class: "muted" }, "正在加载…"));
    const applicant = state.applicationId ? applicantApi(state.applicationId) : null;
    if (step === 0) {
      current = phoneStep({ state, roles, specialties, onNext: async change => {
        state.app = await applicant_(state).save(change);
        show(1);
      } });
    } else if (step === 1) {
      current = formsStep({ state, applicant, onBack: () => show(0), onNext: () => show(2) });
    } else if (step === 2) {
      try {
        current = await detailsStep({ state, applicant, onBack: () => show(1), onSubmitted: () => show(3) });
      } catch (e) {
        mount(body, h("div", { class: "notice error" }, e.status === 401 ? "验证已过期（有效期 2 小时），请在“注册进度查询”中重新验证手机号后继续。" : e.message));
        return;
      }
    } else {
      current = doneStep({ state, onEdit: () => show(2) });
    }
    if (!alive()) return;
    const others = step === 1 && state.others && state.others.length
      ? h("div", { class: "notice" }, `该手机号已有 ${state.others.length} 个注册申请，可在`, h("a", { href: "#/status" }, "注册进度查询"), "中查看。") : null;
    mount(body, others, current.el);
    current.focus();
  }
  await show(state.step);
  return () => { if (current && current.dispose) current.dispose(); };
}

function applicant_(state) { return applicantApi(state.applicationId); }
