//! One home per event family. Each module holds, for its event types: the
//! data struct, its shape rules (what can be checked from the event alone),
//! its registry check (references, new identifiers), what it creates and
//! what the registry keeps for it, and who may record it (format 2.3).
//!
//! Every data struct implements [`Rules`]; `event.rs` lists every type once
//! (`events!`), and that one list generates the type enum, both parse paths
//! and the dispatch to these methods — so a new type that is not given all
//! of them does not compile. To add an event type, see ARCHITECTURE.md
//! ("Adding an event type").

use crate::error::Rejection;
use crate::event::Event;
use crate::ids::Id;
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Registry};

pub mod assessment;
pub mod commitments;
pub mod corrections;
pub mod funds;
pub mod incentives;
pub mod projects;
pub mod registry;
pub mod targets;

use registry::EntityKind;

/// The two `Rules` methods of a type that creates no identifier: written
/// in its `impl` so the choice is stated, not defaulted.
macro_rules! creates_nothing {
    () => {
        fn creates(&self) -> Option<(crate::registry::Namespace, &crate::ids::Id)> {
            None
        }

        fn entry(
            &self,
            _: &mut crate::registry::Registry,
            _: crate::registry::EntityIdx,
            _: &mut crate::registry::Journal,
        ) -> Option<crate::registry::Entry> {
            None
        }
    };
}
pub(crate) use creates_nothing;

/// Who is recording the event being admitted, as the registry knows them.
pub struct Actor<'a> {
    /// The whole event (its `actor` id names the party in messages).
    pub event: &'a Event,
    pub idx: EntityIdx,
    pub kind: EntityKind,
    /// Who claims a new identifier: `None` when replaying a record already
    /// in the log, whose identifiers are not judged again.
    pub claimant: Option<(EntityIdx, EntityKind)>,
}

/// The rules of one event type. No method has a default but `shape`, so a
/// new type must say what it creates, what it checks, who may record it and
/// what the registry keeps.
pub trait Rules {
    /// May an auditor record it on a matter that is not its own? (What a
    /// token whose only write role is `auditor` may send.)
    const AUDITOR_MAY_RECORD: bool;

    /// The identifier it creates, with the namespace it is unique in.
    fn creates(&self) -> Option<(Namespace, &Id)>;

    /// Rules on the event alone (periods run forwards, shares add up...).
    fn shape(&self) -> Result<(), Rejection> {
        Ok(())
    }

    /// Rules against the ledger so far: references exist, new ids are new.
    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection>;

    /// Who may record it (format 2.3); runs after [`Rules::check`].
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection>;

    /// What the registry keeps under the id it creates (`None` when it
    /// creates nothing).
    fn entry(&self, reg: &mut Registry, actor: EntityIdx, journal: &mut Journal) -> Option<Entry>;
}
