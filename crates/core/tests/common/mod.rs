//! Helpers shared by the registry's rule tests: event builders and a
//! small standard world (see registry_rules.rs for its table).
#![allow(dead_code)]

use pledger_core::{Event, Journal, Registry, Rejection};
use serde_json::{json, Value};

// ---------------------------------------------------------------- helpers

/// An event envelope without a client `id`.
pub fn ev(ty: &str, actor: &str, data: Value) -> Value {
    json!({"type": ty, "actor": actor, "occurred_at": "2026-03-01", "data": data})
}

/// An event envelope with a client `id`.
pub fn ev_id(id: &str, ty: &str, actor: &str, data: Value) -> Value {
    let mut v = ev(ty, actor, data);
    v["id"] = json!(id);
    v
}

pub fn entity(id: &str, kind: &str, actor: &str) -> Value {
    ev(
        "entity.registered",
        actor,
        json!({"entity_id": id, "kind": kind, "name": format!("{id} name")}),
    )
}

pub fn account(id: &str, holder: &str, actor: &str) -> Value {
    ev(
        "account.opened",
        actor,
        json!({"account_id": id, "holder": holder, "name": "an account", "kind": "internal"}),
    )
}

pub fn target(id: &str, assignee: &str) -> Value {
    ev(
        "target.assigned",
        "city",
        json!({"target_id": id, "assignee": assignee, "metric": "new_projects_ge_10m", "unit": "count",
               "comparator": ">=", "threshold": "5", "period": {"from": "2026-01-01", "to": "2026-12-31"},
               "basis": "doc 1"}),
    )
}

pub fn allocation(id: &str, from: &str, to: &str) -> Value {
    ev(
        "fund.allocated",
        "finance",
        json!({"allocation_id": id, "from_account": from, "to_account": to, "amount": "100", "purpose": "roads"}),
    )
}

pub fn disbursement(id: &str, from: &str, to: &str) -> Value {
    ev(
        "fund.disbursed",
        "finance",
        json!({"disbursement_id": id, "from_account": from, "to_account": to, "amount": "10", "purpose": "roads"}),
    )
}

pub fn commitment(id: &str, promisor: &str, beneficiary: &str) -> Value {
    ev(
        "commitment.made",
        "city",
        json!({"commitment_id": id, "promisor": promisor, "beneficiary": beneficiary, "kind": "subsidy",
               "terms": "a subsidy", "due": "2026-12-31"}),
    )
}

pub fn scheme(id: &str, target_id: &str) -> Value {
    ev(
        "incentive.scheme_set",
        "city",
        json!({"scheme_id": id, "target_id": target_id, "total": "1000", "condition": "target_met",
               "shares": [{"role": "lead", "percent": "100"}]}),
    )
}

pub fn payout(id: &str, scheme_id: &str, payee: &str) -> Value {
    ev(
        "incentive.paid",
        "city",
        json!({"payout_id": id, "scheme_id": scheme_id, "payee": payee, "role": "lead", "amount": "10"}),
    )
}

pub fn void(seq: u64, actor: &str) -> Value {
    ev(
        "event.voided",
        actor,
        json!({"seq": seq, "reason": "recorded by mistake"}),
    )
}

/// A registry plus the events it admitted, so voids can be given the
/// event they void (the registry does not keep events).
pub struct World {
    pub reg: Registry,
    pub log: Vec<Event>,
}

impl World {
    pub fn empty() -> World {
        World {
            reg: Registry::new(),
            log: Vec::new(),
        }
    }

    /// The world of the module docs, seqs 0..=12.
    pub fn standard() -> World {
        let mut w = World::empty();
        for v in standard_events() {
            w.ok(v);
        }
        assert_eq!(w.reg.next_seq(), 13);
        w
    }

    pub fn parse(v: &Value) -> Event {
        Event::parse(v).unwrap_or_else(|r| panic!("test event does not parse: {r}\n{v}"))
    }

    /// Admits with a fresh journal; on success the event joins the log.
    pub fn admit(&mut self, v: Value) -> Result<(), Rejection> {
        let mut j = Journal::new();
        self.admit_into(v, &mut j)
    }

    /// Parses then admits: a rule of the event alone refuses it at parse,
    /// a rule against the ledger at admission; either way nothing is kept.
    pub fn admit_into(&mut self, v: Value, journal: &mut Journal) -> Result<(), Rejection> {
        let e = Event::parse(&v)?;
        self.reg.admit(&e, journal)?;
        self.log.push(e);
        Ok(())
    }

    #[track_caller]
    pub fn ok(&mut self, v: Value) {
        let shown = v.to_string();
        if let Err(r) = self.admit(v) {
            panic!("expected {shown} to be accepted, got {} at {:?}: {r}", r.code, r.field);
        }
    }

    /// Asserts the event is refused with `code` at `field`, and that the
    /// refusal changed nothing (next_seq unchanged).
    #[track_caller]
    pub fn refused(&mut self, v: Value, code: &str, field: &str) -> Rejection {
        let before = self.reg.next_seq();
        let shown = v.to_string();
        match self.admit(v) {
            Ok(()) => panic!("expected {shown} to be refused with {code} at {field:?}, but it was accepted"),
            Err(r) => {
                assert_eq!(
                    (r.code, r.field.as_str()),
                    (code, field),
                    "wrong rejection for {shown}: {r}"
                );
                assert!(!r.message.trim().is_empty(), "a rejection explains itself");
                assert_eq!(self.reg.next_seq(), before, "a refused event takes no seq");
                r
            }
        }
    }
}

pub fn standard_events() -> Vec<Value> {
    let mut finance = entity("finance", "department", "city");
    finance["data"]["parent"] = json!("city");
    let mut t1 = target("t1", "acme");
    t1["data"]["responsible"] = json!([{"person": "zhang", "role": "lead"}]);
    let mut c1 = commitment("c1", "city", "acme");
    c1["data"]["conditions"] = json!([{"condition_id": "land", "text": "land handed over", "target_id": "t1"},
                                      {"condition_id": "licence", "text": "licence issued"}]);
    c1["data"]["clawback_targets"] = json!(["t1"]);
    let mut d1 = disbursement("d1", "treasury", "acme-acct");
    d1["data"]["allocation_id"] = json!("alloc1");
    d1["data"]["commitment_id"] = json!("c1");
    let mut p1 = payout("p1", "s1", "zhang");
    p1["data"]["from_account"] = json!("treasury");
    let mut treasury = account("treasury", "finance", "city");
    treasury["data"]["kind"] = json!("source");
    vec![
        entity("city", "government", "city"),
        finance,
        entity("acme", "enterprise", "city"),
        entity("audit", "auditor", "city"),
        entity("zhang", "person", "city"),
        treasury,
        account("acme-acct", "acme", "acme"),
        t1,
        allocation("alloc1", "treasury", "acme-acct"),
        c1,
        d1,
        scheme("s1", "t1"),
        p1,
    ]
}

/// Replaces `data.<key>` (or a nested path given as several keys; a
/// numeric key indexes an array).
pub fn with(mut v: Value, path: &[&str], value: Value) -> Value {
    let mut cur = &mut v["data"];
    for k in path {
        cur = match k.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => &mut cur[*k],
        };
    }
    *cur = value;
    v
}

/// The reference rule: the event naming `missing` is refused as an
/// `unknown_reference` at `field`; the same event naming `present` is accepted.
#[track_caller]
pub fn reference_rule(event: Value, path: &[&str], field: &str, present: Value) {
    let mut w = World::standard();
    let r = w.refused(
        with(event.clone(), path, json!("no-such-thing")),
        "unknown_reference",
        field,
    );
    assert!(
        r.message.contains("no-such-thing"),
        "the message names the missing id: {}",
        r.message
    );
    w.ok(with(event, path, present));
}
