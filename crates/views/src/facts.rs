//! Facts: everything the views know, gathered by one pass over the log.
//!
//! [`Facts::apply`] files each event under what it is about, tagged with
//! its seq and business date. Nothing is judged here: statuses that depend
//! on "now" are computed by the view modules at query time, so the same
//! facts answer for any date. A void is recorded in [`Facts::voided`] and
//! every view skips facts whose seq is voided ([`Facts::live`]), which
//! makes a void count whatever its own date, as the contract asks.

use pledger_core::event::{
    AccountOpened, AssessmentTaskSet, CommitmentMade, EntityRegistered, Evidence, FundAllocated, FundDisbursed,
    IncentivePaid, IncentiveSchemeSet, ProjectSigned, ProjectStage, SanctionImposed, TargetAssigned,
};
use pledger_core::ids::Id;
use pledger_core::money::{Amount, Quantity};
use pledger_core::when::Day;
use pledger_core::{Event, EventData};
use std::collections::BTreeMap;

/// Hash maps keyed by seq or id; foldhash, not SipHash: a million lookups
/// per rebuild.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// What every fact carries: where it is in the log and when it happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    pub seq: u64,
    pub day: Day,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EntityFact {
    pub at: At,
    pub data: EntityRegistered,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AccountFact {
    pub at: At,
    pub data: AccountOpened,
}

/// A value reported (a claim) or found (a verification) for a target.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    pub at: At,
    pub actor: String,
    pub value: Quantity,
    pub as_of: Day,
    pub evidence: Option<Evidence>,
    /// The projects a claim or verification of a counting target lists.
    pub projects: Option<Vec<Id>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Revision {
    pub at: At,
    pub threshold: Option<Quantity>,
    pub period: Option<pledger_core::event::Period>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TargetFact {
    pub at: At,
    pub data: TargetAssigned,
    pub revisions: Vec<Revision>,
    pub claims: Vec<Observation>,
    pub verifications: Vec<Observation>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AllocationFact {
    pub at: At,
    pub data: FundAllocated,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DisbursementFact {
    pub at: At,
    pub data: FundDisbursed,
    /// `fund.received` confirmations: (seq, date, actor).
    pub receipts: Vec<At>,
}

/// Something that happened to a commitment after it was made.
#[derive(Clone, Debug, PartialEq)]
pub struct CommitmentStep {
    pub at: At,
    pub actor: String,
    pub kind: CommitmentStepKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum CommitmentStepKind {
    ConditionMet {
        condition_id: String,
        evidence: Option<Evidence>,
    },
    Fulfilled {
        amount: Option<Amount>,
        evidence: Option<Evidence>,
    },
    Disputed {
        reason: String,
    },
    Breached {
        reason: String,
    },
    Waived {
        reason: String,
        authority: String,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommitmentFact {
    pub at: At,
    pub data: CommitmentMade,
    pub steps: Vec<CommitmentStep>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SchemeFact {
    pub at: At,
    pub data: IncentiveSchemeSet,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Clawback {
    pub at: At,
    pub amount: Amount,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PayoutFact {
    pub at: At,
    pub data: IncentivePaid,
    pub clawbacks: Vec<Clawback>,
}

/// A stage a project reported (format 2.2).
#[derive(Clone, Debug, PartialEq)]
pub struct StageReport {
    pub at: At,
    pub actor: String,
    pub stage: ProjectStage,
    pub as_of: Day,
    pub investment_in_place: Option<Amount>,
    pub evidence: Option<Evidence>,
}

/// A signed project and its stage reports, in seq order.
#[derive(Clone, Debug, PartialEq)]
pub struct ProjectFact {
    pub at: At,
    pub data: ProjectSigned,
    pub stages: Vec<StageReport>,
}

/// A yearly task (format 2.1).
#[derive(Clone, Debug, PartialEq)]
pub struct TaskFact {
    pub at: At,
    pub data: AssessmentTaskSet,
}

/// A consequence actually taken.
#[derive(Clone, Debug, PartialEq)]
pub struct SanctionFact {
    pub at: At,
    pub data: SanctionImposed,
}

/// Every fact of the log so far (within the query's scope). `Clone` so a
/// server can keep a live copy; unscoped facts are also persisted as a
/// snapshot ([`crate::snapshot`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    /// Seqs voided by an `event.voided` within scope (whatever its date).
    pub voided: HashSet<u64>,
    pub entities: BTreeMap<String, EntityFact>,
    pub accounts: BTreeMap<String, AccountFact>,
    pub targets: BTreeMap<String, TargetFact>,
    pub allocations: BTreeMap<String, AllocationFact>,
    /// In seq order; `disbursement_index` finds one by id.
    pub disbursements: Vec<DisbursementFact>,
    pub disbursement_index: HashMap<String, usize>,
    pub commitments: BTreeMap<String, CommitmentFact>,
    pub schemes: BTreeMap<String, SchemeFact>,
    pub payouts: BTreeMap<String, PayoutFact>,
    pub tasks: BTreeMap<String, TaskFact>,
    pub sanctions: BTreeMap<String, SanctionFact>,
    pub projects: BTreeMap<String, ProjectFact>,
    /// Number of records applied (including voids and out-of-date events).
    pub records_seen: u64,
}

impl Facts {
    pub fn new() -> Facts {
        Facts::default()
    }

    /// Is the fact at `seq` still in force (not voided)?
    pub fn live(&self, seq: u64) -> bool {
        !self.voided.contains(&seq)
    }

    /// Files one record. `as_of`: events whose business date is after it
    /// are left out, except voids, which always count.
    pub fn apply(&mut self, seq: u64, event: Event, as_of: Option<Day>) {
        self.records_seen += 1;
        if let EventData::EventVoided(v) = &event.data {
            self.voided.insert(v.seq);
            return;
        }
        let day = event.occurred_at.day();
        if as_of.is_some_and(|limit| day > limit) {
            return;
        }
        let at = At { seq, day };
        let actor = event.actor.to_string();
        match event.data {
            EventData::EntityRegistered(d) => {
                self.entities
                    .insert(d.entity_id.to_string(), EntityFact { at, data: d });
            }
            EventData::AccountOpened(d) => {
                self.accounts
                    .insert(d.account_id.to_string(), AccountFact { at, data: d });
            }
            EventData::TargetAssigned(d) => {
                self.targets.insert(
                    d.target_id.to_string(),
                    TargetFact {
                        at,
                        data: d,
                        revisions: Vec::new(),
                        claims: Vec::new(),
                        verifications: Vec::new(),
                    },
                );
            }
            EventData::TargetRevised(d) => {
                if let Some(t) = self.targets.get_mut(d.target_id.as_str()) {
                    t.revisions.push(Revision {
                        at,
                        threshold: d.threshold,
                        period: d.period,
                        reason: d.reason.0,
                    });
                }
            }
            EventData::TargetProgressReported(d) => {
                if let Some(t) = self.targets.get_mut(d.target_id.as_str()) {
                    t.claims.push(Observation {
                        at,
                        actor,
                        value: d.value,
                        as_of: d.as_of,
                        evidence: d.evidence,
                        projects: d.projects,
                    });
                }
            }
            EventData::TargetVerified(d) => {
                if let Some(t) = self.targets.get_mut(d.target_id.as_str()) {
                    t.verifications.push(Observation {
                        at,
                        actor,
                        value: d.value,
                        as_of: d.as_of,
                        evidence: d.evidence,
                        projects: d.projects,
                    });
                }
            }
            EventData::FundAllocated(d) => {
                self.allocations
                    .insert(d.allocation_id.to_string(), AllocationFact { at, data: d });
            }
            EventData::FundDisbursed(d) => {
                self.disbursement_index
                    .insert(d.disbursement_id.to_string(), self.disbursements.len());
                self.disbursements.push(DisbursementFact {
                    at,
                    data: d,
                    receipts: Vec::new(),
                });
            }
            EventData::FundReceived(d) => {
                if let Some(&i) = self.disbursement_index.get(d.disbursement_id.as_str()) {
                    self.disbursements[i].receipts.push(at);
                }
            }
            EventData::CommitmentMade(d) => {
                self.commitments.insert(
                    d.commitment_id.to_string(),
                    CommitmentFact {
                        at,
                        data: d,
                        steps: Vec::new(),
                    },
                );
            }
            EventData::CommitmentConditionMet(d) => self.step(
                d.commitment_id.as_str(),
                at,
                actor,
                CommitmentStepKind::ConditionMet {
                    condition_id: d.condition_id.to_string(),
                    evidence: d.evidence,
                },
            ),
            EventData::CommitmentFulfilled(d) => self.step(
                d.commitment_id.as_str(),
                at,
                actor,
                CommitmentStepKind::Fulfilled {
                    amount: d.amount,
                    evidence: d.evidence,
                },
            ),
            EventData::CommitmentDisputed(d) => self.step(
                d.commitment_id.as_str(),
                at,
                actor,
                CommitmentStepKind::Disputed { reason: d.reason.0 },
            ),
            EventData::CommitmentBreached(d) => self.step(
                d.commitment_id.as_str(),
                at,
                actor,
                CommitmentStepKind::Breached { reason: d.reason.0 },
            ),
            EventData::CommitmentWaived(d) => self.step(
                d.commitment_id.as_str(),
                at,
                actor,
                CommitmentStepKind::Waived {
                    reason: d.reason.0,
                    authority: d.authority.0,
                },
            ),
            EventData::IncentiveSchemeSet(d) => {
                self.schemes.insert(d.scheme_id.to_string(), SchemeFact { at, data: d });
            }
            EventData::IncentivePaid(d) => {
                self.payouts.insert(
                    d.payout_id.to_string(),
                    PayoutFact {
                        at,
                        data: d,
                        clawbacks: Vec::new(),
                    },
                );
            }
            EventData::IncentiveClawedBack(d) => {
                if let Some(p) = self.payouts.get_mut(d.payout_id.as_str()) {
                    p.clawbacks.push(Clawback {
                        at,
                        amount: d.amount,
                        reason: d.reason.0,
                    });
                }
            }
            EventData::AssessmentTaskSet(d) => {
                self.tasks.insert(d.task_id.to_string(), TaskFact { at, data: d });
            }
            EventData::SanctionImposed(d) => {
                self.sanctions
                    .insert(d.sanction_id.to_string(), SanctionFact { at, data: d });
            }
            EventData::ProjectSigned(d) => {
                self.projects.insert(
                    d.project_id.to_string(),
                    ProjectFact {
                        at,
                        data: d,
                        stages: Vec::new(),
                    },
                );
            }
            EventData::ProjectStageReported(d) => {
                if let Some(p) = self.projects.get_mut(d.project_id.as_str()) {
                    p.stages.push(StageReport {
                        at,
                        actor,
                        stage: d.stage,
                        as_of: d.as_of,
                        investment_in_place: d.investment_in_place,
                        evidence: d.evidence,
                    });
                }
            }
            EventData::EventVoided(_) => {}
        }
    }

    fn step(&mut self, commitment_id: &str, at: At, actor: String, kind: CommitmentStepKind) {
        if let Some(c) = self.commitments.get_mut(commitment_id) {
            c.steps.push(CommitmentStep { at, actor, kind });
        }
    }

    /// Disbursements in force, in seq order.
    pub fn live_disbursements(&self) -> impl Iterator<Item = &DisbursementFact> {
        self.disbursements.iter().filter(|d| self.live(d.at.seq))
    }
}

/// Builds facts from JSON events in order (seq = position), for tests and
/// tools. Events are parsed strictly but not checked against a registry.
pub fn from_json(events: &[serde_json::Value], as_of: Option<Day>) -> Result<Facts, pledger_core::Rejection> {
    let mut facts = Facts::new();
    for (seq, v) in events.iter().enumerate() {
        let e = Event::parse(v).map_err(|r| r.at_index(seq))?;
        facts.apply(seq as u64, e, as_of);
    }
    Ok(facts)
}
