/// The fixed Chinese wording of each form.
struct FormContent {
    struct Section {
        var heading: String
        /// Numbered items ("1. …"), drawn with a hanging indent.
        var items: [String] = []
        /// Plain paragraphs after the items.
        var paragraphs: [String] = []
        /// An empty bordered box of this height for handwriting (e.g. 单位意见), with a prompt in it.
        var box: (prompt: String, height: Double)?
    }

    var intro: String
    var fieldsHeading: String
    var sections: [Section]

    /// The portal's product name (Portal/index.html's title), heading every generated form.
    static let systemName = "质控上报平台"

    static func content(for kind: FormKind) -> FormContent {
        switch kind {
        case .accountApplication:
            return FormContent(
                intro: "为规范\(systemName)账号管理、保障数据安全，申请人应如实填写以下信息，经所在单位审核同意并加盖公章后提交。"
                    + "账号开通后，系统将通过申请人登记的手机号码或电子邮箱发送登录信息。",
                fieldsHeading: "一、申请人信息",
                sections: [
                    Section(heading: "二、申请须知", items: [
                        "每个账号仅限申请人本人使用，不得转借、转让或与他人共用。",
                        "申请人应妥善保管账号及密码，首次登录后须立即修改初始密码，并定期更换。",
                        "申请人岗位调整或离职时，所在单位应及时提交账号变更或注销申请。",
                        "所填信息应真实、准确、完整，因信息不实造成的后果由申请人及所在单位承担。",
                    ]),
                    Section(heading: "三、单位意见",
                            box: (prompt: "所在单位审核意见：　　□ 同意　　□ 不同意\n\n负责人签字：", height: 76)),
                ])
        case .confidentialityPledge:
            return FormContent(
                intro: "本人因工作需要使用\(systemName)，接触、处理患者诊疗信息及医疗机构相关数据。"
                    + "为切实保护患者隐私和数据安全，本人郑重承诺如下：",
                fieldsHeading: "一、承诺人信息",
                sections: [
                    Section(heading: "二、承诺内容", items: [
                        "严格遵守《中华人民共和国个人信息保护法》《中华人民共和国数据安全法》《医疗机构病历管理规定》等法律法规及本单位保密制度。",
                        "对工作中知悉的患者个人信息、诊疗信息及医疗机构数据严格保密，不以任何形式向无关人员泄露、传播或提供。",
                        "所接触的数据仅用于医疗质量控制与改进工作，不用于任何其他目的，不擅自复制、下载、留存或对外发布。",
                        "妥善保管本人账号和密码，不将账号转借他人使用，不在公共或不安全的计算机设备上登录系统。",
                        "发现数据泄露、账号被盗用等安全事件时，立即向所在单位和系统管理部门报告，并配合调查处理。",
                        "岗位调整或离职时，主动交回相关资料并及时申请注销账号；离职后仍继续履行保密义务。",
                    ], paragraphs: [
                        "本人已认真阅读并充分理解上述承诺内容。如有违反，本人愿意承担相应的行政、民事及法律责任。",
                    ]),
                ])
        case .institutionInfo:
            return FormContent(
                intro: "为建立和维护\(systemName)医疗机构名录，请各医疗机构如实填写本单位基本信息。"
                    + "所填信息将用于质控数据报送、统计分析及工作联络，不作其他用途。",
                fieldsHeading: "一、机构基本信息",
                sections: [
                    Section(heading: "二、填报说明", items: [
                        "机构名称应与《医疗机构执业许可证》登记名称一致。",
                        "统一社会信用代码、执业许可证登记号等应完整填写，不得缩写。",
                        "联系人应为本单位负责质控数据报送工作的人员，联系电话应保持畅通。",
                        "机构信息发生变更时，应在变更后 15 个工作日内重新提交本表。",
                    ], paragraphs: [
                        "本单位承诺以上所填信息真实、准确、完整，并对所填信息的真实性负责。",
                    ]),
                ])
        case .termsConsent:
            return FormContent(
                intro: "欢迎使用\(systemName)（以下简称“本系统”）。在使用本系统前，请仔细阅读以下须知。"
                    + "申请人签署本同意书，即表示已阅读、理解并同意遵守下列全部条款。",
                fieldsHeading: "一、申请人信息",
                sections: [
                    Section(heading: "二、使用须知", items: [
                        "本系统仅供经授权的医疗机构工作人员用于医疗质量控制数据的填报、审核、查询与统计分析。",
                        "用户应使用本人账号登录，并对账号下的全部操作负责；不得冒用他人账号，不得尝试越权访问。",
                        "用户应按照规定的时限和口径报送数据，确保数据真实、准确、完整、及时，不得虚报、瞒报、迟报。",
                        "系统中的患者信息属于敏感个人信息，用户应遵循最小必要原则使用，不得截屏、拍照、导出或以其他方式留存与工作无关的数据。",
                        "不得利用本系统从事任何违反法律法规或危害网络安全的活动，不得上传含有病毒或恶意代码的文件。",
                        "系统运行维护期间可能暂停服务，系统管理部门将尽可能提前通知。",
                        "系统将记录用户的登录及操作日志，用于安全审计和问题追溯。",
                        "用户违反本须知的，系统管理部门有权暂停或注销其账号并通报所在单位；情节严重的，依法追究相应责任。",
                    ]),
                    Section(heading: "三、同意声明", paragraphs: [
                        "本人已仔细阅读上述使用须知，理解并同意遵守全部条款，自愿承担因违反上述条款而产生的相应责任。",
                    ]),
                ])
        }
    }
}
