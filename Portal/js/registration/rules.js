// The seeds' registration rules as the wizard shows them: what each user type means, which
// specialties it picks, which forms it downloads and which scans it uploads.

export const ROLE_NOTES = {
  provincial_centre: "省级质控中心（含省级组长单位）的质控负责人或管理人员。由国家质控中心审批。",
  city_commission: "市卫生健康委工作人员：查看和下载本市医疗机构的数据。",
  institution_admin: "本院质控负责人或管理人员，原则上为医务处相关人员；可查看本院所有专业数据，管理本院子账号。由本省各省级质控中心审批。",
  specialty_admin: "本院某个亚专业的质控负责人或管理人员。由本院医疗机构管理员审核，再由省级质控中心对应专业审批。",
  data_entry: "本院某专业负责数据录入的人员或医师个人（医师个人账号仅用于冠心病介入、先心病介入、心律失常介入）。由本院亚专业管理员审批。",
};

/** How the user type picks specialties: many (grouped), one, or none (all by default). */
export function specialtyMode(role) {
  if (role === "provincial_centre") return "many";
  if (role === "specialty_admin" || role === "data_entry") return "one";
  return "none";
}

export const SPECIALTY_GROUPS = [
  { title: "介入相关专业", codes: ["coronary_intervention", "arrhythmia_intervention", "congenital_intervention"] },
  { title: "外科相关专业", codes: ["cardiac_surgery", "vascular_surgery", "surgical_intervention", "extracorporeal_circulation"] },
  { title: "内科相关专业", codes: ["hypertension", "coronary_heart_disease", "heart_failure", "atrial_fibrillation"] },
  { title: "其他专业", codes: ["cardiovascular_imaging"] },
];

/** Organisation the application needs: a new or existing institution, a centre, a commission. */
export function orgMode(role) {
  if (role === "institution_admin") return "institution";
  if (role === "specialty_admin" || role === "data_entry") return "existing-institution";
  if (role === "provincial_centre") return "centre";
  if (role === "city_commission") return "commission";
  return "none";
}

export const FORMS = [
  { code: "account-application", name: "账号申请表", note: "所有注册用户均需填写；省级质控中心、医疗机构管理员、亚专业管理员需负责人签字并加盖单位公章，数据录入员/医师个人由本专业负责人签字。", roles: null },
  { code: "confidentiality-pledge", name: "保密承诺函", note: "所有注册用户均需填写；承诺方可为单位或个人。单位用户需代表人签字并加盖单位公章。", roles: null },
  { code: "institution-info", name: "医疗机构信息收集表", note: "首次注册医疗机构时填写，信息确认人签字并注明联系方式。", roles: ["institution_admin"] },
  { code: "terms-consent", name: "系统使用须知及同意书", note: "参加 HQMS 等平台上报的医疗机构加盖公章后上传。", roles: ["institution_admin"] },
];

export function formsFor(role) { return FORMS.filter(f => !f.roles || f.roles.includes(role)); }

/** The programs one registers for; NCIS and HQMS institutions are reviewed by the platform. */
export const PROGRAMS = [
  { code: "nccqi", name: "国家心血管病医疗质量控制（NCCQI）" },
  { code: "ncis", name: "全国医疗质量数据抽样调查（NCIS）" },
  { code: "stroke", name: "脑卒中登记" },
  { code: "hqms", name: "HQMS 流感监测" },
  { code: "zhejiang", name: "浙江省医疗质量月度核心指标" },
];

/** Upload kinds (documents' /kinds codes) per user type and program; `required` must be present to submit. */
export function uploadsFor(role, newOrganisation, program) {
  const list = [
    { kind: "signed_application_form", required: true },
    { kind: "confidentiality_pledge", required: true },
  ];
  if (role === "provincial_centre" && newOrganisation) list.push({ kind: "qualification_approval", required: true });
  if (role === "institution_admin" && newOrganisation) {
    list.push({ kind: "licence_scan", required: true });
    list.push({ kind: "institution_info_form", required: false });
  }
  if (role === "specialty_admin") list.push({ kind: "practitioner_certificate", required: true });
  if (role === "institution_admin" && program === "hqms") list.push({ kind: "terms_consent_form", required: true });
  if (role === "institution_admin" && program === "zhejiang" && newOrganisation) list.push({ kind: "liaison_form", required: true });
  if (role === "institution_admin" && program === "stroke" && newOrganisation) {
    list.push({ kind: "unit_registration_form", required: true });
    list.push({ kind: "legal_person_certificate", required: true });
  }
  return list;
}

/** What else the applicant prepares (NCCQI 资料下载). */
export function extraMaterials(role) {
  if (role === "provincial_centre") return "首次申请“省级质控中心”，还需准备质控中心资质批复文件。";
  if (role === "institution_admin") return "首次申请“医疗机构管理员”，还需准备医疗机构执业许可证扫描件。";
  if (role === "specialty_admin") return "首次申请“亚专业管理员”，还需准备亚专业负责人的执业证书扫描件。";
  return "";
}

export const LEVELS = ["三级甲等", "三级乙等", "三级丙等", "三级未定等", "二级甲等", "二级乙等", "二级丙等", "二级未定等", "一级", "未定级"];
export const CATEGORIES = ["综合医院", "中医医院", "中西医结合医院", "专科医院", "妇幼保健院", "传染病医院", "其他"];

export const TERMS = [
  "平台用于医疗质量数据的收集、分析与反馈，注册用户须为本单位指定的质控工作人员。",
  "账号仅限本人使用，不得转借他人；账号申请表与保密承诺函须按要求签字盖章后上传扫描件。",
  "上报数据须真实、准确、完整，不得涉及患者个人隐私信息的导出与外传。",
  "用户名和初始密码审核通过后发送至第一步验证的手机号；首次登录须修改密码。",
  "审核开始前可随时修改申请信息；审核结果以短信通知，也可在“注册进度查询”中查看。",
];
