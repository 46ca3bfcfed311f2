//! The assessment family (目标管理考核, format 2.1): a yearly task bundles
//! targets with points and veto items, set by anyone but the assessed unit
//! and what lies below it; a sanction is a consequence actually taken,
//! recorded by anyone but its subject.
//!
//! A task's structure is checked here, where the event is refused whole:
//! weights above zero, each target once and assigned to the task's
//! assignee or a unit below it, a pass score the items can reach. Whether
//! the task passed is the views' judgement (format 3.7), never the event's.

use super::{Actor, Rules};
use crate::error::{Rejection, RejectionKind};
use crate::fields::{check_period, data_structs, object_only, word_enum, Evidence, Period, Text};
use crate::ids::Id;
use crate::money::Points;
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Registry};
use rust_decimal::Decimal;
use serde::Deserialize;

word_enum!(
    /// A consequence of a failed task (format 2.1).
    SanctionKind {
        Criticism => "criticism",
        AwardDisqualified => "award_disqualified",
        RewardForfeited => "reward_forfeited",
        Warning => "warning",
        Reassignment => "reassignment",
        Suspension => "suspension",
        Other => "other",
    }
);

impl SanctionKind {
    pub const ALL: [SanctionKind; 7] = [
        SanctionKind::Criticism,
        SanctionKind::AwardDisqualified,
        SanctionKind::RewardForfeited,
        SanctionKind::Warning,
        SanctionKind::Reassignment,
        SanctionKind::Suspension,
        SanctionKind::Other,
    ];
}

impl serde::Serialize for SanctionKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One target of a task and the points it carries.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct TaskItem {
    pub target_id: Id,
    pub weight: Points,
    /// `true`: missing this target fails the whole task (一票否决).
    #[serde(default)]
    pub veto: Option<bool>,
}

impl TaskItem {
    pub fn is_veto(&self) -> bool {
        self.veto == Some(true)
    }
}

/// What must follow after several failed tasks in a row.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct OnConsecutiveFail {
    pub count: u32,
    pub kinds: Vec<SanctionKind>,
}

/// The consequences a task's rules require when it fails.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Consequences {
    #[serde(default)]
    pub on_fail: Option<Vec<SanctionKind>>,
    #[serde(default)]
    pub on_consecutive_fail: Option<OnConsecutiveFail>,
}

object_only! {
    TaskItem: "an object {\"target_id\": ..., \"weight\": ..., \"veto\"?: true}",
    OnConsecutiveFail: "an object {\"count\": 2, \"kinds\": [...]}",
    Consequences: "an object {\"on_fail\"?: [...], \"on_consecutive_fail\"?: {...}}",
}

data_structs! {
    AssessmentTaskSet {
        task_id: Id, assignee: Id, period: Period, group: Text, items: Vec<TaskItem>, pass_score: Points,
        #[serde(default)] consequences: Option<Consequences>, basis: Text
    }
    SanctionImposed {
        sanction_id: Id, subject: Id, kind: SanctionKind, #[serde(default)] task_id: Option<Id>, basis: Text,
        #[serde(default)] evidence: Option<Evidence>
    }
}

impl AssessmentTaskSet {
    /// The points of a task passed on every item.
    pub fn max_score(&self) -> Decimal {
        self.items.iter().map(|i| i.weight.0).sum()
    }
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> Rejection {
    Rejection::new(RejectionKind::InvalidField, field, message)
}

/// The assessed unit of a recorded task.
pub(crate) fn task_assignee(reg: &Registry, task: &str) -> Option<EntityIdx> {
    match reg.get(Namespace::Task, task) {
        Some(Entry::Task { assignee }) => Some(*assignee),
        _ => None,
    }
}

/// Refuses `by` when it is `who` or lies below it (through `parent`).
fn not_at_or_below(reg: &Registry, by: &Actor, who: &Id, what: &str) -> Result<(), Rejection> {
    match reg.entity_index_of(who) {
        Some(w) if reg.at_or_below(by.idx, w) => Err(Rejection::new(
            RejectionKind::NotPermitted,
            "actor",
            format!(
                "{:?} is {what} {:?}, or lies below it; {} may be recorded only by another party (the unit that assesses it, or an auditor)",
                by.event.actor.as_str(),
                who.as_str(),
                by.event.kind
            ),
        )),
        _ => Ok(()),
    }
}

impl Rules for AssessmentTaskSet {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Task, &self.task_id))
    }

    /// Items present, each target once, weights above zero, a pass score
    /// above zero the items can reach, a run of at least two, and at least
    /// one kind wherever kinds are listed.
    fn shape(&self) -> Result<(), Rejection> {
        check_period(&self.period, "data.period")?;
        if self.items.is_empty() {
            return Err(invalid(
                "data.items",
                "a task needs at least one item: {\"target_id\", \"weight\"}",
            ));
        }
        for (i, item) in self.items.iter().enumerate() {
            if item.weight.0 <= Decimal::ZERO {
                return Err(invalid(
                    format!("data.items[{i}].weight"),
                    format!(
                        "the weight of target {:?} is {}; every item carries more than 0 points",
                        item.target_id.as_str(),
                        item.weight
                    ),
                ));
            }
            if let Some(first) = self.items[..i].iter().position(|o| o.target_id == item.target_id) {
                return Err(invalid(
                    format!("data.items[{i}].target_id"),
                    format!(
                        "target {:?} is listed twice (items {first} and {i}); a target counts once in a task",
                        item.target_id.as_str()
                    ),
                ));
            }
        }
        let max = self.max_score();
        if self.pass_score.0 <= Decimal::ZERO || self.pass_score.0 > max {
            return Err(invalid(
                "data.pass_score",
                format!(
                    "the pass score is {}; it must be more than 0 and at most the items' total of {} points",
                    self.pass_score,
                    max.normalize()
                ),
            ));
        }
        if let Some(c) = &self.consequences {
            if let Some(run) = &c.on_consecutive_fail {
                if run.count < 2 {
                    return Err(invalid(
                        "data.consequences.on_consecutive_fail.count",
                        format!("count is {}; consequences of failures in a row start at 2", run.count),
                    ));
                }
                if run.kinds.is_empty() {
                    return Err(invalid(
                        "data.consequences.on_consecutive_fail.kinds",
                        "name at least one kind of consequence, e.g. [\"reassignment\"]",
                    ));
                }
            }
        }
        Ok(())
    }

    /// A new task id, a registered assignee, and every item's target
    /// assigned to the assignee or a unit below it.
    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(Namespace::Task, &self.task_id, "data.task_id", by.claimant)?;
        let (assignee, _) = reg.need_entity(&self.assignee, "data.assignee")?;
        for (i, item) in self.items.iter().enumerate() {
            let field = format!("data.items[{i}].target_id");
            reg.need(Namespace::Target, &item.target_id, &field)?;
            let Some(Entry::Target { assignee: owner, .. }) = reg.get(Namespace::Target, &item.target_id) else {
                continue;
            };
            if !reg.at_or_below(*owner, assignee) {
                return Err(invalid(
                    field,
                    format!(
                        "target {:?} is assigned to {:?}, which is neither {:?} nor a unit below it; a task assesses its assignee on its own targets",
                        item.target_id.as_str(),
                        reg.entity_id(*owner),
                        self.assignee.as_str()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Anyone but the assignee and what lies below it.
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        not_at_or_below(reg, by, &self.assignee, "the assignee of this task")
    }

    fn entry(&self, reg: &mut Registry, _: EntityIdx, _: &mut Journal) -> Option<Entry> {
        reg.need_entity(&self.assignee, "")
            .ok()
            .map(|(assignee, _)| Entry::Task { assignee })
    }
}

impl Rules for SanctionImposed {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Sanction, &self.sanction_id))
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(Namespace::Sanction, &self.sanction_id, "data.sanction_id", by.claimant)?;
        reg.need_entity(&self.subject, "data.subject")?;
        if let Some(t) = &self.task_id {
            reg.need(Namespace::Task, t, "data.task_id")?;
        }
        Ok(())
    }

    /// Anyone but the subject and what lies below it; and, for a sanction
    /// under a task, not the task's assignee or what lies below it either:
    /// a unit that sanctions its own leader under its own task would mark
    /// the consequence its assessor owes as imposed (format 2.3 names the
    /// subject; this closes the way around it).
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        not_at_or_below(reg, by, &self.subject, "the subject of this sanction")?;
        if let Some(task) = &self.task_id {
            if let Some(a) = task_assignee(reg, task) {
                if reg.at_or_below(by.idx, a) {
                    return Err(Rejection::new(
                        RejectionKind::NotPermitted,
                        "actor",
                        format!(
                            "{:?} is the assessed unit of task {:?} ({:?}), or lies below it; the consequences of a task may be imposed only by the party that assesses it (or an auditor)",
                            by.event.actor.as_str(),
                            task.as_str(),
                            reg.entity_id(a)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    fn entry(&self, _: &mut Registry, _: EntityIdx, _: &mut Journal) -> Option<Entry> {
        Some(Entry::Sanction)
    }
}

crate::schema::shaped! {
    Vec<TaskItem> => crate::schema::FieldShape::Json,
    Consequences => crate::schema::FieldShape::Json,
}
