//! The calendar of follow-ups: what is due on which day (a receipt, a
//! commitment's next step, a year's plan, a final verification, a payout, a
//! clawback, a sanction or a tranche of a project fund), kept in a heap,
//! earliest first, and run when its day comes; projects' next stage
//! reports in a heap of their own.

use crate::generator::Generator;
use std::cmp::Ordering;

/// A follow-up, with what it needs.
pub(crate) enum Task {
    /// The plan of this year.
    Plan(i32),
    Receive {
        disb: String,
        actor: u32,
    },
    /// The final verification of the target in this slot.
    FinalVerify(u32),
    Payout {
        scheme_id: String,
        /// The target or (`on_task`) the yearly task rewarded.
        rewarded: String,
        on_task: bool,
        payee: u32,
        role: &'static str,
        amount: u64,
        claw: bool,
    },
    Clawback {
        payout_id: String,
        /// The target missed or (`true`) the task failed, if that is why.
        missed: Option<(String, bool)>,
        amount: u64,
    },
    /// A consequence of a yearly task imposed.
    Sanction {
        task_id: String,
        subject: u32,
        by: u32,
        kind: &'static str,
        basis: String,
    },
    /// The next step of the commitment in this slot.
    Commit(u32),
    Repay {
        commitment_id: String,
        from: u32,
        to: u32,
        amount: u64,
    },
    /// A tranche of a project fund, `tranches` left to pay.
    FundSpend {
        acct: u32,
        park: u16,
        tranches: u8,
    },
}

/// A task on the agenda: due on `day`, in order of scheduling `n` within
/// a day.
pub(crate) struct Scheduled {
    pub(crate) day: i32,
    n: u64,
    pub(crate) task: Task,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.day, self.n) == (other.day, other.n)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Reversed, so that `BinaryHeap` pops the earliest first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.day, other.n).cmp(&(self.day, self.n))
    }
}

impl Generator {
    /// Puts `task` on the agenda for `day`.
    pub(crate) fn schedule(&mut self, day: i32, task: Task) {
        self.agenda_n += 1;
        self.agenda.push(Scheduled {
            day,
            n: self.agenda_n,
            task,
        });
    }

    /// Puts project `p`'s next stage report on the agenda for `day` (kept
    /// apart from the other tasks: small entries, many of them).
    pub(crate) fn schedule_stage(&mut self, day: i32, p: u32) {
        self.agenda_n += 1;
        self.stages.push(std::cmp::Reverse((day, self.agenda_n, p)));
    }

    /// Puts `task` on the agenda `lo..=hi` days from today.
    pub(crate) fn schedule_in(&mut self, lo: u64, hi: u64, task: Task) {
        let day = self.day + self.rng.range(lo, hi) as i32;
        self.schedule(day, task);
    }

    /// Runs a task that has come due.
    pub(crate) fn run(&mut self, task: Task) {
        match task {
            Task::Plan(y) => self.plan_year(y),
            Task::Receive { disb, actor } => self.receive(disb, actor),
            Task::FinalVerify(slot) => self.final_verify(slot),
            Task::Payout {
                scheme_id,
                rewarded,
                on_task,
                payee,
                role,
                amount,
                claw,
            } => self.payout(scheme_id, rewarded, on_task, payee, role, amount, claw),
            Task::Clawback {
                payout_id,
                missed,
                amount,
            } => self.clawback(payout_id, missed, amount),
            Task::Sanction {
                task_id,
                subject,
                by,
                kind,
                basis,
            } => self.sanction(task_id, subject, by, kind, basis),
            Task::Commit(slot) => self.commit_step(slot),
            Task::Repay {
                commitment_id,
                from,
                to,
                amount,
            } => self.repay(commitment_id, from, to, amount),
            Task::FundSpend { acct, park, tranches } => self.fund_spend(acct, park, tranches),
        }
    }
}
