//! Contract 3.1: targets — standing, trajectory, runs of missed periods.

use crate::facts::{Facts, Observation, TargetFact};
use pledger_core::event::{Comparator, Period};
use pledger_core::money::Quantity;
use pledger_core::when::Day;
use serde::Serialize;

/// `status` of contract 3.1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Open,
    Met,
    Missed,
    ClaimedUnverified,
    Unverified,
}

impl TargetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Open => "open",
            TargetStatus::Met => "met",
            TargetStatus::Missed => "missed",
            TargetStatus::ClaimedUnverified => "claimed_unverified",
            TargetStatus::Unverified => "unverified",
        }
    }
}

/// A target's standing at a date, from the live facts.
#[derive(Clone, Debug)]
pub struct TargetStanding<'a> {
    pub fact: &'a TargetFact,
    pub threshold: Quantity,
    pub period: Period,
    pub comparator: Comparator,
    /// Latest live claim by `as_of`, then seq.
    pub last_claim: Option<&'a Observation>,
    /// Latest live verification by `as_of`, then seq.
    pub last_verification: Option<&'a Observation>,
    /// The verification that decides met/missed (dated on or after the
    /// period's end), if any.
    pub deciding: Option<&'a Observation>,
    pub status: TargetStatus,
}

/// Does `value` satisfy the target?
pub fn meets(comparator: Comparator, value: Quantity, threshold: Quantity) -> bool {
    match comparator {
        Comparator::AtLeast => value >= threshold,
        Comparator::AtMost => value <= threshold,
    }
}

/// The standing of target `target_id` judged at `now`, counting only facts
/// on or before `now` (so `status_at(.., payout date)` answers "was it met
/// when the reward was paid?").
pub fn standing<'a>(facts: &'a Facts, target_id: &str, now: Day) -> Option<TargetStanding<'a>> {
    let fact = facts.targets.get(target_id)?;
    if !facts.live(fact.at.seq) || fact.at.day > now {
        return None;
    }
    let mut threshold = fact.data.threshold;
    let mut period = fact.data.period.clone();
    for r in fact
        .revisions
        .iter()
        .filter(|r| facts.live(r.at.seq) && r.at.day <= now)
    {
        if let Some(t) = r.threshold {
            threshold = t;
        }
        if let Some(p) = &r.period {
            period = p.clone();
        }
    }
    let latest = |obs: &'a [Observation]| {
        obs.iter()
            .filter(|o| facts.live(o.at.seq) && o.at.day <= now)
            .max_by_key(|o| (o.as_of, o.at.seq))
    };
    let last_claim = latest(&fact.claims);
    let last_verification = latest(&fact.verifications);
    let deciding = fact
        .verifications
        .iter()
        .filter(|o| facts.live(o.at.seq) && o.at.day <= now && o.as_of >= period.to)
        .max_by_key(|o| (o.as_of, o.at.seq));
    let comparator = fact.data.comparator;
    let status = if let Some(v) = deciding {
        if meets(comparator, v.value, threshold) {
            TargetStatus::Met
        } else {
            TargetStatus::Missed
        }
    } else if now <= period.to {
        TargetStatus::Open
    } else if last_claim.is_some_and(|c| meets(comparator, c.value, threshold)) {
        TargetStatus::ClaimedUnverified
    } else {
        TargetStatus::Unverified
    };
    Some(TargetStanding {
        fact,
        threshold,
        period,
        comparator,
        last_claim,
        last_verification,
        deciding,
        status,
    })
}

/// Just the status, or `None` when the target does not exist at `now`.
pub fn status_at(facts: &Facts, target_id: &str, now: Day) -> Option<TargetStatus> {
    standing(facts, target_id, now).map(|s| s.status)
}

pub fn findings(_facts: &Facts, _now: Day, _out: &mut Vec<crate::Finding>) {}
