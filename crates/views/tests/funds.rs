//! Funds (contract 3.2) and the fund findings (3.5), given/when/then:
//! given these events, when the funds view is read at a date, then ...

use pledger_core::money::Amount;
use pledger_core::when::Day;
use pledger_views::facts::{from_json, Facts};
use pledger_views::funds::{self, AccountRow, Direction, Flow, FlowEnd, FundsReport, Trace};
use pledger_views::{Finding, FindingCode};
use proptest::prelude::*;
use serde_json::{json, Value};

// --- givens ---------------------------------------------------------------

fn event(kind: &str, date: &str, data: Value) -> Value {
    json!({"type": kind, "actor": "city-finance", "occurred_at": date, "data": data})
}

fn account(id: &str, kind: &str) -> Value {
    account_with(id, kind, json!({}))
}

/// An account opened on 2026-01-01; `extra` adds `ceiling` or `earmark`.
fn account_with(id: &str, kind: &str, extra: Value) -> Value {
    let mut data = json!({"account_id": id, "holder": "city", "name": format!("{id} account"), "kind": kind});
    data.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    event("account.opened", "2026-01-01", data)
}

fn disburse(id: &str, from: &str, to: &str, amount: &str, date: &str) -> Value {
    disburse_with(id, from, to, amount, date, json!({}))
}

/// A disbursement; `extra` adds `kind`, `category`, `allocation_id` ...
fn disburse_with(id: &str, from: &str, to: &str, amount: &str, date: &str, extra: Value) -> Value {
    let mut data = json!({
        "disbursement_id": id, "from_account": from, "to_account": to, "amount": amount, "purpose": "park construction"
    });
    data.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    event("fund.disbursed", date, data)
}

fn received(disbursement_id: &str, date: &str) -> Value {
    event("fund.received", date, json!({"disbursement_id": disbursement_id}))
}

fn allocate(id: &str, from: &str, to: &str, amount: &str, date: &str) -> Value {
    event(
        "fund.allocated",
        date,
        json!({"allocation_id": id, "from_account": from, "to_account": to, "amount": amount, "purpose": "infrastructure"}),
    )
}

fn void(seq: usize, date: &str) -> Value {
    event("event.voided", date, json!({"seq": seq, "reason": "entered twice"}))
}

fn day(s: &str) -> Day {
    Day::parse(s).unwrap()
}

fn yuan(s: &str) -> Amount {
    Amount::parse(s.trim_start_matches('-'))
        .map(|a| if s.starts_with('-') { Amount::ZERO - a } else { a })
        .unwrap()
}

/// Given `events`, the facts as of `date` (the date the view is read at).
fn given(events: &[Value], date: &str) -> Facts {
    from_json(events, Some(day(date))).expect("test events are valid")
}

// --- whens ----------------------------------------------------------------

fn funds_report(events: &[Value], date: &str) -> FundsReport {
    funds::report(&given(events, date), day(date))
}

fn account_row<'r>(report: &'r FundsReport, id: &str) -> &'r AccountRow {
    report
        .accounts
        .iter()
        .find(|a| a.account_id == id)
        .unwrap_or_else(|| panic!("no account {id}"))
}

fn fund_findings(events: &[Value], date: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    funds::findings(&given(events, date), day(date), &mut out);
    out
}

fn with_code(findings: &[Finding], code: FindingCode) -> Vec<&Finding> {
    findings.iter().filter(|f| f.code == code).collect()
}

fn trace(events: &[Value], date: &str, id: &str, direction: Direction) -> Trace {
    funds::trace(&given(events, date), id, direction).expect("the account is known")
}

/// The flows of a trace as (path joined by '>', amount, end).
fn strands(t: &Trace) -> Vec<(String, String, FlowEnd)> {
    t.flows
        .iter()
        .map(|f: &Flow| (f.path.join(">"), f.amount.to_string(), f.end))
        .collect()
}

fn s(path: &str, amount: &str, end: FlowEnd) -> (String, String, FlowEnd) {
    (path.to_string(), amount.to_string(), end)
}

/// The city budget pays the development zone, which pays a contractor.
fn city() -> Vec<Value> {
    vec![
        account("budget", "source"),
        account("zone", "internal"),
        account("contractor", "external"),
    ]
}

// --- balances and confirmations -------------------------------------------

#[test]
fn balances_and_confirmations() {
    // Given the budget pays the zone 300 (confirmed) and 100 (not), and the
    // zone pays a contractor 250,
    let mut events = city();
    events.extend([
        disburse("d1", "budget", "zone", "300", "2026-02-01"),
        disburse("d2", "budget", "zone", "100", "2026-02-02"),
        received("d1", "2026-02-03"),
        disburse("d3", "zone", "contractor", "250.50", "2026-02-10"),
    ]);
    // when the funds view is read on 2026-03-01,
    let r = funds_report(&events, "2026-03-01");
    // then the zone holds what it received less what it paid,
    let zone = account_row(&r, "zone");
    assert_eq!(zone.disbursed_in, yuan("400"));
    assert_eq!(zone.disbursed_out, yuan("250.50"));
    assert_eq!(zone.received, yuan("300"));
    assert_eq!(zone.unconfirmed, yuan("100"));
    assert_eq!(zone.balance.to_string(), "149.50");
    // the budget shows minus what it released, the contractor what it got,
    assert_eq!(account_row(&r, "budget").balance.to_string(), "-400.00");
    assert_eq!(account_row(&r, "contractor").balance.to_string(), "250.50");
    // and the balances sum to zero.
    assert_eq!(r.accounts.iter().map(|a| a.balance).sum::<Amount>(), Amount::ZERO);
}

#[test]
fn report_json_shape() {
    // Given a credit line with a ceiling and an earmarked zone account,
    let events = vec![
        account_with("bank", "source", json!({"ceiling": "1000"})),
        account_with("zone", "internal", json!({"earmark": "infrastructure"})),
        allocate("a1", "bank", "zone", "800", "2026-01-02"),
        disburse_with(
            "d1",
            "bank",
            "zone",
            "500",
            "2026-01-03",
            json!({"allocation_id": "a1"}),
        ),
    ];
    // when the report is serialised,
    let v = serde_json::to_value(funds_report(&events, "2026-01-10")).unwrap();
    // then accounts and allocations carry exactly the contract's fields, amounts as strings.
    assert_eq!(
        v["accounts"][0],
        json!({
            "account_id": "bank", "holder": "city", "name": "bank account", "kind": "source",
            "ceiling": "1000.00", "earmark": null, "allocated_in": "0.00", "allocated_out": "800.00",
            "disbursed_in": "0.00", "disbursed_out": "500.00", "received": "0.00", "unconfirmed": "0.00",
            "balance": "-500.00"
        })
    );
    assert_eq!(v["accounts"][1]["earmark"], "infrastructure");
    assert_eq!(v["accounts"][1]["ceiling"], Value::Null);
    assert_eq!(
        v["allocations"][0],
        json!({
            "allocation_id": "a1", "from_account": "bank", "to_account": "zone", "amount": "800.00",
            "purpose": "infrastructure", "disbursed": "500.00", "left": "300.00"
        })
    );
}

#[test]
fn repayment_and_interest_still_move_money() {
    // Given a BT financier pays the zone 600, and the zone repays 200 and
    // pays 15 interest,
    let events = vec![
        account("bt", "source"),
        account("zone", "internal"),
        disburse("d1", "bt", "zone", "600", "2026-01-05"),
        disburse_with("d2", "zone", "bt", "200", "2026-06-01", json!({"kind": "repayment"})),
        disburse_with("d3", "zone", "bt", "15", "2026-06-01", json!({"kind": "interest"})),
    ];
    // when read at the end of the year,
    let r = funds_report(&events, "2026-12-31");
    // then both payments count in the balances.
    assert_eq!(account_row(&r, "zone").balance, yuan("385"));
    assert_eq!(account_row(&r, "bt").balance, yuan("-385"));
}

// --- allocations ----------------------------------------------------------

#[test]
fn allocation_disbursed_and_left() {
    // Given 500 allocated to the zone and 300 + 150 disbursed against it, plus
    // 40 disbursed without naming it,
    let mut events = city();
    events.extend([
        allocate("a1", "budget", "zone", "500", "2026-01-02"),
        disburse_with(
            "d1",
            "budget",
            "zone",
            "300",
            "2026-02-01",
            json!({"allocation_id": "a1"}),
        ),
        disburse_with(
            "d2",
            "budget",
            "zone",
            "150",
            "2026-03-01",
            json!({"allocation_id": "a1"}),
        ),
        disburse("d3", "budget", "zone", "40", "2026-03-02"),
    ]);
    // when the view is read,
    let r = funds_report(&events, "2026-04-01");
    // then the allocation shows 450 disbursed and 50 left,
    let a = &r.allocations[0];
    assert_eq!(
        (a.allocation_id.as_str(), a.disbursed, a.left),
        ("a1", yuan("450"), yuan("50"))
    );
    // and the accounts show what was promised.
    assert_eq!(account_row(&r, "zone").allocated_in, yuan("500"));
    assert_eq!(account_row(&r, "budget").allocated_out, yuan("500"));
    assert_eq!(account_row(&r, "zone").disbursed_in, yuan("490"));
}

#[test]
fn allocation_left_goes_negative_when_overspent() {
    let mut events = city();
    events.extend([
        allocate("a1", "budget", "zone", "100", "2026-01-02"),
        disburse_with(
            "d1",
            "budget",
            "zone",
            "130",
            "2026-02-01",
            json!({"allocation_id": "a1"}),
        ),
    ]);
    let r = funds_report(&events, "2026-04-01");
    assert_eq!(r.allocations[0].left.to_string(), "-30.00");
}

// --- voids and as-of ------------------------------------------------------

#[test]
fn voided_disbursement_stops_counting() {
    // Given a disbursement entered twice (seq 4) and then voided, and a
    // confirmation that was itself voided,
    let mut events = city();
    events.extend([
        allocate("a1", "budget", "zone", "500", "2026-01-02"), // 3
        disburse_with(
            "d1",
            "budget",
            "zone",
            "200",
            "2026-02-01",
            json!({"allocation_id": "a1"}),
        ), // 4
        disburse_with(
            "d1b",
            "budget",
            "zone",
            "200",
            "2026-02-01",
            json!({"allocation_id": "a1"}),
        ), // 5
        received("d1", "2026-02-02"),                          // 6
        void(5, "2026-02-05"),
        void(6, "2026-02-06"),
    ]);
    // when the view is read,
    let r = funds_report(&events, "2026-03-01");
    // then only one disbursement counts, and it is unconfirmed again.
    let zone = account_row(&r, "zone");
    assert_eq!(zone.disbursed_in, yuan("200"));
    assert_eq!(zone.received, Amount::ZERO);
    assert_eq!(zone.unconfirmed, yuan("200"));
    assert_eq!(r.allocations[0].disbursed, yuan("200"));
}

#[test]
fn voided_allocation_disappears() {
    let mut events = city();
    events.extend([
        allocate("a1", "budget", "zone", "500", "2026-01-02"),
        void(3, "2026-01-03"),
    ]);
    let r = funds_report(&events, "2026-03-01");
    assert!(r.allocations.is_empty());
    assert_eq!(account_row(&r, "zone").allocated_in, Amount::ZERO);
}

#[test]
fn as_of_excludes_later_events() {
    // Given a payment in February and one in April, confirmed in May,
    let mut events = city();
    events.extend([
        disburse("d1", "budget", "zone", "100", "2026-02-01"),
        disburse("d2", "budget", "zone", "70", "2026-04-01"),
        received("d1", "2026-05-01"),
    ]);
    // when the view is read as of 2026-03-31,
    let r = funds_report(&events, "2026-03-31");
    // then only the February payment counts, and it is not yet confirmed;
    let zone = account_row(&r, "zone");
    assert_eq!((zone.disbursed_in, zone.received), (yuan("100"), Amount::ZERO));
    // and as of 2026-05-01 both count and the first is confirmed.
    let r = funds_report(&events, "2026-05-01");
    let zone = account_row(&r, "zone");
    assert_eq!((zone.disbursed_in, zone.received), (yuan("170"), yuan("100")));
}

#[test]
fn account_opened_after_as_of_is_listed_as_unknown() {
    // Given the contractor's account was opened (business date) after a
    // payment into it,
    let events = vec![
        account("zone", "internal"),
        disburse("d1", "zone", "contractor", "10", "2026-01-05"),
        event(
            "account.opened",
            "2026-02-01",
            json!({"account_id": "contractor", "holder": "co", "name": "contractor", "kind": "external"}),
        ),
    ];
    // when read as of January, the payee is still listed so balances sum to zero.
    let r = funds_report(&events, "2026-01-31");
    let c = account_row(&r, "contractor");
    assert_eq!((c.kind, c.name.as_deref(), c.balance), ("unknown", None, yuan("10")));
}

// --- traces ---------------------------------------------------------------

/// A and B (sources) pay 300 and 100 into C, which pays 200 to D.
fn mixing() -> Vec<Value> {
    vec![
        account("A", "source"),
        account("B", "source"),
        account("C", "internal"),
        account("D", "external"),
        disburse("d1", "A", "C", "300", "2026-01-10"),
        disburse("d2", "B", "C", "100", "2026-01-11"),
        disburse("d3", "C", "D", "200", "2026-01-20"),
    ]
}

#[test]
fn trace_down_through_a_mixing_account() {
    // Given money from A and B mixes in C, which passes half of it on,
    // when A is traced down,
    let t = trace(&mixing(), "2026-02-01", "A", Direction::Down);
    // then A's 300 is half at D (its share of C's outflow, 200·300/400) and half held in C.
    assert_eq!(t.total, yuan("300"));
    assert_eq!(
        strands(&t),
        vec![s("A>C", "150.00", FlowEnd::Held), s("A>C>D", "150.00", FlowEnd::Payee)]
    );
    assert_eq!(t.flows[1].account_id, "D");
    assert_eq!(t.flows[1].kind, "external");
    // and B's 100 likewise splits 50/50.
    let t = trace(&mixing(), "2026-02-01", "B", Direction::Down);
    assert_eq!(
        strands(&t),
        vec![s("B>C", "50.00", FlowEnd::Held), s("B>C>D", "50.00", FlowEnd::Payee)]
    );
}

#[test]
fn trace_up_through_a_mixing_account() {
    // Given the same flows, when D is traced up,
    let t = trace(&mixing(), "2026-02-01", "D", Direction::Up);
    // then its 200 came 150 from A and 50 from B, pro rata to C's inflows.
    assert_eq!(t.total, yuan("200"));
    assert_eq!(
        strands(&t),
        vec![
            s("D>C>A", "150.00", FlowEnd::Source),
            s("D>C>B", "50.00", FlowEnd::Source)
        ]
    );
    let v = serde_json::to_value(&t).unwrap();
    assert_eq!(
        v,
        json!({"account_id": "D", "direction": "up", "total": "200.00", "flows": [
            {"account_id": "A", "kind": "source", "amount": "150.00", "path": ["D", "C", "A"], "end": "source"},
            {"account_id": "B", "kind": "source", "amount": "50.00", "path": ["D", "C", "B"], "end": "source"},
        ]})
    );
}

#[test]
fn trace_up_reports_money_paid_beyond_what_came_in() {
    // Given C received 100 but paid 150 to D (an overdraft),
    let events = vec![
        account("A", "source"),
        account("C", "internal"),
        account("D", "external"),
        disburse("d1", "A", "C", "100", "2026-01-10"),
        disburse("d2", "C", "D", "150", "2026-01-20"),
    ];
    // when D is traced up, then a third of its money is unfunded at C;
    let t = trace(&events, "2026-02-01", "D", Direction::Up);
    assert_eq!(
        strands(&t),
        vec![
            s("D>C", "50.00", FlowEnd::Unfunded),
            s("D>C>A", "100.00", FlowEnd::Source)
        ]
    );
    // and traced down, all of A's 100 reaches D (C passed on more than it got).
    let t = trace(&events, "2026-02-01", "A", Direction::Down);
    assert_eq!(strands(&t), vec![s("A>C>D", "100.00", FlowEnd::Payee)]);
}

#[test]
fn trace_rounds_to_the_fen_and_cuts_cycles() {
    // Given A pays 200 to B, B pays 200 to C, and C sends 100 back to B and
    // 100 to D: B received 300 and passed on 200, so a third stays in B,
    let events = vec![
        account("A", "source"),
        account("B", "internal"),
        account("C", "internal"),
        account("D", "external"),
        disburse("d1", "A", "B", "200", "2026-01-10"),
        disburse("d2", "B", "C", "200", "2026-01-11"),
        disburse("d3", "C", "B", "100", "2026-01-12"),
        disburse("d4", "C", "D", "100", "2026-01-13"),
    ];
    // when A is traced down,
    let t = trace(&events, "2026-02-01", "A", Direction::Down);
    // then 20000 fen split 2:1 at B is 13333.33 / 6666.67 → 13333 and 6667
    // (the spare fen to the larger remainder); C's 13333 split 1:1 is 6666.5
    // each → 6667 to B (the first, by id, on a tie) and 6666 to D; the strand
    // going back into B is cut there as a cycle,
    assert_eq!(
        strands(&t),
        vec![
            s("A>B", "66.67", FlowEnd::Held),
            s("A>B>C>B", "66.67", FlowEnd::Cycle),
            s("A>B>C>D", "66.66", FlowEnd::Payee),
        ]
    );
    // and the strands sum exactly to what left A.
    assert_eq!(t.flows.iter().map(|f| f.amount).sum::<Amount>(), t.total);
    // Traced up from D, the cycle through B is cut the same way.
    let t = trace(&events, "2026-02-01", "D", Direction::Up);
    assert_eq!(t.flows.iter().map(|f| f.amount).sum::<Amount>(), yuan("100"));
    assert!(t
        .flows
        .iter()
        .any(|f| f.end == FlowEnd::Cycle && f.path == ["D", "C", "B", "C"]));
}

#[test]
fn trace_of_a_pure_two_account_cycle() {
    // Given two internal accounts paying each other,
    let events = vec![
        account("X", "internal"),
        account("Y", "internal"),
        disburse("d1", "X", "Y", "10", "2026-01-10"),
        disburse("d2", "Y", "X", "10", "2026-01-11"),
    ];
    // when X is traced down, then the money comes back to X and is cut there.
    let t = trace(&events, "2026-02-01", "X", Direction::Down);
    assert_eq!(strands(&t), vec![s("X>Y>X", "10.00", FlowEnd::Cycle)]);
}

#[test]
fn trace_of_unknown_and_idle_accounts() {
    let facts = given(&mixing(), "2026-02-01");
    assert!(funds::trace(&facts, "nobody", Direction::Down).is_none());
    let t = funds::trace(&facts, "D", Direction::Down).unwrap();
    assert!(t.flows.is_empty());
    assert_eq!(t.total, Amount::ZERO);
    assert_eq!(serde_json::to_value(&t).unwrap()["direction"], "down");
}

// --- findings: overdraft --------------------------------------------------

#[test]
fn overdraft_raised_once_per_episode() {
    // Given the zone gets 100, pays 150 and then 10 more, is topped up with
    // 200 and pays 300,
    let mut events = city();
    events.extend([
        disburse("d1", "budget", "zone", "100", "2026-01-10"),
        disburse("d2", "zone", "contractor", "150", "2026-01-20"), // 4
        disburse("d3", "zone", "contractor", "10", "2026-01-21"),
        disburse("d4", "budget", "zone", "200", "2026-02-01"),
        disburse("d5", "zone", "contractor", "300", "2026-02-10"), // 7
    ]);
    // when the findings are read,
    let all = fund_findings(&events, "2026-03-01");
    let found = with_code(&all, FindingCode::Overdraft);
    // then there are two episodes, each on the disbursement that went below.
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].subjects, vec!["zone", "d2"]);
    assert_eq!(found[0].seqs, vec![4]);
    assert_eq!(found[0].date, day("2026-01-20"));
    assert_eq!(
        found[0].message,
        "Account zone (zone account) went below zero on 2026-01-20: disbursement d2 paid 150.00 yuan to \
         contractor (contractor account) when the balance was 100.00 yuan, leaving -50.00 yuan."
    );
    assert_eq!(found[1].subjects, vec!["zone", "d5"]);
    assert_eq!(found[1].seqs, vec![7]);
}

#[test]
fn no_overdraft_when_money_arrived_first_by_business_date() {
    // Given the payment is recorded before the incoming money, but the
    // incoming money is dated earlier,
    let mut events = city();
    events.extend([
        disburse("d2", "zone", "contractor", "150", "2026-01-20"),
        disburse("d1", "budget", "zone", "150", "2026-01-10"),
    ]);
    // then the zone never went below zero; nor does a source account overdraw.
    assert!(with_code(&fund_findings(&events, "2026-03-01"), FindingCode::Overdraft).is_empty());
}

#[test]
fn no_overdraft_once_the_overdrawing_payment_is_voided() {
    let mut events = city();
    events.extend([
        disburse("d1", "budget", "zone", "100", "2026-01-10"),
        disburse("d2", "zone", "contractor", "150", "2026-01-20"),
        void(4, "2026-01-21"),
    ]);
    assert!(with_code(&fund_findings(&events, "2026-03-01"), FindingCode::Overdraft).is_empty());
}

// --- findings: over_ceiling -----------------------------------------------

fn credit_line(second: &str) -> Vec<Value> {
    vec![
        account_with("bank", "source", json!({"ceiling": "1000"})),
        account("zone", "internal"),
        disburse("d1", "bank", "zone", "600", "2026-01-10"),
        disburse("d2", "bank", "zone", second, "2026-02-10"),
        disburse("d3", "bank", "zone", "5", "2026-03-10"),
    ]
}

#[test]
fn over_ceiling_on_the_disbursement_that_crossed_it() {
    // Given a 1000 credit line drawn 600, then 500, then 5,
    let all = fund_findings(&credit_line("500"), "2026-04-01");
    // then the 500 crossed the ceiling, and is reported once.
    let found = with_code(&all, FindingCode::OverCeiling);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subjects, vec!["bank", "d2"]);
    assert_eq!(found[0].seqs, vec![0, 3]);
    assert_eq!(found[0].date, day("2026-02-10"));
    assert!(found[0]
        .message
        .contains("1100.00 yuan, 100.00 yuan over its ceiling of 1000.00 yuan"));
}

#[test]
fn no_over_ceiling_when_drawn_to_exactly_the_ceiling() {
    // Given 600 + 395 + 5 = exactly 1000,
    let all = fund_findings(&credit_line("395"), "2026-04-01");
    assert!(with_code(&all, FindingCode::OverCeiling).is_empty());
}

// --- findings: over_allocation --------------------------------------------

fn allocation_with(second: &str) -> Vec<Value> {
    let mut events = city();
    events.extend([
        allocate("a1", "budget", "zone", "100", "2026-01-02"),
        disburse_with(
            "d1",
            "budget",
            "zone",
            "60",
            "2026-01-10",
            json!({"allocation_id": "a1"}),
        ),
        disburse_with(
            "d2",
            "budget",
            "zone",
            second,
            "2026-01-20",
            json!({"allocation_id": "a1"}),
        ),
    ]);
    events
}

#[test]
fn over_allocation_when_disbursements_exceed_it() {
    // Given 60 and 50 disbursed against a 100 allocation,
    let all = fund_findings(&allocation_with("50"), "2026-02-01");
    // then the second disbursement took it 10 over.
    let found = with_code(&all, FindingCode::OverAllocation);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subjects, vec!["budget", "zone", "a1", "d2"]);
    assert_eq!(found[0].seqs, vec![3, 4, 5]);
    assert!(found[0].message.contains("reached 110.00 yuan, 10.00 yuan over"));
}

#[test]
fn no_over_allocation_within_the_amount_or_after_a_void() {
    assert!(with_code(
        &fund_findings(&allocation_with("40"), "2026-02-01"),
        FindingCode::OverAllocation
    )
    .is_empty());
    let mut events = allocation_with("50");
    events.push(void(5, "2026-01-25"));
    assert!(with_code(&fund_findings(&events, "2026-02-01"), FindingCode::OverAllocation).is_empty());
}

// --- findings: unconfirmed_disbursement -----------------------------------

fn one_payment(extra: Vec<Value>) -> Vec<Value> {
    let mut events = city();
    events.push(disburse("d1", "budget", "zone", "300", "2026-01-01")); // 3
    events.extend(extra);
    events
}

#[test]
fn unconfirmed_disbursement_after_30_days() {
    // Given a payment into the zone on 2026-01-01 and no confirmation,
    // when read on 2026-02-01 (31 days later),
    let all = fund_findings(&one_payment(vec![]), "2026-02-01");
    // then it is unconfirmed, dated the first day it was late.
    let found = with_code(&all, FindingCode::UnconfirmedDisbursement);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subjects, vec!["zone", "d1"]);
    assert_eq!(found[0].seqs, vec![3]);
    assert_eq!(found[0].date, day("2026-02-01"));
    assert_eq!(
        found[0].message,
        "Disbursement d1 of 300.00 yuan from budget (budget account) to zone (zone account) on 2026-01-01 was \
         not confirmed as received by zone within 30 days (by 2026-01-31); it is still unconfirmed on 2026-02-01."
    );
}

#[test]
fn unconfirmed_disbursement_even_if_confirmed_late() {
    // Given the confirmation came on 2026-02-15,
    let all = fund_findings(&one_payment(vec![received("d1", "2026-02-15")]), "2026-03-01");
    let found = with_code(&all, FindingCode::UnconfirmedDisbursement);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].seqs, vec![3, 4]);
    assert!(found[0].message.contains("confirmed only on 2026-02-15"));
}

#[test]
fn no_unconfirmed_disbursement_when_rule_holds() {
    // Not yet 30 days past on 2026-01-31,
    assert!(with_code(
        &fund_findings(&one_payment(vec![]), "2026-01-31"),
        FindingCode::UnconfirmedDisbursement
    )
    .is_empty());
    // confirmed on the 30th day,
    let confirmed = one_payment(vec![received("d1", "2026-01-31")]);
    assert!(with_code(
        &fund_findings(&confirmed, "2026-06-01"),
        FindingCode::UnconfirmedDisbursement
    )
    .is_empty());
    // or paid to an external payee, which does not confirm.
    let mut events = city();
    events.push(disburse("d1", "budget", "contractor", "300", "2026-01-01"));
    assert!(with_code(
        &fund_findings(&events, "2026-06-01"),
        FindingCode::UnconfirmedDisbursement
    )
    .is_empty());
}

#[test]
fn unconfirmed_again_when_the_confirmation_is_voided() {
    let events = one_payment(vec![received("d1", "2026-01-05"), void(4, "2026-01-06")]);
    assert_eq!(
        with_code(
            &fund_findings(&events, "2026-03-01"),
            FindingCode::UnconfirmedDisbursement
        )
        .len(),
        1
    );
}

// --- findings: earmark_breach ---------------------------------------------

fn special_account(extra: Value) -> Vec<Value> {
    vec![
        account_with("land-income", "internal", json!({"earmark": "infrastructure"})),
        account("contractor", "external"),
        disburse_with("d1", "land-income", "contractor", "80", "2026-03-01", extra),
    ]
}

#[test]
fn earmark_breach_for_another_category_or_none() {
    // Given land-transfer income (earmarked for infrastructure) pays a subsidy,
    let all = fund_findings(&special_account(json!({"category": "subsidy"})), "2026-04-01");
    let found = with_code(&all, FindingCode::EarmarkBreach);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subjects, vec!["land-income", "contractor", "d1"]);
    assert_eq!(found[0].seqs, vec![0, 2]);
    assert_eq!(found[0].date, day("2026-03-01"));
    assert!(found[0]
        .message
        .contains("earmarked for \"infrastructure\", paid 80.00 yuan"));
    assert!(found[0].message.contains("for category \"subsidy\""));
    // and given it pays with no category at all, that is a breach too.
    let all = fund_findings(&special_account(json!({})), "2026-04-01");
    assert!(with_code(&all, FindingCode::EarmarkBreach)[0]
        .message
        .contains("with no category"));
}

#[test]
fn no_earmark_breach_when_spent_on_the_earmark() {
    let all = fund_findings(&special_account(json!({"category": "infrastructure"})), "2026-04-01");
    assert!(with_code(&all, FindingCode::EarmarkBreach).is_empty());
    // nor for money leaving an account with no earmark.
    let mut events = city();
    events.push(disburse("d1", "budget", "zone", "1", "2026-01-01"));
    assert!(with_code(&fund_findings(&events, "2026-01-02"), FindingCode::EarmarkBreach).is_empty());
}

#[test]
fn findings_reach_the_aggregate() {
    let all = pledger_views::findings::all(&given(&credit_line("500"), "2026-04-01"), day("2026-04-01"));
    assert!(all.iter().any(|f| f.code == FindingCode::OverCeiling));
}

// --- properties -----------------------------------------------------------

const KINDS: [&str; 5] = ["source", "internal", "internal", "internal", "external"];

fn flow_events(moves: &[(usize, usize, u64)]) -> Vec<Value> {
    let mut events: Vec<Value> = KINDS
        .iter()
        .enumerate()
        .map(|(i, k)| account(&format!("acct{i}"), k))
        .collect();
    for (n, &(from, to, fen)) in moves.iter().enumerate() {
        let to = if to == from { (to + 1) % KINDS.len() } else { to };
        let amount = format!("{}.{:02}", fen / 100, fen % 100);
        events.push(disburse(
            &format!("d{n}"),
            &format!("acct{from}"),
            &format!("acct{to}"),
            &amount,
            "2026-01-10",
        ));
    }
    events
}

proptest! {
    #[test]
    fn traces_conserve_money_and_balances_sum_to_zero(
        moves in prop::collection::vec((0usize..5, 0usize..5, 1u64..10_000_000_000_000_000_000), 1..25)
    ) {
        let events = flow_events(&moves);
        let facts = given(&events, "2026-12-31");
        let r = funds::report(&facts, day("2026-12-31"));
        prop_assert_eq!(r.accounts.iter().map(|a| a.balance).sum::<Amount>(), Amount::ZERO);
        for a in &r.accounts {
            for (direction, moved) in [(Direction::Down, a.disbursed_out), (Direction::Up, a.disbursed_in)] {
                let t = funds::trace(&facts, &a.account_id, direction).unwrap();
                prop_assert_eq!(t.total, moved);
                prop_assert_eq!(t.flows.iter().map(|f| f.amount).sum::<Amount>(), moved);
                for f in &t.flows {
                    prop_assert!(f.amount > Amount::ZERO);
                    prop_assert_eq!(f.path.first(), Some(&a.account_id));
                    prop_assert_eq!(f.path.last(), Some(&f.account_id));
                }
            }
        }
    }
}

// --- the disbursements one by one -----------------------------------------

/// The disbursements list folded by hand from the records as JSON: the
/// `fund.disbursed` records dated on or before `as_of` (all when none) that
/// no void among the records names, whatever the void's date; `received`
/// when a live `fund.received` in scope, recorded after it, names it.
/// Newest first: date descending, then seq descending.
fn folded_list(records: &[Value], as_of: Option<&str>) -> Vec<Value> {
    let date = |e: &Value| e["occurred_at"].as_str().expect("occurred_at")[..10].to_string();
    let voided: std::collections::BTreeSet<u64> = records
        .iter()
        .filter(|e| e["type"] == "event.voided")
        .filter_map(|e| e["data"]["seq"].as_u64())
        .collect();
    let live = |seq: usize, e: &Value| as_of.is_none_or(|d| date(e).as_str() <= d) && !voided.contains(&(seq as u64));
    // The first live receipt of each disbursement id, by seq.
    let mut receipts: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (seq, e) in records.iter().enumerate() {
        if e["type"] == "fund.received" && live(seq, e) {
            let id = e["data"]["disbursement_id"].as_str().expect("id").to_string();
            receipts.entry(id).or_default().push(seq);
        }
    }
    let mut rows: Vec<Value> = records
        .iter()
        .enumerate()
        .filter(|(seq, e)| e["type"] == "fund.disbursed" && live(*seq, e))
        .map(|(seq, e)| {
            let d = &e["data"];
            let or_null = |k: &str| d.get(k).cloned().unwrap_or(Value::Null);
            let id = d["disbursement_id"].as_str().expect("id");
            json!({
                "seq": seq,
                "date": date(e),
                "disbursement_id": id,
                "from_account": d["from_account"],
                "to_account": d["to_account"],
                "amount": Amount::parse(d["amount"].as_str().expect("amount")).expect("amount").to_string(),
                "kind": d.get("kind").cloned().unwrap_or(json!("transfer")),
                "category": or_null("category"),
                "purpose": d["purpose"],
                "allocation_id": or_null("allocation_id"),
                "commitment_id": or_null("commitment_id"),
                "received": receipts.get(id).is_some_and(|r| r.iter().any(|&s| s > seq)),
            })
        })
        .collect();
    rows.sort_by(|a, b| (b["date"].as_str(), b["seq"].as_u64()).cmp(&(a["date"].as_str(), a["seq"].as_u64())));
    rows
}

/// Every page of the list, `limit` at a time, following `next_from`.
fn paged(facts: &Facts, account: Option<&str>, limit: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut from = 0;
    loop {
        let page = funds::disbursements(facts, account, from, limit);
        assert!(page.disbursements.len() <= limit);
        out.extend(page.disbursements.iter().map(|r| serde_json::to_value(r).unwrap()));
        match page.next_from {
            Some(n) => {
                assert_eq!(n as usize, from + limit, "the next page starts where this one ended");
                from = n as usize;
            }
            None => return out,
        }
    }
}

/// The list of the facts of `records` as of `as_of` equals the fold by
/// hand; its pages, and its rows of each account, are parts of it; and it
/// adds up to the funds report's `disbursed_in` / `disbursed_out`.
fn assert_list_is_the_fold(records: &[Value], as_of: Option<&str>) {
    let facts = from_json(records, as_of.map(day)).expect("valid events");
    let want = folded_list(records, as_of);
    let at = format!("records 0..{} as of {as_of:?}", records.len());
    let all = funds::disbursements(&facts, None, 0, usize::MAX);
    assert_eq!(serde_json::to_value(&all.disbursements).unwrap(), json!(want), "{at}");
    assert_eq!((all.total, all.next_from), (want.len() as u64, None), "{at}");
    for limit in [1, 2, 5] {
        assert_eq!(paged(&facts, None, limit), want, "{at}, {limit} a page");
    }
    let r = funds::report(&facts, day("2030-01-01"));
    for a in &r.accounts {
        let id = a.account_id.as_str();
        let mine: Vec<Value> = want
            .iter()
            .filter(|w| w["from_account"] == id || w["to_account"] == id)
            .cloned()
            .collect();
        assert_eq!(paged(&facts, Some(id), 2), mine, "{at}, account {id}");
        let sum = |side: &str| -> Amount {
            mine.iter()
                .filter(|w| w[side] == id)
                .map(|w| yuan(w["amount"].as_str().unwrap()))
                .sum()
        };
        assert_eq!(
            (sum("from_account"), sum("to_account")),
            (a.disbursed_out, a.disbursed_in),
            "{at}, account {id}"
        );
    }
}

/// The city's payments, out of date order, with a confirmation, a voided
/// payment whose void is dated after it, and a voided confirmation.
fn payments() -> Vec<Value> {
    let mut events = city();
    events.extend([
        disburse_with(
            "d1",
            "budget",
            "zone",
            "300",
            "2026-02-01",
            json!({"category": "infrastructure"}),
        ), // 3
        disburse_with("d2", "budget", "zone", "100", "2026-01-15", json!({"kind": "transfer"})), // 4: earlier date, later record
        disburse_with(
            "d3",
            "zone",
            "contractor",
            "250.50",
            "2026-02-01",
            json!({"kind": "expenditure", "category": "subsidy"}),
        ), // 5: the same day as d1
        received("d1", "2026-02-03"),                                                            // 6
        disburse("d4", "budget", "zone", "50", "2026-03-01"), // 7: entered by mistake,
        void(7, "2026-06-01"),                                // 8: voided in June
        received("d2", "2026-02-20"),                         // 9
        void(9, "2026-02-21"),                                // 10: a confirmation voided
        disburse("d5", "zone", "contractor", "20", "2026-01-20T23:30:00+08:00"), // 11
        disburse_with("d6", "zone", "budget", "10", "2026-04-01", json!({"kind": "repayment"})), // 12
    ]);
    events
}

#[test]
fn the_disbursements_newest_first_without_the_voided_one() {
    // Given the city's payments,
    let events = payments();
    // when the list is read as of 2026-03-15 (before the void's own date),
    let list = funds::disbursements(&given(&events, "2026-03-15"), None, 0, 100);
    // then the voided d4 is not in it, and the rest come newest first,
    // the same day's later record first;
    let order: Vec<(&str, u64)> = list
        .disbursements
        .iter()
        .map(|r| (r.disbursement_id.as_str(), r.seq))
        .collect();
    assert_eq!(order, vec![("d3", 5), ("d1", 3), ("d5", 11), ("d2", 4)]);
    // each row says what the record says, the kind `transfer` by default,
    let d1 = &list.disbursements[1];
    assert_eq!(
        serde_json::to_value(d1).unwrap(),
        json!({
            "seq": 3, "date": "2026-02-01", "disbursement_id": "d1", "from_account": "budget",
            "to_account": "zone", "amount": "300.00", "kind": "transfer", "category": "infrastructure",
            "purpose": "park construction", "allocation_id": null, "commitment_id": null, "received": true
        })
    );
    // a date-time's day as written, and a voided confirmation confirms nothing;
    assert_eq!(list.disbursements[2].date, day("2026-01-20"));
    assert!(!list.disbursements[3].received);
    // and a page of two says where the next starts.
    let page = funds::disbursements(&given(&events, "2026-03-15"), None, 0, 2);
    assert_eq!((page.total, page.next_from), (4, Some(2)));
    let last = funds::disbursements(&given(&events, "2026-03-15"), Some("contractor"), 1, 2);
    assert_eq!((last.total, last.next_from, last.disbursements.len()), (2, None, 1));
    assert_eq!(last.disbursements[0].disbursement_id, "d5");
}

#[test]
fn the_disbursements_at_every_log_position_and_date_are_the_fold() {
    // Given the city's payments, at every log position (a void counts only
    // from its own record on) and as of several dates (a void whatever its
    // date), the list is the fold by hand.
    let events = payments();
    for n in 1..=events.len() {
        for as_of in [
            None,
            Some("2025-12-31"),
            Some("2026-01-20"),
            Some("2026-02-01"),
            Some("2026-03-15"),
            Some("2026-05-01"),
        ] {
            assert_list_is_the_fold(&events[..n], as_of);
        }
    }
}

#[test]
fn the_disbursements_of_a_generated_ledger_are_the_fold() {
    // Given a generated ledger (valid by construction; its voids name
    // progress reports), and then voids of every seventh disbursement and
    // receipt, dated on the ledger's first day,
    let mut events: Vec<Value> = pledger_gen::Generator::with_events_per_year(7, 300).take(700).collect();
    let first_day = events[0]["occurred_at"].as_str().unwrap()[..10].to_string();
    let undone: Vec<usize> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e["type"] == "fund.disbursed" || e["type"] == "fund.received")
        .map(|(seq, _)| seq)
        .step_by(7)
        .collect();
    assert!(undone.len() > 5, "the generator pays: {undone:?}");
    events.extend(undone.iter().map(|&seq| void(seq, &first_day)));
    let mut dates: Vec<String> = events
        .iter()
        .map(|e| e["occurred_at"].as_str().unwrap()[..10].to_string())
        .collect();
    dates.sort();
    let quartiles: Vec<&str> = [1, 2, 3].iter().map(|q| dates[dates.len() * q / 4].as_str()).collect();
    // at log positions through it and as of its quartile dates, the list
    // is the fold by hand.
    for n in (1..=events.len()).step_by(23).chain(events.len() - 3..=events.len()) {
        assert_list_is_the_fold(&events[..n], None);
        for &d in &quartiles {
            assert_list_is_the_fold(&events[..n], Some(d));
        }
    }
}
