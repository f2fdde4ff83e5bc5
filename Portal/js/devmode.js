// Dev mode (DEV_MODE=1 on identity): the dev inbox answers. Everything dev-only in the portal
// asks here first, so it is absent when dev mode is off.
let probe = null;

export function devMode() {
  if (!probe) {
    probe = fetch("/api/identity/v1/dev/messages?limit=1", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(r => r.ok)
      .catch(() => false);
  }
  return probe;
}
