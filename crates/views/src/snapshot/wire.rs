//! The snapshot's binary encoding of [`Facts`].
//!
//! Hand-written rather than serde: the core types' serde impls speak the
//! contract's JSON (they read strings through `deserialize_any`, which a
//! compact non-self-describing format cannot serve, and print quantities
//! normalised, which would lose a value's scale). Here every value is
//! written exactly: a decimal keeps its scale, a date-time its offset.
//!
//! Integers are LEB128 varints (signed ones zigzagged); strings and lists
//! are a length then the items; an `Option` is a 0/1 byte then the value;
//! enums are one byte with explicit numbers, so reordering variants in core
//! changes nothing here. Hash sets and maps are written sorted, so equal
//! facts encode to equal bytes.
//!
//! Every struct is destructured without `..`: a field added to a fact or an
//! event type fails to compile here until it is encoded. Whenever the bytes
//! change, bump [`super::MAGIC`]'s version (a test pins them).
//!
//! Decoding never panics and never trusts a length: every read is bounds
//! checked, and a list cannot claim more items than bytes remain.

use crate::facts::{
    AccountFact, AllocationFact, At, Clawback, CommitmentFact, CommitmentStep, CommitmentStepKind, DisbursementFact,
    EntityFact, Facts, Observation, PayoutFact, ProjectFact, Revision, SanctionFact, SchemeFact, StageReport,
    TargetFact, TaskFact,
};
use pledger_core::event::{
    AccountKind, AccountOpened, AssessmentTaskSet, CommitmentKind, CommitmentMade, Comparator, Condition, Consequences,
    CountStage, Counts, Currency, DisbursementKind, Due, EntityKind, EntityRegistered, Evidence, EvidenceRef,
    FundAllocated, FundDisbursed, HexDigest, IncentivePaid, IncentiveSchemeSet, Land, OnConsecutiveFail, Period,
    ProjectSigned, ProjectStage, PublicKey, Responsible, SanctionImposed, SanctionKind, SchemeCondition, Share,
    TargetAssigned, TaskItem, Text,
};
use pledger_core::ids::Id;
use pledger_core::money::{Amount, Percent, Points, Quantity};
use pledger_core::when::{BusinessTime, Day};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

/// What is wrong with the bytes, in plain words.
pub(super) type R<T> = Result<T, String>;

/// Where encoded bytes go: a buffer handed to `out` and the checksum each
/// time it fills, so a snapshot is written without holding its bytes (tens
/// of megabytes for a million events) in memory. The first write error is
/// kept and reported by [`Sink::finish`].
pub(super) struct Sink<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn std::io::Write,
    sum: &'a mut blake3::Hasher,
    written: u64,
    error: Option<std::io::Error>,
}

const SINK_CHUNK: usize = 1 << 20;

impl<'a> Sink<'a> {
    pub(super) fn new(out: &'a mut dyn std::io::Write, sum: &'a mut blake3::Hasher) -> Sink<'a> {
        Sink {
            buf: Vec::with_capacity(SINK_CHUNK + 64),
            out,
            sum,
            written: 0,
            error: None,
        }
    }

    /// Bytes encoded so far.
    pub(super) fn position(&self) -> u64 {
        self.written + self.buf.len() as u64
    }

    #[inline]
    pub(super) fn push(&mut self, b: u8) {
        self.buf.push(b);
        if self.buf.len() >= SINK_CHUNK {
            self.drain();
        }
    }

    #[inline]
    pub(super) fn extend_from_slice(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= SINK_CHUNK {
            self.drain();
        }
    }

    #[cold]
    fn drain(&mut self) {
        self.sum.update(&self.buf);
        if self.error.is_none() {
            if let Err(e) = self.out.write_all(&self.buf) {
                self.error = Some(e);
            }
        }
        self.written += self.buf.len() as u64;
        self.buf.clear();
    }

    /// Hands over what is left; the number of bytes encoded, or the first
    /// write error.
    pub(super) fn finish(mut self) -> std::io::Result<u64> {
        self.drain();
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.written),
        }
    }
}

/// A value that can be written to and read back from the snapshot.
pub(super) trait Wire: Sized {
    fn put(&self, w: &mut Sink);
    fn get(r: &mut Reader<'_>) -> R<Self>;
}

/// Reads from a byte slice; every read checks what is left.
pub(super) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf }
    }

    pub(super) fn remaining(&self) -> usize {
        self.buf.len()
    }

    fn byte(&mut self) -> R<u8> {
        let (&b, rest) = self.buf.split_first().ok_or("the payload ends early")?;
        self.buf = rest;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        if n > self.buf.len() {
            return Err("the payload ends early".into());
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn varint(&mut self, bits: u32) -> R<u128> {
        let mut v: u128 = 0;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            let part = u128::from(b & 0x7f);
            // A 7-bit group must not reach past the integer's width.
            if shift >= bits || (bits - shift < 7 && part >> (bits - shift) != 0) {
                return Err("an integer is out of range".into());
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    fn u64(&mut self) -> R<u64> {
        // Cannot fail: `varint(64)` refuses anything wider.
        u64::try_from(self.varint(64)?).map_err(|e| e.to_string())
    }

    /// A count of items that follow; each takes at least one byte, so a
    /// count beyond the bytes left is damage, not a reason to allocate.
    fn count(&mut self) -> R<usize> {
        let n = self.u64()?;
        match usize::try_from(n) {
            Ok(n) if n <= self.buf.len() => Ok(n),
            _ => Err(format!("a list claims {n} items, more than the bytes left")),
        }
    }

    fn str(&mut self) -> R<&'a str> {
        let n = self.count()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| "a string is not UTF-8".into())
    }
}

fn put_varint(w: &mut Sink, mut v: u128) {
    while v >= 0x80 {
        w.push((v as u8) | 0x80);
        v >>= 7;
    }
    w.push(v as u8);
}

fn put_len(w: &mut Sink, n: usize) {
    put_varint(w, n as u128);
}

fn put_str(w: &mut Sink, s: &str) {
    put_len(w, s.len());
    w.extend_from_slice(s.as_bytes());
}

// ------------------------------------------------------------ primitives --

impl Wire for u64 {
    fn put(&self, w: &mut Sink) {
        put_varint(w, u128::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        r.u64()
    }
}

impl Wire for u32 {
    fn put(&self, w: &mut Sink) {
        put_varint(w, u128::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        u32::try_from(r.u64()?).map_err(|_| "an integer is out of range".into())
    }
}

impl Wire for usize {
    fn put(&self, w: &mut Sink) {
        put_len(w, *self);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        usize::try_from(r.u64()?).map_err(|_| "an integer is out of range".into())
    }
}

impl Wire for i128 {
    fn put(&self, w: &mut Sink) {
        // Zigzag: small magnitudes of either sign stay short.
        put_varint(w, ((*self << 1) ^ (*self >> 127)) as u128);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let z = r.varint(128)?;
        Ok(((z >> 1) as i128) ^ -((z & 1) as i128))
    }
}

impl Wire for i32 {
    fn put(&self, w: &mut Sink) {
        i128::from(*self).put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        i32::try_from(i128::get(r)?).map_err(|_| "an integer is out of range".into())
    }
}

impl Wire for String {
    fn put(&self, w: &mut Sink) {
        put_str(w, self);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        r.str().map(str::to_owned)
    }
}

impl Wire for [u8; 32] {
    fn put(&self, w: &mut Sink) {
        w.extend_from_slice(self);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let b = r.take(32)?;
        let mut out = [0u8; 32];
        out.copy_from_slice(b);
        Ok(out)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, w: &mut Sink) {
        match self {
            None => w.push(0),
            Some(v) => {
                w.push(1);
                v.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        match r.byte()? {
            0 => Ok(None),
            1 => T::get(r).map(Some),
            b => Err(format!("an option is marked {b}, neither 0 nor 1")),
        }
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, w: &mut Sink) {
        put_len(w, self.len());
        for v in self {
            v.put(w);
        }
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let n = r.count()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(T::get(r)?);
        }
        Ok(out)
    }
}

impl<V: Wire> Wire for BTreeMap<String, V> {
    fn put(&self, w: &mut Sink) {
        put_len(w, self.len());
        for (k, v) in self {
            put_str(w, k);
            v.put(w);
        }
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let n = r.count()?;
        // Keys come sorted, so collecting builds the tree in bulk.
        (0..n).map(|_| Ok((String::get(r)?, V::get(r)?))).collect()
    }
}

impl<T: Wire + Ord + Hash, S: BuildHasher + Default> Wire for HashSet<T, S> {
    fn put(&self, w: &mut Sink) {
        let mut items: Vec<&T> = self.iter().collect();
        items.sort_unstable();
        put_len(w, items.len());
        for v in items {
            v.put(w);
        }
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let n = r.count()?;
        let mut out = HashSet::with_capacity_and_hasher(n, S::default());
        for _ in 0..n {
            out.insert(T::get(r)?);
        }
        Ok(out)
    }
}

impl<K: Wire + Ord + Hash, V: Wire, S: BuildHasher + Default> Wire for HashMap<K, V, S> {
    fn put(&self, w: &mut Sink) {
        let mut items: Vec<(&K, &V)> = self.iter().collect();
        items.sort_unstable_by(|a, b| a.0.cmp(b.0));
        put_len(w, items.len());
        for (k, v) in items {
            k.put(w);
            v.put(w);
        }
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let n = r.count()?;
        let mut out = HashMap::with_capacity_and_hasher(n, S::default());
        for _ in 0..n {
            let k = K::get(r)?;
            out.insert(k, V::get(r)?);
        }
        Ok(out)
    }
}

// ------------------------------------------------------------ core types --

impl Wire for Id {
    fn put(&self, w: &mut Sink) {
        put_str(w, self.as_str());
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let s = r.str()?;
        Id::parse(s).map_err(|e| format!("identifier {s:?} {e}"))
    }
}

/// Free text is not re-checked: the checksum already vouches for the
/// bytes, and the text was checked when its event was recorded.
impl Wire for Text {
    fn put(&self, w: &mut Sink) {
        put_str(w, &self.0);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        String::get(r).map(Text)
    }
}

impl Wire for Currency {
    fn put(&self, w: &mut Sink) {
        put_str(w, &self.0);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        String::get(r).map(Currency)
    }
}

impl Wire for Day {
    fn put(&self, w: &mut Sink) {
        self.0.to_julian_day().put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let j = i32::get(r)?;
        time::Date::from_julian_day(j)
            .map(Day)
            .map_err(|e| format!("day {j}: {e}"))
    }
}

impl Wire for BusinessTime {
    fn put(&self, w: &mut Sink) {
        match self {
            BusinessTime::Date(d) => {
                w.push(0);
                d.put(w);
            }
            BusinessTime::DateTime(t) => {
                // Local date, local time and offset: the offset decides
                // which calendar day the time falls on.
                w.push(1);
                Day(t.date()).put(w);
                let (h, m, s, ns) = t.time().as_hms_nano();
                w.extend_from_slice(&[h, m, s]);
                ns.put(w);
                t.offset().whole_seconds().put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        match r.byte()? {
            0 => Day::get(r).map(BusinessTime::Date),
            1 => {
                let day = Day::get(r)?;
                let (h, m, s) = (r.byte()?, r.byte()?, r.byte()?);
                let ns = u32::get(r)?;
                let off = i32::get(r)?;
                let bad = |e: time::error::ComponentRange| format!("a date-time is out of range: {e}");
                let t = time::Time::from_hms_nano(h, m, s, ns).map_err(bad)?;
                let off = time::UtcOffset::from_whole_seconds(off).map_err(bad)?;
                Ok(BusinessTime::DateTime(
                    time::PrimitiveDateTime::new(day.0, t).assume_offset(off),
                ))
            }
            b => Err(format!("a business time is marked {b}")),
        }
    }
}

/// Sign, scale and magnitude: exact, including the scale ("30.0" stays
/// "30.0") and a negative zero.
impl Wire for Decimal {
    fn put(&self, w: &mut Sink) {
        w.push(u8::from(self.is_sign_negative()));
        self.scale().put(w);
        put_varint(w, self.mantissa().unsigned_abs());
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        let negative = match r.byte()? {
            0 => false,
            1 => true,
            b => return Err(format!("a decimal's sign is marked {b}")),
        };
        let scale = u32::get(r)?;
        let magnitude = i128::try_from(r.varint(128)?).map_err(|_| "a decimal is out of range".to_string())?;
        let mut d = Decimal::try_from_i128_with_scale(magnitude, scale).map_err(|e| format!("a decimal: {e}"))?;
        d.set_sign_negative(negative);
        Ok(d)
    }
}

impl Wire for Quantity {
    fn put(&self, w: &mut Sink) {
        self.0.put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        Decimal::get(r).map(Quantity)
    }
}

impl Wire for Percent {
    fn put(&self, w: &mut Sink) {
        self.0.put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        Decimal::get(r).map(Percent)
    }
}

impl Wire for Points {
    fn put(&self, w: &mut Sink) {
        self.0.put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        Decimal::get(r).map(Points)
    }
}

impl Wire for bool {
    fn put(&self, w: &mut Sink) {
        w.push(u8::from(*self));
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        match r.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(format!("a flag is marked {b}")),
        }
    }
}

impl Wire for Amount {
    fn put(&self, w: &mut Sink) {
        self.fen().put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        i128::get(r).map(Amount::from_fen)
    }
}

impl Wire for HexDigest {
    fn put(&self, w: &mut Sink) {
        self.0.put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        <[u8; 32]>::get(r).map(HexDigest)
    }
}

impl Wire for PublicKey {
    fn put(&self, w: &mut Sink) {
        self.0.put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        <[u8; 32]>::get(r).map(PublicKey)
    }
}

impl Wire for Evidence {
    fn put(&self, w: &mut Sink) {
        self.0.put(w);
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        Vec::get(r).map(Evidence)
    }
}

impl Wire for Due {
    fn put(&self, w: &mut Sink) {
        match self {
            Due::At(t) => {
                w.push(0);
                t.put(w);
            }
            Due::WithinDays { days, after } => {
                w.push(1);
                days.put(w);
                after.put(w);
            }
            Due::WithinWorkingDays { days, after } => {
                w.push(2);
                days.put(w);
                after.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        match r.byte()? {
            0 => BusinessTime::get(r).map(Due::At),
            1 => Ok(Due::WithinDays {
                days: Wire::get(r)?,
                after: Wire::get(r)?,
            }),
            2 => Ok(Due::WithinWorkingDays {
                days: Wire::get(r)?,
                after: Wire::get(r)?,
            }),
            b => Err(format!("a due is marked {b}")),
        }
    }
}

/// One byte per variant, numbered explicitly.
macro_rules! wire_enum {
    ($($ty:ident { $($v:ident = $n:literal),* $(,)? })*) => {$(
        impl Wire for $ty {
            fn put(&self, w: &mut Sink) {
                w.push(match self { $($ty::$v => $n),* });
            }
            fn get(r: &mut Reader<'_>) -> R<Self> {
                match r.byte()? {
                    $($n => Ok($ty::$v),)*
                    b => Err(format!(concat!("a ", stringify!($ty), " is marked {}"), b)),
                }
            }
        }
    )*};
}

wire_enum! {
    EntityKind {
        Government = 0, Department = 1, County = 2, Park = 3, Enterprise = 4, Project = 5, Person = 6, Auditor = 7,
    }
    AccountKind { Source = 0, Internal = 1, External = 2 }
    Comparator { AtLeast = 0, AtMost = 1 }
    DisbursementKind { Transfer = 0, Expenditure = 1, Repayment = 2, Interest = 3 }
    CommitmentKind { LandDiscount = 0, TaxRefund = 1, ServiceDeadline = 2, Subsidy = 3, Funding = 4, Other = 5 }
    SchemeCondition { TargetMet = 0, TaskPassed = 1 }
    ProjectStage { Started = 0, Producing = 1, Stalled = 2, Cancelled = 3 }
    CountStage { Signed = 0, Started = 1, Producing = 2 }
    SanctionKind {
        Criticism = 0, AwardDisqualified = 1, RewardForfeited = 2, Warning = 3, Reassignment = 4, Suspension = 5,
        Other = 6,
    }
}

/// Fields in declaration order; the pattern has no `..`, so a new field
/// is a compile error here.
macro_rules! wire_struct {
    ($($ty:ident { $($f:ident),* $(,)? })*) => {$(
        impl Wire for $ty {
            fn put(&self, w: &mut Sink) {
                let $ty { $($f),* } = self;
                $($f.put(w);)*
            }
            fn get(r: &mut Reader<'_>) -> R<Self> {
                // Struct expressions evaluate their fields in the order written.
                Ok($ty { $($f: Wire::get(r)?),* })
            }
        }
    )*};
}

wire_struct! {
    EvidenceRef { reference, blake3 }
    Period { from, to }
    Responsible { person, role }
    Condition { condition_id, text, target_id }
    Share { role, percent }
    EntityRegistered { entity_id, kind, name, parent, public_key }
    AccountOpened { account_id, holder, name, kind, ceiling, earmark, currency }
    TargetAssigned { target_id, assignee, metric, unit, comparator, threshold, period, basis, responsible, counts }
    Counts { stage, min_investment }
    Land { parcel_id, area_mu, agreed_start }
    ProjectSigned { project_id, host, investor, planned_investment, signed_on, land, basis }
    FundAllocated { allocation_id, from_account, to_account, amount, purpose, period, basis, currency }
    FundDisbursed {
        disbursement_id, from_account, to_account, amount, purpose, kind, category, allocation_id, commitment_id,
        voucher, currency,
    }
    CommitmentMade {
        commitment_id, promisor, beneficiary, kind, terms, amount, due, conditions, basis, clawback_targets,
        currency,
    }
    IncentiveSchemeSet { scheme_id, target_id, task_id, total, shares, condition }
    TaskItem { target_id, weight, veto }
    OnConsecutiveFail { count, kinds }
    Consequences { on_fail, on_consecutive_fail }
    AssessmentTaskSet { task_id, assignee, period, group, items, pass_score, consequences, basis }
    SanctionImposed { sanction_id, subject, kind, task_id, basis, evidence }
    IncentivePaid { payout_id, scheme_id, payee, role, amount, from_account, evidence, currency }

    At { seq, day }
    EntityFact { at, data }
    AccountFact { at, data }
    Observation { at, actor, value, as_of, evidence, projects }
    StageReport { at, actor, stage, as_of, investment_in_place, evidence }
    ProjectFact { at, data, stages }
    Revision { at, threshold, period, reason }
    TargetFact { at, data, revisions, claims, verifications }
    AllocationFact { at, data }
    DisbursementFact { at, data, receipts }
    CommitmentStep { at, actor, kind }
    CommitmentFact { at, data, steps }
    SchemeFact { at, data }
    Clawback { at, amount, reason }
    PayoutFact { at, data, clawbacks }
    TaskFact { at, data }
    SanctionFact { at, data }
}

impl Wire for CommitmentStepKind {
    fn put(&self, w: &mut Sink) {
        use CommitmentStepKind as K;
        match self {
            K::ConditionMet { condition_id, evidence } => {
                w.push(0);
                condition_id.put(w);
                evidence.put(w);
            }
            K::Fulfilled { amount, evidence } => {
                w.push(1);
                amount.put(w);
                evidence.put(w);
            }
            K::Disputed { reason } => {
                w.push(2);
                reason.put(w);
            }
            K::Breached { reason } => {
                w.push(3);
                reason.put(w);
            }
            K::Waived { reason, authority } => {
                w.push(4);
                reason.put(w);
                authority.put(w);
            }
        }
    }
    fn get(r: &mut Reader<'_>) -> R<Self> {
        use CommitmentStepKind as K;
        Ok(match r.byte()? {
            0 => K::ConditionMet {
                condition_id: Wire::get(r)?,
                evidence: Wire::get(r)?,
            },
            1 => K::Fulfilled {
                amount: Wire::get(r)?,
                evidence: Wire::get(r)?,
            },
            2 => K::Disputed { reason: Wire::get(r)? },
            3 => K::Breached { reason: Wire::get(r)? },
            4 => K::Waived {
                reason: Wire::get(r)?,
                authority: Wire::get(r)?,
            },
            b => return Err(format!("a commitment step is marked {b}")),
        })
    }
}

/// How many sections the facts are written in; their lengths end the payload.
const SECTIONS: usize = 5;

/// Writes the facts as sections that decode independently, so reading
/// spreads them over cores: the disbursements, their index, the targets,
/// the commitments, then everything else; then each section's length
/// (u64, little-endian).
pub(super) fn put_facts(w: &mut Sink, facts: &Facts) {
    let Facts {
        voided,
        entities,
        accounts,
        targets,
        allocations,
        disbursements,
        disbursement_index,
        commitments,
        schemes,
        payouts,
        tasks,
        sanctions,
        projects,
        records_seen,
    } = facts;
    let mut lens = [0u64; SECTIONS];
    let mut at = w.position();
    let mut section = |w: &mut Sink, i: usize, put: &dyn Fn(&mut Sink)| {
        put(w);
        lens[i] = w.position() - at;
        at = w.position();
    };
    section(w, 0, &|w| disbursements.put(w));
    section(w, 1, &|w| disbursement_index.put(w));
    section(w, 2, &|w| targets.put(w));
    section(w, 3, &|w| commitments.put(w));
    section(w, 4, &|w| {
        voided.put(w);
        entities.put(w);
        accounts.put(w);
        allocations.put(w);
        schemes.put(w);
        payouts.put(w);
        tasks.put(w);
        sanctions.put(w);
        projects.put(w);
        records_seen.put(w);
    });
    for n in lens {
        w.extend_from_slice(&n.to_le_bytes());
    }
}

/// Reads what [`put_facts`] wrote, the sections in parallel.
pub(super) fn get_facts(payload: &[u8]) -> R<Facts> {
    let table_at = payload
        .len()
        .checked_sub(SECTIONS * 8)
        .ok_or("the payload is too short for its section table")?;
    let (mut body, table) = payload.split_at(table_at);
    let mut parts: [&[u8]; SECTIONS] = [&[]; SECTIONS];
    for (part, n) in parts.iter_mut().zip(table.chunks_exact(8)) {
        let mut le = [0u8; 8];
        le.copy_from_slice(n);
        let n = usize::try_from(u64::from_le_bytes(le)).unwrap_or(usize::MAX);
        if n > body.len() {
            return Err("a section runs past the payload".into());
        }
        (*part, body) = body.split_at(n);
    }
    if !body.is_empty() {
        return Err("bytes between the sections and their table".into());
    }

    let mut facts = Facts::new();
    let Facts {
        voided,
        entities,
        accounts,
        targets,
        allocations,
        disbursements,
        disbursement_index,
        commitments,
        schemes,
        payouts,
        tasks,
        sanctions,
        projects,
        records_seen,
    } = &mut facts;
    let rest = move || -> R<()> {
        let mut r = Reader::new(parts[4]);
        *voided = Wire::get(&mut r)?;
        *entities = Wire::get(&mut r)?;
        *accounts = Wire::get(&mut r)?;
        *allocations = Wire::get(&mut r)?;
        *schemes = Wire::get(&mut r)?;
        *payouts = Wire::get(&mut r)?;
        *tasks = Wire::get(&mut r)?;
        *sanctions = Wire::get(&mut r)?;
        *projects = Wire::get(&mut r)?;
        *records_seen = Wire::get(&mut r)?;
        at_end(&r)
    };
    let ((a, b), (c, (d, e))) = rayon::join(
        || rayon::join(|| fill(disbursements, parts[0]), || fill(disbursement_index, parts[1])),
        || {
            rayon::join(
                || fill(targets, parts[2]),
                || rayon::join(|| fill(commitments, parts[3]), rest),
            )
        },
    );
    a.and(b).and(c).and(d).and(e)?;
    Ok(facts)
}

/// Decodes a whole section into `slot`.
fn fill<T: Wire>(slot: &mut T, bytes: &[u8]) -> R<()> {
    let mut r = Reader::new(bytes);
    *slot = T::get(&mut r)?;
    at_end(&r)
}

fn at_end(r: &Reader<'_>) -> R<()> {
    match r.remaining() {
        0 => Ok(()),
        n => Err(format!("{n} bytes follow a section's data")),
    }
}
