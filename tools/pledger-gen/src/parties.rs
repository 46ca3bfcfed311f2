//! The parties of the world and their accounts: entities (government,
//! bureaus, counties, parks, people, firms, projects), accounts, the parks'
//! and bureaus' people, and how each is registered.

use crate::fields::obj;
use crate::generator::{Generator, NONE};
use crate::util::dec;
use crate::world::{contractor_name, firm_name, person_name, D_FINANCE};
use serde_json::Value;

/// How many enterprises and contractors are kept to pick from; past that,
/// a new firm takes a random one's place.
const MAX_ENTERPRISE_POOL: usize = 2_000;
const MAX_CONTRACTOR_POOL: usize = 300;

/// An entity's kind, as `entity.registered` records it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Government,
    Department,
    County,
    Park,
    Enterprise,
    Project,
    Person,
    Auditor,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Government => "government",
            Kind::Department => "department",
            Kind::County => "county",
            Kind::Park => "park",
            Kind::Enterprise => "enterprise",
            Kind::Project => "project",
            Kind::Person => "person",
            Kind::Auditor => "auditor",
        }
    }
}

/// A registered entity.
pub(crate) struct Ent {
    pub(crate) id: String,
    /// For a project: the enterprise behind it (whose account it is paid into).
    pub(crate) parent: u32,
    /// For an enterprise: its external account.
    pub(crate) account: u32,
    /// The park it belongs to (0: the zone, or none in particular).
    pub(crate) park: u16,
}

/// An account's kind, as `account.opened` records it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AKind {
    Source,
    Internal,
    External,
}

/// An opened account, with what has been drawn from it and its balance as
/// the generator tracks them (in fen).
pub(crate) struct Account {
    pub(crate) id: String,
    pub(crate) holder: u32,
    pub(crate) kind: AKind,
    pub(crate) earmark: Option<&'static str>,
    pub(crate) ceiling: Option<u64>,
    pub(crate) drawn: u64,
    pub(crate) balance: u64,
}

/// The development zone (park 0) or a county park: its entity, its
/// county's, its accounts and its people.
pub(crate) struct Park {
    pub(crate) ent: u32,
    pub(crate) county: u32,
    pub(crate) infra: u32,
    pub(crate) treasury: u32,
    pub(crate) bt: u32,
    /// County party secretary and county head (for the zone: its party
    /// working committee secretary and the administrative committee head).
    pub(crate) leaders: [u32; 2],
    pub(crate) park_leaders: [u32; 2],
    pub(crate) contributors: [u32; 3],
    /// Headline targets missed in a row.
    pub(crate) misses: u8,
    /// Yearly tasks failed in a row.
    pub(crate) task_fails: u8,
    pub(crate) name: &'static str,
}

impl Park {
    /// A park as registered: no accounts, people or misses yet.
    pub(crate) fn new(ent: u32, county: u32, name: &'static str) -> Self {
        Park {
            ent,
            county,
            infra: NONE,
            treasury: NONE,
            bt: NONE,
            leaders: [NONE; 2],
            park_leaders: [NONE; 2],
            contributors: [NONE; 3],
            misses: 0,
            task_fails: 0,
            name,
        }
    }
}

/// A city bureau: its entity, its yearly quota of projects, its head and
/// one contributor.
pub(crate) struct Dept {
    pub(crate) ent: u32,
    pub(crate) quota: u64,
    pub(crate) persons: [u32; 2],
    /// Yearly tasks failed in a row.
    pub(crate) task_fails: u8,
}

impl Generator {
    /// The holder of account `a`.
    pub(crate) fn holder(&self, a: u32) -> u32 {
        self.accts[a as usize].holder
    }

    /// One of the auditors, at random.
    pub(crate) fn auditor(&mut self) -> u32 {
        let i = self.rng.index(self.auditors.len());
        self.auditors[i]
    }

    /// The finance bureau.
    pub(crate) fn finance(&self) -> u32 {
        self.depts[D_FINANCE].ent
    }

    /// Registers an entity; `actor == NONE` means the entity registers itself
    /// (only the founding record).
    pub(crate) fn register(&mut self, actor: u32, id: String, kind: Kind, name: String, parent: u32, park: u16) -> u32 {
        let idx = self.ents.len() as u32;
        let actor = if actor == NONE { idx } else { actor };
        let mut data = obj! { "entity_id": id.clone(), "kind": kind.as_str(), "name": name };
        if parent != NONE {
            data.insert("parent".into(), Value::String(self.eid(parent)));
        }
        self.ents.push(Ent {
            id,
            parent,
            account: NONE,
            park,
        });
        self.push("entity.registered", actor, data);
        idx
    }

    /// A new person under `parent`, registered by the government.
    pub(crate) fn person(&mut self, parent: u32, park: u16) -> u32 {
        self.n_ent += 1;
        let id = self.numbered("p", self.n_ent, 6);
        let name = person_name(&mut self.rng);
        self.register(self.gov, id, Kind::Person, name, parent, park)
    }

    /// Emits `account.opened` (by `actor`) and keeps the account.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn open_account(
        &mut self,
        actor: u32,
        id: String,
        holder: u32,
        kind: AKind,
        name: String,
        ceiling: Option<u64>,
        earmark: Option<&'static str>,
    ) -> u32 {
        let idx = self.accts.len() as u32;
        let mut data = obj! {
            "account_id": id.clone(),
            "holder": self.eid(holder),
            "name": name,
            "kind": match kind { AKind::Source => "source", AKind::Internal => "internal", AKind::External => "external" },
        };
        if let Some(c) = ceiling {
            data.insert("ceiling".into(), Value::String(dec(c)));
        }
        if let Some(e) = earmark {
            data.insert("earmark".into(), Value::String(e.into()));
        }
        self.accts.push(Account {
            id,
            holder,
            kind,
            earmark,
            ceiling,
            drawn: 0,
            balance: 0,
        });
        self.push("account.opened", actor, data);
        idx
    }

    /// A firm with its external account: registered by `actor`, inside `park`.
    pub(crate) fn new_firm(&mut self, actor: u32, park: u16, contractor: bool) -> u32 {
        self.n_ent += 1;
        let (prefix, name) = if contractor {
            ("ctr", contractor_name(&mut self.rng))
        } else {
            ("ent", firm_name(&mut self.rng))
        };
        let id = self.numbered(prefix, self.n_ent, 6);
        let parent = if contractor {
            NONE
        } else {
            self.parks[park as usize].ent
        };
        let e = self.register(actor, id, Kind::Enterprise, name, parent, park);
        let mut acct_id = String::from("acct-");
        acct_id.push_str(&self.ents[e as usize].id);
        let acct_name = if contractor {
            "对公结算账户"
        } else {
            "基本存款账户"
        };
        let a = self.open_account(e, acct_id, e, AKind::External, acct_name.into(), None, None);
        self.ents[e as usize].account = a;
        let pool = if contractor {
            &mut self.contractors
        } else {
            &mut self.enterprises
        };
        let cap = if contractor {
            MAX_CONTRACTOR_POOL
        } else {
            MAX_ENTERPRISE_POOL
        };
        if pool.len() >= cap {
            let i = self.rng.index(pool.len());
            pool[i] = e;
        } else {
            pool.push(e);
        }
        e
    }

    /// The account a beneficiary is paid into.
    pub(crate) fn pay_account(&self, e: u32) -> u32 {
        let ent = &self.ents[e as usize];
        if ent.account != NONE {
            ent.account
        } else {
            self.ents[ent.parent as usize].account
        }
    }
}
