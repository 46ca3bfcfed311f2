//! The read models of contract section 3, as JSON: the same objects
//! `pledger report ... --format json` prints, with `judged_at` and the
//! scope they answer for.

use super::extract::{Language, PathId, Scoped};
use crate::auth::Reader;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pledger_core::when::Day;
use pledger_store::claim_bundle::proven_evidence;
use pledger_views::funds::Direction;
use pledger_views::{Facts, FindingCode, Lang, Scope};
use serde_json::{json, Value};

/// The header naming the log position a view was built on: the seq of the
/// last record its facts include (docs/http.md).
pub const LOG_POSITION: header::HeaderName = header::HeaderName::from_static("pledger-log-position");

/// Builds a view off the async runtime: unscoped from the live facts
/// (caught up first), scoped by rebuilding from the log. The answer says
/// the date it was judged at and the scope it answers for.
async fn view<F>(state: &AppState, scope: Scope, f: F) -> Result<Response, ApiError>
where
    F: FnOnce(&AppState, &Facts, Day) -> Result<Value, ApiError> + Send + 'static,
{
    build(state, scope, true, f).await
}

/// As [`view`], for answers that do not depend on the date (a trace).
async fn undated<F>(state: &AppState, scope: Scope, f: F) -> Result<Response, ApiError>
where
    F: FnOnce(&AppState, &Facts, Day) -> Result<Value, ApiError> + Send + 'static,
{
    build(state, scope, false, f).await
}

async fn build<F>(state: &AppState, scope: Scope, dated: bool, f: F) -> Result<Response, ApiError>
where
    F: FnOnce(&AppState, &Facts, Day) -> Result<Value, ApiError> + Send + 'static,
{
    let st = state.clone();
    tokio::task::spawn_blocking(move || {
        let now = st.judged_at(scope);
        // The number of records the facts were built from goes with the
        // answer: a printed report names the log position it stands on.
        let (records, mut value) = if scope == Scope::default() {
            st.live()
                .read(st.ledger(), |facts| f(&st, facts, now).map(|v| (facts.records_seen, v)))??
        } else {
            let facts = pledger_views::load(st.backend(), st.ledger().len(), scope)?;
            (facts.records_seen, f(&st, &facts, now)?)
        };
        if let Some(obj) = value.as_object_mut().filter(|_| dated) {
            obj.insert("judged_at".into(), json!(now.to_string()));
            if let Some(d) = scope.as_of {
                obj.insert("as_of".into(), json!(d.to_string()));
            }
            if let Some(n) = scope.at_seq {
                obj.insert("at_seq".into(), json!(n));
            }
        }
        let bytes = serde_json::to_vec(&value).map_err(|e| ApiError::internal(e.to_string()))?;
        let mut response = ([(header::CONTENT_TYPE, "application/json")], bytes).into_response();
        // Not in the body: the body is what `pledger report --format json`
        // prints, byte for byte. An empty log has no position.
        if let Some(last) = records.checked_sub(1) {
            response
                .headers_mut()
                .insert(LOG_POSITION, axum::http::HeaderValue::from(last));
        }
        Ok(response)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
}

fn to_value(v: impl serde::Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(v).map_err(|e| ApiError::internal(e.to_string()))
}

pub async fn targets(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, |_, facts, now| {
        to_value(pledger_views::targets::report(facts, now))
    })
    .await
}

pub async fn target(
    State(state): State<AppState>,
    _r: Reader,
    PathId(id): PathId,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, move |_, facts, now| {
        let standing = pledger_views::targets::standing(facts, &id, now)
            .ok_or_else(|| ApiError::not_found(format!("no target {id:?} is recorded in this ledger")))?;
        to_value(pledger_views::targets::row(&standing, now))
    })
    .await
}

pub async fn accounts(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, |_, facts, now| {
        to_value(pledger_views::funds::report(facts, now))
    })
    .await
}

pub async fn trace(
    State(state): State<AppState>,
    _r: Reader,
    PathId(id): PathId,
    Scoped { scope, params }: Scoped,
) -> Result<Response, ApiError> {
    let direction = match params.0.get("direction").map(String::as_str) {
        None | Some("down") => Direction::Down,
        Some("up") => Direction::Up,
        Some(other) => {
            return Err(ApiError::bad_query(
                "direction",
                format!("direction must be down or up, not {other:?}"),
            ))
        }
    };
    undated(&state, scope, move |_, facts, _| {
        let trace = pledger_views::funds::trace(facts, &id, direction)
            .ok_or_else(|| ApiError::not_found(format!("no account {id:?} is recorded in this ledger")))?;
        to_value(trace)
    })
    .await
}

/// The live disbursements one by one, newest first (business date, then
/// seq, both descending): those `/v1/funds/accounts` sums, in the same
/// scope. `account` keeps those paid out of or into it (404, as for a
/// trace, when the scope knows no such account); `from` and
/// `limit` page through the list (`next_from`: where the next page
/// starts, null on the last).
pub async fn disbursements(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, params }: Scoped,
) -> Result<Response, ApiError> {
    let from = usize::try_from(params.number("from")?.unwrap_or(0)).unwrap_or(usize::MAX);
    let limit = params
        .number("limit")?
        .unwrap_or(DISBURSEMENTS_LIMIT)
        .clamp(1, MAX_DISBURSEMENTS_LIMIT) as usize;
    let account = params.text("account").map(str::to_string);
    view(&state, scope, move |_, facts, _| {
        let page = pledger_views::funds::disbursements(facts, account.as_deref(), from, limit);
        if let Some(a) = account.as_deref() {
            // Unknown in the scope, as for a trace: not open, and no live
            // disbursement names it.
            if page.total == 0 && !facts.accounts.get(a).is_some_and(|f| facts.live(f.at.seq)) {
                return Err(ApiError::not_found(format!(
                    "no account {a:?} is recorded in this ledger"
                )));
            }
        }
        to_value(page)
    })
    .await
}

/// `limit` of `/v1/funds/disbursements` when none is given, and the most
/// it takes.
pub const DISBURSEMENTS_LIMIT: u64 = 100;
pub const MAX_DISBURSEMENTS_LIMIT: u64 = 1000;

pub async fn commitments(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, |st, facts, now| {
        to_value(pledger_views::commitments::report(facts, now, &st.config().calendar))
    })
    .await
}

pub async fn commitment(
    State(state): State<AppState>,
    _r: Reader,
    PathId(id): PathId,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, move |st, facts, now| {
        let row = pledger_views::commitments::commitment(facts, &id, now, &st.config().calendar)
            .ok_or_else(|| ApiError::not_found(format!("no commitment {id:?} is recorded in this ledger")))?;
        to_value(row)
    })
    .await
}

pub async fn incentives(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, |_, facts, now| {
        to_value(pledger_views::incentives::report(facts, now))
    })
    .await
}

/// Format 3.7: every yearly task judged and ranked, runs of failures,
/// the sanctions recorded.
pub async fn assessment(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, |_, facts, now| {
        to_value(pledger_views::assessment::report(facts, now))
    })
    .await
}

pub async fn assessment_task(
    State(state): State<AppState>,
    _r: Reader,
    PathId(id): PathId,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, move |_, facts, now| {
        let row = pledger_views::assessment::task(facts, &id, now)
            .ok_or_else(|| ApiError::not_found(format!("no yearly task {id:?} is recorded in this ledger")))?;
        to_value(row)
    })
    .await
}

/// Format 3.8: the project register.
pub async fn projects(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, |_, facts, now| {
        to_value(pledger_views::projects::report(facts, now))
    })
    .await
}

pub async fn project(
    State(state): State<AppState>,
    _r: Reader,
    PathId(id): PathId,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, move |_, facts, now| {
        let row = pledger_views::projects::project(facts, &id, now)
            .ok_or_else(|| ApiError::not_found(format!("no signed project {id:?} is recorded in this ledger")))?;
        to_value(row)
    })
    .await
}

/// The answer varies with `Accept-Language` (the findings' sentences).
fn vary_by_language(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("accept-language"));
    r
}

pub async fn findings(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, .. }: Scoped,
    Language(lang): Language,
) -> Result<Response, ApiError> {
    view(&state, scope, move |st, facts, now| {
        let mut findings = pledger_views::findings::all_with(facts, now, &st.config().calendar);
        pledger_views::messages::localize(&mut findings, lang);
        Ok(json!({ "findings": to_value(findings)? }))
    })
    .await
    .map(vary_by_language)
}

/// Format 3.9: findings raised and resolved since log position
/// `from_seq`, each with the records after it that made the difference.
pub async fn finding_changes(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, params }: Scoped,
    Language(lang): Language,
) -> Result<Response, ApiError> {
    let from = params.number("from_seq")?.ok_or_else(|| {
        ApiError::bad_query(
            "from_seq",
            "from_seq is required: the log position of the last audit (the last seq it saw)",
        )
    })?;
    if scope.at_seq.is_some() {
        return Err(ApiError::bad_query(
            "at_seq",
            "changes compare from_seq with the log as it is now; drop at_seq",
        ));
    }
    let len = state.ledger().len();
    if from >= len {
        return Err(ApiError::bad_query(
            "from_seq",
            format!("from_seq {from} is beyond the end of the log ({len} records)"),
        ));
    }
    view(&state, scope, move |st, facts, now| {
        let calendar = &st.config().calendar;
        // The audited position's facts have their own cache in the data
        // directory, as on the command line.
        let earlier = if scope.as_of.is_some() {
            let at_position = Scope {
                at_seq: Some(from),
                ..scope
            };
            pledger_views::load(st.backend(), len, at_position)?
        } else {
            let path = st.config().data_dir.join(pledger_views::load::POSITION_FILE_NAME);
            pledger_views::load_position(
                st.backend(),
                len,
                from,
                &path,
                &st.config().data_dir.join(pledger_views::snapshot::FILE_NAME),
            )?
            .0
        };
        let (before, after) = rayon::join(
            || pledger_views::findings::all_with(&earlier, now, calendar),
            || pledger_views::findings::all_with(facts, now, calendar),
        );
        // The live facts may have caught up past `len`: judge the same records.
        let head = st.ledger().len().max(len);
        let mut changes = pledger_views::changes::changes(st.backend(), head, from, &before, &after)?;
        changes.localize(lang);
        to_value(changes)
    })
    .await
    .map(vary_by_language)
}

/// Contract 3.6: the verdict, and each deciding record with its inclusion
/// proof against a signed checkpoint that covers it (signed now if none
/// does), as `pledger claim --format json` prints it.
pub async fn claim(
    State(state): State<AppState>,
    _r: Reader,
    PathId(id): PathId,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, move |st, facts, now| {
        let verdict = pledger_views::targets::claim(facts, &id, now)
            .ok_or_else(|| ApiError::not_found(format!("no target {id:?} is recorded in this ledger")))?;
        let (signed, items) = proven_evidence(st.backend(), &verdict.deciding_seqs, st.origin(), st.signing_key())?;
        st.note_checkpoint(signed.checkpoint.size);
        let records = items
            .iter()
            .map(|e| {
                let record: Value = serde_json::from_str(&e.line).map_err(|e| ApiError::internal(e.to_string()))?;
                Ok(json!({ "seq": e.seq, "record": record, "inclusion": to_value(&e.proof)? }))
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let mut answer = to_value(&verdict)?;
        answer["evidence"] = json!({
            "checkpoint": signed.text(),
            "checkpoint_size": signed.checkpoint.size,
            "checkpoint_root": hex::encode(signed.checkpoint.root),
            "key": st.verifier().to_string(),
            "signed_new_checkpoint": signed.new,
            "records": records,
        });
        Ok(answer)
    })
    .await
}

/// Every registered entity (id, kind, name, parent), so a reader can put
/// names to the ids the other views use. Not in the contract's route list.
pub async fn entities(
    State(state): State<AppState>,
    _r: Reader,
    Scoped { scope, .. }: Scoped,
) -> Result<Response, ApiError> {
    view(&state, scope, |_, facts, _| {
        let entities: Vec<Value> = facts
            .entities
            .iter()
            .filter(|(_, e)| facts.live(e.at.seq))
            .map(|(id, e)| {
                json!({
                    "entity_id": id,
                    "kind": e.data.kind.as_str(),
                    "name": e.data.name.0,
                    "parent": e.data.parent.as_ref().map(|p| p.as_str()),
                    "has_public_key": e.data.public_key.is_some(),
                    "seq": e.at.seq,
                })
            })
            .collect();
        Ok(json!({ "entities": entities }))
    })
    .await
}

/// Every finding code the views can raise, in [`FindingCode::ALL`] order:
/// `{"codes": [{"code", "severity", "label": {"en", "zh-CN"}, "version"}]}`.
/// Not in the contract's route list; it depends on no record, so it has
/// no scope and no `judged_at`.
pub async fn finding_codes(_r: Reader) -> Json<Value> {
    Json(finding_codes_json())
}

fn finding_codes_json() -> Value {
    let codes: Vec<Value> = FindingCode::ALL
        .iter()
        .map(|&c| {
            let label: serde_json::Map<String, Value> = Lang::ALL
                .iter()
                .map(|&l| (l.tag().to_string(), json!(c.label(l))))
                .collect();
            json!({
                "code": c.as_str(),
                "severity": c.severity(),
                "label": label,
                "version": c.version(),
            })
        })
        .collect();
    json!({ "codes": codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finding_codes_lists_every_code_in_order_with_its_labels() {
        let v = finding_codes_json();
        let codes = v["codes"].as_array().unwrap();
        assert_eq!(codes.len(), FindingCode::ALL.len());
        for (c, row) in FindingCode::ALL.iter().zip(codes) {
            assert_eq!(row["code"], c.as_str());
            assert_eq!(row["severity"], c.severity());
            assert_eq!(row["version"], c.version());
            assert_eq!(row["label"]["en"], c.label(Lang::En));
            assert_eq!(row["label"]["zh-CN"], c.label(Lang::ZhCn));
        }
        assert_eq!(
            codes[0],
            json!({"code": "overdraft", "severity": 3, "label": {"en": "Overdraft", "zh-CN": "账户透支"}, "version": 1})
        );
    }

    /// Served as the other reads are: to anyone with `--public-reads`, and
    /// otherwise only with a token.
    #[tokio::test]
    async fn finding_codes_is_a_read() {
        use axum::body::Body;
        use axum::http::{Request, StatusCode};
        use tower::ServiceExt;

        for public_reads in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let data = pledger_store::keys::DataDir::init(&dir.path().join("data"), "test.example/ledger").unwrap();
            let ledger =
                pledger_store::Ledger::open(std::sync::Arc::new(pledger_store::MemBackend::default())).unwrap();
            let mut config = crate::state::ServerConfig::new(dir.path().join("data"));
            config.public_reads = public_reads;
            let state = AppState::with_ledger(config, &data, ledger).unwrap();
            let req = Request::builder().uri("/v1/finding-codes").body(Body::empty()).unwrap();
            let resp = super::super::router(state).oneshot(req).await.unwrap();
            if !public_reads {
                assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
                continue;
            }
            assert_eq!(resp.status(), StatusCode::OK);
            let body = axum::body::to_bytes(resp.into_body(), 1 << 20).await.unwrap();
            let v: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v, finding_codes_json());
        }
    }
}
