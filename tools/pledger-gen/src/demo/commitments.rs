//! The enterprise stories' commitments: land discounts, tax refunds, deadlines, subsidies, others.

use super::data::{
    AUDIT, ECON, FIN, GOV, STORY_FIRMS, STORY_PROJECTS, SUPPORT_FUND, TREASURY, WAN, ZONE, ZONE_FINANCE,
};
use super::{amt, day, Demo};
use serde_json::{json, Map, Value};

/// An income-tax refund (the local share of enterprise income tax) paid by
/// its county: the commitment, the payment and its fulfilment.
struct Refund {
    county: &'static str,
    id: &'static str,
    enterprise: &'static str,
    made: i32,
    /// The tax year refunded.
    year: i32,
    fen: u64,
    due: &'static str,
    basis: &'static str,
    paid: i32,
    fulfilled: i32,
    purpose: &'static str,
    voucher: &'static str,
}

/// The refunds that were paid (临澧's late).
const PAID_REFUNDS: [Refund; 3] = [
    Refund {
        county: "wuling",
        id: "c-tr-02",
        enterprise: "ent-wl-hongyun",
        made: day(2007, 1, 15),
        year: 2007,
        fen: 96_530_050,
        due: "2008-06-30",
        basis: "武政发〔2006〕22号",
        paid: day(2008, 5, 20),
        fulfilled: day(2008, 5, 22),
        purpose: "鸿运食品2007年度所得税地方留成返还",
        voucher: "武财企〔2008〕15号",
    },
    Refund {
        county: "linli",
        id: "c-tr-04",
        enterprise: "ent-ll-yongxing",
        made: day(2007, 3, 12),
        year: 2007,
        fen: 73_600_000,
        due: "2008-06-30",
        basis: "临政发〔2007〕5号",
        paid: day(2008, 9, 10),
        fulfilled: day(2008, 9, 10),
        purpose: "永兴建材2007年度所得税地方留成返还(逾期兑现)",
        voucher: "临财企〔2008〕31号",
    },
    Refund {
        county: "shimen",
        id: "c-tr-03",
        enterprise: "ent-sm-longteng",
        made: day(2008, 2, 20),
        year: 2008,
        fen: 120 * WAN,
        due: "2009-06-30",
        basis: "石政发〔2008〕3号",
        paid: day(2009, 6, 10),
        fulfilled: day(2009, 6, 12),
        purpose: "龙腾化工2008年度所得税地方留成返还",
        voucher: "石财企〔2009〕22号",
    },
];

const REFUND_TERMS: &str = "企业所得税地方留成部分全额返还";

/// A commitment due some days after its one condition is met: made, the
/// condition met (if it was), fulfilled (if it was).
struct Deadline {
    promisor: &'static str,
    id: &'static str,
    beneficiary: &'static str,
    kind: &'static str,
    made: i32,
    terms: &'static str,
    /// `within_days` or `within_working_days`, and how many.
    within: (&'static str, u64),
    condition: (&'static str, &'static str),
    basis: &'static str,
    met: Option<(i32, &'static str)>,
    fulfilled: Option<(i32, &'static str)>,
}

const APPROVAL: &str = "city-approval-center";
const UTILITIES: &str = "厂房竣工后一个月内接通水、电、气、通信";

/// Service deadlines: approvals, licences and utilities (桃源's and 安乡's never connected).
const SERVICE_DEADLINES: [Deadline; 7] = [
    Deadline {
        promisor: APPROVAL,
        id: "c-sd-01",
        beneficiary: "ent-huaxin",
        kind: "service_deadline",
        made: day(2007, 3, 14),
        terms: "项目核准申请材料齐全后1个工作日内办结",
        within: ("within_working_days", 1),
        condition: ("application-complete", "项目核准申请材料齐全"),
        basis: "常政办发〔2006〕30号 “一站式”服务承诺",
        met: Some((day(2007, 3, 16), "受理通知书 常政服〔2007〕0316-08")),
        fulfilled: Some((day(2007, 3, 19), "常发改工〔2007〕45号 核准批复")),
    },
    Deadline {
        promisor: "city-aic",
        id: "c-sd-02",
        beneficiary: "ent-hengan",
        kind: "service_deadline",
        made: day(2008, 4, 1),
        terms: "营业执照在申请登记后一周内核发",
        within: ("within_days", 7),
        condition: ("application-filed", "设立登记申请提交"),
        basis: "常政办发〔2006〕30号",
        met: Some((day(2008, 4, 7), "常工商受〔2008〕0407-2号")),
        fulfilled: Some((day(2008, 4, 11), "营业执照 注册号430700000012345")),
    },
    Deadline {
        promisor: "city-aic",
        id: "c-sd-03",
        beneficiary: "ent-ll-yongxing",
        kind: "service_deadline",
        made: day(2009, 6, 1),
        terms: "分公司营业执照在申请登记后一周内核发",
        within: ("within_days", 7),
        condition: ("application-filed", "分公司设立登记申请提交"),
        basis: "常政办发〔2006〕30号",
        met: Some((day(2009, 6, 5), "常工商受〔2009〕0605-1号")),
        fulfilled: Some((day(2009, 6, 16), "营业执照 注册号430700000023456")),
    },
    Deadline {
        promisor: "taoyuan-county",
        id: "c-sd-04",
        beneficiary: "ent-ty-taohuayuan",
        kind: "service_deadline",
        made: day(2009, 3, 2),
        terms: UTILITIES,
        within: ("within_days", 30),
        condition: ("completion", "厂房竣工验收"),
        basis: "桃政发〔2008〕14号",
        met: Some((day(2009, 5, 12), "桃建验〔2009〕33号 竣工验收备案表")),
        fulfilled: None,
    },
    Deadline {
        promisor: "dingcheng-county",
        id: "c-sd-05",
        beneficiary: "ent-dc-zhengtai",
        kind: "service_deadline",
        made: day(2008, 6, 2),
        terms: UTILITIES,
        within: ("within_days", 30),
        condition: ("completion", "厂房竣工验收"),
        basis: "鼎政发〔2007〕11号",
        met: Some((day(2008, 10, 15), "鼎建验〔2008〕21号 竣工验收备案表")),
        fulfilled: Some((day(2008, 11, 5), "供水、供电、供气、通信开通确认单")),
    },
    Deadline {
        promisor: APPROVAL,
        id: "c-sd-06",
        beneficiary: "ent-ruifeng",
        kind: "service_deadline",
        made: day(2010, 3, 1),
        terms: "技改项目备案申请材料齐全后1个工作日内办结",
        within: ("within_working_days", 1),
        condition: ("application-complete", "技改项目备案材料齐全"),
        basis: "常政办发〔2006〕30号",
        met: Some((day(2010, 3, 12), "受理通知书 常政服〔2010〕0312-05")),
        fulfilled: Some((day(2010, 3, 17), "常经技改备〔2010〕19号 备案通知")),
    },
    Deadline {
        promisor: "anxiang-county",
        id: "c-sd-07",
        beneficiary: "ent-ax-jiahe",
        kind: "service_deadline",
        made: day(2010, 9, 1),
        terms: UTILITIES,
        within: ("within_days", 30),
        condition: ("completion", "二期厂房竣工验收"),
        basis: "安政发〔2009〕8号",
        met: None,
        fulfilled: None,
    },
];

/// The land certificate promised to 华鑫 once its plant produces.
const HUAXIN_LAND_CERTIFICATE: Deadline = Deadline {
    promisor: "city-land",
    id: "c-ot-02",
    beneficiary: "ent-huaxin",
    kind: "other",
    made: day(2007, 4, 2),
    terms: "项目投产后30个工作日内颁发国有土地使用证",
    within: ("within_working_days", 30),
    condition: ("production", "项目竣工投产"),
    basis: "常政发〔2006〕25号",
    met: Some((day(2008, 9, 5), "德开经〔2008〕52号 投产确认书")),
    fulfilled: Some((day(2008, 9, 26), "常国用(2008)第0123号 国有土地使用证")),
};

/// A subsidy promised by a county or bureau, and what became of it.
struct Subsidy {
    made: i32,
    promisor: &'static str,
    id: &'static str,
    beneficiary: &'static str,
    terms: &'static str,
    fen: u64,
    due: &'static str,
    basis: &'static str,
    then: Then,
}

enum Then {
    /// Marked fulfilled on a day, with evidence, but never paid.
    Fulfilled(i32, &'static str),
    Paid(Payment),
    /// Waived by the beneficiary on a day: the reason and the authority.
    Waived(i32, &'static str, &'static str),
    Nothing,
}

/// A subsidy paid from an account to the beneficiary's, then marked fulfilled.
struct Payment {
    paid: i32,
    from: &'static str,
    purpose: &'static str,
    voucher: &'static str,
    fulfilled: i32,
    evidence: Option<&'static str>,
}

/// c-sub-03..08: fulfilled without payment (桃源), kept, waived, kept without
/// evidence (津市), not yet due, overdue (汉寿).
const SUBSIDIES: [Subsidy; 6] = [
    Subsidy {
        made: day(2009, 4, 10),
        promisor: "taoyuan-county",
        id: "c-sub-03",
        beneficiary: "ent-ty-taohuayuan",
        terms: "标准厂房建设补助150万元",
        fen: 150 * WAN,
        due: "2009-12-31",
        basis: "桃政发〔2008〕14号",
        then: Then::Fulfilled(day(2009, 12, 20), "桃财企〔2009〕88号 兑现通知"),
    },
    Subsidy {
        made: day(2009, 5, 6),
        promisor: ECON,
        id: "c-sub-04",
        beneficiary: "ent-hengan",
        terms: "技术改造贷款贴息200万元",
        fen: 200 * WAN,
        due: "2009-12-31",
        basis: "常经委〔2009〕12号",
        then: Then::Paid(Payment {
            paid: day(2009, 11, 12),
            from: SUPPORT_FUND,
            purpose: "恒安新材料技改贷款贴息",
            voucher: "常经财〔2009〕57号",
            fulfilled: day(2009, 11, 16),
            evidence: Some("常经财〔2009〕57号 拨款凭证"),
        }),
    },
    Subsidy {
        made: day(2009, 2, 10),
        promisor: "anxiang-county",
        id: "c-sub-05",
        beneficiary: "ent-ax-jiahe",
        terms: "新建纺纱生产线设备购置补助80万元",
        fen: 80 * WAN,
        due: "2010-06-30",
        basis: "安政发〔2009〕8号",
        then: Then::Waived(
            day(2009, 9, 21),
            "企业调整产品方向,主动放弃该项补助",
            "安乡县人民政府常务会议纪要〔2009〕12号",
        ),
    },
    Subsidy {
        made: day(2008, 7, 1),
        promisor: "jinshi-county",
        id: "c-sub-06",
        beneficiary: "ent-js-mingzhu",
        terms: "新药生产线GMP认证补助50万元",
        fen: 50 * WAN,
        due: "2008-12-31",
        basis: "津政发〔2008〕9号",
        then: Then::Paid(Payment {
            paid: day(2008, 11, 25),
            from: "jinshi-treasury",
            purpose: "明珠生物GMP认证补助",
            voucher: "津财企〔2008〕19号",
            fulfilled: day(2008, 11, 28),
            // Recorded without any evidence.
            evidence: None,
        }),
    },
    Subsidy {
        made: day(2010, 12, 1),
        promisor: "lixian-county",
        id: "c-sub-07",
        beneficiary: "ent-lx-jiuding",
        terms: "污水处理设施改造补助60万元",
        fen: 60 * WAN,
        due: "2011-12-31",
        basis: "澧政发〔2010〕27号",
        then: Then::Nothing,
    },
    Subsidy {
        made: day(2009, 7, 1),
        promisor: "hanshou-county",
        id: "c-sub-08",
        beneficiary: "ent-hs-boya",
        terms: "招商引资项目按期投产奖励30万元",
        fen: 30 * WAN,
        due: "2010-06-30",
        basis: "汉政发〔2008〕6号",
        then: Then::Nothing,
    },
];

impl Demo {
    pub(super) fn commitments(&mut self) {
        self.story_parties();
        self.huaxin_land_discount();
        self.huaxin_investment_short();
        self.zhengtai_land_discount();
        self.jiuding_land_discount();
        self.hengan_land_discount();
        self.tax_refunds();
        for d in &SERVICE_DEADLINES {
            self.deadline(d);
        }
        self.subsidies_paid_twice();
        self.subsidies();
        self.other_commitments();
    }

    #[allow(clippy::too_many_arguments)]
    fn commitment(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        promisor: &str,
        beneficiary: &str,
        kind: &str,
        terms: &str,
        extra: Value,
    ) {
        let mut data = json!({"commitment_id": id, "promisor": promisor, "beneficiary": beneficiary, "kind": kind, "terms": terms});
        if let (Some(d), Value::Object(e)) = (data.as_object_mut(), extra) {
            d.extend(e);
        }
        self.push(z, "commitment.made", actor, data);
    }

    #[allow(clippy::too_many_arguments)]
    fn pay_commitment(
        &mut self,
        z: i32,
        actor: &str,
        id: &str,
        from: &str,
        to: &str,
        amount: u64,
        commitment: &str,
        category: &str,
        purpose: &str,
        voucher: &str,
    ) {
        self.disburse(
            z,
            actor,
            json!({"disbursement_id": id, "from_account": from, "to_account": to, "purpose": purpose,
                   "category": category, "commitment_id": commitment, "voucher": voucher}),
            amount,
            Some(2),
        );
    }

    /// A commitment made by its promisor with an amount, a due date and a basis.
    #[allow(clippy::too_many_arguments)]
    fn promise(
        &mut self,
        z: i32,
        promisor: &str,
        id: &str,
        beneficiary: &str,
        kind: &str,
        terms: &str,
        fen: u64,
        due: &str,
        basis: &str,
    ) {
        let extra = json!({"amount": amt(fen), "due": due, "basis": basis});
        self.commitment(z, promisor, id, promisor, beneficiary, kind, terms, extra);
    }

    fn deadline(&mut self, d: &Deadline) {
        let mut due = Map::new();
        due.insert(d.within.0.to_string(), json!(d.within.1));
        due.insert("after".to_string(), json!(d.condition.0));
        let extra = json!({"due": due,
                           "conditions": [{"condition_id": d.condition.0, "text": d.condition.1}],
                           "basis": d.basis});
        self.commitment(
            d.made,
            d.promisor,
            d.id,
            d.promisor,
            d.beneficiary,
            d.kind,
            d.terms,
            extra,
        );
        if let Some((z, evidence)) = d.met {
            self.condition_met(z, d.promisor, d.id, d.condition.0, evidence);
        }
        if let Some((z, evidence)) = d.fulfilled {
            self.fulfil(z, d.promisor, d.id, None, Some(evidence));
        }
    }

    /// Enterprises and projects of the stories below.
    fn story_parties(&mut self) {
        for (z, actor, id, name, parent) in STORY_FIRMS {
            self.firm(*z, actor, id, name, Some(parent));
        }
        for (z, id, name, parent) in STORY_PROJECTS {
            self.entity(*z, GOV, id, "project", name, Some(parent));
        }
    }

    // --- land discounts ---

    /// c-ld-01: up front, then the investment promise fails (clawback due).
    fn huaxin_land_discount(&mut self) {
        let z = day(2007, 4, 2);
        let period = (day(2007, 4, 1), day(2009, 12, 31));
        let basis = "德开投〔2007〕15号 投资合同";
        self.target(
            z,
            ZONE,
            "t-huaxin-invest",
            "ent-huaxin",
            "fixed_asset_investment",
            "CNY",
            "300000000",
            period,
            basis,
            &[],
        );
        self.target(
            z,
            ZONE,
            "t-huaxin-jobs",
            "ent-huaxin",
            "jobs_created",
            "persons",
            "600",
            period,
            basis,
            &[],
        );
        self.commitment(
            z,
            ZONE,
            "c-ld-01",
            ZONE,
            "ent-huaxin",
            "land_discount",
            "按工业用地基准地价70%出让150亩,地价优惠800万元先行返还;企业承诺2009年底前完成固定资产投资3亿元、新增就业600人,未达承诺按差额比例退还优惠",
            json!({"amount": amt(800 * WAN), "due": "2007-06-30", "basis": basis,
                   "conditions": [{"condition_id": "land-contract", "text": "签订《国有建设用地使用权出让合同》并按基准地价缴清地价款"}],
                   "clawback_targets": ["t-huaxin-invest", "t-huaxin-jobs"]}),
        );
        self.condition_met(
            day(2007, 5, 10),
            ZONE,
            "c-ld-01",
            "land-contract",
            "常国土出〔2007〕56号 出让合同及缴款凭证",
        );
        self.pay_commitment(
            day(2007, 6, 12),
            ZONE,
            "disb-c-ld-01",
            ZONE_FINANCE,
            "acct-ent-huaxin",
            800 * WAN,
            "c-ld-01",
            "land_discount",
            "华鑫项目地价优惠返还",
            "德开财〔2007〕33号",
        );
        self.fulfil(
            day(2007, 6, 15),
            ZONE,
            "c-ld-01",
            Some(800 * WAN),
            Some("德开财〔2007〕33号 地价优惠返还凭证"),
        );
    }

    /// c-ld-01 continued: 华鑫 invests 120m of the 300m promised and repays 2m
    /// of the 8m discount.
    fn huaxin_investment_short(&mut self) {
        self.claim(
            day(2009, 1, 12),
            "ent-huaxin",
            "t-huaxin-invest",
            "90000000",
            day(2008, 12, 31),
            Some("华鑫公司2008年投资进度报告"),
        );
        self.claim(
            day(2010, 1, 15),
            "ent-huaxin",
            "t-huaxin-invest",
            "150000000",
            day(2009, 12, 31),
            Some("华鑫公司投资承诺履行情况报告"),
        );
        self.claim(
            day(2010, 1, 15),
            "ent-huaxin",
            "t-huaxin-jobs",
            "640",
            day(2009, 12, 31),
            Some("华鑫公司投资承诺履行情况报告"),
        );
        let audit = "常审投〔2010〕7号 招商引资优惠政策兑现情况专项审计报告";
        self.verify(
            day(2010, 3, 15),
            AUDIT,
            "t-huaxin-invest",
            "120000000",
            day(2009, 12, 31),
            Some(audit),
            Some("实际完成固定资产投资1.2亿元,为承诺的40%"),
        );
        self.verify(
            day(2010, 3, 15),
            AUDIT,
            "t-huaxin-jobs",
            "640",
            day(2009, 12, 31),
            Some(audit),
            None,
        );
        self.disburse(
            day(2010, 9, 20),
            "ent-huaxin",
            json!({"disbursement_id": "rep-c-ld-01-1", "from_account": "acct-ent-huaxin", "to_account": ZONE_FINANCE,
                   "kind": "repayment", "commitment_id": "c-ld-01", "purpose": "按投资差额比例退还地价优惠款(第一期)",
                   "voucher": "德开财〔2010〕61号"}),
            200 * WAN,
            Some(2),
        );
    }

    /// c-ld-02: the condition is a target; paid once the target is met.
    fn zhengtai_land_discount(&mut self) {
        let z = day(2007, 2, 15);
        self.target(
            z,
            "dingcheng-county",
            "t-zhengtai-invest",
            "ent-dc-zhengtai",
            "fixed_asset_investment",
            "CNY",
            "150000000",
            (day(2007, 1, 1), day(2007, 12, 31)),
            "鼎政函〔2007〕9号",
            &[],
        );
        self.target(
            z,
            "dingcheng-county",
            "t-zhengtai-tax",
            "ent-dc-zhengtai",
            "tax_paid",
            "CNY",
            "5000000",
            (day(2008, 1, 1), day(2008, 12, 31)),
            "鼎政函〔2007〕9号",
            &[],
        );
        self.commitment(
            z,
            "dingcheng-county",
            "c-ld-02",
            "dingcheng-county",
            "ent-dc-zhengtai",
            "land_discount",
            "投资强度达到每亩150万元的,按地价款30%给予优惠(360万元);2008年纳税不少于500万元",
            json!({"amount": amt(360 * WAN), "due": "2008-06-30", "basis": "鼎政函〔2007〕9号",
                   "conditions": [{"condition_id": "intensity", "text": "2007年底前完成固定资产投资1.5亿元(投资强度每亩150万元)", "target_id": "t-zhengtai-invest"}],
                   "clawback_targets": ["t-zhengtai-tax"]}),
        );
        self.verify(
            day(2008, 1, 22),
            AUDIT,
            "t-zhengtai-invest",
            "168000000",
            day(2007, 12, 31),
            Some("鼎审〔2008〕3号 投资核查报告"),
            None,
        );
        self.pay_commitment(
            day(2008, 3, 10),
            "dingcheng-county",
            "disb-c-ld-02",
            "dingcheng-treasury",
            "acct-ent-dc-zhengtai",
            360 * WAN,
            "c-ld-02",
            "land_discount",
            "正泰建材地价优惠兑现",
            "鼎财企〔2008〕12号",
        );
        self.fulfil(
            day(2008, 3, 12),
            "dingcheng-county",
            "c-ld-02",
            Some(360 * WAN),
            Some("鼎财企〔2008〕12号 兑现凭证"),
        );
        self.verify(
            day(2009, 1, 22),
            AUDIT,
            "t-zhengtai-tax",
            "6200000",
            day(2008, 12, 31),
            Some("鼎地税〔2009〕4号 纳税证明"),
            None,
        );
    }

    /// c-ld-03: paid before the project produced (fulfilled before conditions).
    fn jiuding_land_discount(&mut self) {
        self.commitment(
            day(2008, 5, 6),
            "lixian-county",
            "c-ld-03",
            "lixian-county",
            "ent-lx-jiuding",
            "land_discount",
            "项目竣工投产后,按地价款20%返还地价优惠240万元,并颁发土地使用证",
            json!({"amount": amt(240 * WAN), "due": "2009-12-31", "basis": "澧政函〔2008〕17号",
                   "conditions": [{"condition_id": "production", "text": "项目竣工投产(投产后方可兑现地价优惠并颁发土地使用证)"}]}),
        );
        self.pay_commitment(
            day(2008, 10, 8),
            "lixian-county",
            "disb-c-ld-03",
            "lixian-treasury",
            "acct-ent-lx-jiuding",
            240 * WAN,
            "c-ld-03",
            "land_discount",
            "九鼎纸业地价优惠返还",
            "澧财企〔2008〕29号",
        );
        self.fulfil(
            day(2008, 10, 10),
            "lixian-county",
            "c-ld-03",
            Some(240 * WAN),
            Some("澧财企〔2008〕29号 兑现凭证"),
        );
    }

    /// c-ld-04: one project, one negotiation (一事一议), over 1bn.
    fn hengan_land_discount(&mut self) {
        let z = day(2008, 2, 18);
        self.target(
            z,
            GOV,
            "t-hengan-phase1",
            "ent-hengan",
            "fixed_asset_investment",
            "CNY",
            "500000000",
            (day(2008, 1, 1), day(2008, 12, 31)),
            "市政府常务会议纪要〔2008〕3号(一事一议)",
            &[("p-deshan-director", "项目责任领导")],
        );
        self.target(
            z,
            GOV,
            "t-hengan-total",
            "ent-hengan",
            "fixed_asset_investment",
            "CNY",
            "1000000000",
            (day(2008, 1, 1), day(2010, 12, 31)),
            "市政府常务会议纪要〔2008〕3号(一事一议)",
            &[("p-deshan-director", "项目责任领导")],
        );
        self.commitment(
            z,
            GOV,
            "c-ld-04",
            GOV,
            "ent-hengan",
            "land_discount",
            "恒安新材料产业基地(总投资10.5亿元)一事一议:一期投资5亿元到位后返还地价款1200万元;三年内总投资不足10亿元按比例退还",
            json!({"amount": amt(1_200 * WAN), "due": "2009-06-30", "basis": "市政府常务会议纪要〔2008〕3号(一事一议)",
                   "conditions": [{"condition_id": "phase1", "text": "一期固定资产投资5亿元到位", "target_id": "t-hengan-phase1"}],
                   "clawback_targets": ["t-hengan-total"]}),
        );
        self.verify(
            day(2009, 1, 22),
            AUDIT,
            "t-hengan-phase1",
            "560000000",
            day(2008, 12, 31),
            Some("常审投〔2009〕2号 投资到位核查报告"),
            None,
        );
        self.pay_commitment(
            day(2009, 3, 16),
            FIN,
            "disb-c-ld-04",
            TREASURY,
            "acct-ent-hengan",
            1_200 * WAN,
            "c-ld-04",
            "land_discount",
            "恒安项目地价款返还(一事一议)",
            "常财企〔2009〕18号",
        );
        self.fulfil(
            day(2009, 3, 18),
            GOV,
            "c-ld-04",
            Some(1_200 * WAN),
            Some("常财企〔2009〕18号 兑现凭证"),
        );
        self.claim(
            day(2011, 1, 12),
            "ent-hengan",
            "t-hengan-total",
            "1050000000",
            day(2010, 12, 31),
            Some("恒安公司投资完成情况报告"),
        );
        self.verify(
            day(2011, 1, 26),
            AUDIT,
            "t-hengan-total",
            "1050000000",
            day(2010, 12, 31),
            Some("常审投〔2011〕4号 投资核查报告"),
            None,
        );
    }

    // --- tax refunds ---

    /// Three refunds paid and fulfilled; 汉寿's never paid, and disputed.
    fn tax_refunds(&mut self) {
        for r in &PAID_REFUNDS {
            let county = format!("{}-county", r.county);
            let terms = format!("{}年度{REFUND_TERMS}", r.year);
            self.promise(
                r.made,
                &county,
                r.id,
                r.enterprise,
                "tax_refund",
                &terms,
                r.fen,
                r.due,
                r.basis,
            );
            self.pay_commitment(
                r.paid,
                &county,
                &format!("disb-{}", r.id),
                &format!("{}-treasury", r.county),
                &format!("acct-{}", r.enterprise),
                r.fen,
                r.id,
                "tax_refund",
                r.purpose,
                r.voucher,
            );
            let evidence = format!("{} 退库凭证", r.voucher);
            self.fulfil(r.fulfilled, &county, r.id, Some(r.fen), Some(&evidence));
        }
        let terms = format!("2008年度{REFUND_TERMS}");
        let z = day(2008, 3, 3);
        self.promise(
            z,
            "hanshou-county",
            "c-tr-01",
            "ent-hs-boya",
            "tax_refund",
            &terms,
            186_240_000,
            "2009-06-30",
            "汉政发〔2008〕6号",
        );
        self.step(
            day(2009, 8, 18),
            "commitment.disputed",
            "ent-hs-boya",
            json!({"commitment_id": "c-tr-01",
                   "reason": "截至2009年8月,2008年度企业所得税地方留成返还186.24万元仍未到账,县财政称资金紧张暂缓兑现"}),
        );
    }

    // --- subsidies ---

    /// c-sub-01/02: the same support payment made twice (16m); one recovered.
    fn subsidies_paid_twice(&mut self) {
        for (n, (prj, ent, name)) in [
            ("prj-ruifeng-upgrade", "ent-ruifeng", "瑞丰电子"),
            ("prj-tianli-upgrade", "ent-tianli", "天利纺织"),
        ]
        .into_iter()
        .enumerate()
        {
            let c = format!("c-sub-0{}", n + 1);
            let terms = format!("{name}技术改造项目专项补助800万元");
            let basis = "常经委〔2008〕21号 工业技改专项资金安排";
            self.promise(
                day(2008, 4, 15),
                ECON,
                &c,
                prj,
                "subsidy",
                &terms,
                800 * WAN,
                "2008-12-31",
                basis,
            );
            let acct = format!("acct-{ent}");
            self.pay_commitment(
                day(2008, 6, 18),
                ECON,
                &format!("disb-{c}-1"),
                SUPPORT_FUND,
                &acct,
                800 * WAN,
                &c,
                "subsidy",
                &format!("{name}技改专项补助"),
                &format!("常经财〔2008〕{}号", 40 + n),
            );
            self.fulfil(
                day(2008, 6, 20),
                ECON,
                &c,
                Some(800 * WAN),
                Some(&format!("常经财〔2008〕{}号 拨款凭证", 40 + n)),
            );
            self.pay_commitment(
                day(2008, 11, 20),
                ECON,
                &format!("disb-{c}-2"),
                SUPPORT_FUND,
                &acct,
                800 * WAN,
                &c,
                "subsidy",
                &format!("{name}技改专项补助(年终清算拨付)"),
                &format!("常经财〔2008〕{}号", 90 + n),
            );
        }
        self.disburse(
            day(2010, 7, 5),
            "ent-ruifeng",
            json!({"disbursement_id": "rep-c-sub-01", "from_account": "acct-ent-ruifeng", "to_account": SUPPORT_FUND,
                   "kind": "repayment", "commitment_id": "c-sub-01", "purpose": "审计追回重复拨付的技改专项补助",
                   "voucher": "常审投〔2010〕7号 整改缴款凭证"}),
            800 * WAN,
            Some(2),
        );
    }

    /// c-sub-03..08, each made and then followed up as its table row says.
    fn subsidies(&mut self) {
        for s in &SUBSIDIES {
            self.promise(
                s.made,
                s.promisor,
                s.id,
                s.beneficiary,
                "subsidy",
                s.terms,
                s.fen,
                s.due,
                s.basis,
            );
            match s.then {
                Then::Fulfilled(z, evidence) => self.fulfil(z, s.promisor, s.id, Some(s.fen), Some(evidence)),
                Then::Paid(ref p) => {
                    self.pay_commitment(
                        p.paid,
                        s.promisor,
                        &format!("disb-{}", s.id),
                        p.from,
                        &format!("acct-{}", s.beneficiary),
                        s.fen,
                        s.id,
                        "subsidy",
                        p.purpose,
                        p.voucher,
                    );
                    self.fulfil(p.fulfilled, s.promisor, s.id, Some(s.fen), p.evidence);
                }
                Then::Waived(z, reason, authority) => self.step(
                    z,
                    "commitment.waived",
                    s.beneficiary,
                    json!({"commitment_id": s.id, "reason": reason, "authority": authority}),
                ),
                Then::Nothing => {}
            }
        }
    }

    // --- other ---

    /// The railway siding promised to 恒安 (breached) and 华鑫's land certificate.
    fn other_commitments(&mut self) {
        self.commitment(
            day(2008, 2, 18),
            GOV,
            "c-ot-01",
            GOV,
            "ent-hengan",
            "other",
            "2010年6月底前建成企业专用铁路支线并投入使用",
            json!({"due": "2010-06-30", "basis": "市政府常务会议纪要〔2008〕3号(一事一议)"}),
        );
        self.step(
            day(2010, 11, 15),
            "commitment.breached",
            AUDIT,
            json!({"commitment_id": "c-ot-01",
                   "reason": "审计核实:铁路支线至2010年11月仍未开工建设,承诺未兑现,企业原料运输成本增加"}),
        );
        self.deadline(&HUAXIN_LAND_CERTIFICATE);
    }
}
