// Display helpers: times in China Standard Time whatever the browser's zone, sizes, labels.

const dateTime = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
});

/** "2026-01-05 09:30" (Beijing time). */
export function fmtTime(value) {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const parts = Object.fromEntries(dateTime.formatToParts(d).map(p => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** "3小时" / "2天4小时" / "不到1分钟": how long since `value`. */
export function elapsed(value, now = Date.now()) {
  if (!value) return "";
  let s = Math.max(0, Math.floor((now - new Date(value).getTime()) / 1000));
  const days = Math.floor(s / 86400); s -= days * 86400;
  const hours = Math.floor(s / 3600); s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  if (days > 0) return `${days}天${hours ? `${hours}小时` : ""}`;
  if (hours > 0) return `${hours}小时${minutes ? `${minutes}分钟` : ""}`;
  if (minutes > 0) return `${minutes}分钟`;
  return "不到1分钟";
}

/** "1 分 05 秒" for a countdown in seconds. */
export function fmtSeconds(total) {
  const t = Math.max(0, Math.ceil(total));
  const m = Math.floor(t / 60);
  const s = t % 60;
  return m > 0 ? `${m} 分 ${String(s).padStart(2, "0")} 秒` : `${s} 秒`;
}

export function fmtSize(bytes) {
  if (bytes == null) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1048576) return `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KB`;
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

export const ROLE_TITLES = {
  platform_operator: "平台运营",
  national_centre: "国家质控中心",
  national_specialty_centre: "国家质控中心亚专业",
  provincial_centre: "省级质控中心",
  city_commission: "市卫生健康委",
  institution_admin: "医疗机构管理员",
  specialty_admin: "亚专业管理员",
  data_entry: "数据填报员/医师",
};

export function roleTitle(code) { return ROLE_TITLES[code] || code; }

/** The specialty names, filled from /v1/specialties by whoever loads them. */
export const SPECIALTY_NAMES = {
  coronary_intervention: "冠心病介入", congenital_intervention: "先心病介入", arrhythmia_intervention: "心律失常介入",
  cardiac_surgery: "心外科", vascular_surgery: "血管外科", surgical_intervention: "外科介入", extracorporeal_circulation: "体外循环",
  hypertension: "高血压", coronary_heart_disease: "冠心病", heart_failure: "心力衰竭", atrial_fibrillation: "心房颤动",
  cardiovascular_imaging: "心血管影像",
};

export function specialtyName(code) { return SPECIALTY_NAMES[code] || code; }

/** Registration application states. */
export const APPLICATION_STATUS = {
  draft: ["草稿（未提交）", "gray"],
  pending: ["审核中", "amber"],
  approved: ["已通过", "green"],
  rejected: ["未通过", "red"],
  withdrawn: ["已撤回", "gray"],
};

/** Approval request and stage states. */
export const REQUEST_STATUS = {
  pending: ["审批中", "amber"],
  resolving: ["审批中", "amber"],
  waiting: ["未开始", "gray"],
  approved: ["已通过", "green"],
  rejected: ["未通过", "red"],
  returned: ["已退回", "red"],
  withdrawn: ["已撤回", "gray"],
};

export const DECISION_TITLES = { approve: "同意", reject: "不同意", return: "退回" };

export function maskPhone(phone) {
  return phone && /^\d{11}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone || "";
}

export const PHONE_RE = /^1[3-9]\d{9}$/;
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
