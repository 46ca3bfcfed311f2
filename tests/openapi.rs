//! `/openapi.json` as a client generator reads it (issue 16, part 6).
//!
//! No OpenAPI validator runs offline here, so the first test is a strict
//! check written from the OpenAPI 3.1 specification: the structural rules
//! `openapi-spec-validator` enforces (version, info, path templates and
//! their declared parameters, unique operationIds, resolvable `$ref`s,
//! responses keyed by status with descriptions, valid parameter locations,
//! security schemes that exist). The second calls every GET route of a
//! real server on the demo ledger, then the writes (an append and its
//! repeat and refusals, issuing and revoking a token), and checks each
//! answer — status, content type, the `Pledger-Log-Position` header where
//! declared, and the body — against the response the document declares,
//! with a small JSON Schema checker (the keywords the document uses; any
//! other keyword fails the test rather than being skipped).

mod common;
#[path = "common/server.rs"]
mod server;

use common::Ledger;
use serde_json::Value;
use server::Server;
use std::collections::{BTreeMap, BTreeSet};

const TODAY: &str = "2011-06-30";

// ------------------------------------------------------------ the client

/// An answer with what the checks need: status, content type, the log
/// position header and the body.
struct Answer {
    status: u16,
    content_type: String,
    log_position: Option<String>,
    body: String,
}

fn call(agent: &ureq::Agent, url: &str, token: Option<&str>) -> Answer {
    send(agent, "GET", url, token, None)
}

/// A request with any method, and a JSON body when given.
fn send(agent: &ureq::Agent, method: &str, url: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
    // A write goes on a connection of its own: after a refusal the server
    // may close a kept-alive connection, and a client must not resend a
    // write on a pooled connection it finds closed (ureq does not).
    let fresh;
    let agent = if method == "GET" {
        agent
    } else {
        fresh = ureq::AgentBuilder::new().build();
        &fresh
    };
    let mut req = agent.request(method, url);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    let sent = match body {
        Some(b) => req.set("Content-Type", "application/json").send_string(&b.to_string()),
        None => req.call(),
    };
    let resp = match sent {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = resp.status();
    let content_type = resp.header("content-type").unwrap_or("").to_string();
    let log_position = resp.header("pledger-log-position").map(str::to_string);
    // The stream never ends: its headers are the answer; dropping the
    // reader closes the connection.
    // A workbook is binary: its media type is what the check can compare.
    let body = if content_type.starts_with("text/event-stream")
        || content_type.starts_with("application/vnd.openxmlformats")
    {
        String::new()
    } else {
        use std::io::Read;
        let mut s = String::new();
        resp.into_reader()
            .read_to_string(&mut s)
            .unwrap_or_else(|e| panic!("{method} {url}: reading the body: {e}"));
        s
    };
    Answer {
        status,
        content_type,
        log_position,
        body,
    }
}

fn demo_ledger() -> Ledger {
    let l = Ledger::uninit();
    let mut c = common::cmd();
    c.arg("--data").arg(&l.data).arg("demo").env("PLEDGER_TODAY", TODAY);
    common::run_cmd(c, None).expect(0);
    l
}

// ------------------------------------------------- the strict document check

/// Resolves a local `$ref` (`#/a/b`) in `doc`.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    doc.pointer(pointer)
}

/// Every `$ref` anywhere in `v`, with where it was found.
fn refs(v: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "$ref" {
                    out.push((at.to_string(), x.as_str().unwrap_or("(not a string)").to_string()));
                } else {
                    refs(x, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                refs(x, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The template names of a path (`/v1/targets/{id}` → `["id"]`), or why
/// the path is not a valid OpenAPI path template.
fn template_names(path: &str) -> Result<Vec<String>, String> {
    if !path.starts_with('/') {
        return Err("does not start with /".into());
    }
    let mut names = Vec::new();
    for segment in path.split('/').skip(1) {
        if segment.starts_with(':') || segment.contains('*') {
            return Err(format!(
                "segment {segment:?} uses router syntax, not an OpenAPI template"
            ));
        }
        let mut rest = segment;
        while let Some(open) = rest.find('{') {
            let close = rest[open..]
                .find('}')
                .ok_or_else(|| format!("unclosed {{ in {segment:?}"))?
                + open;
            let name = &rest[open + 1..close];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
            {
                return Err(format!("template name {name:?} in {segment:?}"));
            }
            names.push(name.to_string());
            rest = &rest[close + 1..];
        }
        if rest.contains('}') {
            return Err(format!("stray }} in {segment:?}"));
        }
    }
    Ok(names)
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The rules, each failure one line. Empty when the document is valid.
fn strict_check(doc: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let top: BTreeSet<&str> = doc
        .as_object()
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for k in &top {
        let known = [
            "openapi",
            "info",
            "jsonSchemaDialect",
            "servers",
            "paths",
            "webhooks",
            "components",
            "security",
            "tags",
            "externalDocs",
        ];
        if !known.contains(k) && !k.starts_with("x-") {
            bad.push(format!("unknown top-level member {k:?}"));
        }
    }
    match doc["openapi"].as_str() {
        Some(v) if v.starts_with("3.1.") || v.starts_with("3.0.") => {}
        other => bad.push(format!("openapi is {other:?}, not a 3.x version string")),
    }
    for field in ["title", "version"] {
        if doc["info"][field].as_str().is_none_or(str::is_empty) {
            bad.push(format!("info.{field} missing or empty"));
        }
    }
    let schemes = doc["components"]["securitySchemes"].as_object();
    for (name, scheme) in schemes.into_iter().flatten() {
        let kind = scheme["type"].as_str().unwrap_or("");
        if !["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"].contains(&kind) {
            bad.push(format!("security scheme {name}: type {kind:?}"));
        }
        if kind == "http" && scheme["scheme"].as_str().is_none() {
            bad.push(format!("security scheme {name}: http without scheme"));
        }
    }
    let Some(paths) = doc["paths"].as_object() else {
        bad.push("no paths object".into());
        return bad;
    };
    let mut operation_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut shapes: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths {
        let names = match template_names(path) {
            Ok(n) => n,
            Err(why) => {
                bad.push(format!("path {path}: {why}"));
                continue;
            }
        };
        // Paths equal but for their template names are the same path.
        let mut shape = path.clone();
        for n in &names {
            shape = shape.replace(&format!("{{{n}}}"), "{}");
        }
        if let Some(other) = shapes.insert(shape, path.clone()) {
            bad.push(format!("paths {other} and {path} differ only in template names"));
        }
        let Some(item) = item.as_object() else {
            bad.push(format!("path {path}: not an object"));
            continue;
        };
        for (method, op) in item {
            let allowed = ["summary", "description", "servers", "parameters", "$ref"];
            if !METHODS.contains(&method.as_str()) && !allowed.contains(&method.as_str()) && !method.starts_with("x-") {
                bad.push(format!("path {path}: unknown member {method:?}"));
                continue;
            }
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let at = format!("{} {path}", method.to_uppercase());
            match op["operationId"].as_str() {
                Some(id) => {
                    if let Some(first) = operation_ids.insert(id.to_string(), at.clone()) {
                        bad.push(format!("{at}: operationId {id:?} already used by {first}"));
                    }
                }
                None => bad.push(format!("{at}: no operationId")),
            }
            // Parameters: valid location, unique (name, in), path ones
            // required and exactly the template's names.
            let mut seen = BTreeSet::new();
            let mut in_path = BTreeSet::new();
            for p in op["parameters"].as_array().into_iter().flatten() {
                let p = match p.get("$ref").and_then(Value::as_str) {
                    Some(r) => match resolve(doc, r) {
                        Some(p) => p,
                        None => continue, // reported with the other refs
                    },
                    None => p,
                };
                let name = p["name"].as_str().unwrap_or("");
                let location = p["in"].as_str().unwrap_or("");
                if name.is_empty() {
                    bad.push(format!("{at}: a parameter without a name"));
                }
                if !["query", "header", "path", "cookie"].contains(&location) {
                    bad.push(format!("{at}: parameter {name:?} in {location:?}"));
                }
                if !seen.insert((name.to_string(), location.to_string())) {
                    bad.push(format!("{at}: parameter {name:?} in {location} twice"));
                }
                if p.get("schema").is_some() == p.get("content").is_some() {
                    bad.push(format!(
                        "{at}: parameter {name:?} needs exactly one of schema and content"
                    ));
                }
                if location == "path" {
                    if p["required"] != Value::Bool(true) {
                        bad.push(format!("{at}: path parameter {name:?} is not required: true"));
                    }
                    in_path.insert(name.to_string());
                }
            }
            let templated: BTreeSet<String> = names.iter().cloned().collect();
            if templated != in_path {
                bad.push(format!(
                    "{at}: path templates {templated:?} but path parameters {in_path:?}"
                ));
            }
            // Responses: at least one, keyed by status codes, each described.
            match op["responses"].as_object() {
                Some(rs) if !rs.is_empty() => {
                    for (code, r) in rs {
                        let status_like = code == "default"
                            || (code.len() == 3
                                && code.starts_with(['1', '2', '3', '4', '5'])
                                && (code[1..].chars().all(|c| c.is_ascii_digit()) || &code[1..] == "XX"));
                        if !status_like {
                            bad.push(format!("{at}: response key {code:?} is not a status code"));
                        }
                        let r = match r.get("$ref").and_then(Value::as_str) {
                            Some(rf) => resolve(doc, rf).unwrap_or(&Value::Null),
                            None => r,
                        };
                        if r["description"].as_str().is_none() {
                            bad.push(format!("{at} {code}: no description"));
                        }
                        for (media, m) in r["content"].as_object().into_iter().flatten() {
                            if !media.contains('/') {
                                bad.push(format!("{at} {code}: media type {media:?}"));
                            }
                            if !m.is_object() {
                                bad.push(format!("{at} {code} {media}: not a media type object"));
                            }
                        }
                        for (name, h) in r["headers"].as_object().into_iter().flatten() {
                            let h = match h.get("$ref").and_then(Value::as_str) {
                                Some(rf) => resolve(doc, rf).unwrap_or(&Value::Null),
                                None => h,
                            };
                            if h.get("name").is_some() || h.get("in").is_some() {
                                bad.push(format!("{at} {code}: header {name} has name or in"));
                            }
                            if h.get("schema").is_none() && h.get("content").is_none() {
                                bad.push(format!("{at} {code}: header {name} has no schema"));
                            }
                        }
                    }
                }
                _ => bad.push(format!("{at}: no responses")),
            }
            for req in op["security"].as_array().into_iter().flatten() {
                for name in req.as_object().into_iter().flatten().map(|(k, _)| k) {
                    if !schemes.is_some_and(|s| s.contains_key(name)) {
                        bad.push(format!("{at}: security scheme {name:?} is not defined"));
                    }
                }
            }
        }
    }
    let mut all = Vec::new();
    refs(doc, "#", &mut all);
    for (at, r) in all {
        if !r.starts_with("#/") || resolve(doc, &r).is_none() {
            bad.push(format!("{at}: $ref {r:?} does not resolve"));
        }
    }
    bad
}

#[test]
fn the_document_passes_a_strict_openapi_check() {
    let l = Ledger::new();
    let s = Server::start(&l.data, &["--public-reads"]);
    let a = server::agent();
    let doc = server::get(&a, &s.url("/openapi.json"), None).json();
    let bad = strict_check(&doc);
    assert!(
        bad.is_empty(),
        "/openapi.json is not valid OpenAPI:\n{}",
        bad.join("\n")
    );
    // The console's wildcard route is documented as its concrete files.
    assert!(doc["paths"]["/console/app.js"]["get"].is_object());
    assert!(doc["paths"]
        .as_object()
        .is_some_and(|p| p.keys().all(|k| !k.contains('*'))));

    // The checker itself refuses what the validator refuses.
    let mut broken = doc.clone();
    broken["paths"]["/console/{*file}"] = doc["paths"]["/v1/events/{seq}"].clone();
    broken["paths"]["/v1/events/{seq}"]["get"]["parameters"] = Value::Array(vec![]);
    broken["paths"]["/healthz"]["get"]["operationId"] = doc["paths"]["/metrics"]["get"]["operationId"].clone();
    broken["paths"]["/metrics"]["get"]["responses"]["200"]["content"]["text/plain; version=0.0.4"]["schema"] =
        serde_json::json!({"$ref": "#/components/schemas/Nothing"});
    broken["paths"]["/openapi.json"]["get"]["responses"]["ok"] = serde_json::json!({"description": "x"});
    let found = strict_check(&broken).join("\n");
    for what in [
        "router syntax",
        "path templates {\"seq\"} but path parameters {}",
        "already used by",
        "does not resolve",
        "is not a status code",
    ] {
        assert!(found.contains(what), "the check misses {what:?}:\n{found}");
    }
}

// --------------------------------------------------- answers against schemas

/// The JSON Schema keywords the checker understands; a schema using any
/// other fails the test, so nothing the document says goes unchecked.
const KEYWORDS: [&str; 14] = [
    "type",
    "properties",
    "required",
    "items",
    "$ref",
    "allOf",
    "oneOf",
    "anyOf",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "additionalProperties",
    "description",
];

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks `v` against `schema`, pushing each disagreement with its JSON
/// path onto `bad`.
fn conforms(doc: &Value, schema: &Value, v: &Value, at: &str, bad: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        bad.push(format!("{at}: schema is not an object: {schema}"));
        return;
    };
    for k in s.keys() {
        if !KEYWORDS.contains(&k.as_str()) {
            bad.push(format!("{at}: the checker does not know the keyword {k:?}"));
        }
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        match resolve(doc, r) {
            Some(target) => conforms(doc, target, v, at, bad),
            None => bad.push(format!("{at}: $ref {r} does not resolve")),
        }
    }
    if let Some(types) = s.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let actual = type_of(v);
        let ok = allowed.contains(&actual) || (actual == "integer" && allowed.contains(&"number"));
        if !ok {
            bad.push(format!("{at}: {actual} where the document says {types}"));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            bad.push(format!("{at}: {v} is not one of {e:?}"));
        }
    }
    if let (Some(p), Some(text)) = (s.get("pattern").and_then(Value::as_str), v.as_str()) {
        let re = regex::Regex::new(p).unwrap_or_else(|e| panic!("{at}: pattern {p:?}: {e}"));
        if !re.is_match(text) {
            bad.push(format!("{at}: {text:?} does not match {p}"));
        }
    }
    if let Some(n) = v.as_f64() {
        if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
            if n < min {
                bad.push(format!("{at}: {n} below the minimum {min}"));
            }
        }
        if let Some(max) = s.get("maximum").and_then(Value::as_f64) {
            if n > max {
                bad.push(format!("{at}: {n} above the maximum {max}"));
            }
        }
    }
    if let Some(obj) = v.as_object() {
        for name in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().unwrap_or("");
            if !obj.contains_key(name) {
                bad.push(format!("{at}: the required member {name:?} is missing"));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => conforms(doc, ps, x, &format!("{at}.{k}"), bad),
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    bad.push(format!("{at}: member {k:?} is not allowed"))
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(a)) = (s.get("items"), v.as_array()) {
        for (i, x) in a.iter().enumerate() {
            conforms(doc, items, x, &format!("{at}[{i}]"), bad);
        }
    }
    for sub in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        conforms(doc, sub, v, at, bad);
    }
    let matching = |list: &Vec<Value>| {
        list.iter()
            .filter(|sub| {
                let mut b = Vec::new();
                conforms(doc, sub, v, at, &mut b);
                b.is_empty()
            })
            .count()
    };
    if let Some(list) = s.get("oneOf").and_then(Value::as_array) {
        let n = matching(list);
        if n != 1 {
            bad.push(format!("{at}: matches {n} of the oneOf schemas, not exactly one"));
        }
    }
    if let Some(list) = s.get("anyOf").and_then(Value::as_array) {
        if matching(list) == 0 {
            bad.push(format!("{at}: matches none of the anyOf schemas"));
        }
    }
}

/// Checks one answer against what the document declares for `path` (as
/// the document spells it) and `status`.
fn check_answer(doc: &Value, path: &str, url: &str, answer: &Answer, status: u16, bad: &mut Vec<String>) {
    check_answer_of(doc, "get", path, url, answer, status, bad)
}

/// As [`check_answer`], for any method.
fn check_answer_of(
    doc: &Value,
    method: &str,
    path: &str,
    url: &str,
    answer: &Answer,
    status: u16,
    bad: &mut Vec<String>,
) {
    let at = format!("{} {url}", method.to_uppercase());
    if answer.status != status {
        bad.push(format!(
            "{at}: status {} (expected {status}): {}",
            answer.status, answer.body
        ));
        return;
    }
    let declared = &doc["paths"][path][method]["responses"][status.to_string()];
    if !declared.is_object() {
        bad.push(format!("{at}: status {status} is not documented"));
        return;
    }
    let content = declared["content"].as_object();
    let Some((media, m)) = content.and_then(|c| {
        c.iter().find(|(media, _)| {
            let base = media.split(';').next().unwrap_or("").trim();
            answer.content_type.split(';').next().unwrap_or("").trim() == base
        })
    }) else {
        bad.push(format!(
            "{at}: answered {:?}, documented {:?}",
            answer.content_type,
            content.map(|c| c.keys().collect::<Vec<_>>())
        ));
        return;
    };
    if declared["headers"].get("Pledger-Log-Position").is_some() && answer.log_position.is_none() {
        bad.push(format!("{at}: the documented Pledger-Log-Position header is missing"));
    }
    if media.starts_with("application/json") {
        let v: Value = match serde_json::from_str(&answer.body) {
            Ok(v) => v,
            Err(e) => {
                bad.push(format!("{at}: not JSON ({e})"));
                return;
            }
        };
        let before = bad.len();
        conforms(doc, &m["schema"], &v, "$", bad);
        for line in bad.iter_mut().skip(before) {
            *line = format!("{at}: {line}");
        }
    }
}

#[test]
fn every_route_answers_as_the_document_says() {
    let l = demo_ledger();
    let data = &l.data;
    let mut c = common::cmd();
    c.arg("--data").arg(data).arg("checkpoint").env("PLEDGER_TODAY", TODAY);
    common::run_cmd(c, None).expect(0);
    let reader = server::token(data, "changde-gov", "reader");
    let admin = server::token(data, "changde-gov", "admin");
    let s = Server::start_env(data, &["--public-reads"], &[("PLEDGER_TODAY", TODAY)]);
    let a = server::agent();
    let doc = server::get(&a, &s.url("/openapi.json"), None).json();
    let records = server::get(&a, &s.url("/healthz"), None).json()["records"]
        .as_u64()
        .expect("records");

    // Real ids of the demo for the path templates.
    let first = |route: &str, list: &str, key: &str| -> String {
        server::get(&a, &s.url(route), None).json()[list][0][key]
            .as_str()
            .unwrap_or_else(|| panic!("no {list}[0].{key} in {route}"))
            .to_string()
    };
    let target = first("/v1/targets", "targets", "target_id");
    let commitment = first("/v1/commitments", "commitments", "commitment_id");
    let task = first("/v1/assessment", "tasks", "task_id");
    let project = first("/v1/projects", "projects", "project_id");
    // An account that paid something out, so its trace has flows.
    let accounts = server::get(&a, &s.url("/v1/funds/accounts"), None).json();
    let account = accounts["accounts"]
        .as_array()
        .and_then(|list| list.iter().find(|x| x["disbursed_out"] != "0.00"))
        .and_then(|x| x["account_id"].as_str())
        .expect("an account that paid out")
        .to_string();
    let concrete = |path: &str| -> String {
        let (seq, id) = match path {
            p if p.starts_with("/v1/targets/") || p.starts_with("/v1/claims/") => ("", target.as_str()),
            p if p.starts_with("/v1/commitments/") => ("", commitment.as_str()),
            p if p.starts_with("/v1/funds/accounts/") || p.starts_with("/v1/workbooks/trace/") => {
                ("", account.as_str())
            }
            p if p.starts_with("/v1/projects/") => ("", project.as_str()),
            p if p.starts_with("/v1/assessment/") => ("", task.as_str()),
            _ => ("5", ""),
        };
        path.replace("{seq}", seq)
            .replace("{id}", id)
            .replace("{task_id}", id)
            .replace("{report}", "targets")
    };
    // Required query parameters, and extra scopes that bring out optional
    // members (as_of, at_seq, the other direction, the other language).
    let variants = |path: &str| -> Vec<&'static str> {
        match path {
            "/v1/findings/changes" => vec!["?from_seq=1000", "?from_seq=1000&lang=zh-CN&as_of=2010-12-31"],
            "/v1/proofs/inclusion" => vec!["?seq=5", "?seq=5&size=100"],
            "/v1/proofs/consistency" => vec!["?from=5", "?from=5&to=100"],
            "/v1/funds/accounts/{id}/trace" => vec!["", "?direction=up", "?as_of=2010-12-31"],
            "/v1/funds/disbursements" => vec![
                "",
                "?as_of=2008-12-31",
                "?at_seq=500",
                "?from=5&limit=5",
                "?account={account}&limit=1000",
                "?account={account}&as_of=2009-12-31&from=2&limit=3",
            ],
            "/v1/events" => vec!["", "?from=2000&limit=1000", "?q=%E6%B1%89%E5%AF%BF&type=fund.&limit=5"],
            "/v1/import/template" => vec!["?type=fund.disbursed", "?type=project.signed&lang=zh-CN"],
            "/v1/findings" => vec!["", "?lang=zh-CN", "?as_of=2008-12-31", "?at_seq=500"],
            // One item, asked of a day it existed on.
            p if p.contains('{') => vec!["", "?as_of=2010-12-31"],
            p if p.starts_with("/v1/")
                && doc["paths"][p]["get"]["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|x| x["name"] == "as_of")) =>
            {
                vec!["", "?as_of=2008-12-31", "?at_seq=500"]
            }
            _ => vec![""],
        }
    };

    let mut bad = Vec::new();
    let mut called = 0;
    let mut positions = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if item.get("get").is_none() {
            continue;
        }
        // whoami is a question about the token: asked with one; the
        // token list needs an admin's.
        let token = match path.as_str() {
            "/v1/whoami" => Some(reader.as_str()),
            "/v1/tokens" => Some(admin.as_str()),
            _ => None,
        };
        for q in variants(path) {
            let url = format!("{}{}", concrete(path), q.replace("{account}", &account));
            let answer = call(&a, &s.url(&url), token);
            check_answer(&doc, path, &url, &answer, 200, &mut bad);
            if q.is_empty() {
                if let Some(p) = &answer.log_position {
                    positions.insert(p.clone());
                }
            }
            called += 1;
        }
    }
    // The unscoped views say they stand on the whole log.
    assert_eq!(
        positions.into_iter().collect::<Vec<_>>(),
        vec![(records - 1).to_string()],
        "Pledger-Log-Position of the unscoped views"
    );
    // Documented errors answer with the Error schema.
    for (path, url, status) in [
        ("/v1/targets/{id}", "/v1/targets/no-such-target".to_string(), 404),
        ("/v1/targets", "/v1/targets?as_of=yesterday".to_string(), 400),
        ("/v1/events/{seq}", format!("/v1/events/{}", records + 10), 404),
        (
            "/v1/funds/disbursements",
            "/v1/funds/disbursements?account=no-such-account".to_string(),
            404,
        ),
        (
            "/v1/funds/disbursements",
            "/v1/funds/disbursements?limit=many".to_string(),
            400,
        ),
        ("/v1/findings/changes", "/v1/findings/changes".to_string(), 400),
        ("/console/app.js", "/console/no-such-file.js".to_string(), 404),
    ] {
        let answer = call(&a, &s.url(&url), None);
        let doc_path = if path.starts_with("/console/") {
            // A missing file has no documented path of its own: it is
            // checked against the Error schema directly.
            let mut b = Vec::new();
            let v: Value = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
            conforms(
                &doc,
                &serde_json::json!({"$ref": "#/components/schemas/Error"}),
                &v,
                "$",
                &mut b,
            );
            assert_eq!(answer.status, status, "{url}");
            bad.extend(b.into_iter().map(|l| format!("GET {url}: {l}")));
            continue;
        } else {
            path
        };
        check_answer(&doc, doc_path, &url, &answer, status, &mut bad);
    }
    // The writes, last (they move the log): an append, its idempotent
    // repeat, refusals, and the admin's token routes.
    let recorder = server::token(data, "changde-gov", "recorder");
    let event = serde_json::json!({
        "type": "account.opened", "id": "openapi-check-account", "actor": "changde-gov",
        "occurred_at": TODAY,
        "data": {"account_id": "acct-openapi-check", "holder": "changde-gov", "name": "OpenAPI check", "kind": "internal"}
    });
    let mut bad_event = event.clone();
    bad_event["data"]["colour"] = serde_json::json!("red");
    let mut not_mine = event.clone();
    not_mine["actor"] = serde_json::json!("city-audit");
    for (body, token, status) in [
        (event.clone(), Some(recorder.as_str()), 201),
        (event, Some(recorder.as_str()), 200),
        (bad_event, Some(recorder.as_str()), 422),
        (not_mine, Some(recorder.as_str()), 403),
        (serde_json::json!([]), None, 401),
    ] {
        let answer = send(&a, "POST", &s.url("/v1/events"), token, Some(&body));
        check_answer_of(&doc, "post", "/v1/events", "/v1/events", &answer, status, &mut bad);
    }
    let issued = send(
        &a,
        "POST",
        &s.url("/v1/tokens"),
        Some(&admin),
        Some(&serde_json::json!({"entity": "changde-gov", "roles": ["reader"]})),
    );
    check_answer_of(&doc, "post", "/v1/tokens", "/v1/tokens", &issued, 201, &mut bad);
    let id = serde_json::from_str::<Value>(&issued.body).unwrap_or(Value::Null)["id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let url = format!("/v1/tokens/{id}");
    let revoked = send(&a, "DELETE", &s.url(&url), Some(&admin), None);
    check_answer_of(&doc, "delete", "/v1/tokens/{id}", &url, &revoked, 200, &mut bad);
    let again = send(&a, "DELETE", &s.url("/v1/tokens/no-such-token"), Some(&admin), None);
    check_answer_of(
        &doc,
        "delete",
        "/v1/tokens/{id}",
        "/v1/tokens/no-such-token",
        &again,
        404,
        &mut bad,
    );

    assert!(called > 40, "only {called} calls");
    // The checker finds disagreements: a findings answer is not a target,
    // a string is not an integer, a missing member is missing.
    let findings = server::get(&a, &s.url("/v1/findings"), None).json();
    for (schema, v) in [
        (
            serde_json::json!({"$ref": "#/components/schemas/Target"}),
            findings.clone(),
        ),
        (serde_json::json!({"type": "integer"}), serde_json::json!("5")),
        (
            doc["paths"]["/v1/findings"]["get"]["responses"]["200"]["content"]["application/json"]["schema"].clone(),
            serde_json::json!({"findings": [{"code": "overdraft"}], "judged_at": TODAY}),
        ),
    ] {
        let mut b = Vec::new();
        conforms(&doc, &schema, &v, "$", &mut b);
        assert!(!b.is_empty(), "{schema} accepted {v}");
    }
    assert!(
        bad.is_empty(),
        "{} disagreements between the server and /openapi.json:\n{}",
        bad.len(),
        bad.join("\n")
    );
}
