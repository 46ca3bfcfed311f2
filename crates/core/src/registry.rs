//! What the ledger knows so far, as far as accepting the next event needs:
//! which identifiers exist, who holds what, who recorded which seq.
//!
//! It is a fold over the log ([`Registry::admit`] one event at a time), so
//! it can always be rebuilt from the records. Every change is written to a
//! [`Journal`], and [`Registry::rollback`] undoes a journal exactly: a batch
//! refused half-way, or a write the disk refused, leaves no trace here.

use crate::error::Rejection;
use crate::event::{EntityKind, Event, EventData, EventType};
use crate::ids::Id;
use std::collections::HashMap as StdHashMap;

mod authority;
pub use authority::auditor_may_record;

/// Identifier maps hash millions of short strings on the append path;
/// foldhash is several times faster than SipHash, and these keys are not
/// attacker-chosen in a way that matters (a flood would only slow appends).
type HashMap<K, V> = StdHashMap<K, V, foldhash::fast::RandomState>;

/// The kinds of identifier that are unique within their kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Namespace {
    Entity,
    Account,
    Target,
    Allocation,
    Disbursement,
    Commitment,
    Scheme,
    Payout,
    /// The client key `id` of the event itself.
    Event,
}

impl Namespace {
    const COUNT: usize = 9;

    fn noun(self) -> &'static str {
        match self {
            Namespace::Entity => "entity",
            Namespace::Account => "account",
            Namespace::Target => "target",
            Namespace::Allocation => "allocation",
            Namespace::Disbursement => "disbursement",
            Namespace::Commitment => "commitment",
            Namespace::Scheme => "incentive scheme",
            Namespace::Payout => "payout",
            Namespace::Event => "event",
        }
    }

    fn how_to_create(self) -> &'static str {
        match self {
            Namespace::Entity => "register it with entity.registered first",
            Namespace::Account => "open it with account.opened first",
            Namespace::Target => "assign it with target.assigned first",
            Namespace::Allocation => "record it with fund.allocated first",
            Namespace::Disbursement => "record it with fund.disbursed first",
            Namespace::Commitment => "record it with commitment.made first",
            Namespace::Scheme => "set it with incentive.scheme_set first",
            Namespace::Payout => "record it with incentive.paid first",
            Namespace::Event => "",
        }
    }
}

/// An identifier as the registry keys it: its 128-bit XXH3 hash. A ledger
/// holds millions of ids; a boxed string per id doubled the registry's
/// memory. Two distinct ids collide with probability about n²/2^129 —
/// for a billion ids, below 10^-20 — which is far below the chance of an
/// undetected disk error, and the full ids stay in the log.
pub type Key = u128;

/// The registry key of an identifier.
pub fn key(id: &str) -> Key {
    xxhash_rust::xxh3::xxh3_128(id.as_bytes())
}

/// Index of an entity in [`Registry::entity_ids`]; keeps per-seq data small.
pub type EntityIdx = u32;

/// What the registry keeps per identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Entity {
        idx: EntityIdx,
        kind: EntityKind,
        /// The body above it, through which offices act for their party.
        parent: Option<EntityIdx>,
        /// Boxed: few entities have one, and the key inline would make
        /// every entry of every map 16 bytes larger.
        public_key: Option<Box<[u8; 32]>>,
    },
    Account {
        holder: EntityIdx,
    },
    Target {
        assignee: EntityIdx,
        /// Who assigned it: the one party (besides an auditor) who may revise it.
        assigner: EntityIdx,
    },
    Allocation,
    Disbursement {
        receiving_holder: EntityIdx,
    },
    Commitment {
        promisor: EntityIdx,
        beneficiary: EntityIdx,
        conditions: Box<[Box<str>]>,
    },
    Scheme {
        setter: EntityIdx,
    },
    Payout {
        recorder: EntityIdx,
        setter: EntityIdx,
    },
    Event {
        seq: u64,
    },
}

/// Per record: who recorded it, what it was, whether it has been voided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeqInfo {
    pub actor: EntityIdx,
    pub kind: EventType,
    pub voided: bool,
}

#[derive(Debug)]
enum Undo {
    Inserted(Namespace, Key),
    InsertedEventId(Key),
    Removed(Namespace, Key, Entry),
    Freed(Namespace, Key, Option<EntityIdx>),
    PushedSeq,
    PushedEntity,
    Voided(u64),
}

/// Changes made to a [`Registry`], in order, so they can be undone.
#[derive(Debug)]
pub struct Journal {
    ops: Vec<Undo>,
    enabled: bool,
}

impl Default for Journal {
    fn default() -> Self {
        Journal {
            ops: Vec::new(),
            enabled: true,
        }
    }
}

impl Journal {
    pub fn new() -> Journal {
        Journal::default()
    }

    /// A journal that keeps nothing, for rebuilding from the log and for
    /// imports too large to journal: their undo is a rebuild from the log.
    pub fn disabled() -> Journal {
        Journal {
            ops: Vec::new(),
            enabled: false,
        }
    }

    fn push(&mut self, op: Undo) {
        if self.enabled {
            self.ops.push(op);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Forgets the changes: they are now permanent.
    pub fn clear(&mut self) {
        self.ops.clear();
    }

    /// Appends `other`'s changes after this one's (a later batch).
    pub fn extend(&mut self, other: Journal) {
        self.ops.extend(other.ops);
    }
}

/// Which rules an event is admitted under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rules {
    /// Every rule: an event being appended (or restored from a bundle).
    Current,
    /// A record already in the log: who may record what is not asked again.
    AsRecorded,
}

/// The validation state of a ledger. See the module docs.
#[derive(Debug, Default)]
pub struct Registry {
    maps: [HashMap<Key, Entry>; Namespace::COUNT],
    /// Client `id` → seq: one per record, so kept apart in the smallest
    /// form (24 bytes a slot instead of a full `Entry`).
    event_ids: HashMap<Key, u64>,
    entity_ids: Vec<Box<str>>,
    /// Every entity id ever registered, voided or not, to its index: an
    /// entity registered again after a void is the same party, so the
    /// holder, assignee and beneficiary checks still recognise it.
    entity_index: HashMap<Box<str>, EntityIdx>,
    seqs: Vec<SeqInfo>,
    /// Identifiers freed by a void, with the actor of the voided event: only
    /// that actor or an auditor may use one again, so nobody takes over
    /// another's voided entity, key or account.
    freed: HashMap<(Namespace, Key), EntityIdx>,
}

fn reject_ref(ns: Namespace, field: &str, id: &str) -> Rejection {
    Rejection::new(
        "unknown_reference",
        field,
        format!(
            "no {} {id:?} is recorded in this ledger; {}",
            ns.noun(),
            ns.how_to_create()
        ),
    )
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// The seq the next admitted event will get.
    pub fn next_seq(&self) -> u64 {
        self.seqs.len() as u64
    }

    /// The seq recorded under a client `id`, for idempotent retries.
    pub fn seq_of_id(&self, id: &str) -> Option<u64> {
        self.event_ids.get(&key(id)).copied()
    }

    pub fn get(&self, ns: Namespace, id: &str) -> Option<&Entry> {
        self.maps[ns as usize].get(&key(id))
    }

    pub fn seq_info(&self, seq: u64) -> Option<SeqInfo> {
        self.seqs.get(usize::try_from(seq).ok()?).copied()
    }

    pub fn entity_id(&self, idx: EntityIdx) -> &str {
        self.entity_ids.get(idx as usize).map_or("?", |s| s)
    }

    /// The kind of a registered entity whose registration is not voided.
    pub fn entity_kind(&self, id: &str) -> Option<EntityKind> {
        match self.get(Namespace::Entity, id) {
            Some(Entry::Entity { kind, .. }) => Some(*kind),
            _ => None,
        }
    }

    /// Every registered entity whose registration is not voided, with its kind.
    pub fn live_entities(&self) -> impl Iterator<Item = (&str, EntityKind)> {
        self.entity_ids
            .iter()
            .filter_map(|id| self.entity_kind(id).map(|kind| (&**id, kind)))
    }

    /// The entity's registered Ed25519 key, if it gave one.
    pub fn public_key(&self, entity: &str) -> Option<[u8; 32]> {
        match self.get(Namespace::Entity, entity) {
            Some(Entry::Entity { public_key, .. }) => public_key.as_deref().copied(),
            _ => None,
        }
    }

    /// The index an entity id has or will get when registered.
    fn index_for(&self, id: &str) -> EntityIdx {
        self.entity_index
            .get(id)
            .copied()
            .unwrap_or(self.entity_ids.len() as EntityIdx)
    }

    fn need(&self, ns: Namespace, id: &Id, field: &str) -> Result<&Entry, Rejection> {
        self.maps[ns as usize]
            .get(&key(id))
            .ok_or_else(|| reject_ref(ns, field, id))
    }

    fn need_entity(&self, id: &Id, field: &str) -> Result<(EntityIdx, EntityKind), Rejection> {
        match self.need(Namespace::Entity, id, field)? {
            Entry::Entity { idx, kind, .. } => Ok((*idx, *kind)),
            _ => Err(reject_ref(Namespace::Entity, field, id)),
        }
    }

    fn need_account(&self, id: &Id, field: &str) -> Result<EntityIdx, Rejection> {
        match self.need(Namespace::Account, id, field)? {
            Entry::Account { holder } => Ok(*holder),
            _ => Err(reject_ref(Namespace::Account, field, id)),
        }
    }

    /// The id must be unused, and when a void freed it, `actor` must be the
    /// one who recorded the voided event, or an auditor.
    /// `claimant` is `None` when replaying records already in the log.
    fn need_new(
        &self,
        ns: Namespace,
        id: &Id,
        field: &str,
        claimant: Option<(EntityIdx, EntityKind)>,
    ) -> Result<(), Rejection> {
        let k = key(id);
        if let (Some(&by), Some((actor, actor_kind))) = (self.freed.get(&(ns, k)), claimant) {
            if by != actor && actor_kind != EntityKind::Auditor {
                return Err(Rejection::new(
                    "not_permitted",
                    field,
                    format!(
                        "{} {:?} was voided; only {:?}, who recorded it, or an auditor may use the identifier again; choose another identifier",
                        ns.noun(),
                        id.as_str(),
                        self.entity_id(by)
                    ),
                ));
            }
        }
        if self.maps[ns as usize].contains_key(&k) {
            return Err(Rejection::new(
                "duplicate_id",
                field,
                format!(
                    "{} {:?} is already recorded; identifiers are unique within their kind",
                    ns.noun(),
                    id.as_str()
                ),
            ));
        }
        Ok(())
    }

    fn insert(&mut self, ns: Namespace, id: &str, entry: Entry, journal: &mut Journal) {
        let k = key(id);
        self.maps[ns as usize].insert(k, entry);
        journal.push(Undo::Inserted(ns, k));
    }

    /// Checks `event` against the ledger so far and, if it may be recorded,
    /// applies it as the next seq. `voided` must be the event at `data.seq`
    /// when `event` is an `event.voided` (the registry does not keep events).
    pub fn admit(&mut self, event: &Event, voided: Option<&Event>, journal: &mut Journal) -> Result<(), Rejection> {
        self.admit_under(event, voided, journal, Rules::Current)
    }

    /// As [`Registry::admit`], for a record already in the log (rebuilding
    /// at open, `verify`): the structural rules hold as ever, but who may
    /// record what is not asked again. A ledger written before those rules
    /// existed (format version 1) must still open and verify; what was
    /// recorded then stays as it was, and the rules bind what comes next.
    pub fn admit_recorded(
        &mut self,
        event: &Event,
        voided: Option<&Event>,
        journal: &mut Journal,
    ) -> Result<(), Rejection> {
        self.admit_under(event, voided, journal, Rules::AsRecorded)
    }

    fn admit_under(
        &mut self,
        event: &Event,
        voided: Option<&Event>,
        journal: &mut Journal,
        rules: Rules,
    ) -> Result<(), Rejection> {
        let seq = self.next_seq();
        let (actor, actor_kind) = if seq == 0 {
            match &event.data {
                EventData::EntityRegistered(d) if d.entity_id == event.actor => (self.index_for(&d.entity_id), d.kind),
                _ => {
                    return Err(Rejection::new(
                        "not_founded",
                        "actor",
                        "this ledger is empty: its first record must be an entity.registered whose entity_id is its own actor",
                    ))
                }
            }
        } else {
            self.need_entity(&event.actor, "actor").map_err(|_| {
                Rejection::new(
                    "unknown_actor",
                    "actor",
                    format!(
                        "actor {:?} is not a registered entity; register it with entity.registered first",
                        event.actor.as_str()
                    ),
                )
            })?
        };
        if let Some(id) = &event.id {
            if let Some(first) = self.seq_of_id(id) {
                return Err(Rejection::new(
                    "id_conflict",
                    "id",
                    format!(
                        "id {:?} was already used by seq {first} for a different event",
                        id.as_str()
                    ),
                ));
            }
        }
        self.check(event, actor, actor_kind, voided, rules)?;
        self.apply(seq, event, actor, voided, journal);
        Ok(())
    }

    fn check(
        &self,
        event: &Event,
        actor: EntityIdx,
        actor_kind: EntityKind,
        voided: Option<&Event>,
        rules: Rules,
    ) -> Result<(), Rejection> {
        use Namespace as N;
        let claimant = (rules == Rules::Current).then_some((actor, actor_kind));
        match &event.data {
            EventData::EntityRegistered(d) => {
                self.need_new(N::Entity, &d.entity_id, "data.entity_id", claimant)?;
                if let Some(p) = &d.parent {
                    if p == &d.entity_id {
                        return Err(Rejection::new(
                            "invalid_field",
                            "data.parent",
                            "an entity cannot be its own parent; name the government or body above it",
                        ));
                    }
                    self.need_entity(p, "data.parent")?;
                }
            }
            EventData::AccountOpened(d) => {
                self.need_new(N::Account, &d.account_id, "data.account_id", claimant)?;
                self.need_entity(&d.holder, "data.holder")?;
            }
            EventData::TargetAssigned(d) => {
                self.need_new(N::Target, &d.target_id, "data.target_id", claimant)?;
                self.need_entity(&d.assignee, "data.assignee")?;
                for (i, r) in d.responsible.iter().flatten().enumerate() {
                    self.need_entity(&r.person, &format!("data.responsible[{i}].person"))?;
                }
            }
            EventData::TargetRevised(d) => {
                self.need(N::Target, &d.target_id, "data.target_id")?;
            }
            EventData::TargetProgressReported(d) => {
                self.need(N::Target, &d.target_id, "data.target_id")?;
            }
            EventData::TargetVerified(d) => {
                self.need(N::Target, &d.target_id, "data.target_id")?;
            }
            EventData::FundAllocated(d) => {
                self.need_new(N::Allocation, &d.allocation_id, "data.allocation_id", claimant)?;
                self.need_account(&d.from_account, "data.from_account")?;
                self.need_account(&d.to_account, "data.to_account")?;
            }
            EventData::FundDisbursed(d) => {
                self.need_new(N::Disbursement, &d.disbursement_id, "data.disbursement_id", claimant)?;
                self.need_account(&d.from_account, "data.from_account")?;
                self.need_account(&d.to_account, "data.to_account")?;
                if let Some(a) = &d.allocation_id {
                    self.need(N::Allocation, a, "data.allocation_id")?;
                }
                if let Some(c) = &d.commitment_id {
                    self.need(N::Commitment, c, "data.commitment_id")?;
                }
            }
            EventData::FundReceived(d) => {
                self.need(N::Disbursement, &d.disbursement_id, "data.disbursement_id")?;
            }
            EventData::CommitmentMade(d) => {
                self.need_new(N::Commitment, &d.commitment_id, "data.commitment_id", claimant)?;
                self.need_entity(&d.promisor, "data.promisor")?;
                self.need_entity(&d.beneficiary, "data.beneficiary")?;
                for (i, c) in d.conditions.iter().flatten().enumerate() {
                    if let Some(t) = &c.target_id {
                        self.need(N::Target, t, &format!("data.conditions[{i}].target_id"))?;
                    }
                }
                for (i, t) in d.clawback_targets.iter().flatten().enumerate() {
                    self.need(N::Target, t, &format!("data.clawback_targets[{i}]"))?;
                }
            }
            EventData::CommitmentConditionMet(d) => {
                if let Entry::Commitment { conditions, .. } =
                    self.need(N::Commitment, &d.commitment_id, "data.commitment_id")?
                {
                    if !conditions.iter().any(|c| **c == *d.condition_id) {
                        return Err(Rejection::new(
                            "unknown_reference",
                            "data.condition_id",
                            format!(
                                "commitment {:?} has no condition {:?}",
                                d.commitment_id.as_str(),
                                d.condition_id.as_str()
                            ),
                        ));
                    }
                }
            }
            EventData::CommitmentFulfilled(d) => {
                self.need(N::Commitment, &d.commitment_id, "data.commitment_id")?;
            }
            EventData::CommitmentDisputed(d) => {
                self.need(N::Commitment, &d.commitment_id, "data.commitment_id")?;
            }
            EventData::CommitmentBreached(d) => {
                self.need(N::Commitment, &d.commitment_id, "data.commitment_id")?;
            }
            EventData::CommitmentWaived(d) => {
                self.need(N::Commitment, &d.commitment_id, "data.commitment_id")?;
            }
            EventData::IncentiveSchemeSet(d) => {
                self.need_new(N::Scheme, &d.scheme_id, "data.scheme_id", claimant)?;
                self.need(N::Target, &d.target_id, "data.target_id")?;
            }
            EventData::IncentivePaid(d) => {
                self.need_new(N::Payout, &d.payout_id, "data.payout_id", claimant)?;
                self.need(N::Scheme, &d.scheme_id, "data.scheme_id")?;
                self.need_entity(&d.payee, "data.payee")?;
                if let Some(a) = &d.from_account {
                    self.need_account(a, "data.from_account")?;
                }
            }
            EventData::IncentiveClawedBack(d) => {
                self.need(N::Payout, &d.payout_id, "data.payout_id")?;
            }
            EventData::EventVoided(d) => {
                let info = self.seq_info(d.seq).ok_or_else(|| {
                    Rejection::new(
                        "unknown_reference",
                        "data.seq",
                        format!(
                            "there is no record {} to void; the ledger has {} records",
                            d.seq,
                            self.next_seq()
                        ),
                    )
                })?;
                if d.seq == 0 {
                    return Err(Rejection::new(
                        "not_permitted",
                        "data.seq",
                        "the founding record cannot be voided",
                    ));
                }
                if info.kind == EventType::EventVoided {
                    return Err(Rejection::new(
                        "not_permitted",
                        "data.seq",
                        format!(
                            "record {} is itself a void; record the event again instead of voiding the void",
                            d.seq
                        ),
                    ));
                }
                if info.voided {
                    return Err(Rejection::new(
                        "already_voided",
                        "data.seq",
                        format!("record {} is already voided", d.seq),
                    ));
                }
                if voided.map(|v| v.kind) != Some(info.kind) {
                    return Err(Rejection::new(
                        "internal",
                        "data.seq",
                        format!("the voided record {} could not be read back to undo its effects", d.seq),
                    ));
                }
            }
        }
        match rules {
            Rules::Current => self.permitted(event, actor, actor_kind),
            Rules::AsRecorded => Ok(()),
        }
    }

    fn apply(&mut self, seq: u64, event: &Event, actor: EntityIdx, voided: Option<&Event>, journal: &mut Journal) {
        let entry = match &event.data {
            EventData::EntityRegistered(d) => {
                let idx = self.index_for(&d.entity_id);
                if idx as usize == self.entity_ids.len() {
                    self.entity_ids.push(d.entity_id.as_str().into());
                    self.entity_index.insert(d.entity_id.as_str().into(), idx);
                    journal.push(Undo::PushedEntity);
                }
                let parent = d
                    .parent
                    .as_ref()
                    .and_then(|p| self.need_entity(p, "").ok())
                    .map(|(p, _)| p);
                Some(Entry::Entity {
                    idx,
                    kind: d.kind,
                    parent,
                    public_key: d.public_key.as_ref().map(|k| Box::new(k.0)),
                })
            }
            EventData::AccountOpened(d) => self
                .need_entity(&d.holder, "")
                .ok()
                .map(|(holder, _)| Entry::Account { holder }),
            EventData::TargetAssigned(d) => self
                .need_entity(&d.assignee, "")
                .ok()
                .map(|(assignee, _)| Entry::Target {
                    assignee,
                    assigner: actor,
                }),
            EventData::FundAllocated(_) => Some(Entry::Allocation),
            EventData::FundDisbursed(d) => self
                .need_account(&d.to_account, "")
                .ok()
                .map(|receiving_holder| Entry::Disbursement { receiving_holder }),
            EventData::CommitmentMade(d) => {
                let promisor = self.need_entity(&d.promisor, "").ok();
                let beneficiary = self.need_entity(&d.beneficiary, "").ok();
                promisor
                    .zip(beneficiary)
                    .map(|((promisor, _), (beneficiary, _))| Entry::Commitment {
                        promisor,
                        beneficiary,
                        conditions: d
                            .conditions
                            .iter()
                            .flatten()
                            .map(|c| c.condition_id.as_str().into())
                            .collect(),
                    })
            }
            EventData::IncentiveSchemeSet(_) => Some(Entry::Scheme { setter: actor }),
            EventData::IncentivePaid(d) => match self.get(Namespace::Scheme, &d.scheme_id) {
                Some(Entry::Scheme { setter }) => Some(Entry::Payout {
                    recorder: actor,
                    setter: *setter,
                }),
                _ => None,
            },
            _ => None,
        };
        if let (Some(entry), Some((ns, id))) = (entry, event.creates()) {
            self.insert(ns, id, entry, journal);
        }
        if let Some(id) = &event.id {
            let k = key(id);
            self.event_ids.insert(k, seq);
            journal.push(Undo::InsertedEventId(k));
        }
        if let (EventData::EventVoided(d), Some(target)) = (&event.data, voided) {
            if let Some(info) = self.seqs.get_mut(d.seq as usize) {
                info.voided = true;
                journal.push(Undo::Voided(d.seq));
            }
            // What the voided event created stops existing: later events may
            // not refer to it, and a corrected event may reuse its id.
            if let Some((ns, id)) = target.creates() {
                let k = key(id);
                if let Some(old) = self.maps[ns as usize].remove(&k) {
                    journal.push(Undo::Removed(ns, k, old));
                }
                if let Some(info) = self.seqs.get(d.seq as usize) {
                    let before = self.freed.insert((ns, k), info.actor);
                    journal.push(Undo::Freed(ns, k, before));
                }
            }
        }
        self.seqs.push(SeqInfo {
            actor,
            kind: event.kind,
            voided: false,
        });
        journal.push(Undo::PushedSeq);
    }

    /// Undoes every change in `journal`, newest first, and empties it.
    pub fn rollback(&mut self, journal: &mut Journal) {
        while let Some(op) = journal.ops.pop() {
            match op {
                Undo::InsertedEventId(k) => {
                    self.event_ids.remove(&k);
                }
                Undo::Inserted(ns, id) => {
                    self.maps[ns as usize].remove(&id);
                }
                Undo::Removed(ns, id, entry) => {
                    self.maps[ns as usize].insert(id, entry);
                }
                Undo::Freed(ns, k, before) => match before {
                    Some(by) => {
                        self.freed.insert((ns, k), by);
                    }
                    None => {
                        self.freed.remove(&(ns, k));
                    }
                },
                Undo::PushedSeq => {
                    self.seqs.pop();
                }
                Undo::PushedEntity => {
                    if let Some(id) = self.entity_ids.pop() {
                        self.entity_index.remove(&id);
                    }
                }
                Undo::Voided(seq) => {
                    if let Some(info) = self.seqs.get_mut(seq as usize) {
                        info.voided = false;
                    }
                }
            }
        }
    }
}
