//! The targets family (目标任务): a target is assigned by a party above the
//! assignee, revised only by that assigner (or an auditor), claimed only by
//! the assignee, and verified by anyone but the assignee.

use super::projects::{check_listed, no_repeats, Counts};
use super::{creates_nothing, Actor, Rules};
use crate::error::{Rejection, RejectionKind};
use crate::fields::{check_period, data_structs, object_only, word_enum, Evidence, Period, Text};
use crate::ids::Id;
use crate::money::Quantity;
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Party, Registry};
use crate::when::Day;
use serde::Deserialize;

word_enum!(Comparator { AtLeast => ">=", AtMost => "<=" });

/// A person answerable for a target (四个一: one leader per project).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Responsible {
    pub person: Id,
    pub role: Text,
}

object_only! {
    Responsible: "an object {\"person\": entity, \"role\": ...}",
}

data_structs! {
    TargetAssigned {
        target_id: Id, assignee: Id, metric: Text, unit: Text, comparator: Comparator, threshold: Quantity,
        period: Period, basis: Text, #[serde(default)] responsible: Option<Vec<Responsible>>,
        #[serde(default)] counts: Option<Counts>
    }
    TargetRevised { target_id: Id, #[serde(default)] threshold: Option<Quantity>, #[serde(default)] period: Option<Period>, reason: Text }
    TargetProgressReported {
        target_id: Id, value: Quantity, as_of: Day, #[serde(default)] evidence: Option<Evidence>,
        #[serde(default)] projects: Option<Vec<Id>>
    }
    TargetVerified {
        target_id: Id, value: Quantity, as_of: Day, #[serde(default)] evidence: Option<Evidence>,
        #[serde(default)] note: Option<Text>, #[serde(default)] projects: Option<Vec<Id>>
    }
}

/// The assignee and the assigner of a recorded target.
fn parties(reg: &Registry, target: &str) -> Option<(EntityIdx, EntityIdx)> {
    match reg.get(Namespace::Target, target) {
        Some(Entry::Target { assignee, assigner, .. }) => Some((*assignee, *assigner)),
        _ => None,
    }
}

impl Rules for TargetAssigned {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Target, &self.target_id))
    }

    fn shape(&self) -> Result<(), Rejection> {
        check_period(&self.period, "data.period")?;
        if self.counts.is_some() && self.unit.0 != "count" {
            return Err(Rejection::new(
                RejectionKind::InvalidField,
                "data.counts",
                format!(
                    "a target that counts projects has unit \"count\", not {:?}",
                    self.unit.0
                ),
            ));
        }
        Ok(())
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(Namespace::Target, &self.target_id, "data.target_id", by.claimant)?;
        reg.need_entity(&self.assignee, "data.assignee")?;
        for (i, r) in self.responsible.iter().flatten().enumerate() {
            reg.need_entity(&r.person, &format!("data.responsible[{i}].person"))?;
        }
        Ok(())
    }

    /// Anyone but the assignee and what lies below it.
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        match reg.entity_index_of(&self.assignee) {
            Some(a) if reg.at_or_below(by.idx, a) => Err(Rejection::new(
                RejectionKind::NotPermitted,
                "actor",
                format!(
                    "{:?} is the assignee of this target, or lies below it; a target may be assigned only by a party other than the assignee and what lies below it (the unit above it, or an auditor)",
                    by.event.actor.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }

    fn entry(&self, reg: &mut Registry, actor: EntityIdx, _: &mut Journal) -> Option<Entry> {
        reg.need_entity(&self.assignee, "")
            .ok()
            .map(|(assignee, _)| Entry::Target {
                assignee,
                assigner: actor,
                counting: self.counts.is_some(),
            })
    }
}

impl Rules for TargetRevised {
    const AUDITOR_MAY_RECORD: bool = true;

    creates_nothing!();

    fn shape(&self) -> Result<(), Rejection> {
        if let Some(p) = &self.period {
            check_period(p, "data.period")?;
        }
        if self.threshold.is_none() && self.period.is_none() {
            return Err(Rejection::new(
                RejectionKind::MissingField,
                "data.threshold",
                "a revision changes the threshold, the period or both; neither was given",
            ));
        }
        Ok(())
    }

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        reg.need(Namespace::Target, &self.target_id, "data.target_id")
            .map(|_| ())
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let assigner = parties(reg, &self.target_id).map(|(_, by)| by);
        reg.only(
            by,
            &[Party::new(
                format!("the assigner of target {:?}", self.target_id.as_str()),
                assigner,
            )],
            true,
        )
    }
}

impl Rules for TargetProgressReported {
    const AUDITOR_MAY_RECORD: bool = false;

    creates_nothing!();

    fn shape(&self) -> Result<(), Rejection> {
        self.projects.as_deref().map_or(Ok(()), no_repeats)
    }

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        reg.need(Namespace::Target, &self.target_id, "data.target_id")?;
        match &self.projects {
            Some(p) => check_listed(reg, &self.target_id, p),
            None => Ok(()),
        }
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let assignee = parties(reg, &self.target_id).map(|(a, _)| a);
        reg.only(
            by,
            &[Party::new(
                format!("the assignee of target {:?}", self.target_id.as_str()),
                assignee,
            )],
            false,
        )
    }
}

impl Rules for TargetVerified {
    const AUDITOR_MAY_RECORD: bool = true;

    creates_nothing!();

    fn shape(&self) -> Result<(), Rejection> {
        self.projects.as_deref().map_or(Ok(()), no_repeats)
    }

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        reg.need(Namespace::Target, &self.target_id, "data.target_id")?;
        match &self.projects {
            Some(p) => check_listed(reg, &self.target_id, p),
            None => Ok(()),
        }
    }

    /// Anyone but the assignee (or an office of it): no self-verification.
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        match parties(reg, &self.target_id) {
            Some((assignee, _)) if reg.acts_for(by.idx, assignee) => Err(Rejection::new(
                RejectionKind::NotPermitted,
                "actor",
                format!(
                    "{:?} is the assignee of target {:?} (or an office of it) and cannot verify it; a verification may be recorded only by someone else, such as an auditor",
                    by.event.actor.as_str(),
                    self.target_id.as_str()
                ),
            )),
            _ => Ok(()),
        }
    }
}

crate::schema::shaped! {
    Vec<Responsible> => crate::schema::FieldShape::Json,
}
