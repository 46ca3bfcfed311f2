//! The English sentence of every finding code.

use super::Args;
use crate::codes::FindingCode;

fn s(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// "Commitment c (city-gov to ent-a)", or lower case within a sentence.
fn commitment(a: &Args, capital: bool) -> String {
    format!(
        "{}ommitment {} ({} to {})",
        if capital { "C" } else { "c" },
        a.id("commitment"),
        a.id("promisor"),
        a.id("beneficiary")
    )
}

/// "{value} against {comparator} {threshold}" pieces shared by targets.
fn target_terms(a: &Args) -> String {
    format!(
        "{} {} {} {}",
        a.word("metric"),
        a.word("comparator"),
        a.num("threshold"),
        a.word("unit")
    )
}

/// " ({x} yuan of it has since been clawed back)" when some was.
fn clawed_back(a: &Args) -> String {
    if a.has("clawed_back") {
        format!(" ({} yuan of it has since been clawed back)", a.amount("clawed_back"))
    } else {
        String::new()
    }
}

pub(super) fn render(code: FindingCode, a: &Args) -> String {
    use FindingCode::*;
    match code {
        Overdraft => format!(
            "Account {} went below zero on {}: disbursement {} paid {} yuan to {} when the balance was {} yuan, leaving {} yuan.",
            a.named("account"),
            a.day("date"),
            a.id("disbursement"),
            a.amount("amount"),
            a.named("to"),
            a.amount("balance_before"),
            a.amount("balance_after"),
        ),
        OverCeiling => format!(
            "Source account {} has paid out {} yuan, {} yuan over its ceiling of {} yuan: disbursement {} of {} yuan to {} on {} crossed it.",
            a.named("account"),
            a.amount("paid_out"),
            a.amount("over"),
            a.amount("ceiling"),
            a.id("disbursement"),
            a.amount("amount"),
            a.named("to"),
            a.day("date"),
        ),
        OverAllocation => format!(
            "Disbursements against allocation {} ({} yuan from {} to {}) reached {} yuan, {} yuan over: disbursement {} of {} yuan on {} crossed it.",
            a.id("allocation"),
            a.amount("allocated"),
            a.named("from"),
            a.named("to"),
            a.amount("disbursed"),
            a.amount("over"),
            a.id("disbursement"),
            a.amount("amount"),
            a.day("date"),
        ),
        UnconfirmedDisbursement => {
            let days = a.count("days");
            let late = if a.has("confirmed_on") {
                format!("; it was confirmed only on {}, after the {days} days", a.day("confirmed_on"))
            } else {
                format!("; it is still unconfirmed on {}", a.day("judged_on"))
            };
            format!(
                "Disbursement {} of {} yuan from {} to {} on {} was not confirmed as received by {} within {days} days (by {}){late}.",
                a.id("disbursement"),
                a.amount("amount"),
                a.named("from"),
                a.named("to"),
                a.day("date"),
                a.id("to"),
                a.day("deadline"),
            )
        }
        EarmarkBreach => {
            let spent_on = if a.has("category") {
                format!("for category \"{}\"", a.text("category"))
            } else {
                "with no category".to_string()
            };
            format!(
                "Special-purpose account {}, earmarked for \"{}\", paid {} yuan to {} on {} {spent_on} (disbursement {}).",
                a.named("account"),
                a.text("earmark"),
                a.amount("amount"),
                a.named("to"),
                a.day("date"),
                a.id("disbursement"),
            )
        }
        OverstatedClaim => format!(
            "{} claimed {} for target {} ({}) as of {} (record {}), but the verification as of {} found {} (record {}): the claim overstates by {}.",
            a.id("assignee"),
            a.num("claimed"),
            a.id("target"),
            target_terms(a),
            a.day("claim_as_of"),
            a.count("claim_record"),
            a.day("verified_as_of"),
            a.num("verified"),
            a.count("verification_record"),
            a.num("gap"),
        ),
        TargetRevisedAfterPeriod => {
            let mut changes = Vec::new();
            if a.has("threshold_to") {
                changes.push(format!("threshold {} → {}", a.num("threshold_from"), a.num("threshold_to")));
            }
            if a.has("period_to") {
                changes.push(format!("period {} → {}", a.period("period_from"), a.period("period_to")));
            }
            format!(
                "Target {} of {} ({}) was revised on {} (record {}), after its period ended on {}: {}. Reason given: {:?}.",
                a.id("target"),
                a.id("assignee"),
                a.word("metric"),
                a.day("date"),
                a.count("record"),
                a.day("period_end"),
                changes.join(", "),
                a.text("reason"),
            )
        }
        ConsecutiveMisses => {
            let periods: Vec<String> = a
                .groups("missed")
                .iter()
                .map(|m| {
                    format!(
                        "{} ({}, verified {} against {} {})",
                        m.id("target"),
                        m.period("period"),
                        if m.has("verified") { m.num("verified") } else { String::new() },
                        m.word("comparator"),
                        m.num("threshold"),
                    )
                })
                .collect();
            format!(
                "{} missed its {} target {} periods in a row: {}.",
                a.id("assignee"),
                a.word("metric"),
                a.count("periods"),
                periods.join("; ")
            )
        }
        PaidWithoutMetTarget => {
            let why = if !a.has("target") {
                "the scheme is no longer in force".to_string()
            } else if a.has("target_status") {
                format!(
                    "its target {} was '{}', not met, on that date",
                    a.id("target"),
                    a.word("target_status")
                )
            } else {
                format!("its target {} was not in force on that date", a.id("target"))
            };
            format!(
                "Reward payout {} of {} yuan to {} (role {}) under scheme {} was paid on {} (record {}), but {why}{}; rewards are paid only for a met target.",
                a.id("payout"),
                a.amount("amount"),
                a.id("payee"),
                a.word("role"),
                a.id("scheme"),
                a.day("date"),
                a.count("record"),
                clawed_back(a),
            )
        }
        ShareExceeded => {
            let limit = if a.has("percent") {
                format!(
                    "its share of {} yuan ({}% of {})",
                    a.amount("share"),
                    a.num("percent"),
                    a.amount("total")
                )
            } else {
                format!("its share of {} yuan (the role is not in the scheme)", a.amount("share"))
            };
            format!(
                "Role {} under scheme {} has been paid {} yuan net of clawbacks ({}), above {limit} by {} yuan.",
                a.word("role"),
                a.id("scheme"),
                a.amount("paid"),
                a.ids("payees").join(", "),
                a.amount("over"),
            )
        }
        SchemeOverpaid => {
            let rewarded = if a.has("target") {
                format!("target {}", a.id("target"))
            } else if a.has("task") {
                format!("yearly task {}", a.id("task"))
            } else {
                "nothing named".to_string()
            };
            format!(
                "Scheme {} ({rewarded}) has paid out {} yuan net of clawbacks in {} payouts, more than its total of {} by {} yuan.",
                a.id("scheme"),
                a.amount("paid"),
                a.count("payouts"),
                a.amount("total"),
                a.amount("over"),
            )
        }
        CommitmentOverdue => {
            let late = a.count("days_overdue");
            let amount = if a.has("amount") {
                format!(" for {} yuan", a.amount("amount"))
            } else {
                String::new()
            };
            format!(
                "{} ({}{amount}) was due on {} and is not fulfilled as of {}: {late} day{} overdue.",
                commitment(a, true),
                a.word("kind"),
                a.day("due"),
                a.day("judged_on"),
                s(late),
            )
        }
        CommitmentDisputed => {
            let count = a.count("open_disputes");
            format!(
                "{} is disputed by {} since {} ({}), with no fulfilment or waiver since{}: \"{}\".",
                commitment(a, true),
                a.id("disputed_by"),
                a.day("since"),
                if count == 1 {
                    "1 open dispute".to_owned()
                } else {
                    format!("{count} open disputes")
                },
                if count == 1 { "" } else { "; latest reason" },
                a.text("reason"),
            )
        }
        FulfilledWithoutPayment => format!(
            "{} for {} yuan was marked fulfilled on {}, but no disbursement carrying commitment_id {} pays it.",
            commitment(a, true),
            a.amount("amount"),
            a.day("fulfilled_on"),
            a.id("commitment"),
        ),
        FulfilledBeforeConditions => {
            let unmet = a.groups("unmet");
            let list: Vec<String> = unmet
                .iter()
                .map(|c| {
                    if c.has("target") {
                        format!("{} (target {} met)", c.id("condition"), c.id("target"))
                    } else {
                        format!("{} ({})", c.id("condition"), c.text("text"))
                    }
                })
                .collect();
            let one = unmet.len() == 1;
            format!(
                "{} was marked fulfilled on {} while {} {} not yet met: {}.",
                commitment(a, true),
                a.day("fulfilled_on"),
                if one { "a condition" } else { "conditions" },
                if one { "was" } else { "were" },
                list.join(", ")
            )
        }
        CommitmentOverpaid => {
            let ids = a.ids("disbursements");
            let returned = if a.has("repaid") {
                format!("; {} yuan has been repaid against it", a.amount("repaid"))
            } else {
                String::new()
            };
            format!(
                "{} is for {} yuan, but {} disbursement{} ({}) paid {} yuan against it: {} yuan too much{returned}.",
                commitment(a, true),
                a.amount("amount"),
                ids.len(),
                s(ids.len() as u64),
                ids.join(", "),
                a.amount("paid"),
                a.amount("over"),
            )
        }
        MissingEvidence => match a.select("record").as_str() {
            "verification" => format!(
                "Verification of target {} ({}) recorded by {} on {} (record {}) found {} as of {} but cites no evidence.",
                a.id("target"),
                target_terms(a),
                a.id("recorded_by"),
                a.day("date"),
                a.count("seq"),
                a.num("value"),
                a.day("as_of"),
            ),
            "fulfilment" => format!(
                "The fulfilment of {} recorded by {} on {} (record {}) names no evidence.",
                commitment(a, false),
                a.id("recorded_by"),
                a.day("date"),
                a.count("seq"),
            ),
            _ => format!(
                "Reward payout {} of {} yuan to {} (role {}) under scheme {} on {} (record {}) cites no evidence.",
                a.id("payout"),
                a.amount("amount"),
                a.id("payee"),
                a.word("role"),
                a.id("scheme"),
                a.day("date"),
                a.count("seq"),
            ),
        },
        ClawbackDue => {
            let base_text = match a.select("base_is").as_str() {
                "fulfilled_amount" => format!("fulfilled for {} yuan on {}", a.amount("base"), a.day("fulfilled_on")),
                "commitment_amount" => format!(
                    "fulfilled on {} (commitment amount {} yuan)",
                    a.day("fulfilled_on"),
                    a.amount("base")
                ),
                _ => format!(
                    "fulfilled on {} ({} yuan paid against it)",
                    a.day("fulfilled_on"),
                    a.amount("base")
                ),
            };
            let why = if a.has("verified") {
                format!(
                    "target {} was missed: verified {} against {} {}",
                    a.id("missed_target"),
                    a.num("verified"),
                    a.word("comparator"),
                    a.num("threshold")
                )
            } else {
                format!(
                    "target {} ({} {}) was missed with no verified value",
                    a.id("missed_target"),
                    a.word("comparator"),
                    a.num("threshold")
                )
            };
            let missed = a.count("missed_targets");
            let others = if missed > 1 {
                format!(" (the largest shortfall of {missed} missed clawback targets)")
            } else {
                String::new()
            };
            let less = if a.has("repaid") {
                format!(", less {} yuan already repaid", a.amount("repaid"))
            } else {
                String::new()
            };
            format!(
                "{} was {base_text}, but {why}{others}; shortfall {}% of {} yuan is {} yuan{less}: {} yuan is due back from {}.",
                commitment(a, true),
                a.num("shortfall_percent"),
                a.amount("base"),
                a.amount("pro_rata"),
                a.amount("due_back"),
                a.id("beneficiary"),
            )
        }
        ClawbackExceedsPayout => format!(
            "Payout {} paid {} yuan to {}, but {} yuan has been clawed back from it, {} yuan more than was paid.",
            a.id("payout"),
            a.amount("amount"),
            a.id("payee"),
            a.amount("clawed_back"),
            a.amount("over"),
        ),
        IdleBalance => {
            let what = if a.select("since_kind") == "last_out" {
                "its last payment out"
            } else {
                "the first money in (it has never paid anything out)"
            };
            format!(
                "Account {} of {} holds {} yuan and has paid nothing out since {} ({what}, record {}): more than {} days; money left idle for over two years (财政存量资金) is to be put to use or returned.",
                a.named("account"),
                a.id("holder"),
                a.amount("balance"),
                a.day("since"),
                a.count("since_record"),
                a.count("days"),
            )
        }
        ConsecutiveFailures => {
            let listed: Vec<String> = a
                .groups("tasks")
                .iter()
                .map(|t| {
                    let (from, to) = t.period_ends("period");
                    format!(
                        "{} ({from}..{to}, {} of {} points, pass {}{})",
                        t.id("task"),
                        t.num("score"),
                        t.num("max_score"),
                        t.num("pass_score"),
                        if t.flag("vetoed") { ", vetoed" } else { "" }
                    )
                })
                .collect();
            format!(
                "{} failed {} yearly tasks in a row: {}.",
                a.named("assignee"),
                a.count("failed"),
                listed.join("; ")
            )
        }
        SanctionNotImposed => {
            let why = if a.select("because") == "on_consecutive_fail" {
                format!(
                    "its rules require after {} failed tasks in a row (this is failure {} in a row)",
                    a.count("rule_count"),
                    a.count("run")
                )
            } else {
                "its rules require on failure".to_string()
            };
            let what = if a.has("late_sanction") {
                format!(
                    "it was imposed only on {} (sanction {}, record {}), after the deadline of {}",
                    a.day("imposed_on"),
                    a.id("late_sanction"),
                    a.count("late_record"),
                    a.day("due_by")
                )
            } else {
                format!(
                    "no sanction of that kind naming the task was recorded by {}",
                    a.day("due_by")
                )
            };
            format!(
                "Task {} of {} was failed{} on {}; the consequence '{}' {why} was due within {} days, but {what}.",
                a.id("task"),
                a.id("assignee"),
                if a.flag("vetoed") { " (one-vote veto)" } else { "" },
                a.day("decided_on"),
                a.select("kind"),
                a.count("days"),
            )
        }
        SanctionWithoutBasis => format!(
            "Sanction {} ('{}') was imposed on {} on {} under task {}, but that task had passed on that date ({} of {} points, pass {}, decided {}); a consequence needs a failed task.",
            a.id("sanction"),
            a.select("kind"),
            a.id("subject"),
            a.day("date"),
            a.id("task"),
            a.num("score"),
            a.num("max_score"),
            a.num("pass_score"),
            if a.has("decided_on") { a.day("decided_on") } else { "-".to_string() },
        ),
        RewardForFailedTask => {
            let why = if !a.has("task") {
                "the scheme is no longer in force".to_string()
            } else if a.has("task_status") {
                format!(
                    "its yearly task {} had not passed on that date: it was '{}'{} with {} of {} points (pass {})",
                    a.id("task"),
                    a.word("task_status"),
                    if a.flag("vetoed") { " by one-vote veto" } else { "" },
                    a.num("score"),
                    a.num("max_score"),
                    a.num("pass_score"),
                )
            } else {
                format!("its yearly task {} was not in force on that date", a.id("task"))
            };
            format!(
                "Reward payout {} of {} yuan to {} (role {}) under scheme {} was paid on {} (record {}), but {why}{}; a task's reward is paid only once the task has passed.",
                a.id("payout"),
                a.amount("amount"),
                a.id("payee"),
                a.word("role"),
                a.id("scheme"),
                a.day("date"),
                a.count("record"),
                clawed_back(a),
            )
        }
        CountedNotQualifying => {
            let why = match a.select("reason").as_str() {
                "not_signed" => "it had not even been signed by then".to_string(),
                "stage_not_reached" => format!(
                    "it was only '{}' then, not yet '{}'",
                    a.select("stage_then"),
                    a.select("stage")
                ),
                "outside_period" => {
                    let (from, to) = a.period_ends("period");
                    format!(
                        "it first reached '{}' on {}, outside the target's period {from} to {to} (a project counts as new in one period only)",
                        a.select("stage"),
                        a.day("first_reached")
                    )
                }
                "stalled_or_cancelled" => {
                    format!("it was '{}' then, and such a project never counts", a.select("stage_then"))
                }
                _ => format!(
                    "only {} yuan was in place then, less than the target's minimum of {} yuan",
                    a.amount("in_place"),
                    a.amount("min_investment")
                ),
            };
            format!(
                "The {} of target {} ({}, {}) recorded by {} on {} (record {}) counts project {} as of {}, but {why}.",
                a.select("record"),
                a.id("target"),
                a.id("assignee"),
                a.word("metric"),
                a.id("recorded_by"),
                a.day("date"),
                a.count("seq"),
                a.named("project"),
                a.day("as_of"),
            )
        }
        CountMismatch => {
            let listed = a.count("listed");
            format!(
                "The {} of target {} ({}, {}) recorded by {} on {} (record {}) gives {} as of {} but lists {listed} project{}; a count is the number of projects it names.",
                a.select("record"),
                a.id("target"),
                a.id("assignee"),
                a.word("metric"),
                a.id("recorded_by"),
                a.day("date"),
                a.count("seq"),
                a.num("value"),
                a.day("as_of"),
                s(listed),
            )
        }
        ProjectDoubleCounted => format!(
            "Project {} is counted by two units for {}: by {} under target {} (first on {}, record {}) and by {} under target {} (first on {}, record {}); a project is counted once.",
            a.named("project"),
            a.word("metric"),
            a.id("first_assignee"),
            a.id("first_target"),
            a.day("first_listed_on"),
            a.count("first_record"),
            a.id("second_assignee"),
            a.id("second_target"),
            a.day("second_listed_on"),
            a.count("second_record"),
        ),
        LandIdle => {
            let reclaim = if a.has("reclaimable_after") {
                format!(
                    "; two years have passed with no start (by {}), so the land may be taken back without compensation",
                    a.day("reclaimable_after")
                )
            } else {
                String::new()
            };
            format!(
                "Project {} of {} was granted parcel {} ({} mu) with construction to start by {}; no start was reported as of a year later, so the land has been idle since {}{reclaim}.",
                a.named("project"),
                a.id("investor"),
                a.id("parcel"),
                a.num("area_mu"),
                a.day("agreed_start"),
                a.day("idle_since"),
            )
        }
    }
}
