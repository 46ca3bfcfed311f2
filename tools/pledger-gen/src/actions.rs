//! The spontaneous actions, drawn by weight whenever nothing is due: up to
//! eight tries, then a treasury transfer, which is always possible.

use crate::generator::Generator;

/// What the stream may do of its own accord.
#[derive(Clone, Copy)]
enum Action {
    Disburse,
    Progress,
    Spot,
    ContractAlloc,
    Commitment,
    Deal,
    Revise,
    Contractor,
    Void,
}

/// Relative weights of the spontaneous actions, drawn whenever nothing is
/// scheduled. Follow-ups (receipts, commitment steps, year plans, final
/// verifications, payouts) come on top.
const ACTIONS: &[(Action, u64)] = &[
    (Action::Disburse, 4000),
    (Action::Progress, 2500),
    (Action::Spot, 300),
    (Action::ContractAlloc, 260),
    (Action::Commitment, 230),
    (Action::Deal, 70),
    (Action::Revise, 30),
    (Action::Contractor, 8),
    (Action::Void, 12),
];

impl Generator {
    /// Draws actions by weight until one can be done (at most eight tries),
    /// else makes a treasury transfer.
    pub(crate) fn act(&mut self) {
        let total: u64 = ACTIONS.iter().map(|a| a.1).sum();
        for _ in 0..8 {
            let mut r = self.rng.below(total);
            let mut action = Action::Disburse;
            for &(a, w) in ACTIONS {
                if r < w {
                    action = a;
                    break;
                }
                r -= w;
            }
            let done = match action {
                Action::Disburse => self.act_disburse(),
                Action::Progress => self.act_progress(),
                Action::Spot => self.act_spot(),
                Action::ContractAlloc => self.act_contract_alloc(),
                Action::Commitment => self.act_commitment(),
                Action::Deal => self.act_deal(),
                Action::Revise => self.act_revise(),
                Action::Contractor => {
                    self.new_firm(self.gov, 0, true);
                    true
                }
                Action::Void => self.act_void(),
            };
            if done {
                return;
            }
        }
        // Always possible: the treasury moves money to the development zone.
        let amt = self.yuan(1_000_000, 30_000_000, 10_000);
        let (from, to) = (self.treasury, self.parks[0].infra);
        self.disburse(from, to, amt, "transfer", None, None, None, "园区建设资金调度".into());
    }
}
