//! Checks the generated stream against contract section 2 with a small
//! validator written from the contract alone (it shares no code with the
//! generator). One pass over 200,000 events collects every violation by rule;
//! each test then asserts that its rules saw none.

use pledger_gen::{ndjson_lines, Generator, Pace, DEFAULT_EVENTS_PER_YEAR};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

const N: usize = 200_000;
const SEED: u64 = 20_060_821;

// ----- field schemas -------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum F {
    Id,
    /// A reference to something of this kind.
    Ref(&'static str),
    RefList(&'static str),
    Text,
    Amount,
    Decimal,
    Date,
    Period,
    Due,
    Evidence,
    Responsible,
    Conditions,
    Shares,
    /// A task's items: [{target_id, weight, veto?}].
    TaskItems,
    /// A task's consequences: {on_fail?, on_consecutive_fail?}.
    Consequences,
    /// A project signed: a registered entity of kind `project`, signed once.
    ProjectNew,
    /// A signing's land: {parcel_id, area_mu > 0, agreed_start}.
    Land,
    /// A counting target's `counts`: {stage, min_investment?}.
    Counts,
    /// The projects a claim or verification lists: signed, no repeats.
    Projects,
    Seq,
    OneOf(&'static [&'static str]),
}

/// (field, required, shape)
type Schema = &'static [(&'static str, bool, F)];

const SANCTION_KINDS: &[&str] = &[
    "criticism",
    "award_disqualified",
    "reward_forfeited",
    "warning",
    "reassignment",
    "suspension",
    "other",
];

const ENTITY_KINDS: &[&str] = &[
    "government",
    "department",
    "county",
    "park",
    "enterprise",
    "project",
    "person",
    "auditor",
];

fn schema(ty: &str) -> Option<Schema> {
    use F::*;
    Some(match ty {
        "entity.registered" => &[
            ("entity_id", true, Id),
            ("kind", true, OneOf(ENTITY_KINDS)),
            ("name", true, Text),
            ("parent", false, Ref("entity")),
            ("public_key", false, Text),
        ],
        "account.opened" => &[
            ("account_id", true, Id),
            ("holder", true, Ref("entity")),
            ("name", true, Text),
            ("kind", true, OneOf(&["source", "internal", "external"])),
            ("ceiling", false, Amount),
            ("earmark", false, Text),
        ],
        "target.assigned" => &[
            ("target_id", true, Id),
            ("assignee", true, Ref("entity")),
            ("metric", true, Text),
            ("unit", true, Text),
            ("comparator", true, OneOf(&[">=", "<="])),
            ("threshold", true, Decimal),
            ("period", true, Period),
            ("basis", true, Text),
            ("responsible", false, Responsible),
            ("counts", false, Counts),
        ],
        "target.revised" => &[
            ("target_id", true, Ref("target")),
            ("threshold", false, Decimal),
            ("period", false, Period),
            ("reason", true, Text),
        ],
        "target.progress_reported" => &[
            ("target_id", true, Ref("target")),
            ("value", true, Decimal),
            ("as_of", true, Date),
            ("evidence", false, Evidence),
            ("projects", false, Projects),
        ],
        "target.verified" => &[
            ("target_id", true, Ref("target")),
            ("value", true, Decimal),
            ("as_of", true, Date),
            ("evidence", false, Evidence),
            ("note", false, Text),
            ("projects", false, Projects),
        ],
        "fund.allocated" => &[
            ("allocation_id", true, Id),
            ("from_account", true, Ref("account")),
            ("to_account", true, Ref("account")),
            ("amount", true, Amount),
            ("purpose", true, Text),
            ("period", false, Period),
            ("basis", false, Text),
        ],
        "fund.disbursed" => &[
            ("disbursement_id", true, Id),
            ("from_account", true, Ref("account")),
            ("to_account", true, Ref("account")),
            ("amount", true, Amount),
            ("purpose", true, Text),
            (
                "kind",
                false,
                OneOf(&["transfer", "expenditure", "repayment", "interest"]),
            ),
            ("category", false, Text),
            ("allocation_id", false, Ref("allocation")),
            ("commitment_id", false, Ref("commitment")),
            ("voucher", false, Text),
        ],
        "fund.received" => &[("disbursement_id", true, Ref("disbursement"))],
        "commitment.made" => &[
            ("commitment_id", true, Id),
            ("promisor", true, Ref("entity")),
            ("beneficiary", true, Ref("entity")),
            (
                "kind",
                true,
                OneOf(&[
                    "land_discount",
                    "tax_refund",
                    "service_deadline",
                    "subsidy",
                    "funding",
                    "other",
                ]),
            ),
            ("terms", true, Text),
            ("amount", false, Amount),
            ("due", true, Due),
            ("conditions", false, Conditions),
            ("basis", false, Text),
            ("clawback_targets", false, RefList("target")),
        ],
        "commitment.condition_met" => &[
            ("commitment_id", true, Ref("commitment")),
            ("condition_id", true, Text),
            ("evidence", false, Evidence),
        ],
        "commitment.fulfilled" => &[
            ("commitment_id", true, Ref("commitment")),
            ("evidence", false, Evidence),
            ("amount", false, Amount),
        ],
        "commitment.disputed" | "commitment.breached" => {
            &[("commitment_id", true, Ref("commitment")), ("reason", true, Text)]
        }
        "commitment.waived" => &[
            ("commitment_id", true, Ref("commitment")),
            ("reason", true, Text),
            ("authority", true, Text),
        ],
        // Exactly one of target_id and task_id: checked with the rules.
        "incentive.scheme_set" => &[
            ("scheme_id", true, Id),
            ("target_id", false, Ref("target")),
            ("task_id", false, Ref("task")),
            ("total", true, Amount),
            ("shares", true, Shares),
            ("condition", true, OneOf(&["target_met", "task_passed"])),
        ],
        "incentive.paid" => &[
            ("payout_id", true, Id),
            ("scheme_id", true, Ref("scheme")),
            ("payee", true, Ref("entity")),
            ("role", true, Text),
            ("amount", true, Amount),
            ("from_account", false, Ref("account")),
            ("evidence", false, Evidence),
        ],
        "incentive.clawed_back" => &[
            ("payout_id", true, Ref("payout")),
            ("amount", true, Amount),
            ("reason", true, Text),
        ],
        "assessment.task_set" => &[
            ("task_id", true, Id),
            ("assignee", true, Ref("entity")),
            ("period", true, Period),
            ("group", true, Text),
            ("items", true, TaskItems),
            ("pass_score", true, Decimal),
            ("consequences", false, Consequences),
            ("basis", true, Text),
        ],
        "sanction.imposed" => &[
            ("sanction_id", true, Id),
            ("subject", true, Ref("entity")),
            ("kind", true, OneOf(SANCTION_KINDS)),
            ("task_id", false, Ref("task")),
            ("basis", true, Text),
            ("evidence", false, Evidence),
        ],
        "project.signed" => &[
            ("project_id", true, ProjectNew),
            ("host", true, Ref("entity")),
            ("investor", true, Ref("entity")),
            ("planned_investment", true, Amount),
            ("signed_on", true, Date),
            ("land", false, Land),
            ("basis", false, Text),
        ],
        "project.stage_reported" => &[
            ("project_id", true, Ref("project")),
            ("stage", true, OneOf(&["started", "producing", "stalled", "cancelled"])),
            ("as_of", true, Date),
            ("investment_in_place", false, Amount),
            ("evidence", false, Evidence),
        ],
        "event.voided" => &[("seq", true, Seq), ("reason", true, Text)],
        _ => return None,
    })
}

/// The kind of identifier an `Id` field defines, by type.
fn defined_kind(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "entity.registered" => "entity",
        "account.opened" => "account",
        "target.assigned" => "target",
        "fund.allocated" => "allocation",
        "fund.disbursed" => "disbursement",
        "commitment.made" => "commitment",
        "incentive.scheme_set" => "scheme",
        "incentive.paid" => "payout",
        "assessment.task_set" => "task",
        "sanction.imposed" => "sanction",
        "project.signed" => "project",
        _ => return None,
    })
}

// ----- lexical checks ----------------------------------------------------------------

fn is_ident(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
}

/// A non-negative decimal string with at most two fraction digits.
fn is_amount(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let int_ok = !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit()) && (int == "0" || !int.starts_with('0'));
    let frac_ok = frac.map_or(true, |f| {
        (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit())
    });
    int_ok && frac_ok
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
            (1..=12).contains(&m) && d >= 1 && d <= days[m as usize - 1]
        }
        _ => false,
    }
}

fn is_hex64(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

// ----- the checker ---------------------------------------------------------------------

#[derive(Default)]
struct Report {
    /// rule -> first few messages
    violations: BTreeMap<&'static str, Vec<String>>,
    counts: BTreeMap<String, u64>,
    checked: BTreeMap<&'static str, u64>,
    first_date: String,
    last_date: String,
}

impl Report {
    fn bad(&mut self, rule: &'static str, msg: String) {
        let v = self.violations.entry(rule).or_default();
        if v.len() < 5 {
            v.push(msg);
        }
    }
    fn ok(&mut self, rule: &'static str) {
        *self.checked.entry(rule).or_default() += 1;
    }
    fn assert_clean(&self, rules: &[&'static str]) {
        for r in rules {
            if let Some(v) = self.violations.get(r) {
                panic!("rule {r} violated: {v:#?}");
            }
            assert!(
                self.checked.get(r).copied().unwrap_or(0) > 0,
                "rule {r} was never exercised"
            );
        }
    }
}

#[derive(Default)]
struct Checker {
    r: Report,
    seq: u64,
    event_ids: HashSet<String>,
    /// kind -> id -> seq of its definition
    defs: HashMap<&'static str, HashMap<String, u64>>,
    entity_kind: HashMap<String, String>,
    entity_parent: HashMap<String, String>,
    task_assignee: HashMap<String, String>,
    /// Counting targets (assigned with `counts`).
    counting: HashSet<String>,
    /// project -> (host, investor)
    project_parties: HashMap<String, (String, String)>,
    account: HashMap<String, (String, Option<String>)>,
    target_assignee: HashMap<String, String>,
    disb_to: HashMap<String, String>,
    received: HashSet<String>,
    commitment: HashMap<String, (String, HashSet<String>)>,
    condition_ids: HashSet<String>,
    /// seq -> (type, actor)
    log: Vec<(String, String)>,
    voided: HashSet<u64>,
    referenced_seqs: HashSet<u64>,
    last_date: String,
}

impl Checker {
    fn resolve(&mut self, kind: &'static str, id: &str, field: &str) -> bool {
        match self.defs.get(kind).and_then(|m| m.get(id)) {
            Some(&s) => {
                self.referenced_seqs.insert(s);
                self.r.ok("references");
                true
            }
            None => {
                let msg = format!("seq {}: {field} names unknown {kind} {id:?}", self.seq);
                self.r.bad("references", msg);
                false
            }
        }
    }

    fn event(&mut self, ev: &Value) {
        let seq = self.seq;
        let Some(o) = ev.as_object() else {
            self.r.bad("envelope", format!("seq {seq}: not an object"));
            return;
        };
        for k in o.keys() {
            if !["type", "id", "actor", "occurred_at", "data"].contains(&k.as_str()) {
                self.r
                    .bad("no_unknown_fields", format!("seq {seq}: envelope field {k}"));
            }
        }
        let ty = o.get("type").and_then(Value::as_str).unwrap_or("").to_string();
        let actor = o.get("actor").and_then(Value::as_str).unwrap_or("").to_string();
        let data = o.get("data").and_then(Value::as_object).cloned().unwrap_or_default();
        *self.r.counts.entry(ty.clone()).or_default() += 1;

        // Client id.
        match o.get("id").and_then(Value::as_str) {
            Some(id) if is_ident(id) => {
                if self.event_ids.insert(id.to_string()) {
                    self.r.ok("unique_ids");
                } else {
                    self.r.bad("unique_ids", format!("seq {seq}: event id {id} repeated"));
                }
            }
            other => self.r.bad("id_syntax", format!("seq {seq}: event id {other:?}")),
        }

        // Business date.
        match o.get("occurred_at").and_then(Value::as_str) {
            Some(d) if is_date(d) => {
                if d < self.last_date.as_str() {
                    self.r
                        .bad("dates", format!("seq {seq}: occurred_at {d} before {}", self.last_date));
                }
                if self.r.first_date.is_empty() {
                    self.r.first_date = d.to_string();
                }
                self.last_date = d.to_string();
                self.r.ok("dates");
            }
            other => self.r.bad("dates", format!("seq {seq}: occurred_at {other:?}")),
        }

        // Founding rule and registered actors.
        if seq == 0 {
            if ty == "entity.registered" && data.get("entity_id").and_then(Value::as_str) == Some(actor.as_str()) {
                self.r.ok("founding");
            } else {
                self.r.bad("founding", format!("record 0 is {ty} by {actor}"));
            }
        } else if self.entity_kind.contains_key(&actor) {
            self.r.ok("actor_registered");
            if let Some(&s) = self.defs.get("entity").and_then(|m| m.get(&actor)) {
                self.referenced_seqs.insert(s);
            }
        } else {
            self.r
                .bad("actor_registered", format!("seq {seq}: actor {actor:?} not registered"));
        }

        // Fields against the schema.
        let Some(schema) = schema(&ty) else {
            self.r.bad("known_types", format!("seq {seq}: type {ty:?}"));
            return;
        };
        self.r.ok("known_types");
        for k in data.keys() {
            if !schema.iter().any(|(f, _, _)| f == k) {
                self.r
                    .bad("no_unknown_fields", format!("seq {seq}: {ty} has unknown field {k}"));
            }
        }
        self.r.ok("no_unknown_fields");
        // Definitions of this event are registered after its references are resolved.
        let mut define: Option<(&'static str, String)> = None;
        for &(field, required, shape) in schema {
            let Some(v) = data.get(field) else {
                if required {
                    self.r.bad("required_fields", format!("seq {seq}: {ty} lacks {field}"));
                }
                continue;
            };
            self.r.ok("required_fields");
            self.field(&ty, field, shape, v, &data, &mut define);
        }

        self.rules(&ty, &actor, &data);

        if let Some((kind, id)) = define {
            let m = self.defs.entry(kind).or_default();
            if m.insert(id.clone(), seq).is_some() {
                self.r
                    .bad("unique_ids", format!("seq {seq}: {kind} id {id} defined twice"));
            } else {
                self.r.ok("unique_ids");
            }
        }
        self.log.push((ty, actor));
        self.seq += 1;
    }

    fn amount_field(&mut self, ty: &str, field: &str, v: &Value) {
        match v {
            Value::String(s) if is_amount(s) => self.r.ok("amounts_are_strings"),
            _ => self
                .r
                .bad("amounts_are_strings", format!("seq {}: {ty}.{field} = {v}", self.seq)),
        }
    }

    fn field(
        &mut self,
        ty: &str,
        field: &str,
        shape: F,
        v: &Value,
        data: &Map<String, Value>,
        define: &mut Option<(&'static str, String)>,
    ) {
        let seq = self.seq;
        match shape {
            F::Id => match v.as_str() {
                Some(s) if is_ident(s) => {
                    *define = Some((defined_kind(ty).expect("defining type"), s.to_string()));
                    self.r.ok("id_syntax");
                }
                _ => self.r.bad("id_syntax", format!("seq {seq}: {ty}.{field} = {v}")),
            },
            F::Ref(kind) => match v.as_str() {
                Some(s) => {
                    self.resolve(kind, s, field);
                }
                None => self
                    .r
                    .bad("references", format!("seq {seq}: {ty}.{field} not a string")),
            },
            F::RefList(kind) => match v.as_array() {
                Some(items) if !items.is_empty() => {
                    for i in items {
                        let s = i.as_str().unwrap_or("");
                        self.resolve(kind, s, field);
                    }
                }
                _ => self.r.bad("references", format!("seq {seq}: {ty}.{field} not a list")),
            },
            F::Text => {
                if !v.as_str().is_some_and(|s| !s.is_empty()) {
                    self.r.bad("text", format!("seq {seq}: {ty}.{field} = {v}"));
                }
            }
            F::Amount | F::Decimal => self.amount_field(ty, field, v),
            F::Date => match v.as_str() {
                Some(s) if is_date(s) => {
                    self.r.ok("dates");
                    if s > self.last_date.as_str() {
                        self.r.bad(
                            "as_of_not_future",
                            format!("seq {seq}: {ty}.{field} {s} after occurred_at {}", self.last_date),
                        );
                    } else {
                        self.r.ok("as_of_not_future");
                    }
                }
                _ => self.r.bad("dates", format!("seq {seq}: {ty}.{field} = {v}")),
            },
            F::Period => self.period(ty, v),
            F::Seq => match v.as_u64() {
                Some(_) => self.r.ok("void_rules"),
                None => self.r.bad("void_rules", format!("seq {seq}: seq = {v}")),
            },
            F::OneOf(allowed) => {
                if !v.as_str().is_some_and(|s| allowed.contains(&s)) {
                    self.r.bad("enums", format!("seq {seq}: {ty}.{field} = {v}"));
                } else {
                    self.r.ok("enums");
                }
            }
            F::Evidence => {
                let ok = v.as_array().is_some_and(|items| {
                    !items.is_empty()
                        && items.iter().all(|i| {
                            i.as_object().is_some_and(|m| {
                                m.keys().all(|k| k == "ref" || k == "blake3")
                                    && m.get("ref").and_then(Value::as_str).is_some_and(|s| !s.is_empty())
                                    && m.get("blake3").map_or(true, |h| h.as_str().is_some_and(is_hex64))
                            })
                        })
                });
                if ok {
                    self.r.ok("nested_shapes");
                } else {
                    self.r.bad("nested_shapes", format!("seq {seq}: {ty}.evidence = {v}"));
                }
            }
            F::Responsible => {
                for i in v.as_array().cloned().unwrap_or_default() {
                    let m = i.as_object().cloned().unwrap_or_default();
                    if !m.keys().all(|k| k == "person" || k == "role")
                        || m.get("role").and_then(Value::as_str).is_none()
                    {
                        self.r.bad("nested_shapes", format!("seq {seq}: responsible {i}"));
                    }
                    let p = m.get("person").and_then(Value::as_str).unwrap_or("");
                    if self.resolve("entity", p, "responsible.person")
                        && self.entity_kind.get(p).map(String::as_str) != Some("person")
                    {
                        self.r
                            .bad("nested_shapes", format!("seq {seq}: responsible {p} is not a person"));
                    }
                }
            }
            F::Conditions => {
                for c in v.as_array().cloned().unwrap_or_default() {
                    let m = c.as_object().cloned().unwrap_or_default();
                    if !m
                        .keys()
                        .all(|k| ["condition_id", "text", "target_id"].contains(&k.as_str()))
                        || m.get("text").and_then(Value::as_str).is_none()
                    {
                        self.r.bad("nested_shapes", format!("seq {seq}: condition {c}"));
                    }
                    match m.get("condition_id").and_then(Value::as_str) {
                        Some(id) if is_ident(id) => {
                            if !self.condition_ids.insert(id.to_string()) {
                                self.r
                                    .bad("unique_ids", format!("seq {seq}: condition id {id} repeated"));
                            }
                        }
                        other => self.r.bad("id_syntax", format!("seq {seq}: condition id {other:?}")),
                    }
                    if let Some(t) = m.get("target_id").and_then(Value::as_str) {
                        self.resolve("target", t, "conditions.target_id");
                    }
                }
            }
            F::Shares => {
                let mut sum = 0.0;
                let mut ok = true;
                for s in v.as_array().cloned().unwrap_or_default() {
                    let m = s.as_object().cloned().unwrap_or_default();
                    ok &= m.keys().all(|k| k == "role" || k == "percent")
                        && m.get("role").and_then(Value::as_str).is_some();
                    match m.get("percent") {
                        Some(Value::String(p)) if is_amount(p) => sum += p.parse::<f64>().unwrap_or(0.0),
                        other => {
                            ok = false;
                            self.r
                                .bad("amounts_are_strings", format!("seq {seq}: percent {other:?}"));
                        }
                    }
                }
                if ok && (sum - 100.0).abs() < 1e-9 {
                    self.r.ok("shares_sum_100");
                } else {
                    self.r.bad("shares_sum_100", format!("seq {seq}: shares {v}"));
                }
            }
            F::TaskItems => {
                let items = v.as_array().cloned().unwrap_or_default();
                if items.is_empty() {
                    self.r.bad("task_items", format!("seq {seq}: {ty} without items"));
                }
                let mut seen = HashSet::new();
                for i in &items {
                    let m = i.as_object().cloned().unwrap_or_default();
                    if !m.keys().all(|k| ["target_id", "weight", "veto"].contains(&k.as_str()))
                        || m.get("veto").is_some_and(|b| b != &Value::Bool(true))
                    {
                        self.r.bad("nested_shapes", format!("seq {seq}: item {i}"));
                    }
                    let t = m.get("target_id").and_then(Value::as_str).unwrap_or("");
                    self.resolve("target", t, "items.target_id");
                    if !seen.insert(t.to_string()) {
                        self.r.bad("task_items", format!("seq {seq}: target {t} twice"));
                    }
                    match m.get("weight") {
                        Some(Value::String(w)) if is_amount(w) && w.parse::<f64>().unwrap_or(0.0) > 0.0 => {
                            self.r.ok("amounts_are_strings")
                        }
                        other => self.r.bad("task_items", format!("seq {seq}: weight {other:?}")),
                    }
                }
            }
            F::Consequences => {
                let m = v.as_object().cloned().unwrap_or_default();
                let kinds_ok = |k: Option<&Value>| {
                    k.and_then(Value::as_array).is_some_and(|a| {
                        !a.is_empty()
                            && a.iter()
                                .all(|x| x.as_str().is_some_and(|x| SANCTION_KINDS.contains(&x)))
                    })
                };
                let mut ok = m.keys().all(|k| k == "on_fail" || k == "on_consecutive_fail");
                if let Some(f) = m.get("on_fail") {
                    ok &= kinds_ok(Some(f));
                }
                if let Some(r) = m.get("on_consecutive_fail") {
                    let r = r.as_object().cloned().unwrap_or_default();
                    ok &= r.len() == 2
                        && r.get("count").and_then(Value::as_u64).is_some_and(|c| c >= 2)
                        && kinds_ok(r.get("kinds"));
                }
                if ok {
                    self.r.ok("nested_shapes");
                } else {
                    self.r.bad("nested_shapes", format!("seq {seq}: consequences {v}"));
                }
            }
            F::ProjectNew => match v.as_str() {
                Some(p) if is_ident(p) => {
                    if self.resolve("entity", p, field)
                        && self.entity_kind.get(p).map(String::as_str) != Some("project")
                    {
                        self.r
                            .bad("project_rules", format!("seq {seq}: {p} signed but is not a project"));
                    } else {
                        self.r.ok("project_rules");
                    }
                    *define = Some(("project", p.to_string()));
                }
                _ => self.r.bad("id_syntax", format!("seq {seq}: {ty}.{field} = {v}")),
            },
            F::Land => {
                let m = v.as_object().cloned().unwrap_or_default();
                let area = m.get("area_mu").and_then(Value::as_str).unwrap_or("");
                let ok = m.len() == 3
                    && m.get("parcel_id").and_then(Value::as_str).is_some_and(is_ident)
                    && is_amount(area)
                    && area.parse::<f64>().unwrap_or(0.0) > 0.0
                    && m.get("agreed_start").and_then(Value::as_str).is_some_and(is_date);
                if ok {
                    self.r.ok("nested_shapes");
                } else {
                    self.r.bad("nested_shapes", format!("seq {seq}: land {v}"));
                }
            }
            F::Counts => {
                let m = v.as_object().cloned().unwrap_or_default();
                let ok = m.keys().all(|k| k == "stage" || k == "min_investment")
                    && m.get("stage")
                        .and_then(Value::as_str)
                        .is_some_and(|s| ["signed", "started", "producing"].contains(&s))
                    && m.get("min_investment")
                        .map_or(true, |a| a.as_str().is_some_and(is_amount));
                if ok {
                    self.r.ok("nested_shapes");
                } else {
                    self.r.bad("nested_shapes", format!("seq {seq}: counts {v}"));
                }
            }
            F::Projects => {
                let items = v.as_array().cloned().unwrap_or_default();
                let mut seen = HashSet::new();
                for p in &items {
                    let p = p.as_str().unwrap_or("");
                    self.resolve("project", p, field);
                    if seen.insert(p.to_string()) {
                        self.r.ok("project_lists");
                    } else {
                        self.r.bad("project_lists", format!("seq {seq}: {p} listed twice"));
                    }
                }
                if items.is_empty() {
                    self.r.bad("project_lists", format!("seq {seq}: an empty list"));
                }
            }
            F::Due => {
                let conds: Vec<String> = data
                    .get("conditions")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| c.get("condition_id").and_then(Value::as_str).map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                let ok = match v {
                    Value::String(s) => is_date(s),
                    Value::Object(m) => {
                        let n_keys = m.contains_key("within_days") as u8 + m.contains_key("within_working_days") as u8;
                        let n_ok = m
                            .get("within_days")
                            .or(m.get("within_working_days"))
                            .and_then(Value::as_u64)
                            .is_some();
                        let after_ok = m
                            .get("after")
                            .and_then(Value::as_str)
                            .is_some_and(|a| conds.iter().any(|c| c == a));
                        m.len() == 2 && n_keys == 1 && n_ok && after_ok
                    }
                    _ => false,
                };
                if ok {
                    self.r.ok("due");
                } else {
                    self.r
                        .bad("due", format!("seq {seq}: due {v} with conditions {conds:?}"));
                }
            }
        }
    }

    fn period(&mut self, ty: &str, v: &Value) {
        let m = v.as_object().cloned().unwrap_or_default();
        let from = m.get("from").and_then(Value::as_str).unwrap_or("");
        let to = m.get("to").and_then(Value::as_str).unwrap_or("");
        if m.len() == 2 && is_date(from) && is_date(to) && from <= to {
            self.r.ok("periods");
        } else {
            self.r.bad("periods", format!("seq {}: {ty}.period {v}", self.seq));
        }
    }

    /// The actor and cross-record rules of section 2.
    fn rules(&mut self, ty: &str, actor: &str, d: &Map<String, Value>) {
        let seq = self.seq;
        let s = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        match ty {
            "entity.registered" => {
                self.entity_kind.insert(s("entity_id"), s("kind"));
                if let Some(p) = d.get("parent").and_then(Value::as_str) {
                    self.entity_parent.insert(s("entity_id"), p.to_string());
                }
            }
            "incentive.scheme_set" => match (d.get("target_id"), d.get("task_id"), s("condition").as_str()) {
                (Some(_), None, "target_met") | (None, Some(_), "task_passed") => self.r.ok("scheme_rewards_one"),
                _ => self.r.bad(
                    "scheme_rewards_one",
                    format!(
                        "seq {seq}: scheme on target {:?} / task {:?}",
                        d.get("target_id"),
                        d.get("task_id")
                    ),
                ),
            },
            "assessment.task_set" => {
                let assignee = s("assignee");
                if self.at_or_below(actor, &assignee) {
                    self.r.bad(
                        "assessed_by_another",
                        format!("seq {seq}: task of {assignee} set by {actor}"),
                    );
                } else {
                    self.r.ok("assessed_by_another");
                }
                let items = d.get("items").and_then(Value::as_array).cloned().unwrap_or_default();
                let mut total = 0.0;
                for i in &items {
                    let t = i.get("target_id").and_then(Value::as_str).unwrap_or("");
                    let owner = self.target_assignee.get(t).cloned().unwrap_or_default();
                    if self.at_or_below(&owner, &assignee) {
                        self.r.ok("task_items");
                    } else {
                        self.r.bad(
                            "task_items",
                            format!("seq {seq}: target {t} of {owner} in a task of {assignee}"),
                        );
                    }
                    total += i
                        .get("weight")
                        .and_then(Value::as_str)
                        .and_then(|w| w.parse::<f64>().ok())
                        .unwrap_or(0.0);
                }
                let pass = s("pass_score").parse::<f64>().unwrap_or(0.0);
                if !(pass > 0.0 && pass <= total) {
                    self.r
                        .bad("task_items", format!("seq {seq}: pass score {pass} of {total} points"));
                }
                self.task_assignee.insert(s("task_id"), assignee);
            }
            "sanction.imposed" => {
                let subject = s("subject");
                let assessed = d
                    .get("task_id")
                    .and_then(Value::as_str)
                    .and_then(|t| self.task_assignee.get(t))
                    .cloned();
                if self.at_or_below(actor, &subject) || assessed.is_some_and(|a| self.at_or_below(actor, &a)) {
                    self.r.bad(
                        "sanctioned_by_another",
                        format!("seq {seq}: sanction on {subject} by {actor}"),
                    );
                } else {
                    self.r.ok("sanctioned_by_another");
                }
            }
            "account.opened" => {
                let earmark = d.get("earmark").and_then(Value::as_str).map(String::from);
                self.account.insert(s("account_id"), (s("holder"), earmark));
            }
            "target.assigned" => {
                self.target_assignee.insert(s("target_id"), s("assignee"));
                if d.contains_key("counts") {
                    if s("unit") == "count" {
                        self.r.ok("counting_targets");
                    } else {
                        self.r
                            .bad("counting_targets", format!("seq {seq}: counts with unit {}", s("unit")));
                    }
                    self.counting.insert(s("target_id"));
                }
            }
            "project.signed" => {
                let (host, investor) = (s("host"), s("investor"));
                let by_host = actor == host
                    || (self.entity_kind.get(actor).map(String::as_str) == Some("department")
                        && self.entity_parent.get(actor) == Some(&host));
                let host_kind = self.entity_kind.get(&host).map(String::as_str).unwrap_or("");
                let investor_kind = self.entity_kind.get(&investor).map(String::as_str);
                if by_host
                    && ["park", "county", "department"].contains(&host_kind)
                    && investor_kind == Some("enterprise")
                {
                    self.r.ok("project_rules");
                } else {
                    self.r.bad(
                        "project_rules",
                        format!("seq {seq}: {} signed by {actor} for host {host} ({host_kind}), investor {investor} ({investor_kind:?})", s("project_id")),
                    );
                }
                self.project_parties.insert(s("project_id"), (host, investor));
            }
            "project.stage_reported" => {
                let parties = self.project_parties.get(&s("project_id")).cloned().unwrap_or_default();
                let by_auditor = self.entity_kind.get(actor).map(String::as_str) == Some("auditor");
                if by_auditor || actor == parties.0 || actor == parties.1 {
                    self.r.ok("project_rules");
                } else {
                    self.r.bad(
                        "project_rules",
                        format!(
                            "seq {seq}: stage of {} reported by {actor}, parties {parties:?}",
                            s("project_id")
                        ),
                    );
                }
            }
            "target.progress_reported" | "target.verified"
                if d.contains_key("projects") && !self.counting.contains(&s("target_id")) =>
            {
                self.r.bad(
                    "counting_targets",
                    format!("seq {seq}: projects listed for {}, which counts none", s("target_id")),
                );
            }
            "target.progress_reported" => {
                if self.target_assignee.get(&s("target_id")).map(String::as_str) == Some(actor) {
                    self.r.ok("progress_by_assignee");
                } else {
                    self.r.bad(
                        "progress_by_assignee",
                        format!("seq {seq}: progress on {} by {actor}", s("target_id")),
                    );
                }
            }
            "target.verified" => match self.target_assignee.get(&s("target_id")) {
                Some(a) if a != actor => self.r.ok("verified_by_non_assignee"),
                _ => self.r.bad(
                    "verified_by_non_assignee",
                    format!("seq {seq}: {} verified by {actor}", s("target_id")),
                ),
            },
            "fund.disbursed" => {
                self.disb_to.insert(s("disbursement_id"), s("to_account"));
                if let Some((_, Some(earmark))) = self.account.get(&s("from_account")) {
                    if d.get("category").and_then(Value::as_str) == Some(earmark.as_str()) {
                        self.r.ok("earmark_category");
                    } else {
                        self.r.bad(
                            "earmark_category",
                            format!(
                                "seq {seq}: from earmarked {} with category {:?}",
                                s("from_account"),
                                d.get("category")
                            ),
                        );
                    }
                }
            }
            "fund.received" => {
                let holder = self
                    .disb_to
                    .get(&s("disbursement_id"))
                    .and_then(|a| self.account.get(a))
                    .map(|(h, _)| h.clone());
                if !self.received.insert(s("disbursement_id")) {
                    self.r.bad(
                        "received_by_holder",
                        format!("seq {seq}: {} received twice", s("disbursement_id")),
                    );
                }
                if holder.as_deref() == Some(actor) {
                    self.r.ok("received_by_holder");
                } else {
                    self.r.bad(
                        "received_by_holder",
                        format!("seq {seq}: receipt by {actor}, holder {holder:?}"),
                    );
                }
            }
            "commitment.made" => {
                let conds = d
                    .get("conditions")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|c| c.get("condition_id").and_then(Value::as_str).map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                self.commitment.insert(s("commitment_id"), (s("beneficiary"), conds));
            }
            "commitment.condition_met" => match self.commitment.get(&s("commitment_id")) {
                Some((_, conds)) if conds.contains(&s("condition_id")) => self.r.ok("condition_ids"),
                _ => self.r.bad(
                    "condition_ids",
                    format!("seq {seq}: condition {} of {}", s("condition_id"), s("commitment_id")),
                ),
            },
            "commitment.disputed" => match self.commitment.get(&s("commitment_id")) {
                Some((b, _)) if b == actor => self.r.ok("disputed_by_beneficiary"),
                _ => self
                    .r
                    .bad("disputed_by_beneficiary", format!("seq {seq}: dispute by {actor}")),
            },
            "commitment.breached" => {
                if self.entity_kind.get(actor).map(String::as_str) == Some("auditor") {
                    self.r.ok("breached_by_auditor");
                } else {
                    self.r
                        .bad("breached_by_auditor", format!("seq {seq}: breach by {actor}"));
                }
            }
            "event.voided" => {
                let target = d.get("seq").and_then(Value::as_u64).unwrap_or(u64::MAX);
                let Some((vty, vactor)) = self.log.get(target as usize).cloned() else {
                    self.r
                        .bad("void_rules", format!("seq {seq}: voids future or unknown seq {target}"));
                    return;
                };
                let by_auditor = self.entity_kind.get(actor).map(String::as_str) == Some("auditor");
                if !(by_auditor || vactor == actor) {
                    self.r.bad(
                        "void_rules",
                        format!("seq {seq}: {actor} voids {target} recorded by {vactor}"),
                    );
                }
                if ["event.voided", "entity.registered", "account.opened"].contains(&vty.as_str()) {
                    self.r.bad("void_rules", format!("seq {seq}: voids a {vty}"));
                }
                if !self.voided.insert(target) {
                    self.r.bad("void_rules", format!("seq {seq}: voids {target} again"));
                }
                self.r.ok("void_rules");
            }
            _ => {}
        }
    }

    /// Is `who` the entity `of` or below it (through `parent`)?
    fn at_or_below(&self, who: &str, of: &str) -> bool {
        let mut e = who;
        for _ in 0..64 {
            if e == of {
                return true;
            }
            match self.entity_parent.get(e) {
                Some(p) => e = p,
                None => return false,
            }
        }
        false
    }

    fn finish(mut self) -> Report {
        for s in &self.voided {
            if self.referenced_seqs.contains(s) {
                self.r.bad(
                    "void_rules",
                    format!("voided seq {s} defines something that is referenced"),
                );
            }
        }
        self.r.last_date = self.last_date;
        self.r
    }
}

/// Every JSON number in an event sits under a key where the contract wants a count.
fn numbers_only_where_counts(v: &Value, key: &str, bad: &mut Vec<String>) {
    match v {
        Value::Number(_) if !["seq", "within_days", "within_working_days", "count"].contains(&key) => {
            bad.push(format!("number under {key}: {v}"));
        }
        Value::Array(a) => a.iter().for_each(|x| numbers_only_where_counts(x, key, bad)),
        Value::Object(m) => m.iter().for_each(|(k, x)| numbers_only_where_counts(x, k, bad)),
        _ => {}
    }
}

fn check(seed: u64, n: usize) -> Report {
    let mut c = Checker::default();
    let mut numbers = Vec::new();
    for ev in Generator::new(seed).take(n) {
        numbers_only_where_counts(&ev, "", &mut numbers);
        c.event(&ev);
    }
    let mut r = c.finish();
    if !numbers.is_empty() {
        r.violations
            .insert("no_json_numbers", numbers.into_iter().take(5).collect());
    }
    r.ok("no_json_numbers");
    r
}

fn report() -> &'static Report {
    static R: OnceLock<Report> = OnceLock::new();
    R.get_or_init(|| check(SEED, N))
}

/// The whole benchmark-sized stream: `cargo test --release -p pledger-gen -- --ignored`.
#[test]
#[ignore = "slow in debug builds; run with --release -- --ignored"]
fn a_million_events_are_valid() {
    let r = check(1, 1_000_000);
    assert!(r.violations.is_empty(), "{:#?}", r.violations);
    assert!(r.last_date.starts_with("2030-12"), "{}", r.last_date);
    let total: u64 = r.counts.values().sum();
    for (t, n) in &r.counts {
        println!("{t:28} {n:8} {:6.2}%", 100.0 * *n as f64 / total as f64);
    }
}

// ----- the tests -----------------------------------------------------------------------

#[test]
fn same_seed_same_events() {
    let a: Vec<Value> = Generator::new(99).take(30_000).collect();
    let b: Vec<Value> = Generator::new(99).take(30_000).collect();
    assert_eq!(a, b);
    let c: Vec<Value> = Generator::new(100).take(30_000).collect();
    assert_ne!(a, c, "another seed gives another stream");
    let lines: Vec<String> = ndjson_lines(99, 2_000).collect();
    for (l, v) in lines.iter().zip(&a) {
        assert!(!l.contains('\n'));
        assert_eq!(&serde_json::from_str::<Value>(l).unwrap(), v);
    }
}

#[test]
fn founding_record() {
    report().assert_clean(&["founding", "actor_registered"]);
    let first = Generator::new(SEED).next().unwrap();
    assert_eq!(first["type"], "entity.registered");
    assert_eq!(first["actor"], first["data"]["entity_id"]);
    assert_eq!(first["data"]["kind"], "government");
}

#[test]
fn ids_are_unique_and_well_formed() {
    report().assert_clean(&["unique_ids", "id_syntax"]);
}

#[test]
fn every_reference_resolves_to_an_earlier_definition() {
    report().assert_clean(&["references", "condition_ids", "due"]);
}

#[test]
fn amounts_are_decimal_strings_never_numbers() {
    report().assert_clean(&["amounts_are_strings", "no_json_numbers"]);
}

#[test]
fn verified_by_someone_other_than_the_assignee() {
    report().assert_clean(&["verified_by_non_assignee", "progress_by_assignee"]);
}

#[test]
fn actor_rules() {
    report().assert_clean(&[
        "received_by_holder",
        "disputed_by_beneficiary",
        "breached_by_auditor",
        "void_rules",
        "assessed_by_another",
        "sanctioned_by_another",
    ]);
}

/// Yearly tasks (2.1): one per park and bureau a year over its own targets,
/// rewards on some of them, sanctions a small share of the stream.
#[test]
fn yearly_tasks_bundle_the_units_own_targets() {
    let r = report();
    r.assert_clean(&["task_items", "scheme_rewards_one"]);
    let n = |t: &str| r.counts.get(t).copied().unwrap_or(0);
    // 200,000 events: the plans of 2006–2011 (2011's made in December
    // 2010), each for 9 parks and 10 bureaus.
    assert_eq!(n("assessment.task_set"), 6 * 19, "{:?}", r.counts);
    let sanctions = n("sanction.imposed");
    assert!(sanctions > 0 && sanctions < n("assessment.task_set") * 2, "{sanctions}");
    let tasks_and_sanctions = (n("assessment.task_set") + sanctions) as f64 / N as f64;
    assert!(
        tasks_and_sanctions < 0.002,
        "tasks are a small share: {tasks_and_sanctions}"
    );
}

/// Projects (2.2): each a registered project entity signed once by its
/// host park for an enterprise, its stages reported by the park, the
/// investor or an auditor; `counts` only with unit `count`, and `projects`
/// lists (signed projects, none twice) only on counting targets. At the
/// default pace about one event in a hundred is a signing.
#[test]
fn projects_are_signed_by_their_hosts_and_listed_on_counting_targets() {
    let r = report();
    r.assert_clean(&["project_rules", "project_lists", "counting_targets"]);
    let n = |t: &str| r.counts.get(t).copied().unwrap_or(0);
    let signed = n("project.signed");
    assert!((N as u64 / 120..N as u64 / 80).contains(&signed), "{signed} signings");
    let stages = n("project.stage_reported");
    assert!(stages > signed && stages < 3 * signed, "{stages} stage reports");
}

/// The benchmark's pace, 100,000 projects in a million events: a tenth of
/// the events are signings, and the stream is as valid as at the default.
#[test]
fn a_hundred_thousand_projects_fit_in_a_million_events() {
    let pace = Pace::new(DEFAULT_EVENTS_PER_YEAR).projects_per_year(4_000);
    let mut c = Checker::default();
    let n = 50_000;
    for ev in Generator::with_pace(3, pace).take(n) {
        c.event(&ev);
    }
    let r = c.finish();
    assert!(r.violations.is_empty(), "{:#?}", r.violations);
    let signed = r.counts.get("project.signed").copied().unwrap_or(0);
    assert!((4_500..5_500).contains(&signed), "{signed} signings in {n} events");
}

#[test]
fn shapes_and_fields() {
    report().assert_clean(&[
        "known_types",
        "no_unknown_fields",
        "required_fields",
        "enums",
        "nested_shapes",
        "periods",
        "dates",
        "as_of_not_future",
        "shares_sum_100",
        "earmark_category",
    ]);
    assert!(
        !report().violations.contains_key("text"),
        "{:?}",
        report().violations.get("text")
    );
    assert!(!report().violations.contains_key("envelope"));
}

#[test]
fn every_event_type_occurs_and_flows_dominate() {
    let r = report();
    let all = [
        "entity.registered",
        "account.opened",
        "target.assigned",
        "target.revised",
        "target.progress_reported",
        "target.verified",
        "fund.allocated",
        "fund.disbursed",
        "fund.received",
        "commitment.made",
        "commitment.condition_met",
        "commitment.fulfilled",
        "commitment.disputed",
        "commitment.breached",
        "commitment.waived",
        "incentive.scheme_set",
        "incentive.paid",
        "incentive.clawed_back",
        "assessment.task_set",
        "sanction.imposed",
        "project.signed",
        "project.stage_reported",
        "event.voided",
    ];
    for t in all {
        assert!(
            r.counts.get(t).copied().unwrap_or(0) > 0,
            "{t} never generated: {:?}",
            r.counts
        );
    }
    let n = |t: &str| r.counts.get(t).copied().unwrap_or(0);
    let flows = n("fund.disbursed") + n("fund.received") + n("target.progress_reported");
    assert!(
        flows * 2 > N as u64,
        "fund flows and progress should dominate: {:?}",
        r.counts
    );
    let voids = n("event.voided") as f64 / N as f64;
    assert!((0.0003..0.003).contains(&voids), "voids are rare: {voids}");
    // Names carry Chinese text.
    let first = Generator::new(SEED).next().unwrap();
    assert!(!first["data"]["name"].as_str().unwrap().is_ascii());
}

#[test]
fn years_progress_with_the_stream() {
    let r = report();
    assert!(r.first_date.starts_with("2006-01"), "{}", r.first_date);
    // 200k events at 40k a year: about five years.
    assert!(
        r.last_date.starts_with("2010-") || r.last_date.starts_with("2011-01"),
        "{}",
        r.last_date
    );

    // At a faster pace, a short stream covers the whole 2006–2030 span.
    let last = Generator::with_events_per_year(3, 4_000).take(100_000).last().unwrap();
    let d = last["occurred_at"].as_str().unwrap();
    assert!(d.starts_with("2030-12"), "{d}");
}

/// The checker is only worth its passes if it fails on bad input: tamper with
/// a generated stream in the ways the contract forbids and expect each rule
/// to notice.
#[test]
fn checker_catches_tampering() {
    // A year and a half at a quick pace: stage reports and counting claims
    // included.
    let events: Vec<Value> = Generator::with_events_per_year(5, 2_000).take(3_000).collect();
    let find = |ty: &str| {
        events
            .iter()
            .position(|e| e["type"] == ty)
            .unwrap_or_else(|| panic!("no {ty}"))
    };
    let run = |evs: &[Value]| {
        let mut c = Checker::default();
        let mut numbers = Vec::new();
        for e in evs {
            numbers_only_where_counts(e, "", &mut numbers);
            c.event(e);
        }
        let mut r = c.finish();
        if !numbers.is_empty() {
            r.violations.insert("no_json_numbers", numbers);
        }
        r
    };
    assert!(run(&events).violations.is_empty(), "{:#?}", run(&events).violations);

    type Tamper = Box<dyn Fn(&mut Vec<Value>)>;
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "founding",
            Box::new(|e: &mut Vec<Value>| e[0]["actor"] = "someone".into()),
        ),
        (
            "unique_ids",
            Box::new(|e: &mut Vec<Value>| e[5]["id"] = e[4]["id"].clone()),
        ),
        (
            "id_syntax",
            Box::new(|e: &mut Vec<Value>| e[3]["id"] = "bad id with spaces".into()),
        ),
        ("references", {
            let i = find("fund.disbursed");
            Box::new(move |e: &mut Vec<Value>| e[i]["data"]["to_account"] = "nowhere".into())
        }),
        ("no_json_numbers", {
            let i = find("fund.disbursed");
            Box::new(move |e: &mut Vec<Value>| e[i]["data"]["amount"] = 100.into())
        }),
        ("amounts_are_strings", {
            let i = find("fund.disbursed");
            Box::new(move |e: &mut Vec<Value>| e[i]["data"]["amount"] = "1.005".into())
        }),
        ("verified_by_non_assignee", {
            let i = find("target.verified");
            let t = events[i]["data"]["target_id"].clone();
            let a = events
                .iter()
                .find(|e| e["type"] == "target.assigned" && e["data"]["target_id"] == t)
                .unwrap()["data"]["assignee"]
                .clone();
            Box::new(move |e: &mut Vec<Value>| e[i]["actor"] = a.clone())
        }),
        ("received_by_holder", {
            let i = find("fund.received");
            Box::new(move |e: &mut Vec<Value>| e[i]["actor"] = "changde-gov".into())
        }),
        ("no_unknown_fields", {
            let i = find("target.assigned");
            Box::new(move |e: &mut Vec<Value>| e[i]["data"]["colour"] = "red".into())
        }),
        (
            "dates",
            Box::new(|e: &mut Vec<Value>| e[10]["occurred_at"] = "2005-12-31".into()),
        ),
        ("project_rules", {
            let i = find("project.stage_reported");
            Box::new(move |e: &mut Vec<Value>| e[i]["actor"] = "city-finance".into())
        }),
        ("project_rules", {
            let i = find("project.signed");
            Box::new(move |e: &mut Vec<Value>| e[i]["actor"] = "changde-gov".into())
        }),
        ("counting_targets", {
            let i = events
                .iter()
                .position(|e| e["type"] == "target.progress_reported" && e["data"]["projects"].is_null())
                .unwrap();
            Box::new(move |e: &mut Vec<Value>| e[i]["data"]["projects"] = Value::Array(Vec::new()))
        }),
        ("project_lists", {
            let i = events
                .iter()
                .position(|e| e["data"]["projects"].as_array().is_some_and(|l| !l.is_empty()))
                .expect("a counting claim or verification listing projects");
            Box::new(move |e: &mut Vec<Value>| {
                let first = e[i]["data"]["projects"][0].clone();
                e[i]["data"]["projects"].as_array_mut().unwrap().push(first);
            })
        }),
    ];
    for (rule, tamper) in cases {
        let mut evs = events.clone();
        tamper(&mut evs);
        let r = run(&evs);
        assert!(
            r.violations.contains_key(rule),
            "tampering for {rule} went unnoticed: {:#?}",
            r.violations
        );
    }
}
