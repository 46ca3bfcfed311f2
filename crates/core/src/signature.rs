//! Signed events: an entity that registered a `public_key` signs its own
//! events, so the ledger (and any auditor after it) can tell that the
//! entity itself submitted them. docs/signatures.md is the user's guide.
//!
//! - The signature is the top-level `"signature"` member of the event: the
//!   standard, padded base64 of a 64-byte Ed25519 signature.
//! - The signed message is exactly the RFC 8785 (JCS) bytes of the event as
//!   submitted, with the `signature` member removed. Nothing is prefixed.
//! - A signed event carries its own `id`: an id filled in by the ledger
//!   would change the event after it was signed.
//!
//! Which key decides is [`check`]'s business; [`signed_part`] only reads
//! the signature and the message out of the submitted JSON, so it can run
//! on the caller's threads before the writer sees the event.

use crate::error::{Rejection, RejectionKind};
use crate::event::{Event, EventData};
use crate::registry::Registry;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde_json::{Map, Value};

/// The envelope member that holds the signature.
pub const FIELD: &str = "signature";

/// Prefix of the ids `pledger sign` fills in (see [`sign`]).
pub const SIGNED_ID_PREFIX: &str = "sig-";

/// What a signed event claims: its signature and the bytes it signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedPart {
    pub signature: [u8; 64],
    /// JCS of the submitted event without its `signature` member.
    pub message: Vec<u8>,
}

fn bad_format() -> Rejection {
    Rejection::new(
        RejectionKind::BadSignature,
        FIELD,
        "signature must be the base64 of a 64-byte Ed25519 signature; produce it with `pledger sign --key FILE`",
    )
}

/// JCS of an event object without its `signature` member: the signed bytes.
pub fn message(event: &Map<String, Value>) -> Result<Vec<u8>, Rejection> {
    let mut unsigned = event.clone();
    unsigned.remove(FIELD);
    crate::record::jcs(&Value::Object(unsigned)).map_err(|e| {
        Rejection::new(
            RejectionKind::InvalidJson,
            "",
            format!("the event cannot be put in canonical form: {e}"),
        )
    })
}

/// Reads the signature of a submitted event, if it has one, and the bytes
/// it must sign. `Ok(None)` for an unsigned event; this costs one member
/// lookup, so unsigned events pay nothing measurable.
pub fn signed_part(value: &Value) -> Result<Option<SignedPart>, Rejection> {
    let Some(obj) = value.as_object() else {
        return Ok(None);
    };
    let Some(sig) = obj.get(FIELD) else {
        return Ok(None);
    };
    let text = sig.as_str().ok_or_else(bad_format)?;
    let signature: [u8; 64] = B64
        .decode(text.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad_format)?;
    if !obj.contains_key("id") {
        return Err(Rejection::new(
            RejectionKind::MissingField,
            "id",
            "a signed event must carry its own id (the ledger cannot fill one in without changing what was signed); \
             `pledger sign` adds one to every event that has none",
        ));
    }
    Ok(Some(SignedPart {
        signature,
        message: message(obj)?,
    }))
}

/// Is `event` the registration of its own actor bringing a public key (the
/// founding record, or an entity registering itself)? Its key is the one
/// that must sign it: that proves the registrant holds the private half.
fn self_registered_key(event: &Event) -> Option<&[u8; 32]> {
    match &event.data {
        EventData::EntityRegistered(d) if d.entity_id == event.actor => d.public_key.as_ref().map(|k| &k.0),
        _ => None,
    }
}

/// Checks an event's signature against the ledger so far, before the
/// registry admits it:
///
/// 1. the actor registered a public key: the event must be signed with it
///    (a key rotation is therefore signed with the old key);
/// 2. else, an `entity.registered` of its own actor that brings a
///    `public_key` must be signed with that key;
/// 3. else, a signature is refused: nobody could check it, and it must not
///    sit in the ledger looking authoritative.
pub fn check(registry: &Registry, event: &Event, signed: Option<&SignedPart>) -> Result<(), Rejection> {
    let actor = event.actor.as_str();
    let (key, whose) = match registry.public_key(actor) {
        Some(k) => (k, Whose::Registered),
        None => match self_registered_key(event) {
            Some(k) => (*k, Whose::SelfRegistration),
            None => {
                return match signed {
                    None => Ok(()),
                    Some(_) => Err(Rejection::new(
                        RejectionKind::UnexpectedSignature,
                        FIELD,
                        format!(
                            "this event is signed, but {actor:?} has registered no public key to check the signature \
                             against; remove the signature field, or register {actor:?} with a public_key first"
                        ),
                    )),
                };
            }
        },
    };
    let Some(signed) = signed else {
        return Err(Rejection::new(
            RejectionKind::MissingSignature,
            FIELD,
            match whose {
                Whose::Registered => format!(
                    "entity {actor:?} registered a public key: its events must be signed; sign them with \
                     `pledger sign --key FILE` using {actor:?}'s private key, and send the signed lines"
                ),
                Whose::SelfRegistration => format!(
                    "this registration of {actor:?} brings a public key, so it must be signed with that key to prove \
                     {actor:?} holds it; sign it with `pledger sign --key FILE`"
                ),
            },
        ));
    };
    let verifies = VerifyingKey::from_bytes(&key).ok().is_some_and(|k| {
        k.verify_strict(&signed.message, &Signature::from_bytes(&signed.signature))
            .is_ok()
    });
    if verifies {
        return Ok(());
    }
    Err(Rejection::new(
        RejectionKind::BadSignature,
        FIELD,
        match whose {
            Whose::Registered => format!(
                "the signature does not match this event and the public key registered for {actor:?}: the event was \
                 changed after it was signed, or signed with another key; sign it again, exactly as it will be sent, \
                 with {actor:?}'s registered key (`pledger sign`)"
            ),
            Whose::SelfRegistration => format!(
                "the signature does not match this event and the public_key it registers for {actor:?}: the event \
                 was changed after it was signed, or signed with another key; sign it again with the private half \
                 of that public_key (`pledger sign`)"
            ),
        },
    ))
}

enum Whose {
    /// The key the registry holds for the actor.
    Registered,
    /// The key the event itself registers for its actor.
    SelfRegistration,
}

/// Signs a submitted event in place with `key`, as `pledger sign` does.
///
/// An existing signature is replaced. An event without an `id` gets
/// `sig-` + the first 32 hex digits of BLAKE3(JCS of the unsigned event),
/// so signing the same file again gives the same ids and the same
/// signatures (Ed25519 is deterministic): a retry is an idempotent repeat.
/// The event is checked as the ledger would parse it, so a typo is caught
/// before anything is signed.
pub fn sign(value: &mut Value, key: &SigningKey) -> Result<(), Rejection> {
    let obj = value
        .as_object_mut()
        .ok_or_else(|| Rejection::new(RejectionKind::NotAnObject, "", "an event must be a JSON object"))?;
    obj.remove(FIELD);
    if !obj.contains_key("id") {
        let digest = blake3::hash(&message(obj)?);
        let id = format!("{SIGNED_ID_PREFIX}{}", &digest.to_hex()[..32]);
        obj.insert("id".into(), Value::String(id));
    }
    Event::parse(value)?;
    let obj = value
        .as_object_mut()
        .ok_or_else(|| Rejection::new(RejectionKind::NotAnObject, "", "an event must be a JSON object"))?;
    let signature = key.sign(&message(obj)?);
    obj.insert(FIELD.into(), Value::String(B64.encode(signature.to_bytes())));
    Ok(())
}

/// The text of a key file: the standard base64 of the 32-byte Ed25519 seed
/// (the same form as the ledger's own `ledger.key`).
pub fn seed_text(key: &SigningKey) -> String {
    B64.encode(key.to_bytes())
}

/// Reads a key file's text (surrounding whitespace ignored).
pub fn key_from_seed_text(text: &str) -> Option<SigningKey> {
    let seed: [u8; 32] = B64.decode(text.trim().as_bytes()).ok()?.try_into().ok()?;
    Some(SigningKey::from_bytes(&seed))
}

/// The public key as `entity.registered`'s `public_key` takes it.
pub fn public_key_text(key: &SigningKey) -> String {
    B64.encode(key.verifying_key().to_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Journal;
    use serde_json::json;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn founding(pk: Option<&SigningKey>) -> Value {
        let mut v = json!({"type": "entity.registered", "id": "e-city", "actor": "city", "occurred_at": "2026-01-01",
                           "data": {"entity_id": "city", "kind": "government", "name": "City"}});
        if let Some(k) = pk {
            v["data"]["public_key"] = json!(public_key_text(k));
        }
        v
    }

    fn account(id: &str) -> Value {
        json!({"type": "account.opened", "id": id, "actor": "city", "occurred_at": "2026-01-02",
               "data": {"account_id": id, "holder": "city", "name": "Treasury", "kind": "source"}})
    }

    /// A registry whose founder `city` registered `k`'s public key.
    fn keyed_registry(k: &SigningKey) -> Registry {
        let mut r = Registry::new();
        let mut v = founding(Some(k));
        sign(&mut v, k).unwrap();
        let e = Event::parse(&v).unwrap();
        let signed = signed_part(&v).unwrap();
        r.admit_with(&e, signed.as_ref(), crate::registry::Origin::New, &mut Journal::new())
            .unwrap();
        r
    }

    /// Parses and checks `v` against `r` the way the store does.
    fn judge(r: &Registry, v: &Value) -> Result<(), Rejection> {
        let e = Event::parse(v)?;
        let s = signed_part(v)?;
        check(r, &e, s.as_ref())
    }

    #[test]
    fn a_valid_signature_is_accepted() {
        let k = key(1);
        let r = keyed_registry(&k);
        let mut v = account("a1");
        sign(&mut v, &k).unwrap();
        judge(&r, &v).unwrap();
    }

    #[test]
    fn the_message_is_the_jcs_of_the_event_without_its_signature() {
        let k = key(1);
        let mut v = account("a1");
        v["data"]["name"] = json!("专户 \u{1F600} \"quoted\"");
        sign(&mut v, &k).unwrap();
        let s = signed_part(&v).unwrap().unwrap();
        let mut unsigned = v.clone();
        unsigned.as_object_mut().unwrap().remove("signature");
        assert_eq!(s.message, serde_jcs::to_vec(&unsigned).unwrap());
        // And it verifies with the plain library call an auditor would make.
        let sig = Signature::from_bytes(&s.signature);
        k.verifying_key().verify_strict(&s.message, &sig).unwrap();
    }

    #[test]
    fn a_changed_field_is_refused() {
        let k = key(1);
        let r = keyed_registry(&k);
        let mut v = account("a1");
        sign(&mut v, &k).unwrap();
        v["data"]["name"] = json!("Treasury 2");
        let e = judge(&r, &v).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), ("bad_signature", "signature"));
        assert!(e.message.contains("changed after it was signed"), "{e}");
    }

    #[test]
    fn another_key_is_refused() {
        let r = keyed_registry(&key(1));
        let mut v = account("a1");
        sign(&mut v, &key(2)).unwrap();
        assert_eq!(judge(&r, &v).unwrap_err().code, "bad_signature");
    }

    #[test]
    fn an_unsigned_event_of_a_keyed_actor_is_refused() {
        let r = keyed_registry(&key(1));
        let e = judge(&r, &account("a1")).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), ("missing_signature", "signature"));
        assert!(e.message.contains("\"city\" registered a public key"), "{e}");
        assert!(e.message.contains("pledger sign"), "{e}");
    }

    #[test]
    fn a_signature_nobody_can_check_is_refused() {
        let mut r = Registry::new();
        let v = founding(None);
        judge(&r, &v).unwrap();
        r.admit(&Event::parse(&v).unwrap(), &mut Journal::new()).unwrap();
        let mut v = account("a1");
        judge(&r, &v).unwrap();
        sign(&mut v, &key(1)).unwrap();
        let e = judge(&r, &v).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), ("unexpected_signature", "signature"));
        // A founding record without a key, signed anyway: the same.
        let mut f = founding(None);
        sign(&mut f, &key(1)).unwrap();
        assert_eq!(judge(&Registry::new(), &f).unwrap_err().code, "unexpected_signature");
    }

    #[test]
    fn a_self_registration_must_be_signed_by_the_key_it_brings() {
        let k = key(1);
        let empty = Registry::new();
        let unsigned = founding(Some(&k));
        assert_eq!(judge(&empty, &unsigned).unwrap_err().code, "missing_signature");
        let mut other = founding(Some(&k));
        sign(&mut other, &key(2)).unwrap();
        assert_eq!(judge(&empty, &other).unwrap_err().code, "bad_signature");
        let mut own = founding(Some(&k));
        sign(&mut own, &k).unwrap();
        judge(&empty, &own).unwrap();
    }

    #[test]
    fn a_new_key_for_a_keyed_actor_is_signed_with_the_old_one() {
        // The registry holds city's old key: an event of city's bringing a
        // new key is judged by the old key, not by the key it brings.
        let old = key(1);
        let new = key(2);
        let r = keyed_registry(&old);
        let mut by_old = founding(Some(&new));
        sign(&mut by_old, &old).unwrap();
        judge(&r, &by_old).unwrap();
        let mut by_new = founding(Some(&new));
        sign(&mut by_new, &new).unwrap();
        assert_eq!(judge(&r, &by_new).unwrap_err().code, "bad_signature");
    }

    #[test]
    fn garbage_signatures_are_refused_before_any_key_is_looked_at() {
        let k = key(1);
        let mut v = account("a1");
        sign(&mut v, &k).unwrap();
        let good = v["signature"].as_str().unwrap().to_string();
        let short = B64.encode([7u8; 63]);
        let unpadded = good.trim_end_matches('=').to_string();
        for bad in [
            json!("not base64!"),
            json!(short),
            json!(unpadded),
            json!(42),
            json!(null),
            json!(""),
        ] {
            v["signature"] = bad.clone();
            let e = signed_part(&v).unwrap_err();
            assert_eq!((e.code, e.field.as_str()), ("bad_signature", "signature"), "{bad}");
        }
    }

    #[test]
    fn a_signed_event_must_carry_its_id() {
        let k = key(1);
        let mut v = account("a1");
        sign(&mut v, &k).unwrap();
        v.as_object_mut().unwrap().remove("id");
        let e = signed_part(&v).unwrap_err();
        assert_eq!((e.code, e.field.as_str()), ("missing_field", "id"));
        assert!(e.message.contains("pledger sign"), "{e}");
    }

    #[test]
    fn sign_fills_in_a_deterministic_id_and_replaces_an_old_signature() {
        let k = key(1);
        let mut a = account("a1");
        a.as_object_mut().unwrap().remove("id");
        let unsigned = a.clone();
        sign(&mut a, &k).unwrap();
        let id = a["id"].as_str().unwrap().to_string();
        let expect = blake3::hash(&serde_jcs::to_vec(&unsigned).unwrap()).to_hex()[..32].to_string();
        assert_eq!(id, format!("sig-{expect}"));
        // Signing again (the signed output, or the original) changes nothing.
        let mut again = a.clone();
        sign(&mut again, &k).unwrap();
        assert_eq!(again, a);
        let mut b = unsigned.clone();
        sign(&mut b, &k).unwrap();
        assert_eq!(b, a);
    }

    #[test]
    fn sign_refuses_what_is_not_an_event() {
        let k = key(1);
        assert_eq!(sign(&mut json!([1]), &k).unwrap_err().code, "not_an_object");
        let mut v = account("a1");
        v["data"]["amout"] = json!("1");
        assert_eq!(sign(&mut v, &k).unwrap_err().field, "data.amout");
    }

    #[test]
    fn key_file_text_round_trips() {
        let k = key(9);
        let back = key_from_seed_text(&format!("{}\n", seed_text(&k))).unwrap();
        assert_eq!(back.to_bytes(), k.to_bytes());
        assert!(key_from_seed_text("short").is_none());
        assert_eq!(B64.decode(public_key_text(&k)).unwrap(), k.verifying_key().to_bytes());
    }
}
