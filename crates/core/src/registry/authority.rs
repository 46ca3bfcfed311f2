//! Who may record what (docs/format.md, "Who may record what").
//!
//! Each event may be recorded only by the party it names — the holder of
//! the account money leaves, the promisor of a commitment, the assignee of
//! a target — or by an *office* of that party (a `department` whose
//! `parent` is the party: the finance bureau acts for the city), or, where
//! the rule says so, by an auditor. Anything else is refused as
//! `not_permitted` and nothing is written. The rules live here, in core, so
//! the command line, imports, bundles, restores and the server enforce the
//! same table; the server asks [`auditor_may_record`] which types an
//! auditor-only token may send.
//!
//! This runs after the existence checks, so every reference it reads is
//! known to exist.

use super::{EntityIdx, Entry, Namespace, Registry};
use crate::error::Rejection;
use crate::event::{EntityKind, Event, EventData, EventType};

/// The event types an auditor may record on matters that are not its own:
/// a token whose only write role is `auditor` may append these and no
/// others (docs/http.md). Every other type needs the party itself.
pub fn auditor_may_record(kind: EventType) -> bool {
    use EventType as T;
    match kind {
        T::TargetRevised
        | T::TargetVerified
        | T::CommitmentConditionMet
        | T::CommitmentFulfilled
        | T::CommitmentBreached
        | T::CommitmentWaived
        | T::IncentiveClawedBack
        | T::EventVoided => true,
        T::EntityRegistered
        | T::AccountOpened
        | T::TargetAssigned
        | T::TargetProgressReported
        | T::FundAllocated
        | T::FundDisbursed
        | T::FundReceived
        | T::CommitmentMade
        | T::CommitmentDisputed
        | T::IncentiveSchemeSet
        | T::IncentivePaid => false,
    }
}

/// A party an event may come from, described for the refusal's message.
struct Party {
    role: String,
    who: EntityIdx,
}

/// Upper bound on a `parent` chain walked: chains are short (a park, its
/// county, the city), and a cycle must not hang the writer.
const MAX_DEPTH: usize = 64;

impl Registry {
    /// The kind and parent of a registered (not voided) entity.
    fn entity_at(&self, idx: EntityIdx) -> Option<(EntityKind, Option<EntityIdx>)> {
        match self.get(Namespace::Entity, self.entity_ids.get(idx as usize)?) {
            Some(Entry::Entity { kind, parent, .. }) => Some((*kind, *parent)),
            _ => None,
        }
    }

    /// Does `actor` act for `party`: the party itself, or an office of it?
    pub fn acts_for(&self, actor: EntityIdx, party: EntityIdx) -> bool {
        actor == party || matches!(self.entity_at(actor), Some((EntityKind::Department, Some(p))) if p == party)
    }

    /// Is `actor` the entity `top` or below it through `parent`?
    fn at_or_below(&self, actor: EntityIdx, top: EntityIdx) -> bool {
        let mut at = Some(actor);
        for _ in 0..MAX_DEPTH {
            match at {
                Some(e) if e == top => return true,
                Some(e) => at = self.entity_at(e).and_then(|(_, parent)| parent),
                None => return false,
            }
        }
        false
    }

    /// Refuses `event` unless `actor` acts for one of `parties`, or is an
    /// auditor when `auditor_too`.
    fn only(
        &self,
        event: &Event,
        actor_kind: EntityKind,
        actor: EntityIdx,
        parties: &[Party],
        auditor_too: bool,
    ) -> Result<(), Rejection> {
        if auditor_too && actor_kind == EntityKind::Auditor {
            return Ok(());
        }
        if parties.iter().any(|p| self.acts_for(actor, p.who)) {
            return Ok(());
        }
        let mut who: Vec<String> = parties
            .iter()
            .map(|p| format!("{} ({:?}) or an office of it", p.role, self.entity_id(p.who)))
            .collect();
        if auditor_too || parties.is_empty() {
            who.push("an auditor".into());
        }
        Err(Rejection::new(
            "not_permitted",
            "actor",
            format!(
                "{} may be recorded here only by {}; {:?} is not permitted (an office is a department whose parent is that party)",
                event.kind,
                who.join(", or "),
                event.actor.as_str()
            ),
        ))
    }

    fn holder(&self, account: &str) -> Option<EntityIdx> {
        match self.get(Namespace::Account, account) {
            Some(Entry::Account { holder }) => Some(*holder),
            _ => None,
        }
    }

    /// The rules of "who may record what" for one event by `actor`.
    pub(super) fn permitted(&self, event: &Event, actor: EntityIdx, actor_kind: EntityKind) -> Result<(), Rejection> {
        let party = |role: String, who: Option<EntityIdx>| who.map(|who| Party { role, who });
        let target = |id: &str| match self.get(Namespace::Target, id) {
            Some(Entry::Target { assignee, assigner }) => Some((*assignee, *assigner)),
            _ => None,
        };
        let commitment = |id: &str| match self.get(Namespace::Commitment, id) {
            Some(Entry::Commitment {
                promisor, beneficiary, ..
            }) => Some((*promisor, *beneficiary)),
            _ => None,
        };
        let only = |parties: Vec<Option<Party>>, auditor_too: bool| {
            let parties: Vec<Party> = parties.into_iter().flatten().collect();
            self.only(event, actor_kind, actor, &parties, auditor_too)
        };
        match &event.data {
            EventData::EntityRegistered(_) | EventData::AccountOpened(_) | EventData::IncentiveSchemeSet(_) => Ok(()),
            EventData::TargetAssigned(d) => {
                let assignee = self.entity_index.get(d.assignee.as_str()).copied();
                match assignee {
                    Some(a) if self.at_or_below(actor, a) => Err(Rejection::new(
                        "not_permitted",
                        "actor",
                        format!(
                            "{:?} is the assignee of this target, or lies below it; a target is assigned by a party above the assignee, never by the assignee itself",
                            event.actor.as_str()
                        ),
                    )),
                    _ => Ok(()),
                }
            }
            EventData::TargetRevised(d) => {
                let assigner = target(&d.target_id).map(|(_, by)| by);
                only(
                    vec![party(format!("the assigner of target {:?}", d.target_id.as_str()), assigner)],
                    true,
                )
            }
            EventData::TargetProgressReported(d) => {
                let assignee = target(&d.target_id).map(|(a, _)| a);
                only(
                    vec![party(format!("the assignee of target {:?}", d.target_id.as_str()), assignee)],
                    false,
                )
            }
            EventData::TargetVerified(d) => match target(&d.target_id) {
                Some((assignee, _)) if self.acts_for(actor, assignee) => Err(Rejection::new(
                    "not_permitted",
                    "actor",
                    format!(
                        "{:?} is the assignee of target {:?} (or an office of it) and cannot verify it; a verification must come from someone else, such as an auditor",
                        event.actor.as_str(),
                        d.target_id.as_str()
                    ),
                )),
                _ => Ok(()),
            },
            EventData::FundAllocated(d) => only(
                vec![party(
                    format!("the holder of account {:?}", d.from_account.as_str()),
                    self.holder(&d.from_account),
                )],
                false,
            ),
            EventData::FundDisbursed(d) => only(
                vec![party(
                    format!("the holder of account {:?}", d.from_account.as_str()),
                    self.holder(&d.from_account),
                )],
                false,
            ),
            EventData::FundReceived(d) => {
                let receiver = match self.get(Namespace::Disbursement, &d.disbursement_id) {
                    Some(Entry::Disbursement { receiving_holder }) => Some(*receiving_holder),
                    _ => None,
                };
                only(
                    vec![party(
                        format!(
                            "the holder of the account disbursement {:?} went to",
                            d.disbursement_id.as_str()
                        ),
                        receiver,
                    )],
                    false,
                )
            }
            EventData::CommitmentMade(d) => {
                let promisor = self.entity_index.get(d.promisor.as_str()).copied();
                only(vec![party("the promisor".into(), promisor)], false)
            }
            EventData::CommitmentConditionMet(d) => only(
                vec![party(
                    format!("the promisor of commitment {:?}", d.commitment_id.as_str()),
                    commitment(&d.commitment_id).map(|(p, _)| p),
                )],
                true,
            ),
            EventData::CommitmentFulfilled(d) => only(
                vec![party(
                    format!("the promisor of commitment {:?}", d.commitment_id.as_str()),
                    commitment(&d.commitment_id).map(|(p, _)| p),
                )],
                true,
            ),
            EventData::CommitmentDisputed(d) => only(
                vec![party(
                    format!("the beneficiary of commitment {:?}", d.commitment_id.as_str()),
                    commitment(&d.commitment_id).map(|(_, b)| b),
                )],
                false,
            ),
            EventData::CommitmentBreached(_) => only(vec![], true),
            // The promisor alone may never let itself off its own promise.
            EventData::CommitmentWaived(d) => only(
                vec![party(
                    format!("the beneficiary of commitment {:?}", d.commitment_id.as_str()),
                    commitment(&d.commitment_id).map(|(_, b)| b),
                )],
                true,
            ),
            EventData::IncentivePaid(d) => {
                let setter = match self.get(Namespace::Scheme, &d.scheme_id) {
                    Some(Entry::Scheme { setter }) => Some(*setter),
                    _ => None,
                };
                let mut parties = vec![party(
                    format!("the setter of scheme {:?}", d.scheme_id.as_str()),
                    setter,
                )];
                if let Some(a) = &d.from_account {
                    parties.push(party(
                        format!("the holder of account {:?}", a.as_str()),
                        self.holder(a),
                    ));
                }
                only(parties, false)
            }
            EventData::IncentiveClawedBack(d) => {
                let (recorder, setter) = match self.get(Namespace::Payout, &d.payout_id) {
                    Some(Entry::Payout { recorder, setter }) => (Some(*recorder), Some(*setter)),
                    _ => (None, None),
                };
                only(
                    vec![
                        party(format!("the recorder of payout {:?}", d.payout_id.as_str()), recorder),
                        party("the setter of its scheme".into(), setter),
                    ],
                    true,
                )
            }
            EventData::EventVoided(d) => only(
                vec![party(
                    format!("the actor of record {}", d.seq),
                    self.seq_info(d.seq).map(|i| i.actor),
                )],
                true,
            ),
        }
    }
}
