//! Bundles: the ledger in one file, for an auditor to take away and check
//! offline (`pledger export`, `pledger verify-bundle`, `pledger
//! import-bundle`). The format is written down in `docs/proofs.md`; in
//! short, UTF-8 text, one JSON value per line, every line ending in `\n`:
//!
//! ```text
//! {"pledger_bundle":1,"kind":"export","origin":...,"key":...,"former_keys":[...],
//!  "records":N,"head_hash":...,"root":...,"checkpoints":K}     <- header (one line)
//! {"checkpoint":"<signed note text>"}                          <- K lines, sizes increasing
//! {"seq":0,"recorded_at":...,"prev_hash":...,"event":{...},"hash":...}   <- N lines
//! ```
//!
//! Record lines are exactly what `pledger log --format json` prints. Every
//! line must be in the one canonical spelling pledger writes (no extra
//! spaces, fields in order, lowercase hex, the event as its JCS), so a
//! bundle has exactly one byte sequence for its content: a changed byte
//! anywhere is either a changed value (caught by a hash or a signature) or a
//! non-canonical line (refused as such).
//!
//! The `kind` field leaves room for other bundles over the same lines: a
//! claim bundle (contract 3.6, `"kind":"claim"`) reuses the checkpoint and
//! record lines and adds inclusion-proof lines; see [`crate::claim_bundle`].

use crate::backend::{Head, LogBackend};
use crate::checkpoints::{self, StoredCheckpoint};
use crate::error::StoreError;
use crate::restore::{restore, RestoreError, RestoreRecord};
use pledger_core::checkpoint::{open_checkpoint, Checkpoint, VerifierKey};
use pledger_core::merkle::{self, empty_root, Hash, MemTree};
use pledger_core::proof::parse_hash;
use pledger_core::record::{jcs, record_hash, Record, ZERO_HASH};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, Read, Write};

/// The bundle format version this code writes and reads.
pub const BUNDLE_FORMAT: u32 = 1;
/// `kind` of a full export.
pub const KIND_EXPORT: &str = "export";
/// Longest line read (a record's event is far smaller).
pub(crate) const MAX_LINE: u64 = 16 << 20;

/// The first line of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleHeader {
    /// Format version: 1.
    pub pledger_bundle: u32,
    /// `export` (a claim bundle will be `claim`).
    pub kind: String,
    /// The ledger's checkpoint origin, also its key name.
    pub origin: String,
    /// The ledger's verifier key when the bundle was written.
    pub key: String,
    /// Earlier keys whose checkpoints the bundle carries (usually none).
    pub former_keys: Vec<String>,
    /// Number of record lines.
    pub records: u64,
    /// Hash of the last record (64 zeros when there are none).
    pub head_hash: String,
    /// Merkle root of all the records.
    pub root: String,
    /// Number of checkpoint lines.
    pub checkpoints: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CheckpointLine {
    pub(crate) checkpoint: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecordLine {
    pub(crate) seq: u64,
    pub(crate) recorded_at: String,
    pub(crate) prev_hash: String,
    pub(crate) event: Value,
    pub(crate) hash: String,
}

impl RecordLine {
    /// Checks a record line on its own (contract 1.2, from the parsed
    /// values): its hash recomputes from its content, and the line is the
    /// one canonical spelling of the record, so no byte can change unseen.
    /// Returns the hash and the canonical body.
    pub(crate) fn check(&self, line: &[u8]) -> Result<(Hash, Vec<u8>), String> {
        let stated = parse_hash(&self.hash).map_err(|e| format!("hash: {e}"))?;
        let body = jcs(&serde_json::json!({
            "seq": self.seq,
            "recorded_at": self.recorded_at,
            "prev_hash": self.prev_hash,
            "event": self.event,
        }))
        .map_err(|e| format!("cannot be put in canonical form: {e}"))?;
        let computed = record_hash(&body);
        if computed != stated {
            return Err(format!(
                "its content does not match its hash: stated {}, recomputed {}",
                self.hash,
                hex::encode(computed)
            ));
        }
        let mut canonical = Vec::with_capacity(line.len() + 1);
        Record::write_json_line(&body, &stated, &mut canonical).map_err(|e| e.to_string())?;
        canonical.pop();
        if canonical != line {
            return Err("the line is not in canonical form (it was changed)".into());
        }
        Ok((stated, body))
    }
}

/// Why a bundle was refused.
#[derive(Debug)]
pub enum BundleError {
    /// The file could not be read at all.
    Io(std::io::Error),
    /// The content is wrong: a check failed. `line` is 1-based.
    Invalid { line: Option<u64>, what: String },
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::Io(e) => write!(f, "the bundle cannot be read: {e}"),
            BundleError::Invalid { line: Some(l), what } => write!(f, "line {l}: {what}"),
            BundleError::Invalid { line: None, what } => f.write_str(what),
        }
    }
}

impl std::error::Error for BundleError {}

pub(crate) fn invalid(line: Option<u64>, what: impl Into<String>) -> BundleError {
    BundleError::Invalid {
        line,
        what: what.into(),
    }
}

/// Reads one line of a bundle into `buf` without its newline, counting it
/// in `line` (1-based); false at the end.
pub(crate) fn read_line<R: BufRead>(input: &mut R, buf: &mut Vec<u8>, line: &mut u64) -> Result<bool, BundleError> {
    buf.clear();
    let n = input
        .take(MAX_LINE + 1)
        .read_until(b'\n', buf)
        .map_err(BundleError::Io)?;
    if n == 0 {
        return Ok(false);
    }
    *line += 1;
    if buf.pop() != Some(b'\n') {
        return Err(invalid(
            Some(*line),
            if n as u64 > MAX_LINE {
                "the line is too long"
            } else {
                "the last line does not end with a newline: the bundle is truncated or was changed"
            },
        ));
    }
    Ok(true)
}

/// Reads the header line of a bundle of any kind (export or claim) into
/// `H`: it is UTF-8 and JSON, of [`BUNDLE_FORMAT`] (checked first, so a
/// future format gets a clear message), then `kind_first` looks at it
/// loosely, then it parses strictly as `H` (`what` names it in that
/// message) and must be in its one canonical spelling. Checking its kind
/// and fields is the caller's.
pub(crate) fn read_header<H, R>(
    input: &mut R,
    buf: &mut Vec<u8>,
    line: &mut u64,
    what: &str,
    kind_first: impl FnOnce(&Value) -> Result<(), BundleError>,
) -> Result<H, BundleError>
where
    H: Serialize + DeserializeOwned,
    R: BufRead,
{
    if !read_line(input, buf, line)? {
        return Err(invalid(None, "the bundle is empty"));
    }
    let at = Some(1);
    let text = std::str::from_utf8(buf).map_err(|_| invalid(at, "the header is not UTF-8"))?;
    let loose: Value = serde_json::from_str(text).map_err(|e| invalid(at, format!("the header is not JSON: {e}")))?;
    match loose.get("pledger_bundle").and_then(Value::as_u64) {
        Some(v) if v == u64::from(BUNDLE_FORMAT) => {}
        Some(v) => {
            return Err(invalid(
                at,
                format!("this is a bundle of format {v}; this pledger reads format {BUNDLE_FORMAT}"),
            ))
        }
        None => {
            return Err(invalid(
                at,
                "this is not a pledger bundle (no \"pledger_bundle\" version)",
            ))
        }
    }
    kind_first(&loose)?;
    let header: H = serde_json::from_str(text).map_err(|e| invalid(at, format!("the {what} is not valid: {e}")))?;
    if serde_json::to_string(&header).ok().as_deref() != Some(text) {
        return Err(invalid(at, "the header is not in canonical form (it was changed)"));
    }
    Ok(header)
}

/// A verifier key a header names: it parses, is in canonical form, and is
/// for the header's `origin`.
pub(crate) fn header_key(text: &str, origin: &str) -> Result<VerifierKey, BundleError> {
    let at = Some(1);
    let k = VerifierKey::parse(text).map_err(|e| invalid(at, format!("the verifier key {text:?}: {e}")))?;
    if k.to_string() != text {
        return Err(invalid(
            at,
            format!("the verifier key {text:?} is not in canonical form (it should read {k})"),
        ));
    }
    if k.name() != origin {
        return Err(invalid(
            at,
            format!(
                "the verifier key {k} is for {:?}, not the origin {:?}",
                k.name(),
                origin
            ),
        ));
    }
    Ok(k)
}

// ---------------------------------------------------------------- writing --

/// What [`write_export`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSummary {
    pub records: u64,
    pub checkpoints: u64,
    pub head_hash: Hash,
    pub root: Hash,
}

/// Writes the first `len` records of the log, every stored checkpoint and
/// the verifier keys as an export bundle.
pub fn write_export(
    backend: &dyn LogBackend,
    len: u64,
    key: &VerifierKey,
    former: &[VerifierKey],
    out: &mut dyn Write,
) -> Result<ExportSummary, StoreError> {
    let stored = checkpoints::list(backend)?;
    if let Some(c) = stored.iter().find(|c| c.size > len) {
        return Err(StoreError::Corrupt(format!(
            "a checkpoint of size {} is stored, but the log holds {len} records; run `pledger verify`",
            c.size
        )));
    }
    let head_hash = match len {
        0 => ZERO_HASH,
        n => backend
            .get(n - 1)?
            .and_then(|r| r.hash())
            .ok_or_else(|| StoreError::Corrupt(format!("record {} is missing", n - 1)))?,
    };
    let root = checkpoints::root_at(backend, len)?;
    let header = BundleHeader {
        pledger_bundle: BUNDLE_FORMAT,
        kind: KIND_EXPORT.into(),
        origin: key.name().to_string(),
        key: key.to_string(),
        former_keys: former.iter().map(|k| k.to_string()).collect(),
        records: len,
        head_hash: hex::encode(head_hash),
        root: hex::encode(root),
        checkpoints: stored.len() as u64,
    };
    let json = |e: serde_json::Error| StoreError::Backend(e.to_string());
    serde_json::to_writer(&mut *out, &header).map_err(json)?;
    out.write_all(b"\n")?;
    for c in &stored {
        let note = String::from_utf8(c.note.clone())
            .map_err(|_| StoreError::Corrupt(format!("the stored checkpoint of size {} is not UTF-8", c.size)))?;
        serde_json::to_writer(&mut *out, &CheckpointLine { checkpoint: note }).map_err(json)?;
        out.write_all(b"\n")?;
    }
    let mut line = Vec::with_capacity(1024);
    let mut count = 0u64;
    for r in backend.scan(0, len) {
        let r = r?;
        if r.seq != count {
            return Err(StoreError::Corrupt(format!("record {count} is missing")));
        }
        let hash = r
            .hash()
            .ok_or_else(|| StoreError::Corrupt(format!("record {} is truncated", r.seq)))?;
        line.clear();
        Record::write_json_line(r.body(), &hash, &mut line)
            .map_err(|e| StoreError::Corrupt(format!("record {}: {e}", r.seq)))?;
        out.write_all(&line)?;
        count += 1;
    }
    if count != len {
        return Err(StoreError::Corrupt(format!("record {count} is missing")));
    }
    out.flush()?;
    Ok(ExportSummary {
        records: len,
        checkpoints: stored.len() as u64,
        head_hash,
        root,
    })
}

// ---------------------------------------------------------------- reading --

/// One item of a bundle after its header, in file order: every checkpoint,
/// then every record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleItem {
    Checkpoint { line: u64, note: String },
    Record { line: u64, seq: u64, record: RestoreRecord },
}

/// Reads a bundle line by line, checking each line's syntax, its canonical
/// form, and for records their hash and their link to the record before.
/// Trees and signatures are checked by [`verify_bundle`].
pub struct BundleReader<R> {
    input: R,
    line: u64,
    buf: Vec<u8>,
    header: BundleHeader,
    keys: Vec<VerifierKey>,
    checkpoints_read: u64,
    next_seq: u64,
    prev: Hash,
    finished: bool,
}

impl<R: BufRead> BundleReader<R> {
    /// Reads and checks the header line.
    pub fn open(mut input: R) -> Result<BundleReader<R>, BundleError> {
        let mut buf = Vec::with_capacity(4096);
        let mut line = 0;
        let header: BundleHeader = read_header(&mut input, &mut buf, &mut line, "header", |loose| {
            if loose.get("kind").and_then(Value::as_str) == Some(crate::claim_bundle::KIND_CLAIM) {
                return Err(invalid(
                    Some(1),
                    "this is a claim bundle (the evidence for one claim, not a whole ledger): `pledger verify-bundle` checks it; it cannot be read as an export",
                ));
            }
            Ok(())
        })?;
        let at = Some(1);
        if header.kind != KIND_EXPORT {
            return Err(invalid(
                at,
                format!(
                    "bundles of kind {:?} are not supported by this pledger (only {KIND_EXPORT:?})",
                    header.kind
                ),
            ));
        }
        let keys = std::iter::once(&header.key)
            .chain(&header.former_keys)
            .map(|text| header_key(text, &header.origin))
            .collect::<Result<Vec<_>, _>>()?;
        for (what, v) in [("head_hash", &header.head_hash), ("root", &header.root)] {
            parse_hash(v).map_err(|e| invalid(at, format!("{what}: {e}")))?;
        }
        Ok(BundleReader {
            input,
            line,
            buf,
            header,
            keys,
            checkpoints_read: 0,
            next_seq: 0,
            prev: ZERO_HASH,
            finished: false,
        })
    }

    pub fn header(&self) -> &BundleHeader {
        &self.header
    }

    /// The keys the header names: its key first, then former keys.
    pub fn keys(&self) -> &[VerifierKey] {
        &self.keys
    }

    /// Reads the next line into `buf` without its newline; false at the end.
    fn read_line(&mut self) -> Result<bool, BundleError> {
        read_line(&mut self.input, &mut self.buf, &mut self.line)
    }

    /// The next item, or `None` after the last record. Checks that the
    /// counts the header gives are met exactly.
    pub fn next_item(&mut self) -> Result<Option<BundleItem>, BundleError> {
        if self.finished {
            return Ok(None);
        }
        if !self.read_line()? {
            self.finished = true;
            if self.checkpoints_read < self.header.checkpoints || self.next_seq < self.header.records {
                return Err(invalid(
                    None,
                    format!(
                        "the bundle ends after {} checkpoint(s) and {} record(s); its header announces {} and {}: it is truncated",
                        self.checkpoints_read, self.next_seq, self.header.checkpoints, self.header.records
                    ),
                ));
            }
            return Ok(None);
        }
        let line = self.line;
        let at = Some(line);
        let text = std::str::from_utf8(&self.buf).map_err(|_| invalid(at, "the line is not UTF-8"))?;
        if self.checkpoints_read < self.header.checkpoints {
            let c: CheckpointLine =
                serde_json::from_str(text).map_err(|e| invalid(at, format!("expected a checkpoint line ({e})")))?;
            if serde_json::to_string(&c).ok().as_deref() != Some(text) {
                return Err(invalid(
                    at,
                    "the checkpoint line is not in canonical form (it was changed)",
                ));
            }
            self.checkpoints_read += 1;
            return Ok(Some(BundleItem::Checkpoint {
                line,
                note: c.checkpoint,
            }));
        }
        if self.next_seq == self.header.records {
            return Err(invalid(
                at,
                format!(
                    "unexpected line after the {} record(s) the header announces",
                    self.header.records
                ),
            ));
        }
        let seq = self.next_seq;
        let rl: RecordLine =
            serde_json::from_str(text).map_err(|e| invalid(at, format!("expected record {seq} ({e})")))?;
        let rec_fail = |what: String| invalid(at, format!("record {seq}: {what}"));
        if rl.seq != seq {
            return Err(rec_fail(format!("the line says seq {} where {seq} comes next", rl.seq)));
        }
        let prev = parse_hash(&rl.prev_hash).map_err(|e| rec_fail(format!("prev_hash: {e}")))?;
        if prev != self.prev {
            return Err(rec_fail(format!(
                "prev_hash {} is not the hash of the record before it ({})",
                rl.prev_hash,
                hex::encode(self.prev)
            )));
        }
        let (stated, body) = rl.check(&self.buf).map_err(rec_fail)?;
        self.prev = stated;
        self.next_seq += 1;
        Ok(Some(BundleItem::Record {
            line,
            seq,
            record: RestoreRecord { hash: stated, body },
        }))
    }
}

// ------------------------------------------------------------- verifying --

/// What [`verify_bundle`] found, when everything held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleReport {
    pub header: BundleHeader,
    pub records: u64,
    pub head_hash: Hash,
    pub root: Hash,
    /// Every checkpoint, in size order, with the key whose signature was
    /// verified.
    pub checkpoints: Vec<(Checkpoint, VerifierKey)>,
    /// The note of the latest checkpoint, with any witness cosignatures.
    pub latest_note: Option<pledger_core::checkpoint::SignedNote>,
    pub consistency_proofs: u64,
    /// True when the signatures were checked against keys the caller gave,
    /// not the keys the bundle names.
    pub keys_pinned: bool,
}

impl BundleReport {
    /// Records past the last checkpoint: not covered by any signature.
    pub fn unsigned_records(&self) -> u64 {
        self.records - self.checkpoints.last().map_or(0, |(c, _)| c.size)
    }
}

/// Verifies a bundle offline: every line's form, every record's hash and
/// link, the Merkle tree (head hash and root against the header), every
/// checkpoint's signature, origin and root, and a consistency proof between
/// each pair of successive checkpoints. Signatures are checked against
/// `pinned` keys when given, else against the keys the bundle names (which
/// then prove only that the bundle is consistent with itself: compare the
/// key with the one the ledger publishes).
///
/// Holds one MemTree of the records (64 bytes a record) in memory.
pub fn verify_bundle<R: BufRead>(input: R, pinned: &[VerifierKey]) -> Result<BundleReport, BundleError> {
    let mut reader = BundleReader::open(input)?;
    let mut notes: Vec<(u64, String)> = Vec::new();
    let mut tree = MemTree::new();
    let mut head_hash = ZERO_HASH;
    while let Some(item) = reader.next_item()? {
        match item {
            BundleItem::Checkpoint { line, note } => notes.push((line, note)),
            BundleItem::Record { record, .. } => {
                tree.push(&record.hash);
                head_hash = record.hash;
            }
        }
    }
    let header = reader.header().clone();
    let records = tree.size();
    let root = tree.root();
    if hex::encode(head_hash) != header.head_hash {
        return Err(invalid(
            Some(1),
            format!(
                "the header's head_hash {} is not the last record's hash {}",
                header.head_hash,
                hex::encode(head_hash)
            ),
        ));
    }
    if hex::encode(root) != header.root {
        return Err(invalid(
            Some(1),
            format!(
                "the header's root {} is not the Merkle root of the records ({})",
                header.root,
                hex::encode(root)
            ),
        ));
    }
    if notes.is_empty() {
        return Err(invalid(
            None,
            "the bundle holds no signed checkpoint: nothing in it is signed by the ledger",
        ));
    }
    let keys: Vec<VerifierKey> = if pinned.is_empty() {
        reader.keys().to_vec()
    } else {
        pinned.to_vec()
    };
    // Sizes come from the notes themselves; they must increase strictly.
    let mut stored = Vec::with_capacity(notes.len());
    let mut signers = Vec::with_capacity(notes.len());
    let mut last: Option<u64> = None;
    let mut latest_note = None;
    let mut roots = BTreeMap::new();
    for (line, note) in &notes {
        let opened = open_checkpoint(note.as_bytes(), &keys, &header.origin)
            .map_err(|e| invalid(Some(*line), format!("checkpoint: {e}")))?;
        let size = opened.checkpoint.size;
        if last.is_some_and(|l| l >= size) {
            return Err(invalid(
                Some(*line),
                format!("checkpoint of size {size} is out of order: sizes must increase"),
            ));
        }
        last = Some(size);
        if size <= records {
            roots.insert(size, merkle::root(size, &tree).unwrap_or_else(|_| empty_root()));
        }
        signers.push((opened.checkpoint, opened.key));
        latest_note = Some(opened.note);
        stored.push(StoredCheckpoint {
            size,
            note: note.as_bytes().to_vec(),
        });
    }
    let checked = checkpoints::check(&stored, &roots, &keys, &header.origin, records, &tree)
        .map_err(|f| invalid(None, f.what))?;
    Ok(BundleReport {
        header,
        records,
        head_hash,
        root,
        checkpoints: signers,
        latest_note,
        consistency_proofs: checked.consistency_proofs,
        keys_pinned: !pinned.is_empty(),
    })
}

// ------------------------------------------------------------- restoring --

/// What [`restore_bundle`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub head: Head,
    pub checkpoints: u64,
    /// Keys of the bundle other than `own`, now kept as former keys.
    pub former_keys: Vec<VerifierKey>,
}

/// Restores a bundle into the empty log of `backend`: its records (through
/// [`restore`], so every event passes the ledger's rules again), then its
/// checkpoints, and the bundle's keys other than `own` as former keys.
/// Verify the bundle with [`verify_bundle`] first: this checks records as it
/// writes them, but checkpoints only by their signature.
pub fn restore_bundle<R: BufRead>(
    backend: &dyn LogBackend,
    input: R,
    own: &VerifierKey,
) -> Result<Imported, RestoreError> {
    let existing = checkpoints::list(backend)?;
    if !existing.is_empty() {
        return Err(RestoreError::Source(format!(
            "the ledger already holds {} checkpoint(s); a restore needs an empty ledger",
            existing.len()
        )));
    }
    let mut reader = BundleReader::open(input).map_err(|e| RestoreError::Source(e.to_string()))?;
    let mut notes = Vec::new();
    let head = {
        let items = std::iter::from_fn(|| loop {
            match reader.next_item() {
                Ok(Some(BundleItem::Checkpoint { note, .. })) => notes.push(note),
                Ok(Some(BundleItem::Record { record, .. })) => return Some(Ok(record)),
                Ok(None) => return None,
                Err(e) => return Some(Err(e.to_string())),
            }
        });
        restore(backend, items)?
    };
    let mut keys = reader.keys().to_vec();
    if !keys.contains(own) {
        keys.push(own.clone());
    }
    let origin = reader.header().origin.clone();
    let undo = |e: RestoreError| {
        let _ = backend.write(crate::backend::WriteBatch {
            head: Some(Head::default()),
            ..Default::default()
        });
        let _ = backend.discard_from(0);
        e
    };
    let mut sized = Vec::with_capacity(notes.len());
    for note in &notes {
        let opened = open_checkpoint(note.as_bytes(), &keys, &origin)
            .map_err(|e| undo(RestoreError::Source(format!("a checkpoint of the bundle: {e}"))))?;
        if opened.checkpoint.size > head.len {
            return Err(undo(RestoreError::Source(format!(
                "a checkpoint of the bundle is of size {}, beyond its {} records",
                opened.checkpoint.size, head.len
            ))));
        }
        sized.push((opened.checkpoint.size, note));
    }
    for (size, note) in sized {
        checkpoints::put(backend, size, note)?;
    }
    let former: Vec<VerifierKey> = reader.keys().iter().filter(|k| *k != own).cloned().collect();
    for k in &former {
        checkpoints::add_former_key(backend, k)?;
    }
    backend.sync()?;
    Ok(Imported {
        head,
        checkpoints: notes.len() as u64,
        former_keys: former,
    })
}
