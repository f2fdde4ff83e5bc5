// Who is signed in, as the gateway says (GET /api/session). The portal never sees a token:
// the session lives in HttpOnly cookies. Also: what this user may do (nav and guards).
import { api, ApiError, refreshSession } from "./api.js";

let current = null; // { user, mustChangePassword }
const listeners = new Set();

export function session() { return current; }
export function user() { return current ? current.user : null; }

export function onSessionChange(fn) { listeners.add(fn); return () => listeners.delete(fn); }
function emit() { for (const fn of listeners) fn(current); }

/** Takes the answer of /api/session/verify, /refresh or GET /api/session. */
export function setSession(answer) {
  if (!answer || !answer.user) { current = null; emit(); return; }
  current = { user: answer.user, mustChangePassword: Boolean(answer.mustChangePassword ?? answer.user.mustChangePassword) };
  emit();
}

export function clearSession() { current = null; emit(); }

/** Asks the gateway who is signed in; null when nobody. */
export async function loadSession() {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      setSession(await api.get("/api/session", { quietAuth: true }));
      return current;
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 404)) throw e;
      // The access cookie may have expired while the refresh cookie is still good.
      if (e.status === 401 && attempt === 0 && await refreshSession()) continue;
      clearSession();
      return current;
    }
  }
  return current;
}

export async function logout() {
  try { await api.post("/api/session/logout", undefined, { quietAuth: true }); } catch { /* cookies cleared or already gone */ }
  clearSession();
}

const APPROVER_ROLES = new Set(["national_centre", "national_specialty_centre", "provincial_centre", "institution_admin",
  "specialty_admin", "platform_operator"]);
const MAIN_ACCOUNT_ROLES = new Set(["institution_admin", "provincial_centre", "national_centre"]);

function roles(u) { return (u && u.roles ? u.roles : []).map(r => r.role); }

/** Abilities used by the route table and the pages. */
export const can = {
  signedIn: u => Boolean(u),
  approve: u => roles(u).some(r => APPROVER_ROLES.has(r)),
  manageUsers: u => Boolean(u && u.isMainAccount) && roles(u).some(r => MAIN_ACCOUNT_ROLES.has(r)),
};
