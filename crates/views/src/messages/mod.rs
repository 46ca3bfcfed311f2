//! Findings in the reader's language.
//!
//! A finding carries its facts — amounts, dates, ids with the names they
//! are registered under, counts, the words of the ledger's vocabulary — as
//! a [`FactSet`], and its sentence is rendered from them by one template
//! per code and language ([`en`], [`zh`]). The English sentence is the
//! finding's `message` unless a reader asks for another language
//! ([`Finding::localize`]); the facts travel with it in JSON as `facts`.
//!
//! Chinese sentences name a registered entity, account or project as
//! `名称（id）`, write dates as `2011年6月30日` (a whole calendar year as
//! `2011年度`) and amounts as a Chinese auditor writes them
//! ([`zh_amount`]): `60万元`, `1.2346亿元`, `3,580.5元`.

mod en;
mod zh;

use crate::codes::{FindingCode, Lang};
use crate::facts::Facts;
use crate::Finding;
use pledger_core::event::Period;
use pledger_core::money::{Amount, Points, Quantity};
use pledger_core::when::Day;
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::cell::RefCell;

/// What an identifier in a finding names, so a reader can find it (and
/// the sentence can give its registered name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefKind {
    Entity,
    Account,
    Allocation,
    Disbursement,
    Target,
    Commitment,
    Condition,
    Scheme,
    Payout,
    Task,
    Sanction,
    Project,
    Parcel,
}

/// An identifier, with the name it is registered under when it has one
/// (entities, accounts; a project by the entity registered under its id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Ref {
    pub kind: RefKind,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A closed or customary vocabulary a word of a finding comes from; the
/// Chinese template translates the word by it ([`zh::word`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vocab {
    /// A target's status (format 3.1).
    TargetStatus,
    /// A yearly task's status (3.7).
    TaskStatus,
    /// `>=` or `<=`.
    Comparator,
    /// A commitment's `kind` (2).
    CommitmentKind,
    /// A sanction's `kind` (2.1).
    SanctionKind,
    /// A project's stage (2.2).
    Stage,
    /// Why a consequence is due: `on_fail`, `on_consecutive_fail`.
    Because,
    /// Why a counted project does not qualify (3.8 `reason`).
    NotQualifying,
    /// Which record: `claim`, `verification`, `fulfilment`, `payout`.
    Record,
    /// Since when an idle balance counts: `last_out`, `first_in`.
    IdleSince,
    /// What a clawback is reckoned on: `fulfilled_amount`,
    /// `commitment_amount`, `paid`.
    ClawbackBase,
    /// A target's metric (free text; the customary ones are translated).
    Metric,
    /// A target's unit (free text; `count`, `percent`, `CNY`, `persons`).
    Unit,
    /// A reward scheme's role (free text; the customary ones translated).
    Role,
}

/// One value a finding's sentence is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    /// Money, in yuan.
    Amount(Amount),
    /// A business date.
    Day(Day),
    /// A period, both ends inclusive.
    Period(Day, Day),
    /// A whole number: days, payouts, records, periods.
    Count(u64),
    /// A decimal that is not money (a value, a threshold, points, a
    /// percent), normalised (`4`, not `4.00`).
    Number(Decimal),
    /// Something identified, and its name.
    Ref(Ref),
    /// Words someone recorded (a reason, an earmark, a condition's text),
    /// quoted as recorded.
    Text(String),
    /// A word of a vocabulary, translated where the language has it.
    Word(Vocab, String),
    /// Yes or no (a one-vote veto).
    Flag(bool),
    /// Several values (disbursements, payees, the periods of a run).
    List(Vec<Fact>),
    /// The facts of one part (one period of a run, one unmet condition).
    Group(FactSet),
}

impl Fact {
    /// An id without a registered name.
    pub fn id(kind: RefKind, id: impl Into<String>) -> Fact {
        Fact::Ref(Ref {
            kind,
            id: id.into(),
            name: None,
        })
    }

    /// An id and the name it is registered under, if any.
    pub fn named(kind: RefKind, id: impl Into<String>, name: Option<String>) -> Fact {
        Fact::Ref(Ref {
            kind,
            id: id.into(),
            name,
        })
    }

    /// An entity, with its registered name.
    pub fn entity(facts: &Facts, id: &str) -> Fact {
        Fact::named(RefKind::Entity, id, entity_name(facts, id))
    }

    /// A project, with the name of the entity registered under its id.
    pub fn project(facts: &Facts, id: &str) -> Fact {
        Fact::named(RefKind::Project, id, entity_name(facts, id))
    }

    /// Recorded words.
    pub fn text(s: impl Into<String>) -> Fact {
        Fact::Text(s.into())
    }

    /// A word of `vocab`.
    pub fn word(vocab: Vocab, w: impl Into<String>) -> Fact {
        Fact::Word(vocab, w.into())
    }

    /// A period.
    pub fn period(p: &Period) -> Fact {
        Fact::Period(p.from, p.to)
    }
}

/// The name `id` is registered under, when it is a registered entity
/// (exports print it beside the id).
pub fn entity_name(facts: &Facts, id: &str) -> Option<String> {
    facts.entities.get(id).map(|e| e.data.name.0.clone())
}

impl From<Amount> for Fact {
    fn from(a: Amount) -> Fact {
        Fact::Amount(a)
    }
}

impl From<Day> for Fact {
    fn from(d: Day) -> Fact {
        Fact::Day(d)
    }
}

impl From<u64> for Fact {
    fn from(n: u64) -> Fact {
        Fact::Count(n)
    }
}

impl From<usize> for Fact {
    fn from(n: usize) -> Fact {
        Fact::Count(n as u64)
    }
}

impl From<u32> for Fact {
    fn from(n: u32) -> Fact {
        Fact::Count(u64::from(n))
    }
}

impl From<Decimal> for Fact {
    fn from(d: Decimal) -> Fact {
        Fact::Number(d.normalize())
    }
}

impl From<Quantity> for Fact {
    fn from(q: Quantity) -> Fact {
        Fact::Number(q.0.normalize())
    }
}

impl From<Points> for Fact {
    fn from(p: Points) -> Fact {
        Fact::Number(p.0.normalize())
    }
}

impl From<bool> for Fact {
    fn from(b: bool) -> Fact {
        Fact::Flag(b)
    }
}

impl From<Ref> for Fact {
    fn from(r: Ref) -> Fact {
        Fact::Ref(r)
    }
}

impl From<FactSet> for Fact {
    fn from(s: FactSet) -> Fact {
        Fact::Group(s)
    }
}

impl<T: Into<Fact>> From<Vec<T>> for Fact {
    fn from(v: Vec<T>) -> Fact {
        Fact::List(v.into_iter().map(Into::into).collect())
    }
}

impl Serialize for Fact {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Fact::Amount(a) => a.serialize(s),
            Fact::Day(d) => s.collect_str(d),
            Fact::Period(from, to) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("from", &from.to_string())?;
                m.serialize_entry("to", &to.to_string())?;
                m.end()
            }
            Fact::Count(n) => s.serialize_u64(*n),
            Fact::Number(d) => s.collect_str(d),
            Fact::Ref(r) => r.serialize(s),
            Fact::Text(t) | Fact::Word(_, t) => s.serialize_str(t),
            Fact::Flag(b) => s.serialize_bool(*b),
            Fact::List(v) => v.serialize(s),
            Fact::Group(g) => g.serialize(s),
        }
    }
}

/// A finding's facts by name, in the order they were given; JSON: an
/// object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FactSet(pub Vec<(&'static str, Fact)>);

impl FactSet {
    /// Adds a fact.
    pub fn push(&mut self, key: &'static str, value: impl Into<Fact>) {
        self.0.push((key, value.into()));
    }

    /// The fact named `key`.
    pub fn get(&self, key: &str) -> Option<&Fact> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(k, _)| *k)
    }
}

impl Serialize for FactSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// A [`FactSet`] from `key: value` pairs; `key?: option` adds the value
/// only when it is `Some`.
macro_rules! facts {
    (@add $set:ident;) => {};
    (@add $set:ident; $key:ident ?: $value:expr $(, $($rest:tt)*)?) => {
        if let Some(v) = $value {
            $set.push(stringify!($key), v);
        }
        facts!(@add $set; $($($rest)*)?);
    };
    (@add $set:ident; $key:ident : $value:expr $(, $($rest:tt)*)?) => {
        $set.push(stringify!($key), $value);
        facts!(@add $set; $($($rest)*)?);
    };
    ($($body:tt)*) => {{
        #[allow(unused_mut)]
        let mut set = $crate::messages::FactSet::default();
        facts!(@add set; $($body)*);
        set
    }};
}
pub(crate) use facts;

impl Finding {
    /// A finding with its sentence rendered in English from `facts`.
    pub fn new(code: FindingCode, facts: FactSet, subjects: Vec<String>, seqs: Vec<u64>, date: Day) -> Finding {
        let message = render(code, &facts, Lang::En);
        Finding {
            code,
            message,
            subjects,
            seqs,
            date,
            facts,
        }
    }

    /// The finding's sentence in `lang`.
    pub fn message_in(&self, lang: Lang) -> String {
        render(self.code, &self.facts, lang)
    }

    /// Makes `message` the sentence in `lang`.
    pub fn localize(&mut self, lang: Lang) {
        self.message = self.message_in(lang);
    }
}

/// Makes every finding's `message` its sentence in `lang`.
pub fn localize(findings: &mut [Finding], lang: Lang) {
    for f in findings {
        f.localize(lang);
    }
}

/// The sentence of a finding with `code` and `facts` in `lang`. A fact the
/// template needs and does not find shows as `?` (see [`render_checked`]).
pub fn render(code: FindingCode, facts: &FactSet, lang: Lang) -> String {
    render_with(code, facts, lang).0
}

/// As [`render`], or what is wrong: a fact the template needs that is
/// missing or of another type, or a fact no part of the sentence uses.
pub fn render_checked(code: FindingCode, facts: &FactSet, lang: Lang) -> Result<String, Vec<String>> {
    let (text, mut problems, used) = render_with(code, facts, lang);
    for key in facts.keys() {
        // English names a target's unit beside its threshold only, as it
        // always has; Chinese gives every value its unit.
        let optional = lang == Lang::En && key == "unit";
        if !used.contains(&key) && !optional {
            problems.push(format!("{}: fact {key} is not in the {} sentence", code, lang.tag()));
        }
    }
    if problems.is_empty() {
        Ok(text)
    } else {
        Err(problems)
    }
}

fn render_with(code: FindingCode, facts: &FactSet, lang: Lang) -> (String, Vec<String>, Vec<&'static str>) {
    let problems = RefCell::new(Vec::new());
    let args = Args::new(facts, lang, &problems);
    let text = match lang {
        Lang::En => en::render(code, &args),
        Lang::ZhCn => zh::render(code, &args),
    };
    let used = args.used.into_inner();
    (text, problems.into_inner(), used)
}

/// What a template reads its facts through: each accessor formats the
/// fact for the language, and notes a fact that is missing or of another
/// type (the sentence then shows `?`).
pub(crate) struct Args<'a> {
    set: &'a FactSet,
    lang: Lang,
    problems: &'a RefCell<Vec<String>>,
    used: RefCell<Vec<&'static str>>,
}

const MISSING: &str = "?";

impl<'a> Args<'a> {
    fn new(set: &'a FactSet, lang: Lang, problems: &'a RefCell<Vec<String>>) -> Args<'a> {
        Args {
            set,
            lang,
            problems,
            used: RefCell::new(Vec::new()),
        }
    }

    fn get(&self, key: &str) -> Option<&'a Fact> {
        let (k, v) = self.set.0.iter().find(|(k, _)| *k == key)?;
        let mut used = self.used.borrow_mut();
        if !used.contains(k) {
            used.push(k);
        }
        Some(v)
    }

    fn need(&self, key: &str) -> Option<&'a Fact> {
        let v = self.get(key);
        if v.is_none() {
            self.problems.borrow_mut().push(format!("missing fact {key}"));
        }
        v
    }

    fn wrong(&self, key: &str, what: &str) -> String {
        self.problems.borrow_mut().push(format!("fact {key} is not {what}"));
        MISSING.to_string()
    }

    /// Is the fact given (an optional part of the sentence)?
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Money: `600000.00` in English (the template adds "yuan"), `60万元`
    /// in Chinese.
    pub fn amount(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Amount(a)) => match self.lang {
                Lang::En => a.to_string(),
                Lang::ZhCn => zh_amount(*a),
            },
            Some(_) => self.wrong(key, "an amount"),
            None => MISSING.to_string(),
        }
    }

    /// A date: `2011-06-30`, `2011年6月30日`.
    pub fn day(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Day(d)) => self.fmt_day(*d),
            Some(_) => self.wrong(key, "a date"),
            None => MISSING.to_string(),
        }
    }

    fn fmt_day(&self, d: Day) -> String {
        match self.lang {
            Lang::En => d.to_string(),
            Lang::ZhCn => zh_day(d),
        }
    }

    /// A period's first and last days.
    pub fn period_ends(&self, key: &str) -> (String, String) {
        match self.need(key) {
            Some(Fact::Period(from, to)) => (self.fmt_day(*from), self.fmt_day(*to)),
            Some(_) => (self.wrong(key, "a period"), MISSING.to_string()),
            None => (MISSING.to_string(), MISSING.to_string()),
        }
    }

    /// A period in Chinese: `2010年度` for a calendar year, else
    /// `2010年1月1日至2010年6月30日`.
    pub fn period(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Period(from, to)) => match self.lang {
                Lang::ZhCn => zh_period(*from, *to),
                Lang::En => format!("{from} to {to}"),
            },
            Some(_) => self.wrong(key, "a period"),
            None => MISSING.to_string(),
        }
    }

    /// A whole number.
    pub fn count(&self, key: &str) -> u64 {
        match self.need(key) {
            Some(Fact::Count(n)) => *n,
            Some(_) => {
                self.wrong(key, "a count");
                0
            }
            None => 0,
        }
    }

    /// A decimal as written (`4`, `2.5`).
    pub fn num(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Number(d)) => d.to_string(),
            Some(_) => self.wrong(key, "a number"),
            None => MISSING.to_string(),
        }
    }

    /// In Chinese, a value with the unit named by the fact `unit`
    /// (`6个`, `12.5%`, `3亿元`); in English the bare value.
    pub fn qty(&self, key: &str, unit: &str) -> String {
        let value = match self.need(key) {
            Some(Fact::Number(d)) => *d,
            Some(_) => return self.wrong(key, "a number"),
            None => return MISSING.to_string(),
        };
        match self.lang {
            Lang::En => value.to_string(),
            Lang::ZhCn => zh::with_unit(value, &self.select(unit)),
        }
    }

    /// An identifier, bare.
    pub fn id(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Ref(r)) => r.id.clone(),
            Some(_) => self.wrong(key, "an id"),
            None => MISSING.to_string(),
        }
    }

    /// An identifier with its name: `id (name)` in English, `名称（id）` in
    /// Chinese; the bare id when it has no name.
    pub fn named(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Ref(r)) => self.fmt_ref(r),
            Some(_) => self.wrong(key, "an id"),
            None => MISSING.to_string(),
        }
    }

    fn fmt_ref(&self, r: &Ref) -> String {
        match (&r.name, self.lang) {
            (None, _) => r.id.clone(),
            (Some(n), Lang::En) => format!("{} ({n})", r.id),
            (Some(n), Lang::ZhCn) if n == &r.id => n.clone(),
            (Some(n), Lang::ZhCn) => format!("{n}（{}）", r.id),
        }
    }

    /// Recorded words, as recorded.
    pub fn text(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Text(t)) => t.clone(),
            Some(_) => self.wrong(key, "text"),
            None => MISSING.to_string(),
        }
    }

    /// A word of a vocabulary: as recorded in English, translated in
    /// Chinese where the vocabulary has it.
    pub fn word(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Word(vocab, w)) => match self.lang {
                Lang::En => w.clone(),
                Lang::ZhCn => zh::word(*vocab, w).map_or_else(|| w.clone(), str::to_string),
            },
            Some(_) => self.wrong(key, "a word"),
            None => MISSING.to_string(),
        }
    }

    /// A word as recorded, whatever the language (to choose a sentence by).
    pub fn select(&self, key: &str) -> String {
        match self.need(key) {
            Some(Fact::Word(_, w)) => w.clone(),
            Some(_) => self.wrong(key, "a word"),
            None => MISSING.to_string(),
        }
    }

    /// A yes-or-no fact; absent is no.
    pub fn flag(&self, key: &str) -> bool {
        match self.get(key) {
            Some(Fact::Flag(b)) => *b,
            Some(_) => {
                self.wrong(key, "yes or no");
                false
            }
            None => false,
        }
    }

    /// A list of groups, each read through its own [`Args`].
    pub fn groups(&self, key: &str) -> Vec<Args<'a>> {
        match self.need(key) {
            Some(Fact::List(items)) => items
                .iter()
                .map(|f| match f {
                    Fact::Group(g) => Args::new(g, self.lang, self.problems),
                    _ => {
                        self.wrong(key, "a list of groups");
                        Args::new(&EMPTY, self.lang, self.problems)
                    }
                })
                .collect(),
            Some(_) => {
                self.wrong(key, "a list");
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    /// A list of identifiers, bare.
    pub fn ids(&self, key: &str) -> Vec<String> {
        self.refs(key).into_iter().map(|r| r.id.clone()).collect()
    }

    /// A list of identifiers with their names.
    pub fn named_list(&self, key: &str) -> Vec<String> {
        self.refs(key).into_iter().map(|r| self.fmt_ref(r)).collect()
    }

    fn refs(&self, key: &str) -> Vec<&'a Ref> {
        match self.need(key) {
            Some(Fact::List(items)) => items
                .iter()
                .filter_map(|f| match f {
                    Fact::Ref(r) => Some(r),
                    _ => {
                        self.wrong(key, "a list of ids");
                        None
                    }
                })
                .collect(),
            Some(_) => {
                self.wrong(key, "a list");
                Vec::new()
            }
            None => Vec::new(),
        }
    }
}

static EMPTY: FactSet = FactSet(Vec::new());

/// A report's column heading or table title in `lang`: the English word
/// itself, or its Chinese (the console's words); a heading without one
/// stays English.
pub fn heading(en: &'static str, lang: Lang) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh::heading(en).unwrap_or(en),
    }
}

/// A word of `vocab` in `lang`: as recorded in English, else its Chinese
/// when the vocabulary has it (a free-text word without one stays as
/// recorded). Exports translate statuses, roles and metrics with it.
pub fn word_in(vocab: Vocab, w: &str, lang: Lang) -> String {
    match lang {
        Lang::En => w.to_string(),
        Lang::ZhCn => zh::word(vocab, w).map_or_else(|| w.to_string(), str::to_string),
    }
}

// ---------------------------------------------------------------------------
// Chinese numbers and dates.

const FEN_PER_WAN: u128 = 1_000_000;
const FEN_PER_YI: u128 = 10_000_000_000;

/// An amount as a Chinese auditor writes it:
///
/// - from 1亿元 (100,000,000 yuan): 亿元, rounded half up to four decimals
///   of 亿 (to 1万元), trailing zeros dropped: `1.2亿元`, `1.2346亿元`;
/// - from 1万元 (10,000 yuan): 万元, rounded half up to four decimals of
///   万 (to the yuan), trailing zeros dropped: `60万元`, `12.3457万元`;
///   an amount that rounds to 10,000万元 is written `1亿元`;
/// - below 1万元: 元, exact to the fen, trailing zeros dropped:
///   `3,580.5元`, `0.07元`, `0元`;
/// - thousands separated by commas in the whole part (`12,345亿元`), and a
///   minus sign before a negative amount (`-40万元`).
///
/// The exact amount is in the finding's facts and its English sentence.
pub fn zh_amount(a: Amount) -> String {
    let sign = if a.fen() < 0 { "-" } else { "" };
    let fen = a.fen().unsigned_abs();
    let to_yuan = |f: u128| (f + 50) / 100;
    let (whole, frac, digits, unit) = if fen >= FEN_PER_YI || (fen >= FEN_PER_WAN && to_yuan(fen) >= 100_000_000) {
        let wan = (fen + FEN_PER_WAN / 2) / FEN_PER_WAN;
        (wan / 10_000, wan % 10_000, 4, "亿元")
    } else if fen >= FEN_PER_WAN {
        let yuan = to_yuan(fen);
        (yuan / 10_000, yuan % 10_000, 4, "万元")
    } else {
        (fen / 100, fen % 100, 2, "元")
    };
    let mut out = format!("{sign}{}", thousands(whole));
    if frac > 0 {
        let f = format!("{frac:0digits$}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out.push_str(unit);
    out
}

fn thousands(n: u128) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2011年6月30日`.
pub fn zh_day(d: Day) -> String {
    format!("{}年{}月{}日", d.0.year(), u8::from(d.0.month()), d.0.day())
}

/// `2010年度` for a whole calendar year, else `2010年1月1日至2010年6月30日`.
pub fn zh_period(from: Day, to: Day) -> String {
    let whole_year = from.0.year() == to.0.year()
        && from.0.ordinal() == 1
        && to.0.month() == time::Month::December
        && to.0.day() == 31;
    if whole_year {
        format!("{}年度", from.0.year())
    } else {
        format!("{}至{}", zh_day(from), zh_day(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(s: &str) -> String {
        match s.strip_prefix('-') {
            Some(abs) => zh_amount(Amount::from_fen(-Amount::parse(abs).unwrap().fen())),
            None => zh_amount(Amount::parse(s).unwrap()),
        }
    }

    #[test]
    fn chinese_amounts_follow_the_documented_rules() {
        assert_eq!(yuan("0"), "0元");
        assert_eq!(yuan("0.07"), "0.07元");
        assert_eq!(yuan("0.10"), "0.1元");
        assert_eq!(yuan("3580.50"), "3,580.5元");
        assert_eq!(yuan("9999.99"), "9,999.99元");
        assert_eq!(yuan("10000"), "1万元");
        assert_eq!(yuan("10000.49"), "1万元");
        assert_eq!(yuan("10000.50"), "1.0001万元");
        assert_eq!(yuan("600000.00"), "60万元");
        assert_eq!(yuan("123456.78"), "12.3457万元");
        assert_eq!(yuan("35805000"), "3,580.5万元");
        assert_eq!(yuan("99999999.49"), "9,999.9999万元");
        assert_eq!(yuan("99999999.50"), "1亿元");
        assert_eq!(yuan("100000000"), "1亿元");
        assert_eq!(yuan("120000000"), "1.2亿元");
        assert_eq!(yuan("123456789.00"), "1.2346亿元");
        assert_eq!(yuan("1234567890123"), "12,345.6789亿元");
        assert_eq!(yuan("-600000"), "-60万元");
        assert_eq!(yuan("-0.07"), "-0.07元");
        assert_eq!(yuan("-123456789"), "-1.2346亿元");
    }

    #[test]
    fn chinese_dates_and_periods() {
        let d = |s: &str| Day::parse(s).unwrap();
        assert_eq!(zh_day(d("2011-06-30")), "2011年6月30日");
        assert_eq!(zh_period(d("2010-01-01"), d("2010-12-31")), "2010年度");
        assert_eq!(
            zh_period(d("2010-01-01"), d("2010-06-30")),
            "2010年1月1日至2010年6月30日"
        );
        assert_eq!(
            zh_period(d("2009-01-01"), d("2010-12-31")),
            "2009年1月1日至2010年12月31日"
        );
    }

    #[test]
    fn facts_serialise_as_an_object_of_plain_values() {
        let set = facts! {
            account: Fact::named(RefKind::Account, "acc", Some("专户".into())),
            amount: Amount::parse("600000").unwrap(),
            on: Day::parse("2011-06-30").unwrap(),
            days: 30u32,
            value: Decimal::new(400, 2),
            reason: Fact::text("typo"),
            status: Fact::word(Vocab::TargetStatus, "missed"),
            vetoed: true,
            period: Fact::Period(Day::parse("2010-01-01").unwrap(), Day::parse("2010-12-31").unwrap()),
            skipped?: None::<Amount>,
            list: vec![Fact::id(RefKind::Disbursement, "d1")],
        };
        assert_eq!(
            serde_json::to_value(&set).unwrap(),
            serde_json::json!({
                "account": {"kind": "account", "id": "acc", "name": "专户"},
                "amount": "600000.00",
                "on": "2011-06-30",
                "days": 30,
                "value": "4",
                "reason": "typo",
                "status": "missed",
                "vetoed": true,
                "period": {"from": "2010-01-01", "to": "2010-12-31"},
                "list": [{"kind": "disbursement", "id": "d1"}],
            })
        );
    }

    #[test]
    fn every_word_of_a_closed_vocabulary_has_its_chinese() {
        for (vocab, words) in zh::CLOSED {
            for w in *words {
                let zh = zh::word(*vocab, w).unwrap_or_else(|| panic!("{vocab:?} {w:?} has no Chinese"));
                assert!(!zh.is_ascii(), "{vocab:?} {w:?}: {zh}");
            }
        }
        // The closed vocabularies list every word of the enums they come from.
        use crate::assessment::TaskStatus;
        use crate::projects::{NotQualifying, Stage};
        use crate::targets::TargetStatus;
        let listed = |v: Vocab| zh::CLOSED.iter().find(|(x, _)| *x == v).map(|(_, w)| *w).unwrap();
        for s in [
            TargetStatus::Open,
            TargetStatus::Met,
            TargetStatus::Missed,
            TargetStatus::ClaimedUnverified,
            TargetStatus::Unverified,
        ] {
            assert!(listed(Vocab::TargetStatus).contains(&s.as_str()));
        }
        for s in [
            TaskStatus::Open,
            TaskStatus::Passed,
            TaskStatus::Failed,
            TaskStatus::Undecided,
        ] {
            assert!(listed(Vocab::TaskStatus).contains(&s.as_str()));
        }
        for s in [
            Stage::Signed,
            Stage::Started,
            Stage::Producing,
            Stage::Stalled,
            Stage::Cancelled,
        ] {
            assert!(listed(Vocab::Stage).contains(&s.as_str()));
        }
        let day = Day::parse("2011-01-01").unwrap();
        for n in [
            NotQualifying::NotYetSigned,
            NotQualifying::NotReached(Stage::Signed),
            NotQualifying::OutsidePeriod(day),
            NotQualifying::Halted(Stage::Stalled),
            NotQualifying::Short {
                in_place: Amount::ZERO,
                min: Amount::ZERO,
            },
        ] {
            assert!(listed(Vocab::NotQualifying).contains(&n.code()));
        }
    }

    #[test]
    fn a_missing_or_unused_fact_is_reported() {
        let set = facts! { account: Fact::id(RefKind::Account, "a"), extra: 1u64 };
        let err = render_checked(FindingCode::Overdraft, &set, Lang::ZhCn).unwrap_err();
        assert!(err.iter().any(|p| p.contains("missing fact")), "{err:?}");
        assert!(err.iter().any(|p| p.contains("extra")), "{err:?}");
        assert!(render(FindingCode::Overdraft, &set, Lang::En).contains('?'));
    }
}
