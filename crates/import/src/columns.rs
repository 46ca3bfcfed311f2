//! The columns of an event type's sheet: the envelope (`actor`,
//! `occurred_at`, `id`) and the type's data fields from
//! [`EventType::data_fields`], nested objects flattened as `period.from`.
//! Each column has a Chinese header; the field name is accepted too.

use pledger_core::schema::{Field, FieldShape};
use pledger_core::EventType;

/// One column of a type's sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The field name: `actor`, `occurred_at`, `id`, or the data path
    /// (`amount`, `period.from`).
    pub key: String,
    /// The Chinese header the template writes (without the unit).
    pub zh: String,
    pub shape: FieldShape,
    /// May be left empty.
    pub optional: bool,
    /// Optional within its object: a member of an optional object
    /// (`period.to` of a revision) is needed once the object is given,
    /// unless this is set.
    pub own_optional: bool,
    /// Part of the envelope, not of `data`.
    pub envelope: bool,
}

impl Column {
    /// The header the template writes: the Chinese label, with the unit
    /// of an amount (`金额（元）`).
    pub fn header(&self) -> String {
        if self.shape == FieldShape::Amount {
            format!("{}（元）", self.zh)
        } else {
            self.zh.clone()
        }
    }
}

/// Every column of `t`'s sheet, in template order: who and when first,
/// then the data fields, then the optional event id.
pub fn columns(t: EventType) -> Vec<Column> {
    let mut out = vec![
        Column {
            key: "actor".into(),
            zh: "记录主体".into(),
            shape: FieldShape::Id,
            optional: false,
            own_optional: false,
            envelope: true,
        },
        Column {
            key: "occurred_at".into(),
            zh: "发生日期".into(),
            shape: FieldShape::Date,
            optional: false,
            own_optional: false,
            envelope: true,
        },
    ];
    flatten(t, "", t.data_fields(), false, &mut out);
    out.push(Column {
        key: "id".into(),
        zh: "事件编号".into(),
        shape: FieldShape::Id,
        optional: true,
        own_optional: true,
        envelope: true,
    });
    out
}

fn flatten(t: EventType, prefix: &str, fields: &[Field], parent_optional: bool, out: &mut Vec<Column>) {
    for f in fields {
        let key = format!("{prefix}{}", f.name);
        match f.shape {
            FieldShape::Object(inner) => flatten(t, &format!("{key}."), inner, parent_optional || f.optional, out),
            shape => out.push(Column {
                zh: match label(t, &key) {
                    "" => key.clone(),
                    zh => zh.to_string(),
                },
                key,
                shape,
                optional: parent_optional || f.optional,
                own_optional: f.optional,
                envelope: false,
            }),
        }
    }
}

/// The Chinese header of a data field. A few names mean different things
/// in different types (`kind`, `name`); those are looked up with the type.
pub fn label(t: EventType, key: &str) -> &'static str {
    let ty = t.as_str();
    match (ty, key) {
        ("entity.registered", "kind") => return "主体类型",
        ("entity.registered", "name") => return "主体名称",
        ("account.opened", "kind") => return "账户类型",
        ("account.opened", "name") => return "账户名称",
        ("fund.disbursed", "kind") => return "拨付类型",
        ("commitment.made", "kind") => return "承诺类型",
        ("sanction.imposed", "kind") => return "处理类型",
        ("commitment.made", "amount") => return "承诺金额",
        ("incentive.clawed_back", "amount") => return "追回金额",
        ("commitment.fulfilled", "amount") => return "兑现金额",
        ("target.revised", "reason") | ("event.voided", "reason") => return "原因",
        _ => {}
    }
    match key {
        "entity_id" => "主体编号",
        "parent" => "上级主体",
        "public_key" => "公钥",
        "account_id" => "账户编号",
        "holder" => "开户主体",
        "ceiling" => "额度上限",
        "earmark" => "专项用途",
        "currency" => "币种",
        "target_id" => "目标编号",
        "assignee" => "责任单位",
        "metric" => "指标",
        "unit" => "计量单位",
        "comparator" => "比较方式",
        "threshold" => "目标值",
        "period.from" => "期间起",
        "period.to" => "期间止",
        "basis" => "依据文件",
        "responsible" => "责任人",
        "counts.stage" => "计数阶段",
        "counts.min_investment" => "计数最低投资额",
        "reason" => "理由",
        "value" => "数值",
        "as_of" => "截至日期",
        "evidence" => "证明材料",
        "projects" => "计入项目",
        "note" => "备注",
        "allocation_id" => "拨款计划编号",
        "from_account" => "付款账户",
        "to_account" => "收款账户",
        "amount" => "金额",
        "purpose" => "用途",
        "category" => "支出类别",
        "commitment_id" => "承诺编号",
        "voucher" => "凭证号",
        "disbursement_id" => "拨付编号",
        "promisor" => "承诺方",
        "beneficiary" => "受益方",
        "terms" => "承诺内容",
        "due" => "兑现期限",
        "conditions" => "前提条件",
        "clawback_targets" => "追回挂钩目标",
        "condition_id" => "条件编号",
        "authority" => "批准机关",
        "scheme_id" => "奖励方案编号",
        "task_id" => "年度任务编号",
        "total" => "奖励总额",
        "shares" => "分配比例",
        "condition" => "兑现条件",
        "payout_id" => "兑现编号",
        "payee" => "领取人",
        "role" => "角色",
        "group" => "考核组别",
        "items" => "考核项目",
        "pass_score" => "合格分",
        "consequences" => "考核后果",
        "sanction_id" => "处理编号",
        "subject" => "处理对象",
        "project_id" => "项目编号",
        "host" => "签约单位",
        "investor" => "投资方",
        "planned_investment" => "计划投资额",
        "signed_on" => "签约日期",
        "land.parcel_id" => "地块编号",
        "land.area_mu" => "用地面积（亩）",
        "land.agreed_start" => "约定开工日期",
        "stage" => "项目阶段",
        "investment_in_place" => "到位资金",
        "seq" => "记录序号",
        "name" => "名称",
        "kind" => "类型",
        // A field without a label is shown by its name: a new field is
        // importable before anyone writes its Chinese header (a test
        // requires one for every field of today's types).
        _ => "",
    }
}

/// The Chinese label of an enumeration's word, shown in the template's
/// dropdowns and accepted on import alongside the word itself.
pub fn word_label(word: &str) -> Option<&'static str> {
    Some(match word {
        "government" => "政府",
        "department" => "部门",
        "county" => "县市区",
        "park" => "园区",
        "enterprise" => "企业",
        "project" => "项目",
        "person" => "个人",
        "auditor" => "审计机关",
        "source" => "资金来源",
        "internal" => "中转账户",
        "external" => "最终收款",
        ">=" => "不低于",
        "<=" => "不高于",
        "signed" => "签约",
        "started" => "开工",
        "producing" => "投产",
        "stalled" => "停建",
        "cancelled" => "终止",
        "transfer" => "转拨",
        "expenditure" => "支出",
        "repayment" => "还款",
        "interest" => "付息",
        "land_discount" => "土地优惠",
        "tax_refund" => "税收返还",
        "service_deadline" => "办事时限",
        "subsidy" => "补贴",
        "funding" => "资金支持",
        "other" => "其他",
        "target_met" => "目标完成",
        "task_passed" => "考核合格",
        "criticism" => "通报批评",
        "award_disqualified" => "取消评先评优资格",
        "reward_forfeited" => "扣发奖励",
        "warning" => "警告诫勉",
        "reassignment" => "调整工作岗位",
        "suspension" => "停职",
        _ => return None,
    })
}
