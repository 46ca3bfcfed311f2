//! The corrections family: `event.voided`. A record is never changed; a
//! void makes it stop counting, and frees what it created (for its
//! recorder or an auditor to use again). Only the voided event's actor (or
//! an office of it) or an auditor may void; the founding record and voids
//! themselves cannot be voided.

use super::{creates_nothing, Actor, Rules};
use crate::error::{Rejection, RejectionKind};
use crate::event::EventType;
use crate::fields::{data_structs, Text};
use crate::registry::{Party, Registry};

data_structs! {
    EventVoided { seq: u64, reason: Text }
}

impl Rules for EventVoided {
    const AUDITOR_MAY_RECORD: bool = true;

    // A void creates nothing; the registry undoes what the voided record
    // created (it remembers it per record).
    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        let info = reg.seq_info(self.seq).ok_or_else(|| {
            Rejection::new(
                RejectionKind::UnknownReference,
                "data.seq",
                format!(
                    "there is no record {} to void; the ledger has {} records",
                    self.seq,
                    reg.next_seq()
                ),
            )
        })?;
        if self.seq == 0 {
            return Err(Rejection::new(
                RejectionKind::NotPermitted,
                "data.seq",
                "the founding record cannot be voided",
            ));
        }
        if info.kind == EventType::EventVoided {
            return Err(Rejection::new(
                RejectionKind::NotPermitted,
                "data.seq",
                format!(
                    "record {} is itself a void; record the event again instead of voiding the void",
                    self.seq
                ),
            ));
        }
        if info.voided {
            return Err(Rejection::new(
                RejectionKind::AlreadyVoided,
                "data.seq",
                format!("record {} is already voided", self.seq),
            ));
        }
        Ok(())
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.only(
            by,
            &[Party::new(
                format!("the actor of record {}", self.seq),
                reg.seq_info(self.seq).map(|i| i.actor),
            )],
            true,
        )
    }
}
