//! The commitments family (政策承诺): a promise made by its promisor, its
//! conditions met and its fulfilment recorded by the promisor (or an
//! auditor), disputed by the beneficiary, breached by an auditor, and
//! waived by the beneficiary or an auditor — never by the promisor alone.

use super::{creates_nothing, Actor, Rules};
use crate::error::{Rejection, RejectionKind};
use crate::families::registry::EntityKind;
use crate::fields::{data_structs, object_only, word_enum, Currency, Evidence, Text};
use crate::ids::Id;
use crate::money::Amount;
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Party, Registry};
use crate::when::BusinessTime;
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::Value;

word_enum!(CommitmentKind {
    LandDiscount => "land_discount",
    TaxRefund => "tax_refund",
    ServiceDeadline => "service_deadline",
    Subsidy => "subsidy",
    Funding => "funding",
    Other => "other",
});

/// A condition of a commitment; one that names a target is met when that
/// target is met.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Condition {
    pub condition_id: Id,
    pub text: Text,
    #[serde(default)]
    pub target_id: Option<Id>,
}

object_only! {
    Condition: "an object {\"condition_id\": ..., \"text\": ..., \"target_id\"?: ...}",
}

/// When a commitment falls due: a fixed time, or a number of days after one
/// of its own conditions is met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Due {
    At(BusinessTime),
    WithinDays { days: u32, after: Id },
    WithinWorkingDays { days: u32, after: Id },
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Relative {
            #[serde(default)]
            within_days: Option<u32>,
            #[serde(default)]
            within_working_days: Option<u32>,
            after: Id,
        }
        let v = crate::json::strict_value(d)?;
        match v {
            Value::String(s) => BusinessTime::parse(&s).map(Due::At).map_err(de::Error::custom),
            Value::Object(_) => {
                let r = Relative::deserialize(&v).map_err(de::Error::custom)?;
                match (r.within_days, r.within_working_days) {
                    (Some(days), None) => Ok(Due::WithinDays { days, after: r.after }),
                    (None, Some(days)) => Ok(Due::WithinWorkingDays { days, after: r.after }),
                    _ => Err(de::Error::custom(
                        "give exactly one of within_days or within_working_days, with after",
                    )),
                }
            }
            _ => Err(de::Error::custom(
                "due is a date, a date-time, or {\"within_days\"|\"within_working_days\": n, \"after\": condition_id}",
            )),
        }
    }
}

data_structs! {
    CommitmentMade {
        commitment_id: Id, promisor: Id, beneficiary: Id, kind: CommitmentKind, terms: Text,
        #[serde(default)] amount: Option<Amount>, due: Due, #[serde(default)] conditions: Option<Vec<Condition>>,
        #[serde(default)] basis: Option<Text>, #[serde(default)] clawback_targets: Option<Vec<Id>>,
        #[serde(default)] currency: Option<Currency>
    }
    CommitmentConditionMet { commitment_id: Id, condition_id: Id, #[serde(default)] evidence: Option<Evidence> }
    CommitmentFulfilled { commitment_id: Id, #[serde(default)] evidence: Option<Evidence>, #[serde(default)] amount: Option<Amount> }
    CommitmentDisputed { commitment_id: Id, reason: Text }
    CommitmentBreached { commitment_id: Id, reason: Text }
    CommitmentWaived { commitment_id: Id, reason: Text, authority: Text }
}

/// The promisor and the beneficiary of a recorded commitment.
fn parties(reg: &Registry, commitment: &str) -> Option<(EntityIdx, EntityIdx)> {
    match reg.get(Namespace::Commitment, commitment) {
        Some(Entry::Commitment {
            promisor, beneficiary, ..
        }) => Some((*promisor, *beneficiary)),
        _ => None,
    }
}

fn need_commitment(reg: &Registry, id: &Id) -> Result<(), Rejection> {
    reg.need(Namespace::Commitment, id, "data.commitment_id").map(|_| ())
}

fn promisor(reg: &Registry, id: &Id) -> Party {
    Party::new(
        format!("the promisor of commitment {:?}", id.as_str()),
        parties(reg, id).map(|(p, _)| p),
    )
}

fn beneficiary(reg: &Registry, id: &Id) -> Party {
    Party::new(
        format!("the beneficiary of commitment {:?}", id.as_str()),
        parties(reg, id).map(|(_, b)| b),
    )
}

impl Rules for CommitmentMade {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Commitment, &self.commitment_id))
    }

    /// Condition ids are unique, and a relative `due` names one of them.
    fn shape(&self) -> Result<(), Rejection> {
        let conditions = self.conditions.as_deref().unwrap_or(&[]);
        for (i, c) in conditions.iter().enumerate() {
            if conditions[..i].iter().any(|o| o.condition_id == c.condition_id) {
                return Err(Rejection::new(
                    RejectionKind::DuplicateId,
                    format!("data.conditions[{i}].condition_id"),
                    format!("condition {:?} is listed twice", c.condition_id.as_str()),
                ));
            }
        }
        if let Due::WithinDays { after, .. } | Due::WithinWorkingDays { after, .. } = &self.due {
            if !conditions.iter().any(|c| &c.condition_id == after) {
                return Err(Rejection::new(
                    RejectionKind::UnknownReference,
                    "data.due.after",
                    format!(
                        "due counts from condition {:?}, which is not among this commitment's conditions",
                        after.as_str()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(
            Namespace::Commitment,
            &self.commitment_id,
            "data.commitment_id",
            by.claimant,
        )?;
        reg.need_entity(&self.promisor, "data.promisor")?;
        reg.need_entity(&self.beneficiary, "data.beneficiary")?;
        for (i, c) in self.conditions.iter().flatten().enumerate() {
            if let Some(t) = &c.target_id {
                reg.need(Namespace::Target, t, &format!("data.conditions[{i}].target_id"))?;
            }
        }
        for (i, t) in self.clawback_targets.iter().flatten().enumerate() {
            reg.need(Namespace::Target, t, &format!("data.clawback_targets[{i}]"))?;
        }
        Ok(())
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let promisor = reg.entity_index_of(&self.promisor);
        reg.only(by, &[Party::new("the promisor".into(), promisor)], false)
    }

    fn entry(&self, reg: &mut Registry, _: EntityIdx, _: &mut Journal) -> Option<Entry> {
        let promisor = reg.need_entity(&self.promisor, "").ok();
        let beneficiary = reg.need_entity(&self.beneficiary, "").ok();
        promisor
            .zip(beneficiary)
            .map(|((promisor, _), (beneficiary, _))| Entry::Commitment {
                promisor,
                beneficiary,
                conditions: self
                    .conditions
                    .iter()
                    .flatten()
                    .map(|c| c.condition_id.as_str().into())
                    .collect(),
            })
    }
}

impl Rules for CommitmentConditionMet {
    const AUDITOR_MAY_RECORD: bool = true;

    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        if let Entry::Commitment { conditions, .. } =
            reg.need(Namespace::Commitment, &self.commitment_id, "data.commitment_id")?
        {
            if !conditions.iter().any(|c| **c == *self.condition_id) {
                return Err(Rejection::new(
                    RejectionKind::UnknownReference,
                    "data.condition_id",
                    format!(
                        "commitment {:?} has no condition {:?}",
                        self.commitment_id.as_str(),
                        self.condition_id.as_str()
                    ),
                ));
            }
        }
        Ok(())
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.only(by, &[promisor(reg, &self.commitment_id)], true)
    }
}

impl Rules for CommitmentFulfilled {
    const AUDITOR_MAY_RECORD: bool = true;

    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        need_commitment(reg, &self.commitment_id)
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.only(by, &[promisor(reg, &self.commitment_id)], true)
    }
}

impl Rules for CommitmentDisputed {
    const AUDITOR_MAY_RECORD: bool = false;

    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        need_commitment(reg, &self.commitment_id)
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.only(by, &[beneficiary(reg, &self.commitment_id)], false)
    }
}

impl Rules for CommitmentBreached {
    const AUDITOR_MAY_RECORD: bool = true;

    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        need_commitment(reg, &self.commitment_id)
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.only(by, &[], true)
    }
}

impl Rules for CommitmentWaived {
    const AUDITOR_MAY_RECORD: bool = true;

    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        need_commitment(reg, &self.commitment_id)
    }

    /// The promisor alone may never let itself off its own promise — not
    /// even when it named itself, or an office of its own, the beneficiary.
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let own_promise = parties(reg, &self.commitment_id).is_some_and(|(p, _)| reg.acts_for(by.idx, p));
        if own_promise && by.kind != EntityKind::Auditor {
            return Err(Rejection::new(
                RejectionKind::NotPermitted,
                "actor",
                format!(
                    "{:?} made commitment {:?} and cannot waive its own promise, even as its beneficiary; a waiver comes from a beneficiary that is not the promisor, or an auditor",
                    by.event.actor.as_str(),
                    self.commitment_id.as_str()
                ),
            ));
        }
        reg.only(by, &[beneficiary(reg, &self.commitment_id)], true)
    }
}

crate::schema::shaped! {
    Due => crate::schema::FieldShape::Due,
    Vec<Condition> => crate::schema::FieldShape::Json,
}
