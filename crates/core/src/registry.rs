//! What the ledger knows so far, as far as accepting the next event needs:
//! which identifiers exist, who holds what, who recorded which seq.
//!
//! It is a fold over the log ([`Registry::admit`] one event at a time), so
//! it can always be rebuilt from the records. Every change is written to a
//! [`Journal`], and [`Registry::rollback`] undoes a journal exactly: a batch
//! refused half-way, or a write the disk refused, leaves no trace here.

use crate::error::{Rejection, RejectionKind};
use crate::event::{EntityKind, Event, EventData, EventType};
use crate::families::Actor;
use crate::ids::Id;
use crate::signature::{self, SignedPart};
use std::collections::HashMap as StdHashMap;

mod authority;
pub use authority::{auditor_may_record, Party};

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
    Task,
    Sanction,
    /// A project's signing, keyed by the project's entity id.
    Project,
    /// The client key `id` of the event itself.
    Event,
}

impl Namespace {
    const COUNT: usize = 12;

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
            Namespace::Task => "task",
            Namespace::Sanction => "sanction",
            Namespace::Project => "signed project",
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
            Namespace::Task => "set it with assessment.task_set first",
            Namespace::Sanction => "record it with sanction.imposed first",
            Namespace::Project => "register it as an entity of kind project and sign it with project.signed first",
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
        /// Does it count projects (`counts`, format 2.2)? Only then may its
        /// claims and verifications list `projects`.
        counting: bool,
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
    Task {
        /// The assessed unit: it may not impose its own task's consequences.
        assignee: EntityIdx,
    },
    Sanction,
    Project {
        host: EntityIdx,
        investor: EntityIdx,
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
    /// The namespace of the identifier it created (its key is kept beside
    /// it), so a void undoes it from the registry alone.
    pub created: Option<Namespace>,
}

#[derive(Debug)]
enum Undo {
    Inserted(Namespace, Key),
    InsertedEventId(Key),
    Removed(Namespace, Key, Entry),
    Freed(Namespace, Key, Option<EntityIdx>),
    PushedSeq,
    PushedEntity,
    Registration(EntityIdx, u64),
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

/// An entity's live registration (see [`Registry::entity_registration`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Registration {
    pub kind: EntityKind,
    /// The seq of the `entity.registered` record in force.
    pub seq: u64,
    /// No earlier registration of this id was voided.
    pub first: bool,
}

/// Where an admitted event comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A new event (append, import, restore): every rule applies.
    New,
    /// A record already in the log (rebuilding at open, `verify`): who may
    /// record what is not asked again.
    Recorded,
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
    /// Per entity index, the seq of its live registration (`u64::MAX`
    /// while none): a token is bound to one registration, so a voided
    /// entity registered again does not revive its old tokens.
    registration_seqs: Vec<u64>,
    seqs: Vec<SeqInfo>,
    /// Per record, the key of the identifier it created (meaningful where
    /// its `SeqInfo::created` is set): 16 bytes a record, instead of the
    /// voided record read back from the log.
    created_keys: Vec<Key>,
    /// Identifiers freed by a void, with the actor of the voided event: only
    /// that actor or an auditor may use one again, so nobody takes over
    /// another's voided entity, key or account.
    freed: HashMap<(Namespace, Key), EntityIdx>,
}

fn reject_ref(ns: Namespace, field: &str, id: &str) -> Rejection {
    Rejection::new(
        RejectionKind::UnknownReference,
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

    /// The live registration of an entity: its kind, the seq that
    /// registered it, and whether it is the id's first (never voided).
    pub fn entity_registration(&self, id: &str) -> Option<Registration> {
        let kind = self.entity_kind(id)?;
        let idx = *self.entity_index.get(id)?;
        Some(Registration {
            kind,
            seq: *self.registration_seqs.get(idx as usize)?,
            first: !self.freed.contains_key(&(Namespace::Entity, key(id))),
        })
    }

    /// Every registered entity whose registration is not voided.
    pub fn live_entities(&self) -> impl Iterator<Item = (&str, Registration)> {
        self.entity_ids
            .iter()
            .filter_map(|id| self.entity_registration(id).map(|r| (&**id, r)))
    }

    /// The entity's registered Ed25519 key, if it gave one.
    pub fn public_key(&self, entity: &str) -> Option<[u8; 32]> {
        match self.get(Namespace::Entity, entity) {
            Some(Entry::Entity { public_key, .. }) => public_key.as_deref().copied(),
            _ => None,
        }
    }

    /// The index an entity id has or will get when registered.
    pub(crate) fn index_for(&self, id: &str) -> EntityIdx {
        self.entity_index
            .get(id)
            .copied()
            .unwrap_or(self.entity_ids.len() as EntityIdx)
    }

    pub(crate) fn need(&self, ns: Namespace, id: &Id, field: &str) -> Result<&Entry, Rejection> {
        self.maps[ns as usize]
            .get(&key(id))
            .ok_or_else(|| reject_ref(ns, field, id))
    }

    pub(crate) fn need_entity(&self, id: &Id, field: &str) -> Result<(EntityIdx, EntityKind), Rejection> {
        match self.need(Namespace::Entity, id, field)? {
            Entry::Entity { idx, kind, .. } => Ok((*idx, *kind)),
            _ => Err(reject_ref(Namespace::Entity, field, id)),
        }
    }

    pub(crate) fn need_account(&self, id: &Id, field: &str) -> Result<EntityIdx, Rejection> {
        match self.need(Namespace::Account, id, field)? {
            Entry::Account { holder } => Ok(*holder),
            _ => Err(reject_ref(Namespace::Account, field, id)),
        }
    }

    /// The id must be unused, and when a void freed it, `actor` must be the
    /// one who recorded the voided event, or an auditor.
    /// `claimant` is `None` when replaying records already in the log.
    pub(crate) fn need_new(
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
                    RejectionKind::NotPermitted,
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
                RejectionKind::DuplicateId,
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

    /// Checks `event` against the ledger so far and, if it may be recorded,
    /// applies it as the next seq. For an unsigned event appended under
    /// every rule; see [`Registry::admit_with`].
    pub fn admit(&mut self, event: &Event, journal: &mut Journal) -> Result<(), Rejection> {
        self.admit_with(event, None, Origin::New, journal)
    }

    /// The one admission path of append, import, restore and rebuild: the
    /// signature (against the keys as they stand before this event), then
    /// the structural rules, then — for a new event — who may record it;
    /// then the event is applied as the next seq. A record already in the
    /// log ([`Origin::Recorded`]) is not asked who recorded it again, so a
    /// ledger written before those rules (format version 1) still opens.
    pub fn admit_with(
        &mut self,
        event: &Event,
        signed: Option<&SignedPart>,
        origin: Origin,
        journal: &mut Journal,
    ) -> Result<(), Rejection> {
        signature::check(self, event, signed)?;
        let seq = self.next_seq();
        let (actor, actor_kind) = if seq == 0 {
            match &event.data {
                EventData::EntityRegistered(d) if d.entity_id == event.actor => (self.index_for(&d.entity_id), d.kind),
                _ => {
                    return Err(Rejection::new(
                        RejectionKind::NotFounded,
                        "actor",
                        "this ledger is empty: its first record must be an entity.registered whose entity_id is its own actor",
                    ))
                }
            }
        } else {
            self.need_entity(&event.actor, "actor").map_err(|_| {
                Rejection::new(
                    RejectionKind::UnknownActor,
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
                    RejectionKind::IdConflict,
                    "id",
                    format!(
                        "id {:?} was already used by seq {first} for a different event",
                        id.as_str()
                    ),
                ));
            }
        }
        let by = Actor {
            event,
            idx: actor,
            kind: actor_kind,
            claimant: (origin == Origin::New).then_some((actor, actor_kind)),
        };
        event.data.check(self, &by)?;
        if origin == Origin::New {
            event.data.permitted(self, &by)?;
        }
        self.apply(seq, event, actor, journal);
        Ok(())
    }

    /// The entity whose registration `event` (just admitted) made or
    /// undid: a registration, or a void of one. For the ledger's directory
    /// of live entities, which tokens are checked against.
    pub fn entity_touched<'a>(&'a self, event: &'a Event) -> Option<&'a str> {
        match &event.data {
            EventData::EntityRegistered(d) => Some(d.entity_id.as_str()),
            EventData::EventVoided(d) => {
                let info = self.seq_info(d.seq)?;
                (info.created == Some(Namespace::Entity))
                    .then(|| self.created_entity(d.seq))
                    .flatten()
            }
            _ => None,
        }
    }

    /// The id of the entity record `seq` registered.
    fn created_entity(&self, seq: u64) -> Option<&str> {
        let k = *self.created_keys.get(seq as usize)?;
        self.entity_ids.iter().map(|id| &**id).find(|id| key(id) == k)
    }

    /// Ensures `id` has an entity index (an entity registered again after a
    /// void keeps its identity) and returns it.
    pub(crate) fn ensure_entity_index(&mut self, id: &str, journal: &mut Journal) -> EntityIdx {
        let idx = self.index_for(id);
        if idx as usize == self.entity_ids.len() {
            self.entity_ids.push(id.into());
            self.entity_index.insert(id.into(), idx);
            self.registration_seqs.push(u64::MAX);
            journal.push(Undo::PushedEntity);
        }
        idx
    }

    fn apply(&mut self, seq: u64, event: &Event, actor: EntityIdx, journal: &mut Journal) {
        let entry = event.data.entry(self, actor, journal);
        // Hashed once: the key files the entry and is kept for a void.
        let created = event.creates().map(|(ns, id)| (ns, key(id)));
        if let (Some(entry), Some((ns, k))) = (entry, created) {
            self.maps[ns as usize].insert(k, entry);
            journal.push(Undo::Inserted(ns, k));
        }
        if let Some(id) = &event.id {
            let k = key(id);
            self.event_ids.insert(k, seq);
            journal.push(Undo::InsertedEventId(k));
        }
        if let EventData::EntityRegistered(d) = &event.data {
            let idx = self.index_for(&d.entity_id);
            if let Some(s) = self.registration_seqs.get_mut(idx as usize) {
                journal.push(Undo::Registration(idx, *s));
                *s = seq;
            }
        }
        if let EventData::EventVoided(d) = &event.data {
            self.undo_creation(d.seq, journal);
        }
        self.seqs.push(SeqInfo {
            actor,
            kind: event.kind,
            voided: false,
            created: created.map(|(ns, _)| ns),
        });
        self.created_keys.push(created.map_or(0, |(_, k)| k));
        journal.push(Undo::PushedSeq);
    }

    /// A void: the record stops counting, and what it created stops
    /// existing — later events may not refer to it, and only its recorder
    /// or an auditor may use the identifier again.
    fn undo_creation(&mut self, voided: u64, journal: &mut Journal) {
        let Some(info) = self.seqs.get_mut(voided as usize) else {
            return;
        };
        info.voided = true;
        journal.push(Undo::Voided(voided));
        let (Some(ns), by) = (info.created, info.actor) else {
            return;
        };
        let k = self.created_keys[voided as usize];
        if let Some(old) = self.maps[ns as usize].remove(&k) {
            journal.push(Undo::Removed(ns, k, old));
        }
        let before = self.freed.insert((ns, k), by);
        journal.push(Undo::Freed(ns, k, before));
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
                    self.created_keys.pop();
                }
                Undo::PushedEntity => {
                    if let Some(id) = self.entity_ids.pop() {
                        self.entity_index.remove(&id);
                    }
                    self.registration_seqs.pop();
                }
                Undo::Registration(idx, before) => {
                    if let Some(s) = self.registration_seqs.get_mut(idx as usize) {
                        *s = before;
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
