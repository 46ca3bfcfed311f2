//! Funds: allocations (budget lines and works contracts), disbursements of
//! every kind (transfers, expenditure, repayments, interest) and receipts.

use crate::agenda::Task;
use crate::fields::obj;
use crate::generator::{Generator, NONE, Y};
use crate::parties::AKind;
use crate::util::{push_padded, push_u64};
use crate::world::{EXPENSE_CATEGORIES, INFRA_WORKS};
use serde_json::Value;

const MAX_BUDGET_ALLOCS: usize = 160;
const MAX_CONTRACT_ALLOCS: usize = 400;

/// An allocation still being drawn on.
pub(crate) struct Alloc {
    id: String,
    from: u32,
    to: u32,
    amount: u64,
    remaining: u64,
}

impl Generator {
    /// `amount`, cut to what is left under the ceiling of account `from`.
    pub(crate) fn clamp_ceiling(&self, from: u32, amount: u64) -> u64 {
        let a = &self.accts[from as usize];
        match a.ceiling {
            Some(c) => amount.min(c.saturating_sub(a.drawn)),
            None => amount,
        }
    }

    /// Emits `fund.allocated` and keeps the allocation to draw on: a budget
    /// line (`budget`) or a works contract.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn allocate(
        &mut self,
        from: u32,
        to: u32,
        amount: u64,
        purpose: &str,
        period: Option<(i32, i32)>,
        basis: Option<String>,
        budget: bool,
    ) {
        self.n_alloc += 1;
        let id = self.mkid("al", self.n_alloc, 6);
        let mut data = obj! {
            "allocation_id": id.clone(),
            "from_account": self.aid(from),
            "to_account": self.aid(to),
            "amount": self.amount(amount),
            "purpose": purpose,
        };
        if let Some((f, t)) = period {
            data.insert("period".into(), Self::period(f, t));
        }
        if let Some(b) = basis {
            data.insert("basis".into(), Value::String(b));
        }
        let actor = self.holder(from);
        self.push("fund.allocated", actor, data);
        let (list, cap) = if budget {
            (&mut self.budget_allocs, MAX_BUDGET_ALLOCS)
        } else {
            (&mut self.contract_allocs, MAX_CONTRACT_ALLOCS)
        };
        if list.len() >= cap {
            list.swap_remove(0);
        }
        list.push(Alloc {
            id,
            from,
            to,
            amount,
            remaining: amount,
        });
    }

    /// Emits `fund.disbursed`, moves the money between the accounts, and
    /// schedules the receipt (mostly, for internal and external accounts).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn disburse(
        &mut self,
        from: u32,
        to: u32,
        amount: u64,
        kind: &'static str,
        category: Option<&'static str>,
        allocation: Option<String>,
        commitment: Option<String>,
        purpose: String,
    ) {
        self.n_disb += 1;
        let id = self.mkid("d", self.n_disb, 7);
        let category = self.accts[from as usize].earmark.or(category);
        let mut data = obj! {
            "disbursement_id": id.clone(),
            "from_account": self.aid(from),
            "to_account": self.aid(to),
            "amount": self.amount(amount),
            "purpose": purpose,
        };
        if kind != "transfer" || self.rng.chance(500) {
            data.insert("kind".into(), Value::from(kind));
        }
        if let Some(c) = category {
            data.insert("category".into(), Value::from(c));
        }
        if let Some(a) = allocation {
            data.insert("allocation_id".into(), Value::String(a));
        }
        if let Some(c) = commitment {
            data.insert("commitment_id".into(), Value::String(c));
        }
        if self.rng.chance(600) {
            let mut v = String::with_capacity(16);
            v.push_str("记账凭证");
            push_u64(&mut v, self.year as u64);
            v.push('-');
            push_padded(&mut v, self.n_disb, 7);
            data.insert("voucher".into(), Value::String(v));
        }
        {
            let a = &mut self.accts[from as usize];
            a.drawn += amount;
            a.balance = a.balance.saturating_sub(amount);
        }
        let (to_kind, to_holder) = {
            let b = &mut self.accts[to as usize];
            b.balance += amount;
            (b.kind, b.holder)
        };
        let actor = self.holder(from);
        self.push("fund.disbursed", actor, data);
        let confirm = match to_kind {
            AKind::Internal => Some((970, 1, 20)),
            AKind::External => Some((550, 2, 30)),
            AKind::Source => None,
        };
        if let Some((pm, lo, hi)) = confirm {
            if self.rng.chance(pm) {
                self.schedule_in(
                    lo,
                    hi,
                    Task::Receive {
                        disb: id,
                        actor: to_holder,
                    },
                );
            }
        }
    }

    /// A disbursement of a kind drawn by weight.
    pub(crate) fn act_disburse(&mut self) -> bool {
        match self.rng.below(100) {
            0..=37 => self.transfer(),
            38..=85 => self.expenditure(),
            86..=93 => self.repayment(),
            _ => self.interest(),
        }
    }

    /// A tranche of a budget allocation, or money moved along a route.
    fn transfer(&mut self) -> bool {
        if !self.budget_allocs.is_empty() && self.rng.chance(750) {
            let i = self.rng.index(self.budget_allocs.len());
            let parts = self.rng.range(4, 12);
            let a = &self.budget_allocs[i];
            let (from, to, id) = (a.from, a.to, a.id.clone());
            let tranche = (a.amount / parts / (10_000 * Y)).max(1) * 10_000 * Y;
            let amt = self.clamp_ceiling(from, tranche.min(a.remaining));
            if amt == 0 {
                self.budget_allocs.swap_remove(i);
                return false;
            }
            let a = &mut self.budget_allocs[i];
            a.remaining -= amt;
            if a.remaining == 0 {
                self.budget_allocs.swap_remove(i);
            }
            let purpose = format!("{}年度预算资金拨付", self.year);
            self.disburse(from, to, amt, "transfer", None, Some(id), None, purpose);
            return true;
        }
        let (mut from, to) = *self.rng.pick(&self.routes);
        let want = self.yuan(1_000_000, 30_000_000, 10_000);
        let mut amt = self.clamp_ceiling(from, want);
        if amt == 0 {
            from = self.treasury;
            amt = want;
        }
        let purpose = if to == self.reward_fund {
            "考核奖励资金调入".to_string()
        } else {
            "园区建设资金调度".to_string()
        };
        self.disburse(from, to, amt, "transfer", None, None, None, purpose);
        true
    }

    /// Park money spent on works, mostly under a contract.
    fn expenditure(&mut self) -> bool {
        if !self.contract_allocs.is_empty() && self.rng.chance(550) {
            let i = self.rng.index(self.contract_allocs.len());
            let parts = self.rng.range(3, 8);
            let a = &self.contract_allocs[i];
            let (from, to, id) = (a.from, a.to, a.id.clone());
            let tranche = (a.amount / parts / (1_000 * Y)).max(1) * 1_000 * Y;
            let amt = tranche.min(a.remaining).min(self.accts[from as usize].balance);
            if amt < 10_000 * Y {
                return false;
            }
            let a = &mut self.contract_allocs[i];
            a.remaining -= amt;
            if a.remaining == 0 {
                self.contract_allocs.swap_remove(i);
            }
            let purpose = format!("{}工程进度款", self.rng.pick(INFRA_WORKS));
            let cat = *self.rng.pick(EXPENSE_CATEGORIES);
            self.disburse(from, to, amt, "expenditure", Some(cat), Some(id), None, purpose);
            return true;
        }
        for _ in 0..4 {
            let p = self.rng.index(self.parks.len());
            let from = self.parks[p].infra;
            let bal = self.accts[from as usize].balance;
            if bal < 50_000 * Y {
                continue;
            }
            let (to, cat, purpose) = if self.rng.chance(780) {
                let c = *self.rng.pick(&self.contractors);
                (
                    self.ents[c as usize].account,
                    *self.rng.pick(EXPENSE_CATEGORIES),
                    format!("{}工程款", self.rng.pick(INFRA_WORKS)),
                )
            } else {
                let e = *self.rng.pick(&self.enterprises);
                (
                    self.ents[e as usize].account,
                    "subsidy",
                    "企业配套基础设施补助".to_string(),
                )
            };
            let mut amt = self.rng.range(50_000, 5_000_000) * Y;
            if self.rng.chance(400) {
                amt += self.rng.below(100);
            } else {
                amt = amt / (1_000 * Y) * 1_000 * Y;
            }
            let amt = amt.min(bal);
            self.disburse(from, to, amt, "expenditure", Some(cat), None, None, purpose);
            return true;
        }
        false
    }

    /// A BT buy-back payment, or development-bank principal.
    fn repayment(&mut self) -> bool {
        if self.rng.chance(550) {
            let bts: Vec<usize> = (0..self.parks.len()).filter(|&p| self.parks[p].bt != NONE).collect();
            let p = *self.rng.pick(&bts);
            let from = self.parks[p].treasury;
            let to = *self.rng.pick(&self.bt_investors);
            let amt = self.yuan(2_000_000, 20_000_000, 100_000);
            self.disburse(
                from,
                to,
                amt,
                "repayment",
                Some("bt_repayment"),
                None,
                None,
                "BT项目回购款".into(),
            );
        } else {
            let amt = self.yuan(5_000_000, 40_000_000, 100_000);
            self.disburse(
                self.treasury,
                self.bank,
                amt,
                "repayment",
                Some("debt_service"),
                None,
                None,
                "国开行贷款还本".into(),
            );
        }
        true
    }

    /// Loan interest paid to the bank, or a park account's interest handed
    /// to its treasury.
    fn interest(&mut self) -> bool {
        if self.rng.chance(500) {
            let amt = self.yuan(500_000, 8_000_000, 1_000);
            self.disburse(
                self.treasury,
                self.bank,
                amt,
                "interest",
                Some("interest"),
                None,
                None,
                "国开行贷款付息".into(),
            );
            return true;
        }
        // Interest earned on a non-earmarked park account, handed to the treasury.
        for _ in 0..4 {
            let p = 1 + self.rng.index(self.parks.len() - 1);
            let (from, to) = (self.parks[p].infra, self.parks[p].treasury);
            if self.accts[from as usize].earmark.is_some() {
                continue;
            }
            let bal = self.accts[from as usize].balance;
            if bal < 10_000 * Y {
                continue;
            }
            let amt = (self.rng.range(1_000, 200_000) * Y + self.rng.below(100)).min(bal);
            self.disburse(
                from,
                to,
                amt,
                "interest",
                Some("interest"),
                None,
                None,
                "专户利息收入上缴国库".into(),
            );
            return true;
        }
        false
    }

    /// A works contract: park money allocated to a contractor.
    pub(crate) fn act_contract_alloc(&mut self) -> bool {
        let p = self.rng.index(self.parks.len());
        let from = self.parks[p].infra;
        let c = *self.rng.pick(&self.contractors);
        let to = self.ents[c as usize].account;
        let amt = self.yuan(2_000_000, 60_000_000, 10_000);
        let work = self.rng.pick(INFRA_WORKS);
        let purpose = format!("{}{}施工合同", self.parks[p].name, work);
        let basis = {
            let mut b = String::from("合同编号 CDGY-");
            push_u64(&mut b, self.year as u64);
            b.push('-');
            push_padded(&mut b, self.n_alloc + 1, 6);
            b
        };
        let end = self.day + self.rng.range(180, 540) as i32;
        self.allocate(from, to, amt, &purpose, Some((self.day, end)), Some(basis), false);
        true
    }

    /// The receiving account's holder confirms a disbursement.
    pub(crate) fn receive(&mut self, disb: String, actor: u32) {
        self.push("fund.received", actor, obj! { "disbursement_id": disb });
    }
}
