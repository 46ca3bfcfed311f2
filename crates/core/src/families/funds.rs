//! The funds family (资金): money promised (`fund.allocated`), moved
//! (`fund.disbursed`) and confirmed (`fund.received`). Money leaves an
//! account only by its holder; arrival is confirmed only by the receiver.

use super::{creates_nothing, Actor, Rules};
use crate::error::{Rejection, RejectionKind};
use crate::fields::{check_period, data_structs, word_enum, Currency, Period, Text};
use crate::ids::Id;
use crate::money::Amount;
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Party, Registry};

word_enum!(
    /// IATI transaction types 3, 4, 6, 5.
    DisbursementKind {
        Transfer => "transfer",
        Expenditure => "expenditure",
        Repayment => "repayment",
        Interest => "interest",
    }
);

data_structs! {
    FundAllocated {
        allocation_id: Id, from_account: Id, to_account: Id, amount: Amount, purpose: Text,
        #[serde(default)] period: Option<Period>, #[serde(default)] basis: Option<Text>, #[serde(default)] currency: Option<Currency>
    }
    FundDisbursed {
        disbursement_id: Id, from_account: Id, to_account: Id, amount: Amount, purpose: Text,
        #[serde(default)] kind: Option<DisbursementKind>, #[serde(default)] category: Option<Text>,
        #[serde(default)] allocation_id: Option<Id>, #[serde(default)] commitment_id: Option<Id>,
        #[serde(default)] voucher: Option<Text>, #[serde(default)] currency: Option<Currency>
    }
    FundReceived { disbursement_id: Id }
}

/// Only the holder of the paying account (or an office of it).
fn holder_of_source(reg: &Registry, by: &Actor, account: &Id) -> Result<(), Rejection> {
    reg.only(
        by,
        &[Party::new(
            format!("the holder of account {:?}", account.as_str()),
            reg.holder(account),
        )],
        false,
    )
}

impl Rules for FundAllocated {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Allocation, &self.allocation_id))
    }

    fn shape(&self) -> Result<(), Rejection> {
        if let Some(p) = &self.period {
            check_period(p, "data.period")?;
        }
        if self.from_account == self.to_account {
            return Err(Rejection::new(
                RejectionKind::InvalidField,
                "data.to_account",
                "money cannot be allocated from an account to itself",
            ));
        }
        Ok(())
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(
            Namespace::Allocation,
            &self.allocation_id,
            "data.allocation_id",
            by.claimant,
        )?;
        reg.need_account(&self.from_account, "data.from_account")?;
        reg.need_account(&self.to_account, "data.to_account")?;
        Ok(())
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        holder_of_source(reg, by, &self.from_account)
    }

    fn entry(&self, _: &mut Registry, _: EntityIdx, _: &mut Journal) -> Option<Entry> {
        Some(Entry::Allocation)
    }
}

impl Rules for FundDisbursed {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Disbursement, &self.disbursement_id))
    }

    fn shape(&self) -> Result<(), Rejection> {
        if self.from_account == self.to_account {
            return Err(Rejection::new(
                RejectionKind::InvalidField,
                "data.to_account",
                "money cannot move from an account to itself",
            ));
        }
        Ok(())
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(
            Namespace::Disbursement,
            &self.disbursement_id,
            "data.disbursement_id",
            by.claimant,
        )?;
        reg.need_account(&self.from_account, "data.from_account")?;
        reg.need_account(&self.to_account, "data.to_account")?;
        if let Some(a) = &self.allocation_id {
            reg.need(Namespace::Allocation, a, "data.allocation_id")?;
        }
        if let Some(c) = &self.commitment_id {
            reg.need(Namespace::Commitment, c, "data.commitment_id")?;
        }
        Ok(())
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        holder_of_source(reg, by, &self.from_account)
    }

    fn entry(&self, reg: &mut Registry, _: EntityIdx, _: &mut Journal) -> Option<Entry> {
        reg.holder(&self.to_account)
            .map(|receiving_holder| Entry::Disbursement { receiving_holder })
    }
}

impl Rules for FundReceived {
    const AUDITOR_MAY_RECORD: bool = false;

    creates_nothing!();

    fn check(&self, reg: &Registry, _: &Actor) -> Result<(), Rejection> {
        reg.need(Namespace::Disbursement, &self.disbursement_id, "data.disbursement_id")
            .map(|_| ())
    }

    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        let receiver = match reg.get(Namespace::Disbursement, &self.disbursement_id) {
            Some(Entry::Disbursement { receiving_holder }) => Some(*receiving_holder),
            _ => None,
        };
        reg.only(
            by,
            &[Party::new(
                format!(
                    "the holder of the account disbursement {:?} went to",
                    self.disbursement_id.as_str()
                ),
                receiver,
            )],
            false,
        )
    }
}
