//! Identifiers: of events (`code_of` prefix, year, sequence number), of the
//! things the stream creates (`mkid`, `numbered`), and of registered entities
//! and accounts by index.

use crate::generator::Generator;
use crate::util::{push_padded, push_u64};

impl Generator {
    /// An event's id: its type's code, the year, the sequence number.
    pub(crate) fn event_id(&self, ty: &str, seq: u64) -> String {
        let mut id = String::with_capacity(20);
        id.push_str(code_of(ty));
        id.push('-');
        push_u64(&mut id, self.year as u64);
        id.push('-');
        push_padded(&mut id, seq, 7);
        id
    }

    /// The id of entity `e`.
    pub(crate) fn eid(&self, e: u32) -> String {
        self.ents[e as usize].id.clone()
    }

    /// The id of account `a`.
    pub(crate) fn aid(&self, a: u32) -> String {
        self.accts[a as usize].id.clone()
    }

    /// `prefix-YYYY-NNNNNN`: an id numbered within the stream, stamped with
    /// the current year (allocations, targets, commitments, ...).
    pub(crate) fn mkid(&self, prefix: &str, n: u64, width: usize) -> String {
        let mut s = String::with_capacity(prefix.len() + 14);
        s.push_str(prefix);
        s.push('-');
        push_u64(&mut s, self.year as u64);
        s.push('-');
        push_padded(&mut s, n, width);
        s
    }

    /// `prefix-NNNNNN`: an id numbered across years (entities).
    pub(crate) fn numbered(&self, prefix: &str, n: u64, width: usize) -> String {
        let mut s = String::with_capacity(prefix.len() + 1 + width);
        s.push_str(prefix);
        s.push('-');
        push_padded(&mut s, n, width);
        s
    }
}

/// The prefix of the ids the generator gives events of type `ty`. One arm
/// per event type and no catch-all, so an event type added to pledger-core
/// does not compile here until it is given its prefix.
fn code_of(ty: &str) -> &'static str {
    use pledger_core::EventType as T;
    match T::from_name(ty).expect("the generator emits only event types of contract section 2") {
        T::EntityRegistered => "ent",
        T::AccountOpened => "acct",
        T::TargetAssigned => "tgt",
        T::TargetRevised => "trev",
        T::TargetProgressReported => "prog",
        T::TargetVerified => "ver",
        T::FundAllocated => "alloc",
        T::FundDisbursed => "disb",
        T::FundReceived => "rcpt",
        T::CommitmentMade => "cmt",
        T::CommitmentConditionMet => "cond",
        T::CommitmentFulfilled => "ful",
        T::CommitmentDisputed => "disp",
        T::CommitmentBreached => "brch",
        T::CommitmentWaived => "waiv",
        T::IncentiveSchemeSet => "sch",
        T::IncentivePaid => "pay",
        T::IncentiveClawedBack => "claw",
        T::AssessmentTaskSet => "task",
        T::SanctionImposed => "sanc",
        T::ProjectSigned => "psig",
        T::ProjectStageReported => "pstg",
        T::EventVoided => "void",
    }
}
