//! The typed event model of contract section 2, parsed strictly.
//!
//! Parsing checks everything that can be checked from the event alone:
//! the envelope, the type, every field's presence and syntax, amounts,
//! identifiers, dates, and that no unknown field slipped in. What depends on
//! the ledger so far (does this account exist? is the actor the assignee?)
//! is checked by [`crate::registry`].

use crate::error::Rejection;
use crate::ids::Id;
use crate::money::{Amount, Percent, Quantity};
use crate::when::{BusinessTime, Day};
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::Value;

/// Longest free text accepted (names, purposes, reasons, terms).
pub const MAX_TEXT_LEN: usize = 16 * 1024;

macro_rules! event_types {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// Every event type of contract section 2.
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
        }
    };
}

event_types! {
    EntityRegistered => "entity.registered",
    AccountOpened => "account.opened",
    TargetAssigned => "target.assigned",
    TargetRevised => "target.revised",
    TargetProgressReported => "target.progress_reported",
    TargetVerified => "target.verified",
    FundAllocated => "fund.allocated",
    FundDisbursed => "fund.disbursed",
    FundReceived => "fund.received",
    CommitmentMade => "commitment.made",
    CommitmentConditionMet => "commitment.condition_met",
    CommitmentFulfilled => "commitment.fulfilled",
    CommitmentDisputed => "commitment.disputed",
    CommitmentBreached => "commitment.breached",
    CommitmentWaived => "commitment.waived",
    IncentiveSchemeSet => "incentive.scheme_set",
    IncentivePaid => "incentive.paid",
    IncentiveClawedBack => "incentive.clawed_back",
    EventVoided => "event.voided",
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

/// Non-empty free text, bounded in length.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "text")?;
        if s.trim().is_empty() {
            return Err(de::Error::custom("must not be empty"));
        }
        if s.len() > MAX_TEXT_LEN {
            return Err(de::Error::custom(format!(
                "is {} bytes long; at most {MAX_TEXT_LEN} are allowed",
                s.len()
            )));
        }
        Ok(Text(s))
    }
}

/// ISO 4217 currency code; CNY when absent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Currency(pub String);

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "a currency code")?;
        // Every view adds amounts together, so a second currency would be
        // summed as yuan: refuse it until conversions are modelled.
        if s == "CNY" {
            Ok(Currency(s))
        } else {
            Err(de::Error::custom(format!(
                "{s:?} is not accepted: this ledger keeps every amount in yuan (\"CNY\"); convert the amount to yuan and omit currency"
            )))
        }
    }
}

macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),* }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = crate::money::string_only(d, "a word")?;
                match s.as_str() {
                    $($text => Ok($name::$variant),)*
                    _ => Err(de::Error::custom(format!(
                        "{s:?} is not allowed here; use one of: {}",
                        [$($text),*].join(", ")
                    ))),
                }
            }
        }
    };
}

word_enum!(
    /// What kind of party an entity is.
    EntityKind {
        Government => "government",
        Department => "department",
        County => "county",
        Park => "park",
        Enterprise => "enterprise",
        Project => "project",
        Person => "person",
        Auditor => "auditor",
    }
);

word_enum!(
    /// Where an account sits in the flow of money.
    AccountKind { Source => "source", Internal => "internal", External => "external" }
);

word_enum!(Comparator { AtLeast => ">=", AtMost => "<=" });

word_enum!(
    /// IATI transaction types 3, 4, 6, 5.
    DisbursementKind {
        Transfer => "transfer",
        Expenditure => "expenditure",
        Repayment => "repayment",
        Interest => "interest",
    }
);

word_enum!(CommitmentKind {
    LandDiscount => "land_discount",
    TaxRefund => "tax_refund",
    ServiceDeadline => "service_deadline",
    Subsidy => "subsidy",
    Funding => "funding",
    Other => "other",
});

word_enum!(SchemeCondition { TargetMet => "target_met" });

/// A period of dates, both ends inclusive.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Period {
    pub from: Day,
    pub to: Day,
}

/// One piece of evidence: a document reference and, optionally, the BLAKE3
/// of the document so a reader can check it is the one meant.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct EvidenceRef {
    #[serde(rename = "ref")]
    pub reference: Text,
    #[serde(default)]
    pub blake3: Option<HexDigest>,
}

/// Evidence as the contract writes it (a list of references). A bare string
/// is read as a single reference: the contract shows the list form only for
/// targets, and refusing a plain document number would help nobody.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence(pub Vec<EvidenceRef>);

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Form {
            One(Text),
            Many(Vec<EvidenceRef>),
        }
        let v = crate::json::strict_value(d)?;
        match &v {
            Value::String(_) | Value::Array(_) => {}
            _ => {
                return Err(de::Error::custom(
                    "evidence is a list of {\"ref\": ..., \"blake3\"?: ...} objects",
                ))
            }
        }
        match Form::deserialize(&v) {
            Ok(Form::One(t)) => Ok(Evidence(vec![EvidenceRef {
                reference: t,
                blake3: None,
            }])),
            Ok(Form::Many(list)) => Ok(Evidence(list)),
            Err(_) => {
                // Re-run the list form alone so the message names the real fault.
                let list = Vec::<EvidenceRef>::deserialize(&v).map_err(de::Error::custom)?;
                Ok(Evidence(list))
            }
        }
    }
}

/// 64 lowercase or uppercase hex digits (a BLAKE3 digest).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HexDigest(pub [u8; 32]);

impl<'de> Deserialize<'de> for HexDigest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = crate::money::string_only(d, "a hex digest")?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(&s, &mut out)
            .map_err(|_| de::Error::custom(format!("{s:?} is not a BLAKE3 digest; expected 64 hex digits")))?;
        Ok(HexDigest(out))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Responsible {
    pub person: Id,
    pub role: Text,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Condition {
    pub condition_id: Id,
    pub text: Text,
    #[serde(default)]
    pub target_id: Option<Id>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct Share {
    pub role: Text,
    pub percent: Percent,
}

/// `Deserialize` for a struct that must be given as a JSON object. serde's
/// derive also reads a struct from an array, by position, so
/// `"period": ["2026-01-01", "2026-12-31"]` would pass unnoticed; the
/// derived reader is kept (`remote = "Self"`) and reached only through a map.
macro_rules! object_only {
    ($($ty:ident: $what:literal),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Only;
                impl<'de> de::Visitor<'de> for Only {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<$ty, A::Error> {
                        $ty::deserialize(de::value::MapAccessDeserializer::new(map))
                    }
                }
                d.deserialize_map(Only)
            }
        }
    )*};
}

object_only! {
    Period: "an object {\"from\": date, \"to\": date}",
    EvidenceRef: "an object {\"ref\": ..., \"blake3\"?: ...}",
    Responsible: "an object {\"person\": entity, \"role\": ...}",
    Condition: "an object {\"condition_id\": ..., \"text\": ..., \"target_id\"?: ...}",
    Share: "an object {\"role\": ..., \"percent\": ...}",
}

/// When a commitment falls due: a fixed time, or a number of days after one
/// of its own conditions is met.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Due {
    At(BusinessTime),
    WithinDays { days: u32, after: Id },
    WithinWorkingDays { days: u32, after: Id },
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Relative {
            #[serde(default)]
            within_days: Option<u32>,
            #[serde(default)]
            within_working_days: Option<u32>,
            after: Id,
        }
        let v = crate::json::strict_value(d)?;
        match v {
            Value::String(s) => BusinessTime::parse(&s).map(Due::At).map_err(de::Error::custom),
            Value::Object(_) => {
                let r = Relative::deserialize(&v).map_err(de::Error::custom)?;
                match (r.within_days, r.within_working_days) {
                    (Some(days), None) => Ok(Due::WithinDays { days, after: r.after }),
                    (None, Some(days)) => Ok(Due::WithinWorkingDays { days, after: r.after }),
                    _ => Err(de::Error::custom(
                        "give exactly one of within_days or within_working_days, with after",
                    )),
                }
            }
            _ => Err(de::Error::custom(
                "due is a date, a date-time, or {\"within_days\"|\"within_working_days\": n, \"after\": condition_id}",
            )),
        }
    }
}

macro_rules! data_structs {
    ($($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? })*) => {
        $(
            $(#[$m])*
            #[derive(Clone, Debug, PartialEq, Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct $name { $($(#[$fm])* pub $field: $ty),* }
        )*
    };
}

data_structs! {
    EntityRegistered { entity_id: Id, kind: EntityKind, name: Text, #[serde(default)] parent: Option<Id>, #[serde(default)] public_key: Option<PublicKey> }
    AccountOpened { account_id: Id, holder: Id, name: Text, kind: AccountKind, #[serde(default)] ceiling: Option<Amount>, #[serde(default)] earmark: Option<Text>, #[serde(default)] currency: Option<Currency> }
    TargetAssigned {
        target_id: Id, assignee: Id, metric: Text, unit: Text, comparator: Comparator, threshold: Quantity,
        period: Period, basis: Text, #[serde(default)] responsible: Option<Vec<Responsible>>
    }
    TargetRevised { target_id: Id, #[serde(default)] threshold: Option<Quantity>, #[serde(default)] period: Option<Period>, reason: Text }
    TargetProgressReported { target_id: Id, value: Quantity, as_of: Day, #[serde(default)] evidence: Option<Evidence> }
    TargetVerified { target_id: Id, value: Quantity, as_of: Day, #[serde(default)] evidence: Option<Evidence>, #[serde(default)] note: Option<Text> }
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
    CommitmentMade {
        commitment_id: Id, promisor: Id, beneficiary: Id, kind: CommitmentKind, terms: Text,
        #[serde(default)] amount: Option<Amount>, due: Due, #[serde(default)] conditions: Option<Vec<Condition>>,
        #[serde(default)] basis: Option<Text>, #[serde(default)] clawback_targets: Option<Vec<Id>>,
        #[serde(default)] currency: Option<Currency>
    }
    CommitmentConditionMet { commitment_id: Id, condition_id: Id, #[serde(default)] evidence: Option<Evidence> }
    CommitmentFulfilled { commitment_id: Id, #[serde(default)] evidence: Option<Evidence>, #[serde(default)] amount: Option<Amount> }
    CommitmentDisputed { commitment_id: Id, reason: Text }
    CommitmentBreached { commitment_id: Id, reason: Text }
    CommitmentWaived { commitment_id: Id, reason: Text, authority: Text }
    IncentiveSchemeSet { scheme_id: Id, target_id: Id, total: Amount, shares: Vec<Share>, condition: SchemeCondition }
    IncentivePaid {
        payout_id: Id, scheme_id: Id, payee: Id, role: Text, amount: Amount,
        #[serde(default)] from_account: Option<Id>, #[serde(default)] evidence: Option<Evidence>, #[serde(default)] currency: Option<Currency>
    }
    IncentiveClawedBack { payout_id: Id, amount: Amount, reason: Text }
    EventVoided { seq: u64, reason: Text }
}

/// An Ed25519 public key, base64 of its 32 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey(pub [u8; 32]);

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use base64::Engine;
        let s = crate::money::string_only(d, "a public key")?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .map_err(|_| de::Error::custom("public_key must be the base64 of a 32-byte Ed25519 key"))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| de::Error::custom("public_key must be the base64 of a 32-byte Ed25519 key"))?;
        // 32 bytes that are not a curve point could never verify a signature.
        ed25519_dalek::VerifyingKey::from_bytes(&key)
            .map_err(|_| de::Error::custom("public_key is not a valid Ed25519 public key"))?;
        Ok(PublicKey(key))
    }
}

/// The type-specific part of an event.
#[derive(Clone, Debug, PartialEq)]
pub enum EventData {
    EntityRegistered(EntityRegistered),
    AccountOpened(AccountOpened),
    TargetAssigned(TargetAssigned),
    TargetRevised(TargetRevised),
    TargetProgressReported(TargetProgressReported),
    TargetVerified(TargetVerified),
    FundAllocated(FundAllocated),
    FundDisbursed(FundDisbursed),
    FundReceived(FundReceived),
    CommitmentMade(CommitmentMade),
    CommitmentConditionMet(CommitmentConditionMet),
    CommitmentFulfilled(CommitmentFulfilled),
    CommitmentDisputed(CommitmentDisputed),
    CommitmentBreached(CommitmentBreached),
    CommitmentWaived(CommitmentWaived),
    IncentiveSchemeSet(IncentiveSchemeSet),
    IncentivePaid(IncentivePaid),
    IncentiveClawedBack(IncentiveClawedBack),
    EventVoided(EventVoided),
}

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
                "unknown_field",
                field,
                format!("unknown field {name:?}; check the spelling against the contract (section 2)"),
            )
        } else if let Some(rest) = inner.strip_prefix("missing field `") {
            let name = rest.split('`').next().unwrap_or("");
            let field = if field == "data" {
                format!("data.{name}")
            } else {
                format!("{field}.{name}")
            };
            Rejection::new("missing_field", field, format!("required field {name:?} is missing"))
        } else {
            let code = if inner.contains("amount") {
                "bad_amount"
            } else {
                "invalid_field"
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
            .ok_or_else(|| Rejection::new("not_an_object", "", "an event must be a JSON object"))?;
        if let Some(k) = obj.keys().find(|k| !ENVELOPE_FIELDS.contains(&k.as_str())) {
            return Err(Rejection::new(
                "unknown_field",
                k.clone(),
                format!(
                    "unknown field {k:?}; an event has type, id, actor, occurred_at, data and (when signed) signature"
                ),
            ));
        }
        let kind = match obj.get("type") {
            Some(Value::String(s)) => EventType::from_name(s).ok_or_else(|| {
                Rejection::new(
                    "unknown_type",
                    "type",
                    format!("{s:?} is not an event type of the contract (section 2)"),
                )
            })?,
            Some(_) => {
                return Err(Rejection::new(
                    "invalid_field",
                    "type",
                    "type must be a string such as \"fund.disbursed\"",
                ))
            }
            None => {
                return Err(Rejection::new(
                    "missing_field",
                    "type",
                    "required field \"type\" is missing",
                ))
            }
        };
        let id = match obj.get("id") {
            None => None,
            Some(Value::String(s)) => {
                Some(Id::parse(s).map_err(|e| Rejection::new("invalid_field", "id", format!("id {s:?} {e}")))?)
            }
            Some(_) => return Err(Rejection::new("invalid_field", "id", "id must be a string")),
        };
        let actor = match obj.get("actor") {
            Some(Value::String(s)) => {
                Id::parse(s).map_err(|e| Rejection::new("invalid_field", "actor", format!("actor {s:?} {e}")))?
            }
            Some(_) => {
                return Err(Rejection::new(
                    "invalid_field",
                    "actor",
                    "actor must be an entity id string",
                ))
            }
            None => {
                return Err(Rejection::new(
                    "missing_field",
                    "actor",
                    "required field \"actor\" is missing",
                ))
            }
        };
        let occurred_at = match obj.get("occurred_at") {
            Some(Value::String(s)) => {
                BusinessTime::parse(s).map_err(|e| Rejection::new("invalid_field", "occurred_at", e))?
            }
            Some(_) => {
                return Err(Rejection::new(
                    "invalid_field",
                    "occurred_at",
                    "occurred_at must be a date string",
                ))
            }
            None => {
                return Err(Rejection::new(
                    "missing_field",
                    "occurred_at",
                    "required field \"occurred_at\" is missing",
                ))
            }
        };
        let data = match obj.get("data") {
            Some(d @ Value::Object(_)) => d,
            Some(_) => return Err(Rejection::new("invalid_field", "data", "data must be a JSON object")),
            None => {
                return Err(Rejection::new(
                    "missing_field",
                    "data",
                    "required field \"data\" is missing",
                ))
            }
        };
        let data = parse_data(kind, data)?;
        check_shape(&data)?;
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
            .map_err(|e| Rejection::new("invalid_json", "", format!("not valid JSON: {e}")))?;
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
        check_shape(&data).ok()?;
        Some(Event {
            kind,
            id: env.id,
            actor: env.actor,
            occurred_at: env.occurred_at,
            data,
        })
    }

    /// The identifier this event creates, with the namespace it is unique in.
    pub fn creates(&self) -> Option<(crate::registry::Namespace, &Id)> {
        use crate::registry::Namespace as N;
        Some(match &self.data {
            EventData::EntityRegistered(d) => (N::Entity, &d.entity_id),
            EventData::AccountOpened(d) => (N::Account, &d.account_id),
            EventData::TargetAssigned(d) => (N::Target, &d.target_id),
            EventData::FundAllocated(d) => (N::Allocation, &d.allocation_id),
            EventData::FundDisbursed(d) => (N::Disbursement, &d.disbursement_id),
            EventData::CommitmentMade(d) => (N::Commitment, &d.commitment_id),
            EventData::IncentiveSchemeSet(d) => (N::Scheme, &d.scheme_id),
            EventData::IncentivePaid(d) => (N::Payout, &d.payout_id),
            _ => return None,
        })
    }
}

fn parse_data(kind: EventType, data: &Value) -> Result<EventData, Rejection> {
    use EventType as T;
    Ok(match kind {
        T::EntityRegistered => EventData::EntityRegistered(typed(data)?),
        T::AccountOpened => EventData::AccountOpened(typed(data)?),
        T::TargetAssigned => EventData::TargetAssigned(typed(data)?),
        T::TargetRevised => EventData::TargetRevised(typed(data)?),
        T::TargetProgressReported => EventData::TargetProgressReported(typed(data)?),
        T::TargetVerified => EventData::TargetVerified(typed(data)?),
        T::FundAllocated => EventData::FundAllocated(typed(data)?),
        T::FundDisbursed => EventData::FundDisbursed(typed(data)?),
        T::FundReceived => EventData::FundReceived(typed(data)?),
        T::CommitmentMade => EventData::CommitmentMade(typed(data)?),
        T::CommitmentConditionMet => EventData::CommitmentConditionMet(typed(data)?),
        T::CommitmentFulfilled => EventData::CommitmentFulfilled(typed(data)?),
        T::CommitmentDisputed => EventData::CommitmentDisputed(typed(data)?),
        T::CommitmentBreached => EventData::CommitmentBreached(typed(data)?),
        T::CommitmentWaived => EventData::CommitmentWaived(typed(data)?),
        T::IncentiveSchemeSet => EventData::IncentiveSchemeSet(typed(data)?),
        T::IncentivePaid => EventData::IncentivePaid(typed(data)?),
        T::IncentiveClawedBack => EventData::IncentiveClawedBack(typed(data)?),
        T::EventVoided => EventData::EventVoided(typed(data)?),
    })
}

/// As `parse_data`, straight from JSON text (no intermediate tree). Any
/// error is reported as `None`: the caller re-parses the slow way for a
/// message that names the field.
fn parse_data_text(kind: EventType, data: &str) -> Option<EventData> {
    use EventType as T;
    Some(match kind {
        T::EntityRegistered => EventData::EntityRegistered(serde_json::from_str(data).ok()?),
        T::AccountOpened => EventData::AccountOpened(serde_json::from_str(data).ok()?),
        T::TargetAssigned => EventData::TargetAssigned(serde_json::from_str(data).ok()?),
        T::TargetRevised => EventData::TargetRevised(serde_json::from_str(data).ok()?),
        T::TargetProgressReported => EventData::TargetProgressReported(serde_json::from_str(data).ok()?),
        T::TargetVerified => EventData::TargetVerified(serde_json::from_str(data).ok()?),
        T::FundAllocated => EventData::FundAllocated(serde_json::from_str(data).ok()?),
        T::FundDisbursed => EventData::FundDisbursed(serde_json::from_str(data).ok()?),
        T::FundReceived => EventData::FundReceived(serde_json::from_str(data).ok()?),
        T::CommitmentMade => EventData::CommitmentMade(serde_json::from_str(data).ok()?),
        T::CommitmentConditionMet => EventData::CommitmentConditionMet(serde_json::from_str(data).ok()?),
        T::CommitmentFulfilled => EventData::CommitmentFulfilled(serde_json::from_str(data).ok()?),
        T::CommitmentDisputed => EventData::CommitmentDisputed(serde_json::from_str(data).ok()?),
        T::CommitmentBreached => EventData::CommitmentBreached(serde_json::from_str(data).ok()?),
        T::CommitmentWaived => EventData::CommitmentWaived(serde_json::from_str(data).ok()?),
        T::IncentiveSchemeSet => EventData::IncentiveSchemeSet(serde_json::from_str(data).ok()?),
        T::IncentivePaid => EventData::IncentivePaid(serde_json::from_str(data).ok()?),
        T::IncentiveClawedBack => EventData::IncentiveClawedBack(serde_json::from_str(data).ok()?),
        T::EventVoided => EventData::EventVoided(serde_json::from_str(data).ok()?),
    })
}

/// Rules that need the whole event but not the ledger: periods run
/// forwards, shares add up, condition ids are unique and `due` names one.
fn check_shape(data: &EventData) -> Result<(), Rejection> {
    let check_period = |p: &Period, field: &str| {
        if p.from > p.to {
            Err(Rejection::new(
                "invalid_field",
                field,
                format!("the period ends ({}) before it starts ({})", p.to, p.from),
            ))
        } else {
            Ok(())
        }
    };
    match data {
        EventData::TargetAssigned(d) => check_period(&d.period, "data.period")?,
        EventData::TargetRevised(d) => {
            if let Some(p) = &d.period {
                check_period(p, "data.period")?;
            }
            if d.threshold.is_none() && d.period.is_none() {
                return Err(Rejection::new(
                    "missing_field",
                    "data.threshold",
                    "a revision changes the threshold, the period or both; neither was given",
                ));
            }
        }
        EventData::FundAllocated(d) => {
            if let Some(p) = &d.period {
                check_period(p, "data.period")?;
            }
            if d.from_account == d.to_account {
                return Err(Rejection::new(
                    "invalid_field",
                    "data.to_account",
                    "money cannot be allocated from an account to itself",
                ));
            }
        }
        EventData::FundDisbursed(d) if d.from_account == d.to_account => {
            return Err(Rejection::new(
                "invalid_field",
                "data.to_account",
                "money cannot move from an account to itself",
            ));
        }
        EventData::CommitmentMade(d) => {
            let conditions = d.conditions.as_deref().unwrap_or(&[]);
            for (i, c) in conditions.iter().enumerate() {
                if conditions[..i].iter().any(|o| o.condition_id == c.condition_id) {
                    return Err(Rejection::new(
                        "duplicate_id",
                        format!("data.conditions[{i}].condition_id"),
                        format!("condition {:?} is listed twice", c.condition_id.as_str()),
                    ));
                }
            }
            if let Due::WithinDays { after, .. } | Due::WithinWorkingDays { after, .. } = &d.due {
                if !conditions.iter().any(|c| &c.condition_id == after) {
                    return Err(Rejection::new(
                        "unknown_reference",
                        "data.due.after",
                        format!(
                            "due counts from condition {:?}, which is not among this commitment's conditions",
                            after.as_str()
                        ),
                    ));
                }
            }
        }
        EventData::IncentiveSchemeSet(d) => {
            if d.shares.is_empty() {
                return Err(Rejection::new(
                    "invalid_field",
                    "data.shares",
                    "a scheme needs at least one share",
                ));
            }
            let total: rust_decimal::Decimal = d.shares.iter().map(|s| s.percent.0).sum();
            if total != rust_decimal::Decimal::ONE_HUNDRED {
                return Err(Rejection::new(
                    "invalid_field",
                    "data.shares",
                    format!("the shares add up to {}%, not 100%", total.normalize()),
                ));
            }
            for (i, s) in d.shares.iter().enumerate() {
                if d.shares[..i].iter().any(|o| o.role == s.role) {
                    return Err(Rejection::new(
                        "invalid_field",
                        format!("data.shares[{i}].role"),
                        format!("role {:?} has two shares", s.role.0),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(EventType::ALL.len(), 19);
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
