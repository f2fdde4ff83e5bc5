/// The NCCQI specialties (亚专业) QC centres cover and institutions report for.
public enum Specialty {
    public static let all: [(code: String, name: String)] = [
        ("coronary_intervention", "冠心病介入"),
        ("congenital_intervention", "先心病介入"),
        ("arrhythmia_intervention", "心律失常介入"),
        ("cardiac_surgery", "心外科"),
        ("vascular_surgery", "血管外科"),
        ("surgical_intervention", "外科介入"),
        ("extracorporeal_circulation", "体外循环"),
        ("hypertension", "高血压"),
        ("coronary_heart_disease", "冠心病"),
        ("heart_failure", "心力衰竭"),
        ("atrial_fibrillation", "心房颤动"),
        ("cardiovascular_imaging", "心血管影像"),
        // 中国脑血管病登记 (stroke registry): its provincial centres decide 绑定既往数据
        ("stroke", "脑卒中"),
    ]

    public static func name(_ code: String) -> String? { all.first { $0.code == code }?.name }
    public static func isValid(_ code: String) -> Bool { all.contains { $0.code == code } }
}
