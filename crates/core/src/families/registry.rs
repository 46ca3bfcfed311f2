//! The registry family: who exists (`entity.registered`) and which
//! accounts they hold (`account.opened`). Anyone registered may record
//! either; an id freed by a void stays its recorder's (or an auditor's).

use super::{Actor, Rules};
use crate::error::{Rejection, RejectionKind};
use crate::fields::{data_structs, word_enum, Currency, Text};
use crate::ids::Id;
use crate::money::Amount;
use crate::registry::{EntityIdx, Entry, Journal, Namespace, Registry};
use serde::de::{self, Deserializer};
use serde::Deserialize;

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

data_structs! {
    EntityRegistered { entity_id: Id, kind: EntityKind, name: Text, #[serde(default)] parent: Option<Id>, #[serde(default)] public_key: Option<PublicKey> }
    AccountOpened { account_id: Id, holder: Id, name: Text, kind: AccountKind, #[serde(default)] ceiling: Option<Amount>, #[serde(default)] earmark: Option<Text>, #[serde(default)] currency: Option<Currency> }
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

impl Rules for EntityRegistered {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Entity, &self.entity_id))
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(Namespace::Entity, &self.entity_id, "data.entity_id", by.claimant)?;
        if let Some(p) = &self.parent {
            if p == &self.entity_id {
                return Err(Rejection::new(
                    RejectionKind::InvalidField,
                    "data.parent",
                    "an entity cannot be its own parent; name the government or body above it",
                ));
            }
            reg.need_entity(p, "data.parent")?;
        }
        Ok(())
    }

    /// Anyone may register an entity; but a `department` placed under a
    /// `parent` is an office that acts for it (format 2.3), so only that
    /// parent, an office of it, a party above it, or an auditor may
    /// register one: nobody gives itself authority by declaring an office
    /// of someone else.
    fn permitted(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        if self.kind != EntityKind::Department {
            return Ok(());
        }
        let Some(parent) = self.parent.as_ref().and_then(|p| reg.entity_index_of(p)) else {
            return Ok(());
        };
        if by.kind == EntityKind::Auditor || reg.acts_for(by.idx, parent) || reg.at_or_below(parent, by.idx) {
            return Ok(());
        }
        Err(Rejection::new(
            RejectionKind::NotPermitted,
            "actor",
            format!(
                "a department placed under {:?} acts for it, so it may be registered only by {:?}, an office of it, a party above it, or an auditor; {:?} is none of these",
                self.parent.as_deref().unwrap_or_default(),
                self.parent.as_deref().unwrap_or_default(),
                by.event.actor.as_str()
            ),
        ))
    }

    fn entry(&self, reg: &mut Registry, _: EntityIdx, journal: &mut Journal) -> Option<Entry> {
        let idx = reg.ensure_entity_index(&self.entity_id, journal);
        let parent = self
            .parent
            .as_ref()
            .and_then(|p| reg.need_entity(p, "").ok())
            .map(|(p, _)| p);
        Some(Entry::Entity {
            idx,
            kind: self.kind,
            parent,
            public_key: self.public_key.as_ref().map(|k| Box::new(k.0)),
        })
    }
}

impl Rules for AccountOpened {
    const AUDITOR_MAY_RECORD: bool = false;

    fn creates(&self) -> Option<(Namespace, &Id)> {
        Some((Namespace::Account, &self.account_id))
    }

    fn check(&self, reg: &Registry, by: &Actor) -> Result<(), Rejection> {
        reg.need_new(Namespace::Account, &self.account_id, "data.account_id", by.claimant)?;
        reg.need_entity(&self.holder, "data.holder")?;
        Ok(())
    }

    fn permitted(&self, _: &Registry, _: &Actor) -> Result<(), Rejection> {
        Ok(())
    }

    fn entry(&self, reg: &mut Registry, _: EntityIdx, _: &mut Journal) -> Option<Entry> {
        reg.need_entity(&self.holder, "")
            .ok()
            .map(|(holder, _)| Entry::Account { holder })
    }
}

crate::schema::shaped! {
    PublicKey => crate::schema::FieldShape::Key,
}
