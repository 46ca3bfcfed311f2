//! Contract 3.2: funds — balances per account, allocations against what was
//! disbursed, traces down to final payees and up to sources — and the fund
//! findings of 3.5 (`overdraft`, `over_ceiling`, `over_allocation`,
//! `unconfirmed_disbursement`, `earmark_breach`).
//!
//! # What counts
//!
//! Only live facts (not voided) within the query's scope. Every live
//! `fund.disbursed` moves money whatever its `kind`: a `repayment` or an
//! `interest` payment changes balances and flows like a `transfer`.
//! Accounts are listed by `account_id`; an account that a live disbursement
//! or allocation names but whose `account.opened` is outside the scope (an
//! opening dated after the as-of date) is listed too, with `kind`
//! `"unknown"` and a null `holder` and `name`, so balances still sum to zero.
//!
//! # Balances
//!
//! `balance = disbursed_in − disbursed_out`, in yuan, and may be negative.
//! Money is neither created nor destroyed inside the ledger, so the
//! balances of all accounts sum to exactly zero: a `source` account (a
//! budget, a credit line) therefore shows the negative of what it has paid
//! out net of what came back to it (e.g. `"-300000000.00"` for a budget that
//! released 300 million). `received` is the part of `disbursed_in` whose
//! disbursements carry at least one live `fund.received`; `unconfirmed` is
//! the rest.
//!
//! # Traces and rounding
//!
//! A trace works on the totals of the scope: the flow from account `u` to
//! account `v` is the sum of all live disbursements `u → v` (the order in
//! time is not considered). Going **down** from account `S`, everything that
//! left `S` is followed. When an amount `x` arrives at an account `B` that
//! received `I_B` in total and paid out `O_B`, it is split pro rata over
//! `B`'s outflows `y` (each gets `x·y/W`) and, when `I_B > O_B`, the part
//! `x·(I_B − O_B)/W` that stays in `B`, with `W = max(I_B, O_B)`: a `B`
//! that paid out more than it received passes all of `x` on. The walk stops
//! at an `external` account or an account with no outflow. Going **up** is
//! the mirror image: an amount that left `u` is split over `u`'s inflows
//! and, when `O_u > I_u`, the part `u` paid out of money it never received
//! (`unfunded`); it stops at a `source` account or one with no inflow.
//!
//! Each split is rounded to the fen by the largest-remainder method: every
//! part is first rounded down (exactly, in integer fen with a 256-bit
//! intermediate product), then the fen left over — fewer than the number of
//! parts — go one each to the parts with the largest remainders (ties: the
//! larger weight, then the first in account-id order, with the part that
//! stays in the account after the outflows). So the parts of a split sum
//! exactly to the whole, no part is negative, and each is within one fen of
//! the exact share; the flows of a trace sum exactly to its `total`.
//!
//! **Cycles** are cut: a flow about to enter an account already on its path
//! stops there and is reported as ending at that account with `end:
//! "cycle"` (its path shows the account twice). **Size**: a trace visits
//! at most [`MAX_TRACE_STEPS`] accounts; past that, the amount still being
//! followed is reported where it is with `end: "truncated"`.
//!
//! # Findings
//!
//! Judged over live disbursements in business-date order, then seq:
//!
//! - `overdraft`: an `internal` or `external` account's running balance goes
//!   below zero; reported once per episode (on the disbursement that took it
//!   below), a new episode starting once the balance is back at or above
//!   zero.
//! - `over_ceiling`: a `source` account's cumulative `disbursed_out` exceeds
//!   its `ceiling` (money that came back to it does not restore the
//!   ceiling); reported on the disbursement that crossed it.
//! - `over_allocation`: live disbursements naming a live allocation exceed
//!   its amount; reported on the disbursement that crossed it.
//! - `unconfirmed_disbursement`: a disbursement into an `internal` account
//!   with no live `fund.received` dated within 30 days of the disbursement's
//!   date, raised once `now` is past that 30th day; a late confirmation
//!   does not clear it. Its date is the first day the confirmation is late.
//! - `earmark_breach`: a disbursement of any kind leaves an earmarked account
//!   with a `category` other than the earmark (compared exactly), or none.

use crate::facts::{AccountFact, DisbursementFact, Facts};
use crate::messages::{facts, Fact, RefKind, Vocab};
use crate::{Finding, FindingCode, TableRow};
use pledger_core::event::AccountKind;
use pledger_core::money::Amount;
use pledger_core::when::Day;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Days a receiving holder has to confirm a disbursement into an internal
/// account (contract 3.5).
pub const CONFIRMATION_DAYS: i64 = 30;

/// Most accounts one trace visits before the rest is reported as
/// `truncated` (guards against path explosion in dense flow graphs).
pub const MAX_TRACE_STEPS: usize = 200_000;

/// The funds report (contract 3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FundsReport {
    pub accounts: Vec<AccountRow>,
    pub allocations: Vec<AllocationRow>,
}

/// One account: what was promised to and from it, what moved, and what is
/// left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    pub account_id: String,
    /// Null when the account's opening is outside the scope.
    pub holder: Option<String>,
    pub name: Option<String>,
    /// `source`, `internal`, `external`, or `unknown` (opening out of scope).
    pub kind: &'static str,
    pub ceiling: Option<Amount>,
    pub earmark: Option<String>,
    pub allocated_in: Amount,
    pub allocated_out: Amount,
    pub disbursed_in: Amount,
    pub disbursed_out: Amount,
    /// Incoming disbursements confirmed by a live `fund.received`.
    pub received: Amount,
    /// Incoming disbursements not (yet) confirmed.
    pub unconfirmed: Amount,
    /// `disbursed_in − disbursed_out`; negative for a source that paid out.
    pub balance: Amount,
}

/// One allocation and what was disbursed against it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AllocationRow {
    pub allocation_id: String,
    pub from_account: String,
    pub to_account: String,
    pub amount: Amount,
    pub purpose: String,
    /// Live disbursements naming this `allocation_id`.
    pub disbursed: Amount,
    /// `amount − disbursed`; negative when over-disbursed.
    pub left: Amount,
}

fn opt_cell(a: &Option<impl ToString>) -> String {
    a.as_ref().map(|a| a.to_string()).unwrap_or_default()
}

impl TableRow for AccountRow {
    fn header() -> &'static [&'static str] {
        &[
            "account_id",
            "holder",
            "name",
            "kind",
            "ceiling",
            "earmark",
            "allocated_in",
            "allocated_out",
            "disbursed_in",
            "disbursed_out",
            "received",
            "unconfirmed",
            "balance",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.account_id.clone(),
            opt_cell(&self.holder),
            opt_cell(&self.name),
            self.kind.to_string(),
            opt_cell(&self.ceiling),
            opt_cell(&self.earmark),
            self.allocated_in.to_string(),
            self.allocated_out.to_string(),
            self.disbursed_in.to_string(),
            self.disbursed_out.to_string(),
            self.received.to_string(),
            self.unconfirmed.to_string(),
            self.balance.to_string(),
        ]
    }
}

impl TableRow for AllocationRow {
    fn header() -> &'static [&'static str] {
        &[
            "allocation_id",
            "from_account",
            "to_account",
            "amount",
            "purpose",
            "disbursed",
            "left",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.allocation_id.clone(),
            self.from_account.clone(),
            self.to_account.clone(),
            self.amount.to_string(),
            self.purpose.clone(),
            self.disbursed.to_string(),
            self.left.to_string(),
        ]
    }
}

/// Live accounts by id.
fn live_accounts(facts: &Facts) -> BTreeMap<&str, &AccountFact> {
    facts
        .accounts
        .iter()
        .filter(|(_, a)| facts.live(a.at.seq))
        .map(|(id, a)| (id.as_str(), a))
        .collect()
}

fn kind_text(account: Option<&AccountFact>) -> &'static str {
    account.map_or("unknown", |a| a.data.kind.as_str())
}

/// Does the disbursement carry a live `fund.received`?
fn confirmed(facts: &Facts, d: &DisbursementFact) -> bool {
    d.receipts.iter().any(|r| facts.live(r.seq))
}

/// The funds report. `now` is accepted for symmetry with the other views;
/// nothing in the report depends on it (the scope has already been applied
/// to `facts`).
pub fn report(facts: &Facts, _now: Day) -> FundsReport {
    #[derive(Default)]
    struct Sums {
        allocated_in: Amount,
        allocated_out: Amount,
        disbursed_in: Amount,
        disbursed_out: Amount,
        received: Amount,
    }
    let accounts = live_accounts(facts);
    let mut sums: BTreeMap<&str, Sums> = accounts.keys().map(|&id| (id, Sums::default())).collect();
    let live_allocations: Vec<_> = facts.allocations.values().filter(|a| facts.live(a.at.seq)).collect();
    for a in &live_allocations {
        sums.entry(a.data.from_account.as_str()).or_default().allocated_out += a.data.amount;
        sums.entry(a.data.to_account.as_str()).or_default().allocated_in += a.data.amount;
    }
    let mut against: HashMap<&str, Amount> = HashMap::new();
    for d in facts.live_disbursements() {
        let amount = d.data.amount;
        sums.entry(d.data.from_account.as_str()).or_default().disbursed_out += amount;
        let to = sums.entry(d.data.to_account.as_str()).or_default();
        to.disbursed_in += amount;
        if confirmed(facts, d) {
            to.received += amount;
        }
        if let Some(a) = &d.data.allocation_id {
            *against.entry(a.as_str()).or_default() += amount;
        }
    }
    let account_rows = sums
        .into_iter()
        .map(|(id, s)| {
            let fact = accounts.get(id).copied();
            AccountRow {
                account_id: id.to_string(),
                holder: fact.map(|a| a.data.holder.to_string()),
                name: fact.map(|a| a.data.name.0.clone()),
                kind: kind_text(fact),
                ceiling: fact.and_then(|a| a.data.ceiling),
                earmark: fact.and_then(|a| a.data.earmark.as_ref().map(|e| e.0.clone())),
                allocated_in: s.allocated_in,
                allocated_out: s.allocated_out,
                disbursed_in: s.disbursed_in,
                disbursed_out: s.disbursed_out,
                received: s.received,
                unconfirmed: s.disbursed_in - s.received,
                balance: s.disbursed_in - s.disbursed_out,
            }
        })
        .collect();
    let allocation_rows = live_allocations
        .iter()
        .map(|a| {
            let disbursed = against.get(a.data.allocation_id.as_str()).copied().unwrap_or_default();
            AllocationRow {
                allocation_id: a.data.allocation_id.to_string(),
                from_account: a.data.from_account.to_string(),
                to_account: a.data.to_account.to_string(),
                amount: a.data.amount,
                purpose: a.data.purpose.0.clone(),
                disbursed,
                left: a.data.amount - disbursed,
            }
        })
        .collect();
    FundsReport {
        accounts: account_rows,
        allocations: allocation_rows,
    }
}

// ---------------------------------------------------------------------------
// Disbursements one by one

/// One live disbursement of the scope, as the funds report sums it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DisbursementRow {
    /// The `fund.disbursed` record.
    pub seq: u64,
    /// Its business date (`occurred_at`'s day).
    pub date: Day,
    pub disbursement_id: String,
    pub from_account: String,
    pub to_account: String,
    pub amount: Amount,
    /// `transfer` when the event gives none (format 2.2).
    pub kind: &'static str,
    pub category: Option<String>,
    pub purpose: String,
    pub allocation_id: Option<String>,
    pub commitment_id: Option<String>,
    /// Carries at least one live `fund.received` (counted in `received`).
    pub received: bool,
}

impl DisbursementRow {
    fn of(facts: &Facts, d: &DisbursementFact) -> DisbursementRow {
        let data = &d.data;
        DisbursementRow {
            seq: d.at.seq,
            date: d.at.day,
            disbursement_id: data.disbursement_id.to_string(),
            from_account: data.from_account.to_string(),
            to_account: data.to_account.to_string(),
            amount: data.amount,
            kind: data.kind.map_or("transfer", |k| k.as_str()),
            category: data.category.as_ref().map(|c| c.0.clone()),
            purpose: data.purpose.0.clone(),
            allocation_id: data.allocation_id.as_ref().map(|a| a.to_string()),
            commitment_id: data.commitment_id.as_ref().map(|c| c.to_string()),
            received: confirmed(facts, d),
        }
    }
}

impl TableRow for DisbursementRow {
    fn header() -> &'static [&'static str] {
        &[
            "seq",
            "date",
            "disbursement_id",
            "from_account",
            "to_account",
            "amount",
            "kind",
            "category",
            "purpose",
            "allocation_id",
            "commitment_id",
            "received",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.seq.to_string(),
            self.date.to_string(),
            self.disbursement_id.clone(),
            self.from_account.clone(),
            self.to_account.clone(),
            self.amount.to_string(),
            self.kind.to_string(),
            opt_cell(&self.category),
            self.purpose.clone(),
            opt_cell(&self.allocation_id),
            opt_cell(&self.commitment_id),
            self.received.to_string(),
        ]
    }
}

/// A page of the live disbursements, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DisbursementPage {
    pub disbursements: Vec<DisbursementRow>,
    /// How many disbursements the whole list holds (all pages).
    pub total: u64,
    /// The `from` of the next page; `None` on the last page.
    pub next_from: Option<u64>,
}

/// The live disbursements of the scope one by one — exactly those
/// [`report`] sums: the scope's facts leave out later-dated ones (as of a
/// date) and later records and voids (at a log position), and a void in
/// scope removes its disbursement whatever the void's date. Newest first:
/// business date descending, then seq descending. `account`: only those
/// paid out of or into it. `from`, `limit`: the positions `from ..
/// from + limit` of that order.
///
/// One pass over the disbursements and two partial selections (the first
/// `from + limit`, then the last `limit` of those): a page costs time
/// linear in the number of disbursements plus `limit log limit` to order
/// it, however deep; only the page's rows are built (15–40 ms a page over
/// the 334,000 disbursements of a million generated events, release
/// build, 2 busy cores).
pub fn disbursements(facts: &Facts, account: Option<&str>, from: usize, limit: usize) -> DisbursementPage {
    let mut live: Vec<&DisbursementFact> = facts
        .live_disbursements()
        .filter(|d| match account {
            None => true,
            Some(a) => d.data.from_account.as_str() == a || d.data.to_account.as_str() == a,
        })
        .collect();
    let total = live.len();
    let end = from.saturating_add(limit).min(total);
    let newest_first = |a: &&DisbursementFact, b: &&DisbursementFact| (b.at.day, b.at.seq).cmp(&(a.at.day, a.at.seq));
    let rows = if from < end {
        if end < total {
            live.select_nth_unstable_by(end, newest_first);
            live.truncate(end);
        }
        if from > 0 {
            live.select_nth_unstable_by(from, newest_first);
        }
        let page = &mut live[from..end];
        page.sort_unstable_by(newest_first);
        page.iter().map(|d| DisbursementRow::of(facts, d)).collect()
    } else {
        Vec::new()
    };
    DisbursementPage {
        disbursements: rows,
        total: total as u64,
        next_from: (end < total).then_some(end as u64),
    }
}

// ---------------------------------------------------------------------------
// Traces

/// Which way a trace follows the money.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the account to the final payees of what left it.
    Down,
    /// From the account back to the sources of what came in.
    Up,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Down => "down",
            Direction::Up => "up",
        }
    }
}

/// Why a flow of a trace ends where it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowEnd {
    /// Down: reached an `external` account, a final payee.
    Payee,
    /// Down: stays in a non-external account (it paid out less than it
    /// received, or nothing at all).
    Held,
    /// Up: came from a `source` account.
    Source,
    /// Up: paid out by an account beyond what it ever received (an account
    /// that is not a source and had no inflow, or an overdrawn one).
    Unfunded,
    /// Would have re-entered an account already on its path: cut there.
    Cycle,
    /// The trace hit [`MAX_TRACE_STEPS`]; reported where it was.
    Truncated,
}

impl FlowEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowEnd::Payee => "payee",
            FlowEnd::Held => "held",
            FlowEnd::Source => "source",
            FlowEnd::Unfunded => "unfunded",
            FlowEnd::Cycle => "cycle",
            FlowEnd::Truncated => "truncated",
        }
    }
}

/// One strand of a trace: `amount` reached (down) or came from (up)
/// `account_id` along `path`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flow {
    /// Where the strand ends (the last element of `path`).
    pub account_id: String,
    /// That account's kind (`unknown` when its opening is out of scope).
    pub kind: &'static str,
    pub amount: Amount,
    /// Account ids from the traced account to `account_id`.
    pub path: Vec<String>,
    pub end: FlowEnd,
}

impl TableRow for Flow {
    fn header() -> &'static [&'static str] {
        &["account_id", "kind", "amount", "end", "path"]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.account_id.clone(),
            self.kind.to_string(),
            self.amount.to_string(),
            self.end.as_str().to_string(),
            self.path.join(" → "),
        ]
    }
}

/// A trace from one account (contract 3.2). The flows' amounts sum exactly
/// to `total`: what left the account (down) or came into it (up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trace {
    pub account_id: String,
    pub direction: Direction,
    pub flows: Vec<Flow>,
    pub total: Amount,
}

/// The aggregated flow graph of the live disbursements, in fen.
struct Graph<'a> {
    out: BTreeMap<&'a str, BTreeMap<&'a str, i128>>,
    inn: BTreeMap<&'a str, BTreeMap<&'a str, i128>>,
}

impl<'a> Graph<'a> {
    fn new(facts: &'a Facts) -> Graph<'a> {
        let mut out: BTreeMap<&str, BTreeMap<&str, i128>> = BTreeMap::new();
        let mut inn: BTreeMap<&str, BTreeMap<&str, i128>> = BTreeMap::new();
        for d in facts.live_disbursements() {
            let (from, to, fen) = (
                d.data.from_account.as_str(),
                d.data.to_account.as_str(),
                d.data.amount.fen(),
            );
            *out.entry(from).or_default().entry(to).or_default() += fen;
            *inn.entry(to).or_default().entry(from).or_default() += fen;
        }
        Graph { out, inn }
    }

    fn total(map: &BTreeMap<&'a str, BTreeMap<&'a str, i128>>, id: &str) -> i128 {
        map.get(id).map_or(0, |m| m.values().sum())
    }
}

struct Walk<'f, 'g> {
    facts_accounts: BTreeMap<&'f str, &'f AccountFact>,
    graph: &'g Graph<'f>,
    direction: Direction,
    flows: Vec<Flow>,
    steps: usize,
}

impl<'f> Walk<'f, '_> {
    fn kind(&self, id: &str) -> Option<AccountKind> {
        self.facts_accounts.get(id).map(|a| a.data.kind)
    }

    fn push(&mut self, path: &[&str], fen: i128, end: FlowEnd) {
        if fen == 0 {
            return;
        }
        let id = *path.last().expect("a path is never empty");
        self.flows.push(Flow {
            account_id: id.to_string(),
            kind: kind_text(self.facts_accounts.get(id).copied()),
            amount: Amount::from_fen(fen),
            path: path.iter().map(|s| s.to_string()).collect(),
            end,
        });
    }

    /// The edges to follow from `id` and the weight and meaning of what does
    /// not go on (the part held, or unfunded), for the walk's direction.
    fn edges(&self, id: &str) -> (Vec<(&'f str, i128)>, i128, FlowEnd) {
        let (next, back, rest) = match self.direction {
            Direction::Down => (&self.graph.out, &self.graph.inn, FlowEnd::Held),
            Direction::Up => (&self.graph.inn, &self.graph.out, FlowEnd::Unfunded),
        };
        let edges: Vec<(&str, i128)> = next
            .get(id)
            .map(|m| m.iter().map(|(&k, &v)| (k, v)).collect())
            .unwrap_or_default();
        let onward: i128 = edges.iter().map(|e| e.1).sum();
        let arrived = Graph::total(back, id);
        (edges, (arrived - onward).max(0), rest)
    }

    /// `fen` has arrived at the last account of `path` (not the start):
    /// end it there or spread it over the next hops.
    fn spread(&mut self, path: &mut Vec<&'f str>, fen: i128) {
        if fen == 0 {
            return;
        }
        let at = *path.last().expect("a path is never empty");
        self.steps += 1;
        if self.steps > MAX_TRACE_STEPS {
            self.push(path, fen, FlowEnd::Truncated);
            return;
        }
        let kind = self.kind(at);
        match self.direction {
            Direction::Down if kind == Some(AccountKind::External) => return self.push(path, fen, FlowEnd::Payee),
            Direction::Up if kind == Some(AccountKind::Source) => return self.push(path, fen, FlowEnd::Source),
            _ => {}
        }
        let (edges, rest_weight, rest_end) = self.edges(at);
        if edges.is_empty() {
            let end = match self.direction {
                Direction::Down => FlowEnd::Held,
                Direction::Up => FlowEnd::Unfunded,
            };
            return self.push(path, fen, end);
        }
        let mut weights: Vec<i128> = edges.iter().map(|e| e.1).collect();
        weights.push(rest_weight);
        let parts = split(fen, &weights);
        self.push(path, parts[edges.len()], rest_end);
        self.follow(path, &edges, &parts);
    }

    fn follow(&mut self, path: &mut Vec<&'f str>, edges: &[(&'f str, i128)], parts: &[i128]) {
        for (&(next, _), &part) in edges.iter().zip(parts) {
            if part == 0 {
                continue;
            }
            let cycle = path.contains(&next);
            path.push(next);
            if cycle {
                self.push(path, part, FlowEnd::Cycle);
            } else {
                self.spread(path, part);
            }
            path.pop();
        }
    }
}

/// Traces the money that left `account_id` (down) or came into it (up).
/// `None` when the account is neither open in scope nor named by any live
/// disbursement.
pub fn trace(facts: &Facts, account_id: &str, direction: Direction) -> Option<Trace> {
    let accounts = live_accounts(facts);
    let graph = Graph::new(facts);
    let id: &str = accounts
        .get_key_value(account_id)
        .map(|(&k, _)| k)
        .or_else(|| graph.out.get_key_value(account_id).map(|(&k, _)| k))
        .or_else(|| graph.inn.get_key_value(account_id).map(|(&k, _)| k))?;
    let mut walk = Walk {
        facts_accounts: accounts,
        graph: &graph,
        direction,
        flows: Vec::new(),
        steps: 0,
    };
    let first = match direction {
        Direction::Down => graph.out.get(id),
        Direction::Up => graph.inn.get(id),
    };
    let edges: Vec<(&str, i128)> = first
        .map(|m| m.iter().map(|(&k, &v)| (k, v)).collect())
        .unwrap_or_default();
    let total: i128 = edges.iter().map(|e| e.1).sum();
    // The first hop is not a split: each edge is exactly what moved.
    let parts: Vec<i128> = edges.iter().map(|e| e.1).collect();
    let mut path = vec![id];
    walk.follow(&mut path, &edges, &parts);
    Some(Trace {
        account_id: id.to_string(),
        direction,
        flows: walk.flows,
        total: Amount::from_fen(total),
    })
}

/// Splits `whole` (fen, ≥ 0) pro rata to `weights` (≥ 0) by the
/// largest-remainder method; the parts sum exactly to `whole`. All zero
/// when the weights are.
fn split(whole: i128, weights: &[i128]) -> Vec<i128> {
    let total: i128 = weights.iter().sum();
    if total <= 0 || whole <= 0 {
        return vec![0; weights.len()];
    }
    let (whole_u, total_u) = (whole as u128, total as u128);
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for &w in weights {
        let (q, r) = mul_div_rem(whole_u, w.max(0) as u128, total_u);
        parts.push(q as i128);
        remainders.push(r);
    }
    let left = whole - parts.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Largest remainder first, then the larger weight, then the first.
    order.sort_by(|&a, &b| {
        remainders[b]
            .cmp(&remainders[a])
            .then(weights[b].cmp(&weights[a]))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
}

/// `(a·b / d, a·b mod d)` exactly, for `b ≤ d` (so the quotient fits),
/// with a 256-bit intermediate product when `a·b` overflows 128 bits.
fn mul_div_rem(a: u128, b: u128, d: u128) -> (u128, u128) {
    debug_assert!(d > 0 && b <= d);
    if let Some(p) = a.checked_mul(b) {
        return (p / d, p % d);
    }
    let (hi, lo) = mul_wide(a, b);
    // Long division of (hi, lo) by d; hi < d because the quotient fits.
    let mut rem = hi;
    let mut q: u128 = 0;
    for i in (0..128).rev() {
        let carry = rem >> 127;
        rem = (rem << 1) | ((lo >> i) & 1);
        if carry == 1 || rem >= d {
            rem = rem.wrapping_sub(d);
            q |= 1 << i;
        }
    }
    (q, rem)
}

/// The 256-bit product `a·b` as (high, low) 128-bit halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0, b1, b0) = (a >> 64, a & LOW, b >> 64, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & LOW) + (p10 & LOW);
    let lo = (p00 & LOW) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

// ---------------------------------------------------------------------------
// Findings

fn plus_days(day: Day, n: i64) -> Option<Day> {
    day.0.checked_add(time::Duration::days(n)).map(Day)
}

/// `id (name)`, or just `id` when the account's opening is out of scope.
/// An account for a finding: its id and, when it is open, its name.
fn account(accounts: &BTreeMap<&str, &AccountFact>, id: &str) -> Fact {
    Fact::named(RefKind::Account, id, accounts.get(id).map(|a| a.data.name.0.clone()))
}

fn disbursement(d: &DisbursementFact) -> Fact {
    Fact::id(RefKind::Disbursement, d.data.disbursement_id.as_str())
}

/// The fund findings of contract 3.5, judged at `now`.
pub fn findings(facts: &Facts, now: Day, out: &mut Vec<Finding>) {
    fund_findings(facts, now, true, out);
}

/// The fund findings without `idle_balance` (format 2.2's addition): what
/// the benchmarks weigh the project register and its findings against.
pub fn findings_without_idle_balance(facts: &Facts, now: Day, out: &mut Vec<Finding>) {
    fund_findings(facts, now, false, out);
}

fn fund_findings(facts: &Facts, now: Day, idle_balance: bool, out: &mut Vec<Finding>) {
    let accounts = live_accounts(facts);
    let mut ordered: Vec<&DisbursementFact> = facts.live_disbursements().collect();
    ordered.sort_by_key(|d| (d.at.day, d.at.seq));
    balance_findings(&accounts, &ordered, out);
    allocation_findings(facts, &accounts, &ordered, out);
    for d in &ordered {
        unconfirmed_finding(facts, &accounts, d, now, out);
        earmark_finding(&accounts, d, out);
    }
    if idle_balance {
        idle_balance_findings(facts, &accounts, &ordered, now, out);
    }
}

/// Days an internal account may hold money without paying any out
/// (财政存量资金 carried over two years, format 3.5).
pub const IDLE_DAYS: i64 = 730;

/// `idle_balance`: an `internal` account whose balance at `now` is above
/// zero and which has paid nothing out for more than 730 days, counted
/// from its last outgoing disbursement, or from its first incoming one
/// when it never paid out; dated the 731st day. Only disbursements dated
/// on or before `now` count, so judging a past date looks back.
fn idle_balance_findings(
    facts: &Facts,
    accounts: &BTreeMap<&str, &AccountFact>,
    ordered: &[&DisbursementFact],
    now: Day,
    out: &mut Vec<Finding>,
) {
    #[derive(Default)]
    struct Flow<'a> {
        balance: Amount,
        first_in: Option<&'a DisbursementFact>,
        last_out: Option<&'a DisbursementFact>,
    }
    let mut flows: HashMap<&str, Flow> = HashMap::new();
    for d in ordered.iter().take_while(|d| d.at.day <= now) {
        let to = flows.entry(d.data.to_account.as_str()).or_default();
        to.balance += d.data.amount;
        to.first_in.get_or_insert(d);
        let from = flows.entry(d.data.from_account.as_str()).or_default();
        from.balance -= d.data.amount;
        from.last_out = Some(d);
    }
    for (id, f) in flows {
        let Some(account) = accounts.get(id) else { continue };
        if account.data.kind != pledger_core::event::AccountKind::Internal || f.balance <= Amount::ZERO {
            continue;
        }
        let Some(since) = f.last_out.or(f.first_in) else {
            continue;
        };
        let Some(idle_on) = plus_days(since.at.day, IDLE_DAYS + 1) else {
            continue;
        };
        if now < idle_on {
            continue;
        }
        let since_kind = if f.last_out.is_some() { "last_out" } else { "first_in" };
        out.push(Finding::new(
            FindingCode::IdleBalance,
            facts! {
                account: self::account(accounts, id),
                holder: Fact::entity(facts, account.data.holder.as_str()),
                balance: f.balance,
                since: since.at.day,
                since_kind: Fact::word(Vocab::IdleSince, since_kind),
                since_record: since.at.seq,
                days: IDLE_DAYS.unsigned_abs(),
            },
            vec![id.to_string(), account.data.holder.to_string()],
            {
                let mut s = vec![account.at.seq, since.at.seq];
                s.sort_unstable();
                s
            },
            idle_on,
        ));
    }
}

/// `overdraft` and `over_ceiling`, from running sums in date order.
fn balance_findings(accounts: &BTreeMap<&str, &AccountFact>, ordered: &[&DisbursementFact], out: &mut Vec<Finding>) {
    let mut balance: HashMap<&str, Amount> = HashMap::new();
    let mut overdrawn: BTreeSet<&str> = BTreeSet::new();
    let mut paid_out: HashMap<&str, Amount> = HashMap::new();
    for d in ordered {
        let (from, to, amount) = (d.data.from_account.as_str(), d.data.to_account.as_str(), d.data.amount);
        let to_balance = balance.entry(to).or_default();
        *to_balance += amount;
        if *to_balance >= Amount::ZERO {
            overdrawn.remove(to);
        }
        let from_balance = balance.entry(from).or_default();
        let before = *from_balance;
        *from_balance -= amount;
        let after = *from_balance;
        let Some(account) = accounts.get(from) else { continue };
        match account.data.kind {
            AccountKind::Internal | AccountKind::External => {
                if after < Amount::ZERO && overdrawn.insert(from) {
                    out.push(Finding::new(
                        FindingCode::Overdraft,
                        facts! {
                            account: self::account(accounts, from),
                            date: d.at.day,
                            disbursement: disbursement(d),
                            amount: amount,
                            to: self::account(accounts, to),
                            balance_before: before,
                            balance_after: after,
                        },
                        vec![from.to_string(), d.data.disbursement_id.to_string()],
                        vec![d.at.seq],
                        d.at.day,
                    ));
                }
            }
            AccountKind::Source => {
                let Some(ceiling) = account.data.ceiling else { continue };
                let sum = paid_out.entry(from).or_default();
                let before = *sum;
                *sum += amount;
                if before <= ceiling && *sum > ceiling {
                    out.push(Finding::new(
                        FindingCode::OverCeiling,
                        facts! {
                            account: self::account(accounts, from),
                            paid_out: *sum,
                            over: *sum - ceiling,
                            ceiling: ceiling,
                            disbursement: disbursement(d),
                            amount: amount,
                            to: self::account(accounts, to),
                            date: d.at.day,
                        },
                        vec![from.to_string(), d.data.disbursement_id.to_string()],
                        vec![account.at.seq, d.at.seq],
                        d.at.day,
                    ));
                }
            }
        }
    }
}

/// `over_allocation`: the disbursement that took an allocation over.
fn allocation_findings(
    facts: &Facts,
    accounts: &BTreeMap<&str, &AccountFact>,
    ordered: &[&DisbursementFact],
    out: &mut Vec<Finding>,
) {
    let mut against: BTreeMap<&str, (Amount, Vec<u64>)> = BTreeMap::new();
    for d in ordered {
        let Some(allocation_id) = d.data.allocation_id.as_ref().map(|a| a.as_str()) else {
            continue;
        };
        let Some(allocation) = facts.allocations.get(allocation_id).filter(|a| facts.live(a.at.seq)) else {
            continue;
        };
        let (sum, seqs) = against.entry(allocation_id).or_default();
        let before = *sum;
        *sum += d.data.amount;
        seqs.push(d.at.seq);
        let limit = allocation.data.amount;
        if before <= limit && *sum > limit {
            let a = &allocation.data;
            let mut all_seqs = vec![allocation.at.seq];
            all_seqs.extend(seqs.iter().copied());
            out.push(Finding::new(
                FindingCode::OverAllocation,
                facts! {
                    allocation: Fact::id(RefKind::Allocation, allocation_id),
                    allocated: limit,
                    from: account(accounts, a.from_account.as_str()),
                    to: account(accounts, a.to_account.as_str()),
                    disbursed: *sum,
                    over: *sum - limit,
                    disbursement: disbursement(d),
                    amount: d.data.amount,
                    date: d.at.day,
                },
                vec![
                    a.from_account.to_string(),
                    a.to_account.to_string(),
                    allocation_id.to_string(),
                    d.data.disbursement_id.to_string(),
                ],
                all_seqs,
                d.at.day,
            ));
        }
    }
}

/// `unconfirmed_disbursement` for one disbursement, judged at `now`.
fn unconfirmed_finding(
    facts: &Facts,
    accounts: &BTreeMap<&str, &AccountFact>,
    d: &DisbursementFact,
    now: Day,
    out: &mut Vec<Finding>,
) {
    let to = d.data.to_account.as_str();
    if accounts.get(to).map(|a| a.data.kind) != Some(AccountKind::Internal) {
        return;
    }
    let Some(deadline) = plus_days(d.at.day, CONFIRMATION_DAYS) else {
        return;
    };
    if now <= deadline {
        return;
    }
    let receipts: Vec<_> = d.receipts.iter().filter(|r| facts.live(r.seq)).collect();
    if receipts.iter().any(|r| r.day <= deadline) {
        return;
    }
    let confirmed_on = receipts.iter().map(|r| r.day).min();
    let mut seqs = vec![d.at.seq];
    seqs.extend(receipts.iter().map(|r| r.seq));
    out.push(Finding::new(
        FindingCode::UnconfirmedDisbursement,
        facts! {
            disbursement: disbursement(d),
            amount: d.data.amount,
            from: account(accounts, d.data.from_account.as_str()),
            to: account(accounts, to),
            date: d.at.day,
            days: CONFIRMATION_DAYS.unsigned_abs(),
            deadline: deadline,
            confirmed_on?: confirmed_on,
            judged_on?: confirmed_on.is_none().then_some(now),
        },
        vec![to.to_string(), d.data.disbursement_id.to_string()],
        seqs,
        plus_days(deadline, 1).unwrap_or(deadline),
    ));
}

/// `earmark_breach` for one disbursement.
fn earmark_finding(accounts: &BTreeMap<&str, &AccountFact>, d: &DisbursementFact, out: &mut Vec<Finding>) {
    let from = d.data.from_account.as_str();
    let Some(account) = accounts.get(from) else { return };
    let Some(earmark) = &account.data.earmark else { return };
    let category = d.data.category.as_ref().map(|c| c.0.as_str());
    if category == Some(earmark.0.as_str()) {
        return;
    }
    out.push(Finding::new(
        FindingCode::EarmarkBreach,
        facts! {
            account: self::account(accounts, from),
            earmark: Fact::text(earmark.0.as_str()),
            amount: d.data.amount,
            to: self::account(accounts, d.data.to_account.as_str()),
            date: d.at.day,
            category?: category.map(Fact::text),
            disbursement: disbursement(d),
        },
        vec![
            from.to_string(),
            d.data.to_account.to_string(),
            d.data.disbursement_id.to_string(),
        ],
        vec![account.at.seq, d.at.seq],
        d.at.day,
    ));
}

#[cfg(test)]
mod tests {
    use super::{mul_div_rem, mul_wide, split};
    use proptest::prelude::*;

    proptest! {
        /// q·d + r = a·b and r < d, checked in 256 bits.
        #[test]
        fn mul_div_rem_is_exact(a in any::<u128>(), d in 1u128.., b_frac in any::<u128>()) {
            let b = b_frac % d + 1;
            let (q, r) = mul_div_rem(a, b, d);
            prop_assert!(r < d);
            let (qh, ql) = mul_wide(q, d);
            let (lo, carry) = ql.overflowing_add(r);
            let hi = qh + u128::from(carry);
            prop_assert_eq!((hi, lo), mul_wide(a, b));
        }

        /// Parts sum to the whole and each is within one fen of its exact share.
        #[test]
        fn split_is_fair(whole in 0i128..1_000_000_000_000_000_000_000, weights in prop::collection::vec(0i128..1_000_000_000_000_000_000_000, 1..8)) {
            let parts = split(whole, &weights);
            let total: i128 = weights.iter().sum();
            if total > 0 {
                prop_assert_eq!(parts.iter().sum::<i128>(), whole);
                for (p, w) in parts.iter().zip(&weights) {
                    let (q, _) = mul_div_rem(whole as u128, *w as u128, total as u128);
                    prop_assert!(*p == q as i128 || *p == q as i128 + 1);
                }
            }
        }
    }

    #[test]
    fn wide_mul_div_matches_narrow() {
        for &(a, b, d) in &[
            (7u128, 3u128, 5u128),
            (1 << 100, 1 << 90, 1 << 95),
            (u128::MAX / 3, 12345, 99999),
        ] {
            let (q, r) = mul_div_rem(a, b, d);
            if let Some(p) = a.checked_mul(b) {
                assert_eq!((q, r), (p / d, p % d));
            }
        }
        // 2^100 · 2^90 / 2^95 = 2^95, no remainder (needs 190 bits).
        assert_eq!(mul_div_rem(1 << 100, 1 << 90, 1 << 95), (1 << 95, 0));
        // (2^127 + 1)·3 / 4 = 3·2^125 + 0, remainder 3.
        assert_eq!(mul_div_rem((1 << 127) + 1, 3, 4), (3 << 125, 3));
        // Carry out of the top bit during the division.
        let d = u128::MAX - 1;
        assert_eq!(mul_div_rem(u128::MAX, d, d), (u128::MAX, 0));
        assert_eq!(mul_div_rem(u128::MAX, d - 1, d), (d - 1, d - 1));
    }

    #[test]
    fn split_sums_to_the_whole_by_largest_remainder() {
        assert_eq!(split(20000, &[200, 100]), vec![13333, 6667]);
        assert_eq!(split(6, &[1; 10]), vec![1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
        assert_eq!(split(1, &[1, 2]), vec![0, 1]);
        assert_eq!(split(5, &[0, 0]), vec![0, 0]);
        assert_eq!(split(100, &[3, 0, 1]), vec![75, 0, 25]);
    }
}
