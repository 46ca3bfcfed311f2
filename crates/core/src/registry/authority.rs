//! Who may record what (docs/format.md, "Who may record what").
//!
//! Each event may be recorded only by the party it names — the holder of
//! the account money leaves, the promisor of a commitment, the assignee of
//! a target — or by an *office* of that party (a `department` whose
//! `parent` is the party: the finance bureau acts for the city), or, where
//! the rule says so, by an auditor. Anything else is refused as
//! `not_permitted` and nothing is written. Each event type's rule is its
//! family's `Rules::permitted` (crate::families); this module holds the
//! vocabulary they share — offices, "below", the refusal naming who may —
//! so the command line, imports, restores and the server enforce one table.
//! The server asks [`auditor_may_record`] which types an auditor-only token
//! may send.

use super::{EntityIdx, Entry, Namespace, Registry};
use crate::error::{Rejection, RejectionKind};
use crate::event::{EntityKind, EventType};
use crate::families::Actor;

/// The event types an auditor may record on matters that are not its own:
/// a token whose only write role is `auditor` may append these and no
/// others (docs/http.md). Each family says so for its types.
pub fn auditor_may_record(kind: EventType) -> bool {
    kind.auditor_may_record()
}

/// A party an event may come from, described for the refusal's message.
pub struct Party {
    role: String,
    /// `None` when the party is not known (its record was voided): then
    /// nobody acts for it.
    who: Option<EntityIdx>,
}

impl Party {
    pub fn new(role: String, who: Option<EntityIdx>) -> Party {
        Party { role, who }
    }
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

    /// The index of a registered entity id (voided or not).
    pub(crate) fn entity_index_of(&self, id: &str) -> Option<EntityIdx> {
        self.entity_index.get(id).copied()
    }

    /// Does `actor` act for `party`: the party itself, or an office of it?
    pub fn acts_for(&self, actor: EntityIdx, party: EntityIdx) -> bool {
        actor == party || matches!(self.entity_at(actor), Some((EntityKind::Department, Some(p))) if p == party)
    }

    /// Is `actor` the entity `top` or below it through `parent`?
    pub(crate) fn at_or_below(&self, actor: EntityIdx, top: EntityIdx) -> bool {
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

    /// Refuses the event unless its actor acts for one of `parties`, or is
    /// an auditor when `auditor_too`, with a message naming who may.
    pub(crate) fn only(&self, by: &Actor, parties: &[Party], auditor_too: bool) -> Result<(), Rejection> {
        if auditor_too && by.kind == EntityKind::Auditor {
            return Ok(());
        }
        if parties
            .iter()
            .any(|p| p.who.is_some_and(|who| self.acts_for(by.idx, who)))
        {
            return Ok(());
        }
        let mut who: Vec<String> = parties
            .iter()
            .filter_map(|p| {
                p.who
                    .map(|w| format!("{} ({:?}) or an office of it", p.role, self.entity_id(w)))
            })
            .collect();
        if auditor_too || who.is_empty() {
            who.push("an auditor".into());
        }
        Err(Rejection::new(
            RejectionKind::NotPermitted,
            "actor",
            format!(
                "{} may be recorded here only by {}; {:?} is not permitted (an office is a department whose parent is that party)",
                by.event.kind,
                who.join(", or "),
                by.event.actor.as_str()
            ),
        ))
    }

    /// The holder of a recorded account.
    pub(crate) fn holder(&self, account: &str) -> Option<EntityIdx> {
        match self.get(Namespace::Account, account) {
            Some(Entry::Account { holder }) => Some(*holder),
            _ => None,
        }
    }
}
