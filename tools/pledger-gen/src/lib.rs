//! `pledger-gen`: a deterministic generator of realistic, structurally valid
//! pledger events (contract section 2), for demos, tests and benchmarks.
//!
//! ```
//! let events: Vec<serde_json::Value> = pledger_gen::Generator::new(42).take(1000).collect();
//! assert_eq!(events[0]["type"], "entity.registered");
//! assert_eq!(events[0]["actor"], events[0]["data"]["entity_id"]);
//! ```
//!
//! The stream simulates one city (常德, Changde) steering a development zone
//! and eight county parks from 2006: first the registry (government, bureaus,
//! auditors, counties, parks, people, firms, accounts), then every year a plan
//! (budget allocations, yearly and five-year targets, reward schemes, and per
//! park and bureau a yearly task bundling its targets of the year), and in
//! between the daily traffic: disbursements and their receipts, progress
//! claims and audits, investment deals with their commitments, payouts, the
//! sanctions that follow a failed task, and the project register (format
//! 2.2): projects signed by their host park, most with land, reporting their
//! stages as they start, produce, stall or are cancelled, and counted by
//! the parks' project-count targets, whose claims and verifications list
//! the projects behind each number.
//!
//! How many projects: [`Pace`] sets the signings per year, by default one
//! per [`DEFAULT_EVENTS_PER_PROJECT`] events — about 400 a year, 10,000 in a
//! million events, the order of what a prefecture city with a development
//! zone and eight county parks signs. A million events can hold 100,000
//! (`Pace::new(40_000).projects_per_year(4_000)`, the benchmark's scale, a
//! whole province's flow rather than one city's): each project then takes
//! about four events (its registration, the signing, two stage reports on
//! average, now and then a new investor), so project events are some 40% of
//! the stream, and a park's yearly claim lists a few hundred projects.
//!
//! Every event obeys the structural rules of contract section 2: each `→`
//! names something defined earlier in the stream, actors are registered,
//! identifiers are unique within their kind, amounts are decimal strings,
//! verifications come from someone other than the assignee, receipts from
//! the receiving account's holder, disputes from the beneficiary, breaches
//! from an auditor, and voids only hit progress reports, by their reporter or
//! an auditor, once. Business-rule breaches (a late commitment, an overstated
//! claim, a reward paid for a missed target) do occur, rarely, as in life.
//!
//! The generator keeps only what later references need: the registry (which
//! grows by about one entry per hundred events, more with more projects),
//! open targets, commitments and allocations, each project's timeline (under
//! 100 bytes a project), and a calendar of scheduled follow-ups. Events are
//! not kept once yielded.
//!
//! Business dates run from 2006-01-02 and advance with the stream position:
//! by default [`DEFAULT_EVENTS_PER_YEAR`] events make a year (of 365 days),
//! so a million-event stream ends in late December 2030; longer streams run
//! on past 2030. Weekend dates are moved to the following Monday, so
//! `occurred_at` never decreases.
//!
//! # Layout
//!
//! - `generator`: the [`Generator`] (its state, construction, the business
//!   clock, each event's envelope, the iterator) and [`ndjson_lines`].
//! - `agenda`: follow-ups scheduled for a later day, and running them.
//! - `actions`: the spontaneous actions, drawn by weight when nothing is due.
//! - `world`: the static tables of the city: bureaus, counties, parks,
//!   metrics, and the words names are made of.
//! - `parties`: entities and accounts, and how each is registered.
//! - `founding`: record 0 and the initial registry, step by step.
//! - `plan`: the yearly plan: credit, leaders, budget, targets, tasks,
//!   schemes.
//! - `targets`: targets and reports: assignment, progress, checks,
//!   verification, revision.
//! - `funds`: allocations, disbursements of every kind, receipts.
//! - `commitments`: a commitment's record and its steps to its end.
//! - `deals`: what gets promised: everyday commitments and investment deals.
//! - `incentives`: reward schemes (on targets and on tasks), payouts,
//!   clawbacks.
//! - `tasks`: yearly tasks (format 2.1): the task of each park and bureau,
//!   its judgement as its targets are verified, the sanctions it makes due.
//! - `projects`: the project register (format 2.2): signings at the pace's
//!   rate, each project's timeline and stage reports, what a counting
//!   target's claims and verifications list (with the planted
//!   discrepancies), and project funds, a few left idle.
//! - `voids`: voidable progress reports and their voiding.
//! - `ids`: identifiers of events (`code_of`), of what the stream creates,
//!   of entities and accounts.
//! - `fields`: the `obj!` builder, amounts as text, evidence, periods.
//! - `slab`: slots with reuse for open targets and commitments.
//! - `util`: the PRNG ([`splitmix64`], xoshiro256++), civil dates, decimal
//!   text.
//! - [`demo`]: the hand-written demo city, `demo::demo_city()`.

pub mod demo;

mod actions;
mod agenda;
mod commitments;
mod deals;
mod fields;
mod founding;
mod funds;
mod generator;
mod ids;
mod incentives;
mod parties;
mod plan;
mod projects;
mod slab;
mod targets;
mod tasks;
mod util;
mod voids;
mod world;

pub use generator::{ndjson_lines, Generator, Pace, DEFAULT_EVENTS_PER_PROJECT, DEFAULT_EVENTS_PER_YEAR};
pub use util::splitmix64;
