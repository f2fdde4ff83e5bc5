// The applicant's verified phone and the applicant tokens of its applications, kept in this
// module's memory only: never in localStorage, sessionStorage or a cookie. A reload forgets
// them and the applicant verifies the phone again (tokens live 2 hours at most anyway).
import { api, fetchBlob, upload } from "./api.js";

const tokens = new Map(); // application id → applicant token
let verifiedPhone = null;

export function remember(view, phone) {
  if (view && view.id && view.applicantToken) tokens.set(view.id, view.applicantToken);
  if (phone) verifiedPhone = phone;
}

export function hasToken(id) { return tokens.has(id); }
export function knownApplications() { return [...tokens.keys()]; }
export function phone() { return verifiedPhone; }
export function forgetAll() { tokens.clear(); verifiedPhone = null; }

/** The calls one application's applicant may make, each with its token. */
export function applicantApi(id) {
  const token = tokens.get(id);
  const base = `/api/identity/v1/applications/${encodeURIComponent(id)}`;
  const object = `registration:${id}`;
  return {
    id,
    get: () => api.get(base, { token }),
    save: body => api.put(base, body, { token }),
    submit: () => api.post(base + "/submit", undefined, { token }),
    resendCredentials: () => api.post(base + "/credentials", undefined, { token }),
    documents: () => api.get("/api/documents/v1/documents", { token, query: { object } }),
    upload: (kind, file, onProgress) => upload("/api/documents/v1/documents", file, { token, query: { kind, object }, onProgress }),
    deleteDocument: docId => api.del(`/api/documents/v1/documents/${encodeURIComponent(docId)}`, { token }),
    form: (form, name) => fetchBlob(`/api/documents/v1/forms/${encodeURIComponent(form)}`, { token, query: { application: id }, fallbackName: `${name}.pdf` }),
  };
}
