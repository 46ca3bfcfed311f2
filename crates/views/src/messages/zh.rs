//! The Chinese (zh-CN) sentence of every finding code, and the words of
//! the ledger's vocabularies in Chinese (as the console writes them).

use super::{zh_amount, Args, Vocab};
use crate::codes::FindingCode;
use pledger_core::money::Amount;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// A word of `vocab` in Chinese, when the vocabulary has it. Free-text
/// vocabularies (metrics, roles, units) translate the customary words and
/// leave others as recorded.
pub(crate) fn word(vocab: Vocab, w: &str) -> Option<&'static str> {
    use Vocab::*;
    Some(match (vocab, w) {
        (TargetStatus, "open") => "进行中",
        (TargetStatus, "met") => "已完成",
        (TargetStatus, "missed") => "未完成",
        (TargetStatus, "claimed_unverified") => "自报完成待核实",
        (TargetStatus, "unverified") => "未核实",
        (TaskStatus, "open") => "进行中",
        (TaskStatus, "passed") => "通过",
        (TaskStatus, "failed") => "未通过",
        (TaskStatus, "undecided") => "待核定",
        (Comparator, ">=") => "不低于",
        (Comparator, "<=") => "不高于",
        (CommitmentKind, "land_discount") => "地价优惠",
        (CommitmentKind, "tax_refund") => "税收返还",
        (CommitmentKind, "service_deadline") => "服务时限",
        (CommitmentKind, "subsidy") => "补助",
        (CommitmentKind, "funding") => "资金安排",
        (CommitmentKind, "other") => "其他",
        (SanctionKind, "criticism") => "通报批评",
        (SanctionKind, "award_disqualified") => "取消评先评优资格",
        (SanctionKind, "reward_forfeited") => "取消奖励",
        (SanctionKind, "warning") => "约谈警示",
        (SanctionKind, "reassignment") => "组织调整",
        (SanctionKind, "suspension") => "停职",
        (SanctionKind, "other") => "其他处理",
        (Stage, "signed") => "已签约",
        (Stage, "started") => "已开工",
        (Stage, "producing") => "已投产",
        (Stage, "stalled") => "停建",
        (Stage, "cancelled") => "终止",
        (Because, "on_fail") => "考核未通过",
        (Because, "on_consecutive_fail") => "连续未通过",
        (NotQualifying, "not_signed") => "尚未签约",
        (NotQualifying, "stage_not_reached") => "未达到计数阶段",
        (NotQualifying, "outside_period") => "不在目标期内",
        (NotQualifying, "stalled_or_cancelled") => "已停建或终止",
        (NotQualifying, "investment_short") => "到位资金不足",
        (Record, "claim") => "自报",
        (Record, "verification") => "核实",
        (Record, "fulfilment") => "兑现",
        (Record, "payout") => "奖励发放",
        (IdleSince, "last_out") => "最后一次拨出",
        (IdleSince, "first_in") => "首笔资金拨入",
        (ClawbackBase, "fulfilled_amount") => "兑现金额",
        (ClawbackBase, "commitment_amount") => "承诺金额",
        (ClawbackBase, "paid") => "已支付金额",
        (Metric, "new_projects_ge_10m") => "新引进1000万元以上项目",
        (Metric, "new_projects_ge_50m") => "新引进5000万元以上项目",
        (Metric, "new_projects_ge_100m") => "新引进亿元以上项目",
        (Metric, "new_projects_ge_500m") => "新引进5亿元以上项目",
        (Metric, "new_projects_ge_1b") => "新引进10亿元以上项目",
        (Metric, "industrial_projects_introduced") => "引进工业项目",
        (Metric, "sales_growth_percent") => "工业销售收入增幅",
        (Metric, "tax_growth_percent") => "税收增幅",
        (Metric, "fixed_asset_investment") => "固定资产投资",
        (Metric, "jobs_created") => "新增就业",
        (Metric, "tax_paid") => "实缴税收",
        (Metric, "serious_safety_accidents") => "较大以上生产安全事故",
        (Metric, "stability_incidents") => "群体性事件(综治维稳)",
        (Metric, "service_satisfaction_percent") => "民主评议满意率",
        (Unit, "count") => "个",
        (Unit, "percent") => "%",
        (Unit, "CNY") => "元",
        (Unit, "persons") => "人",
        (Role, "county_leaders") => "县(市、区)主要领导",
        (Role, "zone_leaders") => "开发区主要领导",
        (Role, "park_leaders") => "园区领导班子",
        (Role, "contributors") => "其他有功人员",
        _ => return None,
    })
}

/// The Chinese of a report's column heading or table title.
pub(crate) fn heading(en: &str) -> Option<&'static str> {
    Some(match en {
        // findings and changes
        "date" => "日期",
        "code" => "问题",
        "subjects" => "涉及",
        "seqs" => "记录",
        "message" => "账本所示",
        "change" => "变化",
        "changed_by" => "变化来源",
        // targets
        "target" => "目标",
        "assignee" => "责任单位",
        "metric" => "指标",
        "threshold" => "目标值",
        "period" => "考核期",
        "claimed" => "自报",
        "verified" => "核实",
        "progress" => "进度",
        "trajectory" => "走势",
        "status" => "状态",
        "consecutive missed" => "连续未完成次数",
        "targets" => "目标",
        "consecutive missed periods" => "连续未完成目标",
        // funds
        "account_id" => "账户",
        "holder" => "开户主体",
        "name" => "名称",
        "kind" => "类型",
        "ceiling" => "额度上限",
        "earmark" => "专款用途",
        "allocated_in" => "计划拨入",
        "allocated_out" => "计划拨出",
        "disbursed_in" => "实际拨入",
        "disbursed_out" => "实际拨出",
        "received" => "已确认到账",
        "unconfirmed" => "未确认到账",
        "balance" => "余额",
        "allocation_id" => "资金计划",
        "from_account" => "拨出账户",
        "to_account" => "拨入账户",
        "amount" => "金额",
        "purpose" => "用途",
        "disbursed" => "已拨付",
        "left" => "剩余",
        "end" => "终点",
        "path" => "路径",
        "accounts" => "账户与余额",
        "allocations" => "资金计划",
        // commitments
        "commitment" => "承诺",
        "promisor" => "承诺方",
        "beneficiary" => "受益方",
        "due" => "兑现期限",
        "conditions met" => "已满足条件",
        "fulfilled" => "兑现日期",
        "paid" => "已支付",
        "repaid" => "已退回",
        // incentives
        "scheme" => "奖励方案",
        "target or task" => "目标或任务",
        "total" => "总额",
        "roles (paid / share)" => "各类人员（实发/应得）",
        "payout" => "发放记录",
        "payee" => "领取人",
        "role" => "类别",
        "clawed back" => "已追回",
        "paid on" => "发放日期",
        "target/task when paid" => "发放时目标/任务状态",
        "met/passed" => "是否完成",
        "schemes" => "奖励方案",
        "payouts" => "奖励发放",
        // assessment
        "group" => "分组",
        "rank" => "名次",
        "unit" => "单位",
        "task" => "任务",
        "score / max" => "得分/满分",
        "pass" => "合格线",
        "veto" => "一票否决",
        "decided on" => "核定日期",
        "consequences (imposed / due)" => "处理（已落实/应处理）",
        "failed in a row" => "连续未通过次数",
        "tasks" => "任务",
        "failed tasks in a row" => "连续未通过的年度任务",
        // projects
        "project" => "项目",
        "host" => "承办单位",
        "investor" => "投资方",
        "signed" => "签约日期",
        "stage" => "阶段",
        "in place / planned" => "到位资金/计划投资",
        "land" => "用地",
        "counted by" => "计入目标",
        _ => return None,
    })
}

/// The words of the closed vocabularies, for the test that each has its
/// Chinese (free-text vocabularies are left out).
#[cfg(test)]
pub(crate) const CLOSED: &[(Vocab, &[&str])] = &[
    (
        Vocab::TargetStatus,
        &["open", "met", "missed", "claimed_unverified", "unverified"],
    ),
    (Vocab::TaskStatus, &["open", "passed", "failed", "undecided"]),
    (Vocab::Comparator, &[">=", "<="]),
    (
        Vocab::CommitmentKind,
        &[
            "land_discount",
            "tax_refund",
            "service_deadline",
            "subsidy",
            "funding",
            "other",
        ],
    ),
    (
        Vocab::SanctionKind,
        &[
            "criticism",
            "award_disqualified",
            "reward_forfeited",
            "warning",
            "reassignment",
            "suspension",
            "other",
        ],
    ),
    (
        Vocab::Stage,
        &["signed", "started", "producing", "stalled", "cancelled"],
    ),
    (Vocab::Because, &["on_fail", "on_consecutive_fail"]),
    (
        Vocab::NotQualifying,
        &[
            "not_signed",
            "stage_not_reached",
            "outside_period",
            "stalled_or_cancelled",
            "investment_short",
        ],
    ),
    (Vocab::Record, &["claim", "verification", "fulfilment", "payout"]),
    (Vocab::IdleSince, &["last_out", "first_in"]),
    (Vocab::ClawbackBase, &["fulfilled_amount", "commitment_amount", "paid"]),
];

/// A value with its unit: `6个`, `12.5%`, `15人`; money (`CNY`) as an
/// amount (`3亿元`); another unit after a space when it is not Chinese.
pub(crate) fn with_unit(value: Decimal, unit: &str) -> String {
    if matches!(unit, "CNY" | "yuan" | "元") {
        let fen = (value * Decimal::ONE_HUNDRED).round().to_i128();
        if let Some(fen) = fen {
            return zh_amount(Amount::from_fen(fen));
        }
    }
    match word(Vocab::Unit, unit) {
        Some(u) => format!("{value}{u}"),
        None if unit.is_empty() || !unit.is_ascii() => format!("{value}{unit}"),
        None => format!("{value} {unit}"),
    }
}

/// 第N条记录.
fn record(n: u64) -> String {
    format!("第{n}条记录")
}

/// 甲对乙的承诺c.
fn commitment(a: &Args) -> String {
    format!(
        "{}对{}的承诺{}",
        a.named("promisor"),
        a.named("beneficiary"),
        a.id("commitment")
    )
}

/// “指标”不低于5个.
fn target_terms(a: &Args) -> String {
    format!(
        "“{}”{}{}",
        a.word("metric"),
        a.word("comparator"),
        a.qty("threshold", "unit")
    )
}

/// A payee with the role paid under: `县(市、区)主要领导张三（p-zhang）`
/// when the role has its Chinese, else `张三（p-zhang）（role）`.
fn payee(a: &Args) -> String {
    let role = a.word("role");
    if role != a.select("role") {
        format!("{role}{}", a.named("payee"))
    } else {
        format!("{}（{role}）", a.named("payee"))
    }
}

/// （其中x已追回）when some was clawed back.
fn clawed_back(a: &Args) -> String {
    if a.has("clawed_back") {
        format!("（其中{}已追回）", a.amount("clawed_back"))
    } else {
        String::new()
    }
}

pub(super) fn render(code: FindingCode, a: &Args) -> String {
    use FindingCode::*;
    match code {
        Overdraft => format!(
            "{}于{}出现透支：拨付{}向{}支付{}，支付前余额{}，支付后余额{}。",
            a.named("account"),
            a.day("date"),
            a.id("disbursement"),
            a.named("to"),
            a.amount("amount"),
            a.amount("balance_before"),
            a.amount("balance_after"),
        ),
        OverCeiling => format!(
            "资金来源{}累计拨出{}，超出额度上限{}共计{}；{}向{}拨付{}（{}）时突破上限。",
            a.named("account"),
            a.amount("paid_out"),
            a.amount("ceiling"),
            a.amount("over"),
            a.day("date"),
            a.named("to"),
            a.amount("amount"),
            a.id("disbursement"),
        ),
        OverAllocation => format!(
            "资金计划{}（由{}拨往{}，计划金额{}）项下累计拨付{}，超出计划{}；{}拨付{}（{}）时超出。",
            a.id("allocation"),
            a.named("from"),
            a.named("to"),
            a.amount("allocated"),
            a.amount("disbursed"),
            a.amount("over"),
            a.day("date"),
            a.amount("amount"),
            a.id("disbursement"),
        ),
        UnconfirmedDisbursement => {
            let days = a.count("days");
            let late = if a.has("confirmed_on") {
                format!("直至{}才确认到账，超过{days}日时限", a.day("confirmed_on"))
            } else {
                format!("截至{}仍未确认到账", a.day("judged_on"))
            };
            format!(
                "{}由{}拨往{}的{}（{}）未在{days}日内（{}前）确认到账：{late}。",
                a.day("date"),
                a.named("from"),
                a.named("to"),
                a.amount("amount"),
                a.id("disbursement"),
                a.day("deadline"),
            )
        }
        EarmarkBreach => {
            let spent_on = if a.has("category") {
                format!("用途为“{}”", a.text("category"))
            } else {
                "未注明用途".to_string()
            };
            format!(
                "{}的专款用途为“{}”，却于{}向{}支付{}，{spent_on}，改变了专款用途（拨付{}）。",
                a.named("account"),
                a.text("earmark"),
                a.day("date"),
                a.named("to"),
                a.amount("amount"),
                a.id("disbursement"),
            )
        }
        OverstatedClaim => format!(
            "{}自报目标{}（{}）截至{}完成{}（{}），但截至{}的核实结果为{}（{}），自报数多报{}。",
            a.named("assignee"),
            a.id("target"),
            target_terms(a),
            a.day("claim_as_of"),
            a.qty("claimed", "unit"),
            record(a.count("claim_record")),
            a.day("verified_as_of"),
            a.qty("verified", "unit"),
            record(a.count("verification_record")),
            a.qty("gap", "unit"),
        ),
        TargetRevisedAfterPeriod => {
            let mut changes = Vec::new();
            if a.has("threshold_to") {
                changes.push(format!(
                    "目标值由{}调为{}",
                    a.qty("threshold_from", "unit"),
                    a.qty("threshold_to", "unit")
                ));
            }
            if a.has("period_to") {
                changes.push(format!(
                    "考核期由{}调为{}",
                    a.period("period_from"),
                    a.period("period_to")
                ));
            }
            format!(
                "{}的目标{}（“{}”）考核期已于{}结束，却于{}被调整（{}）：{}。调整理由：“{}”。",
                a.named("assignee"),
                a.id("target"),
                a.word("metric"),
                a.day("period_end"),
                a.day("date"),
                record(a.count("record")),
                changes.join("，"),
                a.text("reason"),
            )
        }
        ConsecutiveMisses => {
            let periods: Vec<String> = a
                .groups("missed")
                .iter()
                .map(|m| {
                    let verified = if m.has("verified") {
                        format!("核实值{}", m.qty("verified", "unit"))
                    } else {
                        "无核实值".to_string()
                    };
                    format!(
                        "{}（{}，{verified}，目标值{}{}）",
                        m.id("target"),
                        m.period("period"),
                        m.word("comparator"),
                        m.qty("threshold", "unit"),
                    )
                })
                .collect();
            format!(
                "{}连续{}期未完成“{}”目标：{}。",
                a.named("assignee"),
                a.count("periods"),
                a.word("metric"),
                periods.join("；")
            )
        }
        PaidWithoutMetTarget => {
            let why = if !a.has("target") {
                "该奖励方案已不再有效".to_string()
            } else if a.has("target_status") {
                format!(
                    "发放当日目标{}的状态为“{}”，而非“已完成”",
                    a.id("target"),
                    a.word("target_status")
                )
            } else {
                format!("当日目标{}尚未下达或已作废", a.id("target"))
            };
            format!(
                "{}按奖励方案{}向{}发放奖励{}（{}，{}），但{why}{}；奖励应在目标完成后方可发放。",
                a.day("date"),
                a.id("scheme"),
                payee(a),
                a.amount("amount"),
                a.id("payout"),
                record(a.count("record")),
                clawed_back(a),
            )
        }
        ShareExceeded => {
            let limit = if a.has("percent") {
                format!(
                    "超出其应得份额{}（方案总额{}的{}%）",
                    a.amount("share"),
                    a.amount("total"),
                    a.num("percent")
                )
            } else {
                format!("而该类人员不在方案之列，应得份额为{}，超出", a.amount("share"))
            };
            format!(
                "奖励方案{}中“{}”类人员{}扣除追回后共领取{}，{limit}{}。",
                a.id("scheme"),
                a.word("role"),
                a.named_list("payees").join("、"),
                a.amount("paid"),
                a.amount("over"),
            )
        }
        SchemeOverpaid => {
            let rewarded = if a.has("target") {
                format!("奖励目标{}", a.id("target"))
            } else if a.has("task") {
                format!("奖励年度任务{}", a.id("task"))
            } else {
                "未指明奖励对象".to_string()
            };
            format!(
                "奖励方案{}（{rewarded}）已发放{}笔，扣除追回后合计{}，超出方案总额{}共计{}。",
                a.id("scheme"),
                a.count("payouts"),
                a.amount("paid"),
                a.amount("total"),
                a.amount("over"),
            )
        }
        CommitmentOverdue => {
            let amount = if a.has("amount") {
                format!("，金额{}", a.amount("amount"))
            } else {
                String::new()
            };
            format!(
                "{}（{}{amount}）应于{}前兑现，截至{}仍未兑现，已逾期{}天。",
                commitment(a),
                a.word("kind"),
                a.day("due"),
                a.day("judged_on"),
                a.count("days_overdue"),
            )
        }
        CommitmentDisputed => {
            let count = a.count("open_disputes");
            format!(
                "{}自{}起被{}提出异议（{count}项异议未解决），此后既未兑现也未豁免；{}：“{}”。",
                commitment(a),
                a.day("since"),
                a.named("disputed_by"),
                if count == 1 { "异议理由" } else { "最近一次异议理由" },
                a.text("reason"),
            )
        }
        FulfilledWithoutPayment => format!(
            "{}（金额{}）于{}被标记为已兑现，但没有任何拨付记录注明该承诺编号，资金未见拨付。",
            commitment(a),
            a.amount("amount"),
            a.day("fulfilled_on"),
        ),
        FulfilledBeforeConditions => {
            let unmet = a.groups("unmet");
            let list: Vec<String> = unmet
                .iter()
                .map(|c| {
                    if c.has("target") {
                        format!("{}（目标{}完成）", c.id("condition"), c.id("target"))
                    } else {
                        format!("{}（{}）", c.id("condition"), c.text("text"))
                    }
                })
                .collect();
            format!(
                "{}于{}被标记为已兑现，但当时尚有{}项条件未满足：{}。",
                commitment(a),
                a.day("fulfilled_on"),
                unmet.len(),
                list.join("；")
            )
        }
        CommitmentOverpaid => {
            let ids = a.ids("disbursements");
            let returned = if a.has("repaid") {
                format!("；已退回{}", a.amount("repaid"))
            } else {
                String::new()
            };
            format!(
                "{}承诺金额为{}，但{}笔拨付（{}）共支付{}，多付{}{returned}。",
                commitment(a),
                a.amount("amount"),
                ids.len(),
                ids.join("、"),
                a.amount("paid"),
                a.amount("over"),
            )
        }
        MissingEvidence => match a.select("record").as_str() {
            "verification" => format!(
                "{}于{}录入的目标{}（{}）核实记录（{}）核定截至{}的完成值为{}，但未附任何佐证材料。",
                a.named("recorded_by"),
                a.day("date"),
                a.id("target"),
                target_terms(a),
                record(a.count("seq")),
                a.day("as_of"),
                a.qty("value", "unit"),
            ),
            "fulfilment" => format!(
                "{}于{}录入的{}兑现记录（{}）未附佐证材料。",
                a.named("recorded_by"),
                a.day("date"),
                commitment(a),
                record(a.count("seq")),
            ),
            _ => format!(
                "{}按奖励方案{}向{}发放的奖励{}（{}，{}）未附佐证材料。",
                a.day("date"),
                a.id("scheme"),
                payee(a),
                a.amount("amount"),
                a.id("payout"),
                record(a.count("seq")),
            ),
        },
        ClawbackDue => {
            let base_text = match a.select("base_is").as_str() {
                "fulfilled_amount" => format!("已于{}兑现{}", a.day("fulfilled_on"), a.amount("base")),
                "commitment_amount" => format!(
                    "已于{}兑现（承诺金额{}）",
                    a.day("fulfilled_on"),
                    a.amount("base")
                ),
                _ => format!("已于{}兑现（已支付{}）", a.day("fulfilled_on"), a.amount("base")),
            };
            let why = if a.has("verified") {
                format!(
                    "约定的返还考核目标{}未完成：核实值{}，目标值{}{}",
                    a.id("missed_target"),
                    a.qty("verified", "unit"),
                    a.word("comparator"),
                    a.qty("threshold", "unit")
                )
            } else {
                format!(
                    "约定的返还考核目标{}（目标值{}{}）未完成且无核实值",
                    a.id("missed_target"),
                    a.word("comparator"),
                    a.qty("threshold", "unit")
                )
            };
            let missed = a.count("missed_targets");
            let others = if missed > 1 {
                format!("（为{missed}项未完成目标中差距最大者）")
            } else {
                String::new()
            };
            let less = if a.has("repaid") {
                format!("，扣除已退回的{}", a.amount("repaid"))
            } else {
                String::new()
            };
            format!(
                "{}{base_text}，但{why}{others}；按差距比例{}%计，{}中应返还{}{less}，应向{}追回{}。",
                commitment(a),
                a.num("shortfall_percent"),
                a.amount("base"),
                a.amount("pro_rata"),
                a.named("beneficiary"),
                a.amount("due_back"),
            )
        }
        ClawbackExceedsPayout => format!(
            "奖励{}向{}发放{}，但已从中追回{}，比实际发放多追回{}。",
            a.id("payout"),
            a.named("payee"),
            a.amount("amount"),
            a.amount("clawed_back"),
            a.amount("over"),
        ),
        IdleBalance => {
            let since = if a.select("since_kind") == "last_out" {
                "最后一次拨出"
            } else {
                "首笔资金拨入，此后从未拨出"
            };
            format!(
                "{}的{}余额{}，自{}（{since}，{}）起超过{}天未拨出资金；结转两年以上的财政存量资金应统筹盘活或收回。",
                a.named("holder"),
                a.named("account"),
                a.amount("balance"),
                a.day("since"),
                record(a.count("since_record")),
                a.count("days"),
            )
        }
        ConsecutiveFailures => {
            let listed: Vec<String> = a
                .groups("tasks")
                .iter()
                .map(|t| {
                    format!(
                        "{}（{}，得分{}/{}，合格线{}{}）",
                        t.id("task"),
                        t.period("period"),
                        t.num("score"),
                        t.num("max_score"),
                        t.num("pass_score"),
                        if t.flag("vetoed") { "，一票否决" } else { "" }
                    )
                })
                .collect();
            format!(
                "{}连续{}次未完成年度目标任务：{}。",
                a.named("assignee"),
                a.count("failed"),
                listed.join("；")
            )
        }
        SanctionNotImposed => {
            let because = if a.select("because") == "on_consecutive_fail" {
                format!(
                    "连续{}次未通过（本次为连续第{}次）",
                    a.count("rule_count"),
                    a.count("run")
                )
            } else {
                "考核未通过".to_string()
            };
            let what = if a.has("late_sanction") {
                format!(
                    "直至{}才作出处理（{}，{}），已超过期限",
                    a.day("imposed_on"),
                    a.id("late_sanction"),
                    record(a.count("late_record"))
                )
            } else {
                format!("截至{}未见针对该任务的此类处理记录", a.day("due_by"))
            };
            format!(
                "{}的年度任务{}于{}核定为未通过{}；按考核规则，{because}应给予“{}”处理，期限为核定后{}天内（{}前），但{what}。",
                a.named("assignee"),
                a.id("task"),
                a.day("decided_on"),
                if a.flag("vetoed") { "（一票否决）" } else { "" },
                a.word("kind"),
                a.count("days"),
                a.day("due_by"),
            )
        }
        SanctionWithoutBasis => format!(
            "{}以年度任务{}为由对{}作出“{}”处理（{}），但该任务当日已考核通过（得分{}/{}，合格线{}，{}）；问责处理应以考核未通过为依据。",
            a.day("date"),
            a.id("task"),
            a.named("subject"),
            a.word("kind"),
            a.id("sanction"),
            a.num("score"),
            a.num("max_score"),
            a.num("pass_score"),
            if a.has("decided_on") {
                format!("{}核定", a.day("decided_on"))
            } else {
                "核定日期不详".to_string()
            },
        ),
        RewardForFailedTask => {
            let why = if !a.has("task") {
                "该奖励方案已不再有效".to_string()
            } else if a.has("task_status") {
                format!(
                    "当日年度任务{}尚未通过：状态为“{}”{}，得分{}/{}，合格线{}",
                    a.id("task"),
                    a.word("task_status"),
                    if a.flag("vetoed") { "（一票否决）" } else { "" },
                    a.num("score"),
                    a.num("max_score"),
                    a.num("pass_score"),
                )
            } else {
                format!("当日年度任务{}尚未下达或已作废", a.id("task"))
            };
            format!(
                "{}按奖励方案{}向{}发放奖励{}（{}，{}），但{why}{}；年度任务考核通过后方可发放奖励。",
                a.day("date"),
                a.id("scheme"),
                payee(a),
                a.amount("amount"),
                a.id("payout"),
                record(a.count("record")),
                clawed_back(a),
            )
        }
        CountedNotQualifying => {
            let why = match a.select("reason").as_str() {
                "not_signed" => "该项目当时尚未签约".to_string(),
                "stage_not_reached" => format!(
                    "该项目当时仅为“{}”，尚未达到“{}”",
                    a.word("stage_then"),
                    a.word("stage")
                ),
                "outside_period" => format!(
                    "该项目于{}首次达到“{}”，不在目标考核期{}内（同一项目只能在一个考核期内作为新项目计入）",
                    a.day("first_reached"),
                    a.word("stage"),
                    a.period("period")
                ),
                "stalled_or_cancelled" => format!("该项目当时处于“{}”状态，不得计入", a.word("stage_then")),
                _ => format!(
                    "该项目当时到位资金仅{}，低于目标要求的{}",
                    a.amount("in_place"),
                    a.amount("min_investment")
                ),
            };
            format!(
                "{}于{}录入{}目标{}（“{}”）的{}记录（{}），将项目{}计入截至{}的完成数，但{why}。",
                a.named("recorded_by"),
                a.day("date"),
                a.named("assignee"),
                a.id("target"),
                a.word("metric"),
                a.word("record"),
                record(a.count("seq")),
                a.named("project"),
                a.day("as_of"),
            )
        }
        CountMismatch => format!(
            "{}于{}录入{}目标{}（“{}”）的{}记录（{}），上报截至{}的完成数为{}，但所列项目为{}个；完成数应等于所列项目的个数。",
            a.named("recorded_by"),
            a.day("date"),
            a.named("assignee"),
            a.id("target"),
            a.word("metric"),
            a.word("record"),
            record(a.count("seq")),
            a.day("as_of"),
            a.num("value"),
            a.count("listed"),
        ),
        ProjectDoubleCounted => format!(
            "项目{}在“{}”指标上被两个单位重复计入：{}的目标{}（{}首次计入，{}）和{}的目标{}（{}首次计入，{}）；同一项目只能计入一次。",
            a.named("project"),
            a.word("metric"),
            a.named("first_assignee"),
            a.id("first_target"),
            a.day("first_listed_on"),
            record(a.count("first_record")),
            a.named("second_assignee"),
            a.id("second_target"),
            a.day("second_listed_on"),
            record(a.count("second_record")),
        ),
        LandIdle => {
            let reclaim = if a.has("reclaimable_after") {
                format!(
                    "；至{}已满两年未动工，可依法无偿收回土地使用权",
                    a.day("reclaimable_after")
                )
            } else {
                String::new()
            };
            format!(
                "{}的项目{}取得地块{}（{}亩），约定{}前开工，满一年未报开工，自{}起土地闲置{reclaim}。",
                a.named("investor"),
                a.named("project"),
                a.id("parcel"),
                a.num("area_mu"),
                a.day("agreed_start"),
                a.day("idle_since"),
            )
        }
    }
}
