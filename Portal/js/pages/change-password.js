// The forced password change after the first sign-in or an administrator's reset: the rule is
// shown live while the user types; nothing else opens until it is done.
import { h, mount, busy } from "../dom.js";
import { user, loadSession, logout } from "../session.js";
import { passwordForm } from "../components/password-form.js";
import { publicShell } from "../components/public-shell.js";
import { toast } from "../components/toast.js";

export default function changePassword({ root, navigate }) {
  const u = user();
  const out = h("button", { type: "button", class: "btn btn-link" }, "退出登录");
  out.addEventListener("click", async () => { await logout(); navigate("/login"); });
  const pf = passwordForm({
    oldLabel: "初始密码（短信中收到的密码）",
    submitLabel: "修改密码并进入平台",
    context: () => ({ username: u && u.username, phone: u && u.phone }),
    onDone: async () => {
      await loadSession();
      toast("密码已修改", "success");
      navigate("/home");
    },
  });
  mount(root, publicShell(h("div", { class: "card", "data-page": "change-password" },
    h("h1", null, "设置新密码"),
    h("div", { class: "notice warn", role: "note" }, "首次登录或管理员重置密码后，须先修改密码才能使用平台。"),
    u ? h("p", { class: "muted" }, `账号：${u.username}（${u.displayName}）`) : null,
    pf.el,
    h("div", { class: "form-actions" }, out))));
  pf.focus();
}
