// The one way the portal talks to the suite: JSON over fetch with the session cookie
// (credentials "same-origin"; the gateway turns the cookie into a Bearer token). When a call
// answers 401 token_expired, the session is refreshed once and the call retried. Errors come
// back as ApiError with the envelope's field, so forms can show them next to that field.
// Applicant tokens (registration) are passed explicitly and never stored by this module.

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter, body) {
    super(message || "请求失败，请稍后再试");
    this.status = status;
    this.code = code || "error";
    this.field = field || null;
    this.retryAfter = retryAfter ?? null;
    this.body = body ?? null;
  }
}

const NETWORK = "网络连接失败，请检查网络后重试";
let onSessionLost = () => {};
let refreshing = null;

/** Called when a signed-in call finds the session gone (after a failed refresh). */
export function setSessionLostHandler(fn) { onSessionLost = fn; }

function statusMessage(status) {
  if (status === 401) return "请先登录";
  if (status === 403) return "没有权限执行此操作";
  if (status === 404) return "请求的内容不存在";
  if (status === 413) return "内容过大";
  if (status === 429) return "操作过于频繁，请稍后再试";
  if (status >= 500) return "服务暂时不可用，请稍后再试";
  return "请求失败，请稍后再试";
}

export async function errorFrom(response) {
  let body = null;
  try { body = await response.json(); } catch { /* not JSON */ }
  const e = body && body.error ? body.error : {};
  let retryAfter = e.retryAfter ?? null;
  const header = response.headers.get("Retry-After");
  if (retryAfter == null && header && /^\d+$/.test(header)) retryAfter = Number(header);
  return new ApiError(response.status, e.code, e.message || statusMessage(response.status), e.field, retryAfter, body);
}

/** One refresh at a time, shared by concurrent calls. */
export function refreshSession() {
  if (!refreshing) {
    refreshing = fetch("/api/session/refresh", { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(r => r.ok)
      .catch(() => false)
      .finally(() => { setTimeout(() => { refreshing = null; }, 0); });
  }
  return refreshing;
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, v);
  const s = params.toString();
  return s ? `${path}${path.includes("?") ? "&" : "?"}${s}` : path;
}

/** A fetch with the refresh-once rule. `token`: an applicant token (no cookie session). */
async function send(method, path, { body, token, query, headers = {}, quietAuth = false } = {}, retried = false) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    if (body instanceof FormData || body instanceof Blob) init.body = body;
    else { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
  }
  let response;
  try {
    response = await fetch(withQuery(path, query), init);
  } catch {
    throw new ApiError(0, "network", NETWORK);
  }
  if (response.status === 401 && !token) {
    const err = await errorFrom(response);
    // token_expired: the access token is stale. unauthorized: the browser already dropped the
    // access cookie (its Max-Age is the token's life) while the refresh cookie may still be good.
    if ((err.code === "token_expired" || err.code === "unauthorized") && !retried && !path.startsWith("/api/session") && await refreshSession()) {
      return send(method, path, { body, token, query, headers, quietAuth }, true);
    }
    if (!quietAuth && !path.startsWith("/api/session")) onSessionLost(err);
    throw err;
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

async function json(method, path, options) {
  const response = await send(method, path, options);
  if (response.status === 204) return null;
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const api = {
  get: (path, options) => json("GET", path, options),
  post: (path, body, options = {}) => json("POST", path, { ...options, body }),
  put: (path, body, options = {}) => json("PUT", path, { ...options, body }),
  patch: (path, body, options = {}) => json("PATCH", path, { ...options, body }),
  del: (path, options) => json("DELETE", path, options),
};

/** The file name of a Content-Disposition header (RFC 6266 filename* first). */
export function fileNameOf(disposition, fallback) {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) { try { return decodeURIComponent(star[1].trim()); } catch { /* fall through */ } }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** Fetches a file (with the cookie or an applicant token) as a Blob. */
export async function fetchBlob(path, { token, query, fallbackName = "文件" } = {}) {
  const response = await send("GET", path, { token, query, headers: { Accept: "*/*" } });
  const blob = await response.blob();
  return {
    blob,
    fileName: fileNameOf(response.headers.get("Content-Disposition"), fallbackName),
    contentType: response.headers.get("Content-Type") || blob.type,
    verificationCode: response.headers.get("X-Verification-Code"),
  };
}

/** Uploads one file as multipart (field "file") with progress, through XMLHttpRequest because
 *  fetch reports no upload progress. Resolves with the JSON answer; rejects with ApiError. */
export function upload(path, file, { token, query, onProgress } = {}, retried = false) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", withQuery(path, query));
    xhr.setRequestHeader("Accept", "application/json");
    if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
    xhr.upload.onprogress = e => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    xhr.onerror = () => reject(new ApiError(0, "network", NETWORK));
    xhr.onload = async () => {
      let body = null;
      try { body = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(body); return; }
      const e = body && body.error ? body.error : {};
      const err = new ApiError(xhr.status, e.code, e.message || statusMessage(xhr.status), e.field, e.retryAfter, body);
      if (xhr.status === 401 && !token && (err.code === "token_expired" || err.code === "unauthorized") && !retried && await refreshSession()) {
        upload(path, file, { token, query, onProgress }, true).then(resolve, reject);
        return;
      }
      reject(err);
    };
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
