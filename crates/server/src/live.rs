//! The views kept current.
//!
//! One set of unscoped facts is folded from the log as it grows. Every read
//! first catches up to the committed head, so a client that got a receipt
//! sees its event in the next read; a background task follows the log too,
//! so reads rarely find a tail to fold. Scoped reads (`as_of`, `at_seq`)
//! are rebuilt from the log: they ask about another point of history.

use pledger_store::Ledger;
use pledger_views::{Facts, ViewError};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

/// Records folded per step when catching up a long tail, so readers are
/// not kept waiting behind one long fold.
const CHUNK: u64 = 16 * 1024;

#[derive(Default)]
pub struct LiveViews {
    facts: RwLock<Facts>,
    /// Serialises catching up, so two readers do not fold the same tail.
    folding: Mutex<()>,
    /// Records folded so far (readable without a lock, for the metrics).
    applied: AtomicU64,
}

impl LiveViews {
    /// Starts from facts already built over the first `facts.records_seen`
    /// records (from the views snapshot and the log's tail).
    pub fn from_facts(facts: Facts) -> LiveViews {
        let applied = facts.records_seen;
        LiveViews {
            facts: RwLock::new(facts),
            folding: Mutex::new(()),
            applied: AtomicU64::new(applied),
        }
    }

    /// Records folded into the live facts.
    pub fn applied(&self) -> u64 {
        self.applied.load(Ordering::Acquire)
    }

    /// Folds every committed record not folded yet.
    pub fn catch_up(&self, ledger: &Ledger) -> Result<(), ViewError> {
        if self.applied() >= ledger.len() {
            return Ok(());
        }
        let _one_at_a_time = self.folding.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let from = self.applied();
            let to = ledger.len().min(from + CHUNK);
            if from >= to {
                return Ok(());
            }
            let mut facts = self.facts.write().unwrap_or_else(|p| p.into_inner());
            pledger_views::load::replay(ledger.backend().as_ref(), from, to, &mut facts, None)?;
            if facts.records_seen != to {
                return Err(ViewError::BadRecord {
                    seq: facts.records_seen,
                    why: format!("expected records up to {to}; the log has a gap"),
                });
            }
            self.applied.store(to, Ordering::Release);
        }
    }

    /// Runs `f` on facts covering every record committed before the call.
    pub fn read<R>(&self, ledger: &Ledger, f: impl FnOnce(&Facts) -> R) -> Result<R, ViewError> {
        self.catch_up(ledger)?;
        Ok(self.peek(f))
    }

    /// Runs `f` on the facts as they are, without catching up.
    pub fn peek<R>(&self, f: impl FnOnce(&Facts) -> R) -> R {
        let facts = self.facts.read().unwrap_or_else(|p| p.into_inner());
        f(&facts)
    }
}
