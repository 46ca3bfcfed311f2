//! What each route answers with, for `/openapi.json`: the content type and
//! JSON Schema of its success answer, and the named schemas they share.
//!
//! Kept beside the route table rather than in it, so a route's entry stays
//! a line about who may call it and what it means. A schema lists the
//! members an answer always has (`required`) and their types; answers may
//! carry members not listed (the formats add members, never take them
//! away), so no schema closes its objects. `tests/openapi.rs` checks every
//! GET route's real answer on the demo ledger against the schema here.

use serde_json::{json, Map, Value};

/// A route's success answer as the document describes it.
pub struct Answer {
    pub content_type: &'static str,
    pub schema: Value,
    /// Whether the answer carries the `Pledger-Log-Position` header (the
    /// views built from the log's facts, `views.rs`).
    pub log_position: bool,
}

fn json_answer(schema: Value) -> Option<Answer> {
    Some(Answer {
        content_type: "application/json",
        schema,
        log_position: false,
    })
}

fn view(schema: Value) -> Option<Answer> {
    Some(Answer {
        content_type: "application/json",
        schema,
        log_position: true,
    })
}

fn text(content_type: &'static str) -> Option<Answer> {
    Some(Answer {
        content_type,
        schema: json!({"type": "string"}),
        log_position: false,
    })
}

fn string() -> Value {
    json!({"type": "string"})
}

fn integer() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn boolean() -> Value {
    json!({"type": "boolean"})
}

/// A string or null: an optional member the answer writes as `null`.
fn nullable(kind: &str) -> Value {
    json!({"type": [kind, "null"]})
}

fn array(items: Value) -> Value {
    json!({"type": "array", "items": items})
}

fn named(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// An object whose listed members are all required.
fn object(members: &[(&str, Value)]) -> Value {
    object_with(members, &[])
}

/// An object with required members and optional ones (absent when empty
/// or not applicable).
fn object_with(required: &[(&str, Value)], optional: &[(&str, Value)]) -> Value {
    let properties: Map<String, Value> = required
        .iter()
        .chain(optional)
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let names: Vec<&str> = required.iter().map(|(k, _)| *k).collect();
    json!({"type": "object", "required": names, "properties": properties})
}

/// The members every dated view answer carries: the date it was judged
/// at and the scope it answers for (docs/http.md).
fn dated(required: &[(&str, Value)]) -> Value {
    let mut all = required.to_vec();
    all.push(("judged_at", date()));
    object_with(&all, &[("as_of", date()), ("at_seq", integer())])
}

/// The success answer of `method path` (the route table's path), or
/// `None` for a route answering only errors. `asset_type`: the content
/// type of a console asset documented as its own path.
pub fn success(method: &str, path: &str, asset_type: Option<&'static str>) -> Option<Answer> {
    if let Some(ctype) = asset_type {
        return text(ctype);
    }
    match (method, path) {
        ("post", "/v1/events") => json_answer(object(&[(
            "receipts",
            array(object(&[("seq", integer()), ("hash", string())])),
        )])),
        ("get", "/v1/events") => json_answer(object_with(
            &[("records", array(named("Record")))],
            &[("next_from", integer())],
        )),
        ("get", "/v1/events/{seq}") => json_answer(named("Record")),
        ("get", "/v1/event-fields") => json_answer(object(&[(
            "types",
            json!({"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}}),
        )])),
        ("get", "/v1/targets") => view(dated(&[
            ("targets", array(named("Target"))),
            ("miss_runs", array(miss_run())),
            ("past_miss_runs", array(miss_run())),
        ])),
        ("get", "/v1/targets/{id}") => view(with_judged_at(named("Target"))),
        ("get", "/v1/funds/accounts") => view(dated(&[
            (
                "accounts",
                array(object(&[
                    ("account_id", string()),
                    ("holder", nullable("string")),
                    ("name", nullable("string")),
                    ("kind", string()),
                    ("ceiling", nullable_amount()),
                    ("earmark", nullable("string")),
                    ("allocated_in", amount()),
                    ("allocated_out", amount()),
                    ("disbursed_in", amount()),
                    ("disbursed_out", amount()),
                    ("received", amount()),
                    ("unconfirmed", amount()),
                    ("balance", amount()),
                ])),
            ),
            (
                "allocations",
                array(object(&[
                    ("allocation_id", string()),
                    ("from_account", string()),
                    ("to_account", string()),
                    ("amount", amount()),
                    ("disbursed", amount()),
                    ("left", amount()),
                    ("purpose", string()),
                ])),
            ),
        ])),
        // A trace does not depend on the date: no judged_at (views.rs, `undated`).
        ("get", "/v1/funds/accounts/{id}/trace") => view(object(&[
            ("account_id", string()),
            ("direction", json!({"enum": ["down", "up"]})),
            ("total", amount()),
            (
                "flows",
                array(object(&[
                    ("account_id", string()),
                    ("amount", amount()),
                    ("end", string()),
                    ("kind", string()),
                    ("path", array(string())),
                ])),
            ),
        ])),
        ("get", "/v1/funds/disbursements") => view(dated(&[
            (
                "disbursements",
                array(object(&[
                    ("seq", integer()),
                    ("date", date()),
                    ("disbursement_id", string()),
                    ("from_account", string()),
                    ("to_account", string()),
                    ("amount", amount()),
                    (
                        "kind",
                        json!({"enum": ["transfer", "expenditure", "repayment", "interest"]}),
                    ),
                    ("category", nullable("string")),
                    ("purpose", string()),
                    ("allocation_id", nullable("string")),
                    ("commitment_id", nullable("string")),
                    ("received", boolean()),
                ])),
            ),
            ("total", integer()),
            ("next_from", nullable("integer")),
        ])),
        ("get", "/v1/commitments") => view(dated(&[("commitments", array(named("Commitment")))])),
        ("get", "/v1/commitments/{id}") => view(with_judged_at(named("Commitment"))),
        ("get", "/v1/incentives") => view(dated(&[
            (
                "schemes",
                array(object(&[
                    ("scheme_id", string()),
                    ("target_id", nullable("string")),
                    ("task_id", nullable("string")),
                    ("target_status", nullable("string")),
                    ("task_status", nullable("string")),
                    ("total", amount()),
                    ("paid", amount()),
                    (
                        "roles",
                        array(object(&[
                            ("role", string()),
                            ("percent", string()),
                            ("share", amount()),
                            ("paid", amount()),
                            ("in_scheme", boolean()),
                        ])),
                    ),
                ])),
            ),
            (
                "payouts",
                array(object(&[
                    ("payout_id", string()),
                    ("scheme_id", string()),
                    ("payee", string()),
                    ("role", string()),
                    ("amount", amount()),
                    ("clawed_back", amount()),
                    ("paid_on", date()),
                    ("target_met", boolean()),
                    ("target_status_when_paid", nullable("string")),
                    ("task_status_when_paid", nullable("string")),
                ])),
            ),
        ])),
        ("get", "/v1/assessment") => view(dated(&[
            ("tasks", array(named("Task"))),
            (
                "runs",
                array(object(&[
                    ("assignee", string()),
                    ("assignee_name", nullable("string")),
                    ("consecutive_failed", integer()),
                    ("task_ids", array(string())),
                ])),
            ),
            (
                "sanctions",
                array(object(&[
                    ("sanction_id", string()),
                    ("seq", integer()),
                    ("subject", string()),
                    ("kind", string()),
                    ("basis", string()),
                    ("imposed_on", date()),
                    ("task_id", nullable("string")),
                    ("task_status_then", nullable("string")),
                ])),
            ),
        ])),
        ("get", "/v1/assessment/{task_id}") => view(with_judged_at(named("Task"))),
        ("get", "/v1/projects") => view(dated(&[("projects", array(named("Project")))])),
        ("get", "/v1/projects/{id}") => view(with_judged_at(named("Project"))),
        ("get", "/v1/findings") => view(dated(&[("findings", array(named("Finding")))])),
        ("get", "/v1/findings/changes") => {
            let changed = json!({"allOf": [
                named("Finding"),
                object(&[(
                    "changed_by",
                    array(object(&[
                        ("seq", integer()),
                        ("type", string()),
                        ("actor", string()),
                        ("occurred_at", string()),
                    ])),
                )]),
            ]});
            view(dated(&[
                ("from_seq", integer()),
                ("to_seq", integer()),
                ("raised", array(changed.clone())),
                ("resolved", array(changed)),
            ]))
        }
        ("get", "/v1/finding-codes") => json_answer(object(&[(
            "codes",
            array(object(&[
                ("code", string()),
                ("severity", json!({"type": "integer", "minimum": 1, "maximum": 3})),
                ("label", object(&[("en", string()), ("zh-CN", string())])),
                ("version", integer()),
            ])),
        )])),
        ("get", "/v1/claims/targets/{id}") => view(dated(&[
            ("target_id", string()),
            ("claim", string()),
            ("verdict", json!({"enum": ["supported", "contradicted", "unsupported"]})),
            ("status", string()),
            ("deciding_seqs", array(integer())),
            ("reason", string()),
            (
                "evidence",
                object(&[
                    ("checkpoint", string()),
                    ("checkpoint_size", integer()),
                    ("checkpoint_root", hex()),
                    ("key", string()),
                    ("signed_new_checkpoint", boolean()),
                    (
                        "records",
                        array(object(&[
                            ("seq", integer()),
                            ("record", named("Record")),
                            ("inclusion", named("InclusionProof")),
                        ])),
                    ),
                ]),
            ),
        ])),
        ("get", "/v1/checkpoint") => json_answer(object(&[
            ("size", integer()),
            ("root", hex()),
            ("origin", string()),
            ("text", string()),
            ("key", string()),
        ])),
        ("get", "/v1/proofs/inclusion") => json_answer(named("InclusionProof")),
        ("get", "/v1/proofs/consistency") => json_answer(object(&[
            ("from", integer()),
            ("to", integer()),
            ("from_root", hex()),
            ("to_root", hex()),
            ("path", array(hex())),
        ])),
        ("get", "/v1/stream") => text("text/event-stream"),
        ("get", "/v1/entities") => view(dated(&[(
            "entities",
            array(object(&[
                ("entity_id", string()),
                ("kind", string()),
                ("name", string()),
                ("parent", nullable("string")),
                ("has_public_key", boolean()),
                ("seq", integer()),
            ])),
        )])),
        ("get", "/v1/whoami") => json_answer(object(&[
            ("entity", string()),
            ("kind", nullable("string")),
            ("name", nullable("string")),
            ("parent", nullable("string")),
            ("roles", array(string())),
            ("has_public_key", boolean()),
            ("public_key", nullable("string")),
            ("event_types", array(string())),
        ])),
        ("post", "/v1/tokens") => json_answer(object(&[
            ("id", string()),
            ("entity", string()),
            ("roles", array(string())),
            ("token", string()),
        ])),
        ("get", "/v1/tokens") => json_answer(object(&[(
            "tokens",
            array(object(&[
                ("id", string()),
                ("entity", string()),
                ("roles", array(string())),
                ("created_at", string()),
                ("revoked_at", nullable("string")),
            ])),
        )])),
        ("delete", "/v1/tokens/{id}") => json_answer(object(&[
            ("id", string()),
            ("entity", string()),
            ("revoked_at", string()),
        ])),
        ("get", "/healthz") => json_answer(object(&[
            ("status", string()),
            ("records", integer()),
            ("role", json!({"type": "string", "enum": ["writer", "follower"]})),
            ("head", object(&[("size", integer()), ("hash", hex())])),
            ("lag", integer()),
            ("writer", nullable("string")),
            ("backend", json!({"type": "string", "enum": ["sled", "postgres"]})),
        ])),
        ("get", "/metrics") => text("text/plain; version=0.0.4"),
        ("get", "/openapi.json") => json_answer(object(&[
            ("openapi", string()),
            ("info", object(&[("title", string()), ("version", string())])),
            ("paths", json!({"type": "object"})),
        ])),
        ("get", "/") => text("text/html"),
        ("get", "/v1/workbooks/{report}") | ("get", "/v1/workbooks/trace/{id}") | ("get", "/v1/import/template") => {
            Some(Answer {
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                schema: json!({"type": "string", "format": "binary"}),
                log_position: false,
            })
        }
        _ => None,
    }
}

/// An amount of money: an exact decimal string in yuan, two decimals.
fn amount() -> Value {
    json!({"type": "string", "pattern": "^-?[0-9]+\\.[0-9]{2}$"})
}

fn nullable_amount() -> Value {
    json!({"type": ["string", "null"], "pattern": "^-?[0-9]+\\.[0-9]{2}$"})
}

/// A business date, `YYYY-MM-DD`.
fn date() -> Value {
    json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

fn nullable_date() -> Value {
    json!({"type": ["string", "null"], "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
}

/// One row of a view, answered alone: the row and the date it was judged at.
fn with_judged_at(row: Value) -> Value {
    json!({"allOf": [row, object(&[("judged_at", date())])]})
}

/// Lowercase hex of a BLAKE3 hash.
fn hex() -> Value {
    json!({"type": "string", "pattern": "^[0-9a-f]{64}$"})
}

/// The named schemas (`#/components/schemas/...`).
pub fn components() -> Map<String, Value> {
    let mut schemas = Map::new();
    schemas.insert(
        "Error".into(),
        object(&[(
            "error",
            // `writer` only with code not_writer (docs/format.md section 7).
            object_with(
                &[("code", string()), ("message", string()), ("field", string())],
                &[("writer", nullable("string"))],
            ),
        )]),
    );
    schemas.insert(
        "Event".into(),
        json!({
            "type": "object",
            "required": ["type", "actor", "occurred_at", "data"],
            "properties": {
                "type": {"type": "string"},
                "id": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"},
                "actor": {"type": "string"},
                "occurred_at": {"type": "string"},
                "data": {"type": "object"},
                "signature": {"type": "string", "description": "base64 Ed25519 signature over the JCS of the event without this field (docs/signatures.md)"}
            },
            "additionalProperties": false
        }),
    );
    schemas.insert(
        "Record".into(),
        object(&[
            ("seq", integer()),
            ("recorded_at", string()),
            ("prev_hash", hex()),
            ("hash", hex()),
            ("event", named("Event")),
        ]),
    );
    let period = object(&[("from", date()), ("to", date())]);
    let observed = json!({"oneOf": [
        {"type": "null"},
        object_with(
            &[("value", string()), ("as_of", date()), ("seq", integer())],
            &[("projects", array(string()))],
        ),
    ]});
    schemas.insert(
        "Target".into(),
        object_with(
            &[
                ("target_id", string()),
                ("assignee", string()),
                ("metric", string()),
                ("unit", string()),
                ("comparator", string()),
                ("threshold", string()),
                ("period", period.clone()),
                ("basis", string()),
                ("last_claimed", observed.clone()),
                ("last_verified", observed),
                ("progress", nullable("string")),
                ("trajectory", nullable("string")),
                ("status", string()),
            ],
            &[(
                "counts",
                object(&[("stage", string()), ("min_investment", nullable_amount())]),
            )],
        ),
    );
    schemas.insert(
        "Commitment".into(),
        object(&[
            ("commitment_id", string()),
            ("kind", string()),
            ("promisor", string()),
            ("beneficiary", string()),
            ("amount", nullable_amount()),
            ("paid", amount()),
            ("repaid", amount()),
            ("due", nullable_date()),
            ("fulfilled_on", nullable_date()),
            ("status", string()),
            ("terms", string()),
            (
                "conditions",
                array(object(&[
                    ("condition_id", string()),
                    ("text", string()),
                    ("target_id", nullable("string")),
                    ("met", boolean()),
                    ("met_on", nullable_date()),
                ])),
            ),
        ]),
    );
    schemas.insert(
        "Task".into(),
        object(&[
            ("task_id", string()),
            ("seq", integer()),
            ("assignee", string()),
            ("assignee_name", nullable("string")),
            ("group", string()),
            ("period", period),
            ("basis", string()),
            ("max_score", string()),
            ("pass_score", string()),
            ("score", string()),
            ("status", string()),
            ("vetoed", boolean()),
            ("decided_on", nullable_date()),
            ("rank", integer()),
            ("of", integer()),
            ("consecutive_failed", integer()),
            (
                "items",
                array(object(&[
                    ("target_id", string()),
                    ("weight", string()),
                    ("veto", boolean()),
                    ("metric", nullable("string")),
                    ("status", nullable("string")),
                    ("verified_value", nullable("string")),
                    ("threshold", nullable("string")),
                    ("comparator", nullable("string")),
                    ("decided_by_seq", nullable("integer")),
                ])),
            ),
            (
                "consequences",
                array(object(&[
                    ("kind", string()),
                    ("because", string()),
                    ("due_by", date()),
                    ("status", string()),
                    (
                        "imposed",
                        array(object(&[
                            ("sanction_id", string()),
                            ("seq", integer()),
                            ("subject", string()),
                            ("imposed_on", date()),
                        ])),
                    ),
                ])),
            ),
        ]),
    );
    schemas.insert(
        "Project".into(),
        object(&[
            ("project_id", string()),
            ("seq", integer()),
            ("name", nullable("string")),
            ("host", string()),
            ("host_name", nullable("string")),
            ("investor", string()),
            ("investor_name", nullable("string")),
            ("planned_investment", amount()),
            ("investment_in_place", amount()),
            ("signed_on", date()),
            ("stage", nullable("string")),
            (
                "land",
                json!({"oneOf": [
                    {"type": "null"},
                    object(&[
                        ("parcel_id", string()),
                        ("area_mu", string()),
                        ("agreed_start", date()),
                        ("idle_since", nullable_date()),
                        ("reclaimable", boolean()),
                    ]),
                ]}),
            ),
            (
                "stages",
                array(object(&[
                    ("stage", string()),
                    ("as_of", date()),
                    ("seq", integer()),
                    ("investment_in_place", nullable_amount()),
                ])),
            ),
            (
                "counted_by",
                array(object(&[
                    ("target_id", string()),
                    ("assignee", string()),
                    ("metric", string()),
                    ("record", string()),
                    ("seq", integer()),
                    ("as_of", date()),
                    ("qualifies", boolean()),
                    ("reason", nullable("string")),
                ])),
            ),
        ]),
    );
    schemas.insert(
        "InclusionProof".into(),
        object(&[
            ("seq", integer()),
            ("size", integer()),
            ("record_hash", hex()),
            ("root", hex()),
            ("path", array(hex())),
        ]),
    );
    schemas.insert(
        "Finding".into(),
        object(&[
            ("code", string()),
            ("date", date()),
            ("subjects", array(string())),
            ("seqs", array(integer())),
            ("message", string()),
            ("facts", json!({"type": "object"})),
        ]),
    );
    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas));
    components
}

/// A run of consecutive missed periods (`miss_runs`, `past_miss_runs`).
fn miss_run() -> Value {
    object(&[
        ("assignee", string()),
        ("metric", string()),
        ("consecutive_missed", integer()),
        ("target_ids", array(string())),
    ])
}
