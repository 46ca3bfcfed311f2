//! The typed event model of format section 2, parsed strictly.
//!
//! Parsing checks everything that can be checked from the event alone:
//! the envelope, the type, every field's presence and syntax, amounts,
//! identifiers, dates, and that no unknown field slipped in. What depends on
//! the ledger so far (does this account exist? is the actor the assignee?)
//! is checked by [`crate::registry`].
//!
//! Each event type lives with its family in [`crate::families`] (its data,
//! shape rules, registry rules and who may record it); the one list below,
//! `events!`, names every type once and generates the type enum, the data
//! enum, both parse paths and the dispatch to the family rules.

use crate::error::{Rejection, RejectionKind};
use crate::families::{Actor, Rules};
use crate::ids::Id;
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Registry};
use crate::when::BusinessTime;
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::Value;

pub use crate::families::assessment::*;
pub use crate::families::commitments::*;
pub use crate::families::corrections::*;
pub use crate::families::funds::*;
pub use crate::families::incentives::*;
pub use crate::families::projects::*;
pub use crate::families::registry::*;
pub use crate::families::targets::*;
pub use crate::fields::{Currency, Evidence, EvidenceRef, HexDigest, Period, Text, MAX_TEXT_LEN};

/// Every event type, once: `family::Type => "wire.name"`.
macro_rules! events {
    ($($family:ident :: $variant:ident => $name:literal),* $(,)?) => {
        /// Every event type of format section 2.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum EventType { $($variant),* }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(EventType::$variant => $name),* }
            }

            pub fn from_name(s: &str) -> Option<EventType> {
                match s { $($name => Some(EventType::$variant),)* _ => None }
            }

            /// The fields of this type's `data`, from its data struct.
            pub fn data_fields(self) -> &'static [crate::schema::Field] {
                match self {
                    $(EventType::$variant => match <crate::families::$family::$variant as crate::schema::Shaped>::SHAPE {
                        crate::schema::FieldShape::Object(f) => f,
                        _ => &[],
                    }),*
                }
            }

            /// May an auditor record this type on a matter not its own
            /// (format 2.3)? What an auditor-only token may send.
            pub fn auditor_may_record(self) -> bool {
                match self {
                    $(EventType::$variant => <crate::families::$family::$variant as Rules>::AUDITOR_MAY_RECORD),*
                }
            }
        }

        /// The type-specific part of an event.
        #[derive(Clone, Debug, PartialEq)]
        pub enum EventData { $($variant(crate::families::$family::$variant)),* }

        impl EventData {
            /// The identifier this data creates, with its namespace.
            pub fn creates(&self) -> Option<(Namespace, &Id)> {
                match self { $(EventData::$variant(d) => d.creates()),* }
            }

            pub(crate) fn shape(&self) -> Result<(), Rejection> {
                match self { $(EventData::$variant(d) => d.shape()),* }
            }

            pub(crate) fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
                match self { $(EventData::$variant(d) => d.check(reg, by)),* }
            }

            pub(crate) fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
                match self { $(EventData::$variant(d) => d.permitted(reg, by)),* }
            }

            pub(crate) fn entry(&self, reg: &mut Registry, actor: EntityIdx, journal: &mut Journal) -> Option<Entry> {
                match self { $(EventData::$variant(d) => d.entry(reg, actor, journal)),* }
            }
        }

        fn parse_data(kind: EventType, data: &Value) -> Result<EventData, Rejection> {
            Ok(match kind { $(EventType::$variant => EventData::$variant(typed(data)?)),* })
        }

        /// As `parse_data`, straight from JSON text (no intermediate tree).
        /// Any error is reported as `None`: the caller re-parses the slow
        /// way for a message that names the field.
        fn parse_data_text(kind: EventType, data: &str) -> Option<EventData> {
            Some(match kind { $(EventType::$variant => EventData::$variant(serde_json::from_str(data).ok()?)),* })
        }
    };
}

events! {
    registry::EntityRegistered => "entity.registered",
    registry::AccountOpened => "account.opened",
    targets::TargetAssigned => "target.assigned",
    targets::TargetRevised => "target.revised",
    targets::TargetProgressReported => "target.progress_reported",
    targets::TargetVerified => "target.verified",
    funds::FundAllocated => "fund.allocated",
    funds::FundDisbursed => "fund.disbursed",
    funds::FundReceived => "fund.received",
    commitments::CommitmentMade => "commitment.made",
    commitments::CommitmentConditionMet => "commitment.condition_met",
    commitments::CommitmentFulfilled => "commitment.fulfilled",
    commitments::CommitmentDisputed => "commitment.disputed",
    commitments::CommitmentBreached => "commitment.breached",
    commitments::CommitmentWaived => "commitment.waived",
    incentives::IncentiveSchemeSet => "incentive.scheme_set",
    incentives::IncentivePaid => "incentive.paid",
    incentives::IncentiveClawedBack => "incentive.clawed_back",
    assessment::AssessmentTaskSet => "assessment.task_set",
    assessment::SanctionImposed => "sanction.imposed",
    projects::ProjectSigned => "project.signed",
    projects::ProjectStageReported => "project.stage_reported",
    corrections::EventVoided => "event.voided",
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A submitted event, typed. The JSON it came from is kept by the caller:
/// the record hashes the event exactly as submitted.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub kind: EventType,
    pub id: Option<Id>,
    pub actor: Id,
    pub occurred_at: BusinessTime,
    pub data: EventData,
}

/// Event types of format version 2 not recorded by this release: refused
/// as `unknown_type`, with a message that says so.
const PLANNED_TYPES: &[&str] = &[];

/// Fields of the envelope, contract 1.1. `signature` is reserved for
/// events signed by an entity that registered a public key.
const ENVELOPE_FIELDS: &[&str] = &["type", "id", "actor", "occurred_at", "data", "signature"];

fn typed<T: DeserializeOwned>(data: &Value) -> Result<T, Rejection> {
    // Path tracking costs on every field; pay for it only to explain an error.
    if let Ok(t) = T::deserialize(data) {
        return Ok(t);
    }
    serde_path_to_error::deserialize::<_, T>(data).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        let field = if path == "." || path.is_empty() {
            "data".to_string()
        } else {
            format!("data.{path}")
        };
        if let Some(rest) = inner.strip_prefix("unknown field `") {
            // The path already ends at the unknown key.
            let name = rest.split('`').next().unwrap_or("");
            Rejection::new(
                RejectionKind::UnknownField,
                field,
                format!("unknown field {name:?}; check the spelling against docs/format.md section 2"),
            )
        } else if let Some(rest) = inner.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or("");
            let field = if field == "data" {
                format!("data.{name}")
            } else {
                format!("{field}.{name}")
            };
            Rejection::new(
                RejectionKind::MissingField,
                field,
                format!("required field {name:?} is missing"),
            )
        } else {
            let code = if inner.contains("amount") {
                RejectionKind::BadAmount
            } else {
                RejectionKind::InvalidField
            };
            Rejection::new(code, field, inner)
        }
    })
}

impl Event {
    /// Parses and checks one submitted event. The error names the field.
    pub fn parse(v: &Value) -> Result<Event, Rejection> {
        let obj = v
            .as_object()
            .ok_or_else(|| Rejection::new(RejectionKind::NotAnObject, "", "an event must be a JSON object"))?;
        if let Some(k) = obj.keys().find(|k| !ENVELOPE_FIELDS.contains(&k.as_str())) {
            return Err(Rejection::new(
                RejectionKind::UnknownField,
                k.clone(),
                format!(
                    "unknown field {k:?}; an event has type, id, actor, occurred_at, data and (when signed) signature"
                ),
            ));
        }
        let kind = match obj.get("type") {
            Some(Value::String(s)) => EventType::from_name(s).ok_or_else(|| {
                Rejection::new(
                    RejectionKind::UnknownType,
                    "type",
                    if PLANNED_TYPES.contains(&s.as_str()) {
                        format!("{s:?} is an event type of format version 2 that this release does not record yet (docs/format.md section 2)")
                    } else {
                        format!("{s:?} is not an event type of the format (docs/format.md section 2)")
                    },
                )
            })?,
            Some(_) => {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "type",
                    "type must be a string such as \"fund.disbursed\"",
                ))
            }
            None => {
                return Err(Rejection::new(
                    RejectionKind::MissingField,
                    "type",
                    "required field \"type\" is missing",
                ))
            }
        };
        let id = match obj.get("id") {
            None => None,
            Some(Value::String(s)) => Some(
                Id::parse(s).map_err(|e| Rejection::new(RejectionKind::InvalidField, "id", format!("id {s:?} {e}")))?,
            ),
            Some(_) => return Err(Rejection::new(RejectionKind::InvalidField, "id", "id must be a string")),
        };
        let actor = match obj.get("actor") {
            Some(Value::String(s)) => Id::parse(s)
                .map_err(|e| Rejection::new(RejectionKind::InvalidField, "actor", format!("actor {s:?} {e}")))?,
            Some(_) => {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "actor",
                    "actor must be an entity id string",
                ))
            }
            None => {
                return Err(Rejection::new(
                    RejectionKind::MissingField,
                    "actor",
                    "required field \"actor\" is missing",
                ))
            }
        };
        let occurred_at = match obj.get("occurred_at") {
            Some(Value::String(s)) => {
                BusinessTime::parse(s).map_err(|e| Rejection::new(RejectionKind::InvalidField, "occurred_at", e))?
            }
            Some(_) => {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "occurred_at",
                    "occurred_at must be a date string",
                ))
            }
            None => {
                return Err(Rejection::new(
                    RejectionKind::MissingField,
                    "occurred_at",
                    "required field \"occurred_at\" is missing",
                ))
            }
        };
        let data = match obj.get("data") {
            Some(d @ Value::Object(_)) => d,
            Some(_) => {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "data",
                    "data must be a JSON object",
                ))
            }
            None => {
                return Err(Rejection::new(
                    RejectionKind::MissingField,
                    "data",
                    "required field \"data\" is missing",
                ))
            }
        };
        let data = parse_data(kind, data)?;
        data.shape()?;
        Ok(Event {
            kind,
            id,
            actor,
            occurred_at,
            data,
        })
    }

    /// Parses an event from its JSON text. The fast path reads straight into
    /// the typed model (no `serde_json::Value` tree: reading a million stored
    /// records is dominated by allocation otherwise); on any fault it falls
    /// back to [`Event::parse`] so the rejection names the field.
    pub fn parse_text(text: &str) -> Result<Event, Rejection> {
        if let Some(e) = Self::parse_text_fast(text) {
            return Ok(e);
        }
        let v: Value = crate::json::parse_strict(text.as_bytes())
            .map_err(|e| Rejection::new(RejectionKind::InvalidJson, "", format!("not valid JSON: {e}")))?;
        Event::parse(&v)
    }

    fn parse_text_fast(text: &str) -> Option<Event> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Envelope<'a> {
            #[serde(rename = "type", borrow)]
            kind: std::borrow::Cow<'a, str>,
            // `"id": null` is refused, as `Event::parse` refuses it.
            #[serde(default, deserialize_with = "present")]
            id: Option<Id>,
            actor: Id,
            occurred_at: BusinessTime,
            #[serde(borrow)]
            data: &'a serde_json::value::RawValue,
            #[serde(default, rename = "signature")]
            _signature: Option<serde::de::IgnoredAny>,
        }
        fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Id>, D::Error> {
            Id::deserialize(d).map(Some)
        }
        let env: Envelope = serde_json::from_str(text).ok()?;
        // A struct reads from a JSON array too; `data` must be an object,
        // as `Event::parse` requires.
        if !env.data.get().starts_with('{') {
            return None;
        }
        let kind = EventType::from_name(&env.kind)?;
        let data = parse_data_text(kind, env.data.get())?;
        data.shape().ok()?;
        Some(Event {
            kind,
            id: env.id,
            actor: env.actor,
            occurred_at: env.occurred_at,
            data,
        })
    }

    /// The identifier this event creates, with the namespace it is unique in.
    pub fn creates(&self) -> Option<(Namespace, &Id)> {
        self.data.creates()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Amount;
    use serde_json::json;

    fn disb(amount: Value) -> Value {
        json!({"type": "fund.disbursed", "id": "d1", "actor": "city", "occurred_at": "2026-03-01",
               "data": {"disbursement_id": "d1", "from_account": "a", "to_account": "b", "amount": amount, "purpose": "roads"}})
    }

    #[test]
    fn text_and_tree_parsing_agree() {
        let v = disb(json!("12.50"));
        assert_eq!(Event::parse_text(&v.to_string()).unwrap(), Event::parse(&v).unwrap());
        let r = Event::parse_text(&disb(json!("1.234")).to_string()).unwrap_err();
        assert_eq!(r.field, "data.amount");
        assert!(Event::parse_text(r#"{"type":"x","type":"y"}"#).is_err());
    }

    #[test]
    fn every_type_name_round_trips() {
        for t in EventType::ALL {
            assert_eq!(EventType::from_name(t.as_str()), Some(*t));
        }
        assert_eq!(EventType::ALL.len(), 23);
    }

    #[test]
    fn an_amount_too_large_is_a_bad_amount() {
        let r = Event::parse(&disb(json!("1234567890123456789"))).unwrap_err();
        assert_eq!((r.code, r.field.as_str()), ("bad_amount", "data.amount"), "{r}");
    }

    #[test]
    fn only_yuan_is_accepted() {
        let mut v = disb(json!("1.00"));
        v["data"]["currency"] = json!("CNY");
        assert!(Event::parse(&v).is_ok());
        v["data"]["currency"] = json!("USD");
        let r = Event::parse(&v).unwrap_err();
        assert_eq!(r.field, "data.currency");
        assert!(Event::parse_text(&v.to_string()).is_err());
    }

    #[test]
    fn a_good_disbursement_parses() {
        let e = Event::parse(&disb(json!("12.50"))).unwrap();
        match e.data {
            EventData::FundDisbursed(d) => assert_eq!(d.amount, Amount::from_fen(1250)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn amount_errors_name_the_field() {
        for bad in [json!(5), json!("-5"), json!("1.234"), json!("five")] {
            let r = Event::parse(&disb(bad.clone())).unwrap_err();
            assert_eq!(r.field, "data.amount", "{bad}: {r}");
        }
    }

    #[test]
    fn unknown_fields_are_refused_with_their_path() {
        let mut v = disb(json!("1"));
        v["data"]["amout"] = json!("1");
        let r = Event::parse(&v).unwrap_err();
        assert_eq!((r.code, r.field.as_str()), ("unknown_field", "data.amout"));
        let mut v = disb(json!("1"));
        v["extra"] = json!(1);
        assert_eq!(Event::parse(&v).unwrap_err().field, "extra");
    }

    #[test]
    fn unknown_type_and_missing_fields() {
        let mut v = disb(json!("1"));
        v["type"] = json!("fund.stolen");
        assert_eq!(Event::parse(&v).unwrap_err().code, "unknown_type");
        let mut v = disb(json!("1"));
        v["data"].as_object_mut().unwrap().remove("purpose");
        let r = Event::parse(&v).unwrap_err();
        assert_eq!((r.code, r.field.as_str()), ("missing_field", "data.purpose"));
    }

    #[test]
    fn shares_must_add_to_100() {
        let v = json!({"type": "incentive.scheme_set", "actor": "city", "occurred_at": "2026-01-01",
            "data": {"scheme_id": "s", "target_id": "t", "total": "100", "condition": "target_met",
                     "shares": [{"role": "a", "percent": "40"}, {"role": "b", "percent": "30"}]}});
        assert!(Event::parse(&v).unwrap_err().message.contains("70"));
    }

    #[test]
    fn relative_due_must_name_a_condition() {
        let v = json!({"type": "commitment.made", "actor": "city", "occurred_at": "2026-01-01",
            "data": {"commitment_id": "c", "promisor": "city", "beneficiary": "ent", "kind": "service_deadline",
                     "terms": "licence within a week", "due": {"within_working_days": 5, "after": "applied"},
                     "conditions": [{"condition_id": "complete", "text": "complete application"}]}});
        assert_eq!(Event::parse(&v).unwrap_err().field, "data.due.after");
    }

    #[test]
    fn nested_unknown_field_path() {
        let v = json!({"type": "target.assigned", "actor": "city", "occurred_at": "2026-01-01",
            "data": {"target_id": "t", "assignee": "p", "metric": "m", "unit": "count", "comparator": ">=",
                     "threshold": "5", "period": {"from": "2026-01-01", "to": "2026-12-31", "too": 1}, "basis": "doc"}});
        let r = Event::parse(&v).unwrap_err();
        assert_eq!(r.field, "data.period.too", "{r}");
    }

    #[test]
    fn a_public_key_must_be_a_curve_point() {
        use base64::Engine;
        let b64 = |k: &[u8; 32]| base64::engine::general_purpose::STANDARD.encode(k);
        let event = |key: String| {
            json!({"type": "entity.registered", "actor": "city", "occurred_at": "2026-01-01",
                   "data": {"entity_id": "acme", "kind": "enterprise", "name": "Acme", "public_key": key}})
        };
        let not_points: Vec<[u8; 32]> = (0..=255u8)
            .map(|b| [b; 32])
            .filter(|k| ed25519_dalek::VerifyingKey::from_bytes(k).is_err())
            .collect();
        assert!(!not_points.is_empty());
        for k in &not_points {
            let r = Event::parse(&event(b64(k))).unwrap_err();
            assert_eq!(r.field, "data.public_key", "{r}");
        }
        let good = ed25519_dalek::SigningKey::from_bytes(&[7; 32])
            .verifying_key()
            .to_bytes();
        assert!(Event::parse(&event(b64(&good))).is_ok());
    }

    #[test]
    fn nested_structs_must_be_objects_not_arrays() {
        let target = |period: Value| {
            json!({"type": "target.assigned", "actor": "city", "occurred_at": "2026-01-01",
                   "data": {"target_id": "t", "assignee": "park", "metric": "m", "unit": "count",
                            "comparator": ">=", "threshold": "5", "period": period, "basis": "doc"}})
        };
        let ok = target(json!({"from": "2026-01-01", "to": "2026-12-31"}));
        assert!(Event::parse(&ok).is_ok());
        assert!(Event::parse_text(&ok.to_string()).is_ok());
        let positional = target(json!(["2026-01-01", "2026-12-31"]));
        let r = Event::parse(&positional).unwrap_err();
        assert_eq!(r.field, "data.period", "{r}");
        assert!(Event::parse_text(&positional.to_string()).is_err());
        let evidence = json!({"type": "target.verified", "actor": "audit", "occurred_at": "2026-07-01",
            "data": {"target_id": "t", "value": "5", "as_of": "2026-06-30", "evidence": [["doc-1"]]}});
        assert!(Event::parse(&evidence).is_err());
        assert!(Event::parse_text(&evidence.to_string()).is_err());
    }
}
