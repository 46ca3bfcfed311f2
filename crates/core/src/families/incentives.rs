//! The incentives family (奖励兑现): a scheme set by anyone (its setter),
//! paid by the setter or the holder of the paying account, clawed back by
//! the payout's recorder, the setter or an auditor.

use super::{creates_nothing, Actor, Rules};
use crate::error::{Rejection, RejectionKind};
use crate::fields::{data_structs, object_only, word_enum, Currency, Evidence, Text};
use crate::ids::Id;
use crate::money::{Amount, Percent};
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Party, Registry};
use serde::Deserialize;

word_enum!(SchemeCondition { TargetMet => "target_met", TaskPassed => "task_passed" });

/// One role's share of a scheme's total.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Share {
    pub role: Text,
    pub percent: Percent,
}

object_only! {
    Share: "an object {\"role\": ..., \"percent\": ...}",
}

data_structs! {
    /// Exactly one of `target_id` (condition `target_met`) and `task_id`
    /// (condition `task_passed`, format 2.1).
    IncentiveSchemeSet {
        scheme_id: Id, #[serde(default)] target_id: Option<Id>, #[serde(default)] task_id: Option<Id>, total: Amount,
        shares: Vec<Share>, condition: SchemeCondition
    }
    IncentivePaid {
        payout_id: Id, scheme_id: Id, payee: Id, role: Text, amount: Amount,
        #[serde(default)] from_account: Option<Id>, #[serde(default)] evidence: Option<Evidence>, #[serde(default)] currency: Option<Currency>
    }
    IncentiveClawedBack { payout_id: Id, amount: Amount, reason: Text }
}

fn setter(reg: &Registry, scheme: &str) -> Option<EntityIdx> {
    match reg.get(Namespace::Scheme, scheme) {
        Some(Entry::Scheme { setter }) => Some(*setter),
        _ => None,
    }
}

impl Rules for IncentiveSchemeSet {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Scheme, &self.scheme_id))
    }

    /// A target or a task (not both) with its matching condition; at least
    /// one share, roles distinct, percents adding up to 100.
    fn shape(&self) -> Result<(), Rejection> {
        match (&self.target_id, &self.task_id, self.condition) {
            (Some(_), Some(_), _) => {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "data.task_id",
                    "a scheme rewards either a target (target_id, condition \"target_met\") or a yearly task (task_id, condition \"task_passed\"), not both",
                ))
            }
            (None, None, _) => {
                return Err(Rejection::new(
                    RejectionKind::MissingField,
                    "data.target_id",
                    "a scheme names what it rewards: target_id (condition \"target_met\") or task_id (condition \"task_passed\")",
                ))
            }
            (Some(_), None, SchemeCondition::TaskPassed) => {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "data.condition",
                    "condition \"task_passed\" needs task_id; a scheme on a target has condition \"target_met\"",
                ))
            }
            (None, Some(_), SchemeCondition::TargetMet) => {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "data.condition",
                    "condition \"target_met\" needs target_id; a scheme on a task has condition \"task_passed\"",
                ))
            }
            _ => {}
        }
        if self.shares.is_empty() {
            return Err(Rejection::new(
                RejectionKind::InvalidField,
                "data.shares",
                "a scheme needs at least one share",
            ));
        }
        let total: rust_decimal::Decimal = self.shares.iter().map(|s| s.percent.0).sum();
        if total != rust_decimal::Decimal::ONE_HUNDRED {
            return Err(Rejection::new(
                RejectionKind::InvalidField,
                "data.shares",
                format!("the shares add up to {}%, not 100%", total.normalize()),
            ));
        }
        for (i, s) in self.shares.iter().enumerate() {
            if self.shares[..i].iter().any(|o| o.role == s.role) {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    format!("data.shares[{i}].role"),
                    format!("role {:?} has two shares", s.role.0),
                ));
            }
        }
        Ok(())
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(Namespace::Scheme, &self.scheme_id, "data.scheme_id", by.claimant)?;
        if let Some(t) = &self.target_id {
            reg.need(Namespace::Target, t, "data.target_id")?;
        }
        if let Some(t) = &self.task_id {
            reg.need(Namespace::Task, t, "data.task_id")?;
        }
        Ok(())
    }

    /// Anyone; that actor becomes the scheme's setter.
    fn permitted(&self, _: &Registry, _: &Actor) -> Result<(), Rejection> {
        Ok(())
    }

    fn entry(&self, _: &mut Registry, actor: EntityIdx, _: &mut Journal) -> Option<Entry> {
        Some(Entry::Scheme { setter: actor })
    }
}

impl Rules for IncentivePaid {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Payout, &self.payout_id))
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(Namespace::Payout, &self.payout_id, "data.payout_id", by.claimant)?;
        reg.need(Namespace::Scheme, &self.scheme_id, "data.scheme_id")?;
        reg.need_entity(&self.payee, "data.payee")?;
        if let Some(a) = &self.from_account {
            reg.need_account(a, "data.from_account")?;
        }
        Ok(())
    }

    /// The setter, or the holder of `from_account` when given.
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let mut parties = vec![Party::new(
            format!("the setter of scheme {:?}", self.scheme_id.as_str()),
            setter(reg, &self.scheme_id),
        )];
        if let Some(a) = &self.from_account {
            parties.push(Party::new(
                format!("the holder of account {:?}", a.as_str()),
                reg.holder(a),
            ));
        }
        reg.only(by, &parties, false)
    }

    fn entry(&self, reg: &mut Registry, actor: EntityIdx, _: &mut Journal) -> Option<Entry> {
        setter(reg, &self.scheme_id).map(|setter| Entry::Payout {
            recorder: actor,
            setter,
        })
    }
}

impl Rules for IncentiveClawedBack {
    const AUDITOR_MAY_RECORD: bool = true;

    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        reg.need(Namespace::Payout, &self.payout_id, "data.payout_id")
            .map(|_| ())
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let (recorder, setter) = match reg.get(Namespace::Payout, &self.payout_id) {
            Some(Entry::Payout { recorder, setter }) => (Some(*recorder), Some(*setter)),
            _ => (None, None),
        };
        reg.only(
            by,
            &[
                Party::new(
                    format!("the recorder of payout {:?}", self.payout_id.as_str()),
                    recorder,
                ),
                Party::new("the setter of its scheme".into(), setter),
            ],
            true,
        )
    }
}

crate::schema::shaped! {
    Vec<Share> => crate::schema::FieldShape::Json,
}
