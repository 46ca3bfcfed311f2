//! Each report of `pledger report` as sheets: its columns, their kinds, and
//! its rows from the view's typed fields.

use crate::{col, Cell, Col, Kind, Sheet};
use pledger_core::when::Day;
use pledger_views::calendar::Calendar;
use pledger_views::changes::Changes;
use pledger_views::funds::{FlowEnd, Trace};
use pledger_views::messages::{entity_name, word_in, Vocab};
use pledger_views::targets::{ClaimVerdict, Trajectory, Verdict};
use pledger_views::{Fact, Facts, Finding, Lang};
use std::collections::BTreeMap;

/// The reports a workbook can be made of (`pledger report VIEW`,
/// `GET /v1/workbooks/{report}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    Targets,
    Funds,
    Commitments,
    Incentives,
    Assessment,
    Projects,
    Findings,
}

impl Report {
    pub const ALL: &'static [Report] = &[
        Report::Targets,
        Report::Funds,
        Report::Commitments,
        Report::Incentives,
        Report::Assessment,
        Report::Projects,
        Report::Findings,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Report::Targets => "targets",
            Report::Funds => "funds",
            Report::Commitments => "commitments",
            Report::Incentives => "incentives",
            Report::Assessment => "assessment",
            Report::Projects => "projects",
            Report::Findings => "findings",
        }
    }

    pub fn parse(s: &str) -> Option<Report> {
        Report::ALL.iter().copied().find(|r| r.as_str() == s)
    }
}

/// `en` or `zh` by the reader's language.
fn say(lang: Lang, en: &str, zh: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::ZhCn => zh.to_string(),
    }
}

fn yes_no(lang: Lang, b: bool) -> Cell {
    Cell::Text(if b {
        say(lang, "yes", "是")
    } else {
        say(lang, "no", "否")
    })
}

/// A registered entity's name, beside its id.
fn entity(facts: &Facts, id: &str) -> Cell {
    Cell::opt_text(entity_name(facts, id))
}

/// An account's registered name, beside its id.
fn account(facts: &Facts, id: &str) -> Cell {
    Cell::opt_text(facts.accounts.get(id).map(|a| a.data.name.0.clone()))
}

fn word(vocab: Vocab, w: &str, lang: Lang) -> Cell {
    Cell::Text(word_in(vocab, w, lang))
}

// The console's words (i18n.js) for the statuses the findings' vocabularies
// do not hold.

fn commitment_status(s: &str, lang: Lang) -> String {
    let zh = match s {
        "conditional" => "待条件满足",
        "open" => "进行中",
        "kept" => "按期兑现",
        "kept_late" => "逾期兑现",
        "overdue" => "逾期未兑现",
        "disputed" => "有争议",
        "breached" => "违约",
        "waived" => "已豁免",
        _ => s,
    };
    say(lang, s, zh)
}

fn trajectory(t: Option<Trajectory>, lang: Lang) -> Cell {
    let Some(t) = t else { return Cell::Empty };
    let zh = match t {
        Trajectory::Achieved => "已达标",
        Trajectory::OnTrack => "进度正常",
        Trajectory::NeedsAcceleration => "需加快",
        Trajectory::Limited => "进展有限",
        Trajectory::Deteriorating => "倒退",
    };
    Cell::Text(say(lang, t.as_str(), zh))
}

fn account_kind(k: &str, lang: Lang) -> Cell {
    let zh = match k {
        "source" => "资金来源",
        "internal" => "中转账户",
        "external" => "最终收款方",
        "unknown" => "未知",
        _ => k,
    };
    Cell::Text(say(lang, k, zh))
}

fn flow_end(e: FlowEnd, lang: Lang) -> Cell {
    let zh = match e {
        FlowEnd::Payee => "最终收款方",
        FlowEnd::Held => "留存",
        FlowEnd::Source => "资金来源",
        FlowEnd::Unfunded => "无资金来源",
        FlowEnd::Cycle => "循环",
        FlowEnd::Truncated => "截断",
    };
    Cell::Text(say(lang, e.as_str(), zh))
}

fn consequence_status(s: &str, lang: Lang) -> String {
    let zh = match s {
        "imposed" => "已落实",
        "pending" => "待落实",
        "not_imposed" => "未落实",
        _ => s,
    };
    say(lang, s, zh)
}

/// The sheets of `report` judged at `now`, in `lang`.
pub fn report(report: Report, facts: &Facts, now: Day, calendar: &Calendar, lang: Lang) -> Vec<Sheet> {
    match report {
        Report::Targets => targets(facts, now, lang),
        Report::Funds => funds(facts, now, lang),
        Report::Commitments => commitments(facts, now, calendar, lang),
        Report::Incentives => incentives(facts, now, lang),
        Report::Assessment => assessment(facts, now, lang),
        Report::Projects => projects(facts, now, lang),
        Report::Findings => {
            let mut all = pledger_views::findings::all_with(facts, now, calendar);
            pledger_views::messages::localize(&mut all, lang);
            vec![findings(&all, lang)]
        }
    }
}

fn targets(facts: &Facts, now: Day, lang: Lang) -> Vec<Sheet> {
    use Kind::*;
    const COLS: &[Col] = &[
        col("target_id", "目标编号", Text),
        col("assignee", "责任单位编号", Text),
        col("assignee_name", "责任单位", Text),
        col("metric", "指标", Text),
        col("comparator", "要求", Text),
        col("threshold", "目标值", Number),
        col("unit", "单位", Text),
        col("period_from", "考核期起", Day),
        col("period_to", "考核期止", Day),
        col("claimed", "自报值", Number),
        col("claimed_as_of", "自报截至", Day),
        col("verified", "核实值", Number),
        col("verified_as_of", "核实截至", Day),
        col("progress", "进度", Ratio),
        col("trajectory", "走势", Text),
        col("status", "状态", Text),
    ];
    let r = pledger_views::targets::report(facts, now);
    let mut s = Sheet::new(("targets", "目标"), COLS, lang);
    for t in &r.targets {
        s.push(vec![
            Cell::text(&t.target_id),
            Cell::text(&t.assignee),
            entity(facts, &t.assignee),
            word(Vocab::Metric, &t.metric, lang),
            word(Vocab::Comparator, t.comparator, lang),
            Cell::decimal_text(&t.threshold),
            word(Vocab::Unit, &t.unit, lang),
            Cell::Day(t.period.from),
            Cell::Day(t.period.to),
            t.last_claimed
                .as_ref()
                .map_or(Cell::Empty, |o| Cell::decimal_text(&o.value)),
            Cell::opt_day(t.last_claimed.as_ref().map(|o| o.as_of)),
            t.last_verified
                .as_ref()
                .map_or(Cell::Empty, |o| Cell::decimal_text(&o.value)),
            Cell::opt_day(t.last_verified.as_ref().map(|o| o.as_of)),
            t.progress.as_deref().map_or(Cell::Empty, Cell::decimal_text),
            trajectory(t.trajectory, lang),
            word(Vocab::TargetStatus, t.status.as_str(), lang),
        ]);
    }
    const RUNS: &[Col] = &[
        col("assignee", "责任单位编号", Text),
        col("assignee_name", "责任单位", Text),
        col("metric", "指标", Text),
        col("consecutive_missed", "连续未完成次数", Int),
        col("targets", "目标", Text),
    ];
    let mut runs = Sheet::new(("consecutive misses", "连续未完成目标"), RUNS, lang);
    for m in &r.miss_runs {
        runs.push(vec![
            Cell::text(&m.assignee),
            entity(facts, &m.assignee),
            word(Vocab::Metric, &m.metric, lang),
            Cell::int(m.consecutive_missed),
            Cell::Text(m.target_ids.join(" ")),
        ]);
    }
    vec![s, runs]
}

fn funds(facts: &Facts, now: Day, lang: Lang) -> Vec<Sheet> {
    use Kind::*;
    const ACCOUNTS: &[Col] = &[
        col("account_id", "账户编号", Text),
        col("name", "账户名称", Text),
        col("holder", "开户主体编号", Text),
        col("holder_name", "开户主体", Text),
        col("kind", "类型", Text),
        col("ceiling", "额度上限", Amount),
        col("earmark", "专款用途", Text),
        col("allocated_in", "计划拨入", Amount),
        col("allocated_out", "计划拨出", Amount),
        col("disbursed_in", "实际拨入", Amount),
        col("disbursed_out", "实际拨出", Amount),
        col("received", "已确认到账", Amount),
        col("unconfirmed", "未确认到账", Amount),
        col("balance", "余额", Amount),
    ];
    let r = pledger_views::funds::report(facts, now);
    let mut a = Sheet::new(("accounts", "账户与余额"), ACCOUNTS, lang);
    for x in &r.accounts {
        a.push(vec![
            Cell::text(&x.account_id),
            Cell::opt_text(x.name.clone()),
            Cell::opt_text(x.holder.clone()),
            x.holder.as_deref().map_or(Cell::Empty, |h| entity(facts, h)),
            account_kind(x.kind, lang),
            Cell::opt_amount(x.ceiling),
            Cell::opt_text(x.earmark.clone()),
            Cell::Amount(x.allocated_in),
            Cell::Amount(x.allocated_out),
            Cell::Amount(x.disbursed_in),
            Cell::Amount(x.disbursed_out),
            Cell::Amount(x.received),
            Cell::Amount(x.unconfirmed),
            Cell::Amount(x.balance),
        ]);
    }
    const ALLOCATIONS: &[Col] = &[
        col("allocation_id", "资金计划编号", Text),
        col("from_account", "拨出账户编号", Text),
        col("from_name", "拨出账户", Text),
        col("to_account", "拨入账户编号", Text),
        col("to_name", "拨入账户", Text),
        col("amount", "金额", Amount),
        col("purpose", "用途", Text),
        col("disbursed", "已拨付", Amount),
        col("left", "剩余", Amount),
    ];
    let mut b = Sheet::new(("allocations", "资金计划"), ALLOCATIONS, lang);
    for x in &r.allocations {
        b.push(vec![
            Cell::text(&x.allocation_id),
            Cell::text(&x.from_account),
            account(facts, &x.from_account),
            Cell::text(&x.to_account),
            account(facts, &x.to_account),
            Cell::Amount(x.amount),
            Cell::text(&x.purpose),
            Cell::Amount(x.disbursed),
            Cell::Amount(x.left),
        ]);
    }
    vec![a, b]
}

fn commitments(facts: &Facts, now: Day, calendar: &Calendar, lang: Lang) -> Vec<Sheet> {
    use Kind::*;
    const COLS: &[Col] = &[
        col("commitment_id", "承诺编号", Text),
        col("promisor", "承诺方编号", Text),
        col("promisor_name", "承诺方", Text),
        col("beneficiary", "受益方编号", Text),
        col("beneficiary_name", "受益方", Text),
        col("kind", "类型", Text),
        col("terms", "承诺内容", Text),
        col("amount", "金额", Amount),
        col("due", "兑现期限", Day),
        col("status", "状态", Text),
        col("conditions_met", "已满足条件", Int),
        col("conditions", "条件数", Int),
        col("fulfilled_on", "兑现日期", Day),
        col("paid", "已支付", Amount),
        col("repaid", "已退回", Amount),
    ];
    let r = pledger_views::commitments::report(facts, now, calendar);
    let mut s = Sheet::new(("commitments", "承诺"), COLS, lang);
    for c in &r.commitments {
        s.push(vec![
            Cell::text(&c.commitment_id),
            Cell::text(&c.promisor),
            entity(facts, &c.promisor),
            Cell::text(&c.beneficiary),
            entity(facts, &c.beneficiary),
            word(Vocab::CommitmentKind, c.kind, lang),
            Cell::text(&c.terms),
            Cell::opt_amount(c.amount),
            Cell::opt_day(c.due),
            Cell::Text(commitment_status(c.status.as_str(), lang)),
            Cell::int(c.conditions.iter().filter(|x| x.met).count()),
            Cell::int(c.conditions.len()),
            Cell::opt_day(c.fulfilled_on),
            Cell::Amount(c.paid),
            Cell::Amount(c.repaid),
        ]);
    }
    vec![s]
}

fn incentives(facts: &Facts, now: Day, lang: Lang) -> Vec<Sheet> {
    use Kind::*;
    const SCHEMES: &[Col] = &[
        col("scheme_id", "奖励方案编号", Text),
        col("target_id", "目标编号", Text),
        col("task_id", "年度任务编号", Text),
        col("status", "目标/任务状态", Text),
        col("total", "总额", Amount),
        col("paid", "已发放", Amount),
        col("roles (paid / share)", "各类人员（实发/应得）", Text),
    ];
    let r = pledger_views::incentives::report(facts, now);
    let mut s = Sheet::new(("schemes", "奖励方案"), SCHEMES, lang);
    for x in &r.schemes {
        let roles: Vec<String> = x
            .roles
            .iter()
            .map(|r| {
                format!(
                    "{} {}%: {} / {}",
                    word_in(Vocab::Role, &r.role, lang),
                    r.percent,
                    r.paid,
                    r.share
                )
            })
            .collect();
        let status = match (x.target_status, x.task_status) {
            (Some(s), _) => word(Vocab::TargetStatus, s.as_str(), lang),
            (None, Some(s)) => word(Vocab::TaskStatus, s.as_str(), lang),
            (None, None) => Cell::Empty,
        };
        s.push(vec![
            Cell::text(&x.scheme_id),
            Cell::opt_text(x.target_id.clone()),
            Cell::opt_text(x.task_id.clone()),
            status,
            Cell::Amount(x.total),
            Cell::Amount(x.paid),
            Cell::Text(roles.join("; ")),
        ]);
    }
    const PAYOUTS: &[Col] = &[
        col("payout_id", "发放记录编号", Text),
        col("scheme_id", "奖励方案编号", Text),
        col("payee", "领取人编号", Text),
        col("payee_name", "领取人", Text),
        col("role", "类别", Text),
        col("amount", "金额", Amount),
        col("clawed_back", "已追回", Amount),
        col("paid_on", "发放日期", Day),
        col("status_when_paid", "发放时目标/任务状态", Text),
        col("met_or_passed", "是否完成", Text),
    ];
    let mut p = Sheet::new(("payouts", "奖励发放"), PAYOUTS, lang);
    for x in &r.payouts {
        let status = match (x.target_status_when_paid, x.task_status_when_paid) {
            (Some(s), _) => word(Vocab::TargetStatus, s.as_str(), lang),
            (None, Some(s)) => word(Vocab::TaskStatus, s.as_str(), lang),
            (None, None) => Cell::Empty,
        };
        p.push(vec![
            Cell::text(&x.payout_id),
            Cell::text(&x.scheme_id),
            Cell::text(&x.payee),
            entity(facts, &x.payee),
            word(Vocab::Role, &x.role, lang),
            Cell::Amount(x.amount),
            Cell::Amount(x.clawed_back),
            Cell::Day(x.paid_on),
            status,
            yes_no(lang, x.target_met),
        ]);
    }
    vec![s, p]
}

fn assessment(facts: &Facts, now: Day, lang: Lang) -> Vec<Sheet> {
    use Kind::*;
    const TASKS: &[Col] = &[
        col("group", "分组", Text),
        col("period_from", "考核期起", Day),
        col("period_to", "考核期止", Day),
        col("rank", "名次", Int),
        col("of", "参评单位数", Int),
        col("assignee", "单位编号", Text),
        col("assignee_name", "单位", Text),
        col("task_id", "任务编号", Text),
        col("score", "得分", Number),
        col("max_score", "满分", Number),
        col("pass_score", "合格线", Number),
        col("status", "状态", Text),
        col("vetoed", "一票否决", Text),
        col("decided_on", "核定日期", Day),
        col("consequences", "处理", Text),
    ];
    let r = pledger_views::assessment::report(facts, now);
    let mut s = Sheet::new(("assessment", "年度考核"), TASKS, lang);
    for t in &r.tasks {
        let consequences: Vec<String> = t
            .consequences
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    word_in(Vocab::SanctionKind, c.kind.as_str(), lang),
                    consequence_status(c.status.as_str(), lang)
                )
            })
            .collect();
        s.push(vec![
            Cell::text(&t.group),
            Cell::Day(t.period.from),
            Cell::Day(t.period.to),
            Cell::int(t.rank),
            Cell::int(t.of),
            Cell::text(&t.assignee),
            Cell::opt_text(t.assignee_name.clone()),
            Cell::text(&t.task_id),
            Cell::decimal_text(&t.score),
            Cell::decimal_text(&t.max_score),
            Cell::decimal_text(&t.pass_score),
            word(Vocab::TaskStatus, t.status.as_str(), lang),
            yes_no(lang, t.vetoed),
            Cell::opt_day(t.decided_on),
            Cell::Text(consequences.join("; ")),
        ]);
    }
    const RUNS: &[Col] = &[
        col("assignee", "单位编号", Text),
        col("assignee_name", "单位", Text),
        col("failed_in_a_row", "连续未通过次数", Int),
        col("tasks", "任务", Text),
    ];
    let mut runs = Sheet::new(("failed in a row", "连续未通过的年度任务"), RUNS, lang);
    for x in r.runs.iter().filter(|x| x.consecutive_failed > 0) {
        runs.push(vec![
            Cell::text(&x.assignee),
            Cell::opt_text(x.assignee_name.clone()),
            Cell::int(x.consecutive_failed),
            Cell::Text(x.task_ids.join(" ")),
        ]);
    }
    vec![s, runs]
}

fn projects(facts: &Facts, now: Day, lang: Lang) -> Vec<Sheet> {
    use Kind::*;
    const COLS: &[Col] = &[
        col("project_id", "项目编号", Text),
        col("name", "项目名称", Text),
        col("host", "承办单位编号", Text),
        col("host_name", "承办单位", Text),
        col("investor", "投资方编号", Text),
        col("investor_name", "投资方", Text),
        col("signed_on", "签约日期", Day),
        col("stage", "阶段", Text),
        col("investment_in_place", "到位资金", Amount),
        col("planned_investment", "计划投资", Amount),
        col("parcel_id", "地块编号", Text),
        col("area_mu", "面积（亩）", Number),
        col("agreed_start", "约定开工日期", Day),
        col("idle_since", "闲置起始日期", Day),
        col("reclaimable", "可无偿收回", Text),
        col("counted_by", "计入目标", Text),
    ];
    let r = pledger_views::projects::report(facts, now);
    let mut s = Sheet::new(("projects", "项目"), COLS, lang);
    for p in &r.projects {
        let land = p.land.as_ref();
        let counted: Vec<String> = p
            .counted_by
            .iter()
            .map(|c| {
                let record = word_in(Vocab::Record, c.record, lang);
                match (c.qualifies, lang) {
                    (true, _) => format!("{} ({record} {})", c.target_id, c.as_of),
                    (false, Lang::En) => format!("{} ({record} {}, does not qualify)", c.target_id, c.as_of),
                    (false, Lang::ZhCn) => format!("{}（{record} {}，不符合条件）", c.target_id, c.as_of),
                }
            })
            .collect();
        s.push(vec![
            Cell::text(&p.project_id),
            Cell::opt_text(p.name.clone()),
            Cell::text(&p.host),
            Cell::opt_text(p.host_name.clone()),
            Cell::text(&p.investor),
            Cell::opt_text(p.investor_name.clone()),
            Cell::Day(p.signed_on),
            p.stage.map_or(Cell::Empty, |x| word(Vocab::Stage, x.as_str(), lang)),
            Cell::Amount(p.investment_in_place),
            Cell::Amount(p.planned_investment),
            Cell::opt_text(land.map(|l| l.parcel_id.clone())),
            land.map_or(Cell::Empty, |l| Cell::decimal_text(&l.area_mu)),
            Cell::opt_day(land.map(|l| l.agreed_start)),
            Cell::opt_day(land.and_then(|l| l.idle_since)),
            land.map_or(Cell::Empty, |l| yes_no(lang, l.reclaimable)),
            Cell::Text(counted.join("; ")),
        ]);
    }
    vec![s]
}

const FINDING_COLS: &[Col] = &[
    col("date", "日期", Kind::Day),
    col("code", "问题代码", Kind::Text),
    col("label", "问题", Kind::Text),
    col("severity", "严重程度", Kind::Int),
    col("subjects", "涉及", Kind::Text),
    col("subject_names", "涉及名称", Kind::Text),
    col("seqs", "记录", Kind::Text),
    col("message", "账本所示", Kind::Text),
];

/// The names a finding's facts give its subjects, in the subjects' order.
fn subject_names(f: &Finding, lang: Lang) -> String {
    fn walk<'a>(fact: &'a Fact, out: &mut BTreeMap<&'a str, &'a str>) {
        match fact {
            Fact::Ref(r) => {
                if let Some(n) = &r.name {
                    out.entry(r.id.as_str()).or_insert(n.as_str());
                }
            }
            Fact::List(l) => l.iter().for_each(|x| walk(x, out)),
            Fact::Group(g) => g.0.iter().for_each(|(_, x)| walk(x, out)),
            _ => {}
        }
    }
    let mut names = BTreeMap::new();
    f.facts.0.iter().for_each(|(_, x)| walk(x, &mut names));
    f.subjects
        .iter()
        .filter_map(|s| {
            names.get(s.as_str()).map(|n| match lang {
                Lang::En => format!("{n} ({s})"),
                Lang::ZhCn => format!("{n}（{s}）"),
            })
        })
        .collect::<Vec<_>>()
        .join(if lang == Lang::ZhCn { "；" } else { "; " })
}

fn finding_cells(f: &Finding, lang: Lang) -> Vec<Cell> {
    vec![
        Cell::Day(f.date),
        Cell::text(f.code.as_str()),
        Cell::text(f.code.label(lang)),
        Cell::int(f.code.severity()),
        Cell::Text(f.subjects.join(" ")),
        Cell::Text(subject_names(f, lang)),
        Cell::Text(f.seqs.iter().map(u64::to_string).collect::<Vec<_>>().join(" ")),
        Cell::text(&f.message),
    ]
}

/// One row per finding (already in `lang`: [`pledger_views::messages::localize`]).
pub fn findings(all: &[Finding], lang: Lang) -> Sheet {
    let mut s = Sheet::new(("findings", "问题线索"), FINDING_COLS, lang);
    for f in all {
        s.push(finding_cells(f, lang));
    }
    s
}

/// Findings raised and resolved since a log position (format 3.9), each
/// with the records that made the difference.
pub fn changes(c: &Changes, lang: Lang) -> Sheet {
    let mut cols = vec![col("change", "变化", Kind::Text)];
    cols.extend_from_slice(FINDING_COLS);
    cols.push(col("changed_by", "变化来源", Kind::Text));
    let mut s = Sheet::new(("changes", "问题线索变化"), &cols, lang);
    let (raised, resolved) = (say(lang, "raised", "新出现"), say(lang, "resolved", "已消失"));
    for (word, list) in [(raised, &c.raised), (resolved, &c.resolved)] {
        for x in list {
            let mut row = vec![Cell::text(&word)];
            row.extend(finding_cells(&x.finding, lang));
            let by: Vec<String> = x.changed_by.iter().map(|b| format!("{} {}", b.seq, b.kind)).collect();
            row.push(Cell::Text(by.join("; ")));
            s.push(row);
        }
    }
    s
}

/// A trace's flows (format 3.2), with the accounts' names.
pub fn trace(t: &Trace, facts: &Facts, lang: Lang) -> Sheet {
    use Kind::*;
    const COLS: &[Col] = &[
        col("account_id", "账户编号", Text),
        col("name", "账户名称", Text),
        col("kind", "类型", Text),
        col("amount", "金额", Amount),
        col("end", "终点", Text),
        col("path", "路径", Text),
    ];
    let mut s = Sheet::new(("trace", "资金追踪"), COLS, lang);
    for f in &t.flows {
        s.push(vec![
            Cell::text(&f.account_id),
            account(facts, &f.account_id),
            account_kind(f.kind, lang),
            Cell::Amount(f.amount),
            flow_end(f.end, lang),
            Cell::Text(f.path.join(" → ")),
        ]);
    }
    s
}

/// The verdict on "target T was met" (format 3.6) as one row, with the
/// target's assignee named; the evidence records are the caller's (they
/// come from the log, which this crate does not read).
pub fn claim(v: &ClaimVerdict, facts: &Facts, now: Day, lang: Lang) -> Sheet {
    use Kind::*;
    const COLS: &[Col] = &[
        col("target_id", "目标编号", Text),
        col("assignee", "责任单位编号", Text),
        col("assignee_name", "责任单位", Text),
        col("claim", "所称", Text),
        col("verdict", "结论", Text),
        col("status", "目标状态", Text),
        col("judged_at", "判定日期", Day),
        col("reason", "理由", Text),
        col("deciding_seqs", "决定性记录", Text),
    ];
    let (en, zh) = match v.verdict {
        Verdict::Supported => ("supported", "有据可证"),
        Verdict::Contradicted => ("contradicted", "与记录相悖"),
        Verdict::Unsupported => ("unsupported", "无据可证"),
    };
    let assignee = facts
        .targets
        .get(&v.target_id)
        .map(|t| t.data.assignee.to_string())
        .unwrap_or_default();
    let mut s = Sheet::new(("claim", "目标完成情况核验"), COLS, lang);
    s.push(vec![
        Cell::text(&v.target_id),
        Cell::text(&assignee),
        entity(facts, &assignee),
        Cell::text(&v.claim),
        Cell::Text(say(lang, en, zh)),
        word(Vocab::TargetStatus, v.status.as_str(), lang),
        Cell::Day(now),
        Cell::text(&v.reason),
        Cell::Text(v.deciding_seqs.iter().map(u64::to_string).collect::<Vec<_>>().join(" ")),
    ]);
    s
}
