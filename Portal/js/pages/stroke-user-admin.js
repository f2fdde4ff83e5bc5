// 脑卒中登记用户 for a stroke unit's 医院管理员 (docs/registration.md "脑卒中登记个人用户"): the
// unit's individual users and listed persons with their certification (their 个人身份认证 are
// decided in 审批管理), and 添加人员: name + phone, who then uses 账号激活
// (GET/POST /api/identity/v1/stroke-users, /stroke-users/listed).
import { h, mount, busy } from "../dom.js";
import { api } from "../api.js";
import { field, Form } from "../components/field.js";
import { badge } from "../components/badge.js";
import { toast } from "../components/toast.js";
import { fmtTime, PHONE_RE } from "../format.js";

const CERT = { uncertified: ["未认证", "gray"], pending: ["审核中", "blue"], rejected: ["未通过", "red"], withdrawn: ["未认证", "gray"], certified: ["已认证", "green"] };

export default async function strokeUserAdmin(ctx) {
  const { root } = ctx;
  let list;
  try {
    list = await api.get("/api/identity/v1/stroke-users");
  } catch (e) {
    if (e.status !== 403) throw e;
    mount(root, h("div", { class: "card", "data-page": "stroke-users" }, h("h1", null, "脑卒中登记用户"), h("p", null, e.message)));
    return;
  }
  const form = new Form();
  const name = form.add("name", field({ label: "姓名", name: "name", required: true, maxlength: 30 }));
  const phone = form.add("phone", field({ label: "手机号", name: "phone", type: "tel", required: true, maxlength: 11, inputmode: "numeric" }));
  const add = h("button", { type: "submit", class: "btn btn-primary" }, "添加人员");
  const f = h("form", { class: "card", novalidate: true }, h("h2", null, "添加人员"),
    h("p", { class: "muted" }, "添加后，该人员在登录页点击“账号激活”，用本手机号接收验证码并设置用户名和密码，即可填报本单位的脑卒中登记数据，无需个人身份认证。"),
    form.errorBox, h("div", { class: "grid-2" }, name.el, phone.el), add);
  f.addEventListener("submit", async e => {
    e.preventDefault();
    if (!form.check([[phone, PHONE_RE.test(phone.value), "请输入正确的11位手机号"]])) return;
    await busy(add, "正在添加…", async () => {
      try {
        await api.post("/api/identity/v1/stroke-users/listed", { name: name.value, phone: phone.value });
        toast("已添加，已短信通知其激活账号", "success");
        ctx.navigate("/stroke-users", { replace: true });
      } catch (err) {
        form.show(err);
      }
    });
  });
  const items = list.items || [];
  const table = items.length ? h("table", { class: "table", "data-role": "stroke-members" },
    h("thead", null, h("tr", null, h("th", null, "姓名"), h("th", null, "手机号"), h("th", null, "来源"), h("th", null, "账号"), h("th", null, "认证"), h("th", null, "时间"))),
    h("tbody", null, items.map(m => {
      const [label, tone] = CERT[m.certification] || [m.certification, "gray"];
      return h("tr", { "data-user": m.userId }, h("td", null, m.displayName), h("td", { class: "mono" }, m.phoneMasked),
        h("td", null, m.source === "listed" ? "管理员添加" : "用户注册"),
        h("td", null, m.accountStatus === "pending_activation" ? "待激活" : m.accountStatus === "active" ? "正常" : "停用"),
        h("td", null, badge(label, tone)), h("td", null, fmtTime(m.createdAt)));
    }))) : h("p", { class: "muted" }, "本单位还没有脑卒中登记用户。");
  mount(root, h("div", { class: "card", "data-page": "stroke-users" }, h("h1", null, "脑卒中登记用户"),
    h("p", { class: "muted" }, "个人用户提交的个人身份认证在“审批管理”中审批。"), table), f);
}
