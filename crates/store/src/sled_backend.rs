//! The embedded default backend: one sled tree, keys by prefix.
//!
//! | key                               | value                               |
//! |-----------------------------------|-------------------------------------|
//! | `r` + first seq (u64 big-endian)  | a segment: up to 32 records         |
//! | `n` + level (u8) + index (u64 BE) | Merkle node hash (32), level >= 8   |
//! | `h`                               | committed head: len + hash          |
//! | `m` + name                        | named blobs (checkpoints ...)       |
//!
//! Records are packed into segments of consecutive seqs because sled pays
//! per key: measured on the 2-core machine, 200k 400-byte values insert at
//! ~160k/s one per key and ~1.2M/s 64 per key. A segment is
//! `[count: u32 LE] ([len: u32 LE] [hash (32) + JCS body])*`. The segment
//! holding seq `s` is the last key `<= r+s`. Big-endian seqs make key order
//! seq order, so a full scan is one sequential range read.
//!
//! Merkle nodes below level 8 are not stored (see [`MIN_STORED_LEVEL`]).
//!
//! One tree keeps every batch atomic: sled's `apply_batch` is atomic within
//! a tree, and a group commit writes segments, nodes and head together.

use crate::backend::{Head, LogBackend, StoredRecord, WriteBatch};
use crate::error::StoreError;
use pledger_core::Hash;
use std::collections::BTreeMap;
use std::path::Path;

const HEAD_KEY: &[u8] = b"h";

/// Records per segment at most.
pub const SEGMENT_RECORDS: usize = 32;

/// Lowest Merkle level kept on disk. Subtrees of 256 leaves or fewer are
/// recomputed from the records' hashes when a proof needs them (one or two
/// segment reads), which keeps appends from paying a key per node.
pub const MIN_STORED_LEVEL: u32 = 8;

fn record_key(seq: u64) -> [u8; 9] {
    let mut k = [b'r'; 9];
    k[1..].copy_from_slice(&seq.to_be_bytes());
    k
}

fn node_key(level: u32, index: u64) -> [u8; 10] {
    let mut k = [b'n'; 10];
    k[1] = level as u8;
    k[2..].copy_from_slice(&index.to_be_bytes());
    k
}

fn meta_key(name: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(name.len() + 1);
    k.push(b'm');
    k.extend_from_slice(name.as_bytes());
    k
}

fn seq_of_key(k: &[u8]) -> Result<u64, StoreError> {
    k.get(1..9)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| StoreError::Corrupt("a record key has the wrong length".into()))
}

fn encode_segment<'a>(items: impl Iterator<Item = &'a [u8]>) -> Vec<u8> {
    let items: Vec<&[u8]> = items.collect();
    let mut out = Vec::with_capacity(4 + items.iter().map(|i| i.len() + 4).sum::<usize>());
    out.extend_from_slice(&(items.len() as u32).to_le_bytes());
    for i in items {
        out.extend_from_slice(&(i.len() as u32).to_le_bytes());
        out.extend_from_slice(i);
    }
    out
}

/// Splits a segment into its records' bytes.
fn decode_segment(start: u64, v: &[u8]) -> Result<Vec<&[u8]>, StoreError> {
    let bad = || StoreError::Corrupt(format!("the segment of records starting at seq {start} is malformed"));
    let count = u32::from_le_bytes(v.get(..4).ok_or_else(bad)?.try_into().map_err(|_| bad())?) as usize;
    if count == 0 || count > SEGMENT_RECORDS {
        return Err(bad());
    }
    let mut items = Vec::with_capacity(count);
    let mut at = 4;
    for _ in 0..count {
        let len = u32::from_le_bytes(v.get(at..at + 4).ok_or_else(bad)?.try_into().map_err(|_| bad())?) as usize;
        at += 4;
        items.push(v.get(at..at + len).ok_or_else(bad)?);
        at += len;
    }
    if at != v.len() {
        return Err(bad());
    }
    Ok(items)
}

pub struct SledBackend {
    dir: std::path::PathBuf,
    /// `None` only between dropping a poisoned engine and reopening it.
    engine: std::sync::RwLock<Option<Engine>>,
}

/// The open sled database and its one tree.
struct Engine {
    db: sled::Db,
    tree: sled::Tree,
    /// sled's data file, to make a flush durable (see `sync`).
    data_file: std::sync::Arc<std::fs::File>,
}

impl SledBackend {
    /// Opens (or creates) the store in `dir`. The cache is kept modest: a
    /// year's import must fit a small machine beside the views.
    pub fn open(dir: &Path) -> Result<SledBackend, StoreError> {
        // sled releases its file lock lazily after the last handle is
        // dropped, so reopening in the same process (`pledger demo` reports
        // right after appending) can find it still held: wait a moment.
        // Another process holding the store fails after the same wait.
        let mut tries = 0;
        loop {
            match Self::open_unlocked(dir) {
                Err(StoreError::Io(e)) if tries < 40 && e.to_string().contains("could not acquire lock") => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    fn open_unlocked(dir: &Path) -> Result<SledBackend, StoreError> {
        match Self::open_once(dir) {
            Err(StoreError::Corrupt(why)) if remove_unfinished_snapshots(dir) => {
                // sled 0.34 writes a recovery snapshot at every open into
                // `snap.*.generating`, then renames it; a process killed in
                // between leaves an empty file that sled itself then reads
                // as the newest snapshot and calls corrupt (sled issues
                // #1527, #1533). Such a file holds nothing the log lacks.
                Self::open_once(dir).map_err(|e| match e {
                    StoreError::Corrupt(again) => StoreError::Corrupt(format!("{again} (first: {why})")),
                    other => other,
                })
            }
            other => other,
        }
    }

    fn open_once(dir: &Path) -> Result<SledBackend, StoreError> {
        check_conf(dir)?;
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(16 * 1024 * 1024)
            // Fixed at creation (sled refuses a change across restarts).
            // 2 MiB keeps leaves of segments below sled's blob threshold
            // (a quarter of a segment), so no file is created per value.
            .segment_size(2 * 1024 * 1024)
            .mode(sled::Mode::LowSpace)
            .open()
            .map_err(|e| opening(dir, e))?;
        let tree = db.open_tree("log").map_err(|e| opening(dir, e))?;
        let data_file = std::sync::Arc::new(std::fs::File::open(dir.join("db"))?);
        Ok(SledBackend {
            dir: dir.to_path_buf(),
            engine: std::sync::RwLock::new(Some(Engine { db, tree, data_file })),
        })
    }

    /// The tree (a cheap handle). Fails only while a reopen is unfinished.
    fn tree(&self) -> Result<sled::Tree, StoreError> {
        self.engine().map(|e| e.1)
    }

    fn engine(&self) -> Result<(sled::Db, sled::Tree, std::sync::Arc<std::fs::File>), StoreError> {
        let guard = self.engine.read().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .map(|e| (e.db.clone(), e.tree.clone(), e.data_file.clone()))
            .ok_or_else(|| StoreError::DiskFull("the store is being reopened after a failed write".into()))
    }

    /// The segment holding `seq`, if any: (first seq, raw value).
    fn segment_at(&self, seq: u64) -> Result<Option<(u64, sled::IVec)>, StoreError> {
        match self.tree()?.range(record_key(0)..=record_key(seq)).next_back() {
            None => Ok(None),
            Some(item) => {
                let (k, v) = item?;
                Ok(Some((seq_of_key(&k)?, v)))
            }
        }
    }

    /// Adds `records` (sorted by seq) to `b`: new seqs as fresh segments;
    /// seqs inside an existing segment rewrite that segment (only repair and
    /// tests do that: the ledger only ever appends).
    fn stage_records(&self, b: &mut sled::Batch, records: Vec<StoredRecord>) -> Result<(), StoreError> {
        let mut rewrites: BTreeMap<u64, Vec<Vec<u8>>> = BTreeMap::new();
        let mut fresh: Vec<StoredRecord> = Vec::with_capacity(records.len());
        for r in records {
            if let Some(items) = rewrites.iter_mut().find_map(|(start, items)| {
                (r.seq >= *start && r.seq < start + items.len() as u64).then_some((start, items))
            }) {
                let (start, items) = items;
                items[(r.seq - start) as usize] = r.bytes;
                continue;
            }
            match self.segment_at(r.seq)? {
                Some((start, v)) => {
                    let items = decode_segment(start, &v)?;
                    if r.seq < start + items.len() as u64 {
                        let mut owned: Vec<Vec<u8>> = items.iter().map(|i| i.to_vec()).collect();
                        owned[(r.seq - start) as usize] = r.bytes;
                        rewrites.insert(start, owned);
                        continue;
                    }
                    fresh.push(r);
                }
                None => fresh.push(r),
            }
        }
        for (start, items) in rewrites {
            b.insert(&record_key(start), encode_segment(items.iter().map(|i| i.as_slice())));
        }
        // Cut fresh records into runs of consecutive seqs, at most a segment each.
        let mut i = 0;
        while i < fresh.len() {
            let mut j = i + 1;
            while j < fresh.len() && j - i < SEGMENT_RECORDS && fresh[j].seq == fresh[j - 1].seq + 1 {
                j += 1;
            }
            b.insert(
                &record_key(fresh[i].seq),
                encode_segment(fresh[i..j].iter().map(|r| r.bytes.as_slice())),
            );
            i = j;
        }
        Ok(())
    }
}

/// An error of sled while opening the store in `dir`, named for the
/// operator. sled refuses a store whose files fail its checksums
/// (`Corruption`) or whose `conf` no longer reads as the settings pledger
/// created it with (`Unsupported`: pledger always opens it with the same
/// settings and the same sled version, so that too means changed files).
fn opening(dir: &Path, e: sled::Error) -> StoreError {
    match e {
        sled::Error::Corruption { .. } => StoreError::Corrupt(format!(
            "the store in {} fails its checksums: {}",
            dir.display(),
            StoreError::from(e).detail()
        )),
        sled::Error::Unsupported(why) => StoreError::Corrupt(format!(
            "the store in {} cannot be opened ({why}); its files were changed",
            dir.display()
        )),
        other => other.into(),
    }
}

/// Checks sled's `conf` file against the CRC-32 sled appends to it. sled
/// itself only logs a mismatch and reads on, so a changed setting would
/// surface as a puzzling refusal, or not at all.
fn check_conf(dir: &Path) -> Result<(), StoreError> {
    let path = dir.join("conf");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    // sled ignores (and rewrites) a file of 8 bytes or fewer: an
    // interrupted first open.
    if bytes.len() <= 8 {
        return Ok(());
    }
    let (text, crc) = bytes.split_at(bytes.len() - 4);
    let stated = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    if crc32(text) != stated {
        return Err(StoreError::Corrupt(format!(
            "{} does not match its checksum (the file was changed)",
            path.display()
        )));
    }
    Ok(())
}

/// CRC-32 (IEEE, reflected, as crc32fast and zlib compute it).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Deletes sled's unfinished snapshot files; true if there were any. Only
/// called after sled refused to open, which it does before taking its lock
/// only for corruption, so no other process is using them.
fn remove_unfinished_snapshots(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut removed = false;
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") && std::fs::remove_file(e.path()).is_ok() {
            removed = true;
        }
    }
    removed
}

/// Iterates records across segments.
///
/// Each segment is fetched with a fresh one-step range read instead of one
/// long-lived `sled::Iter`: measured on a 1M-record store, a long-lived
/// iterator kept ~500 MB resident by the end of a full scan (sled 0.34
/// retains what it walked, whatever `cache_capacity` says), while one-step
/// reads stayed at ~220 MB and were no slower.
struct Scan<'a> {
    tree: sled::Tree,
    _backend: std::marker::PhantomData<&'a SledBackend>,
    /// The key of the next segment to read (inclusive lower bound).
    next_key: Option<[u8; 9]>,
    current: Vec<StoredRecord>,
    pos: usize,
    from: u64,
    to: u64,
}

impl Scan<'_> {
    fn load_next_segment(&mut self) -> Result<bool, StoreError> {
        let Some(lower) = self.next_key else { return Ok(false) };
        let item = self.tree.range(lower..record_key(self.to)).next();
        let Some(item) = item else {
            self.next_key = None;
            return Ok(false);
        };
        let (k, v) = item?;
        let start = seq_of_key(&k)?;
        let items = decode_segment(start, &v)?;
        self.next_key = start.checked_add(items.len() as u64).map(record_key);
        self.current = items
            .iter()
            .enumerate()
            .map(|(i, b)| StoredRecord {
                seq: start + i as u64,
                bytes: b.to_vec(),
            })
            .collect();
        self.pos = 0;
        Ok(true)
    }
}

impl Iterator for Scan<'_> {
    type Item = Result<StoredRecord, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.current.get_mut(self.pos) {
                self.pos += 1;
                if r.seq >= self.to {
                    self.next_key = None;
                    self.current.clear();
                    return None;
                }
                if r.seq < self.from {
                    continue;
                }
                return Some(Ok(StoredRecord {
                    seq: r.seq,
                    bytes: std::mem::take(&mut r.bytes),
                }));
            }
            match self.load_next_segment() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => {
                    self.next_key = None;
                    self.current.clear();
                    return Some(Err(e));
                }
            }
        }
    }
}

impl LogBackend for SledBackend {
    fn head(&self) -> Result<Head, StoreError> {
        match self.tree()?.get(HEAD_KEY)? {
            None => Ok(Head::default()),
            Some(v) => Head::decode(&v).ok_or_else(|| StoreError::Corrupt("the committed head is malformed".into())),
        }
    }

    fn write(&self, batch: WriteBatch) -> Result<(), StoreError> {
        let mut b = sled::Batch::default();
        self.stage_records(&mut b, batch.records)?;
        for (level, index, hash) in batch.nodes {
            if level >= MIN_STORED_LEVEL {
                b.insert(&node_key(level, index), &hash[..]);
            }
        }
        if let Some(h) = batch.head {
            b.insert(HEAD_KEY, &h.encode()[..]);
        }
        self.tree()?.apply_batch(b)?;
        Ok(())
    }

    fn sync(&self) -> Result<(), StoreError> {
        let (db, _, data_file) = self.engine()?;
        db.flush()?;
        // sled 0.34's flush ends in `sync_file_range`, which survives a
        // killed process but not a power cut (it neither flushes the disk's
        // cache nor the file's size); fdatasync does both. Measured: 64 HTTP
        // clients keep the same throughput and p99 (tools/loadgen).
        data_file.sync_data().map_err(|e| {
            if crate::error::is_disk_full(&e) {
                StoreError::DiskFull(e.to_string())
            } else {
                StoreError::Io(e)
            }
        })?;
        Ok(())
    }

    /// sled 0.34 remembers an I/O error (a full disk) and refuses every
    /// later operation until it is reopened; reopening reads back only what
    /// is durable.
    fn recover(&self) -> Result<(), StoreError> {
        let mut guard = self.engine.write().unwrap_or_else(|p| p.into_inner());
        // The old engine must be gone (its file lock released) first;
        // `open` waits out sled releasing the lock lazily.
        drop(guard.take());
        // Opening writes a recovery snapshot, which a disk that is still
        // full refuses: the next write tries again.
        let fresh = Self::open(&self.dir)
            .map_err(|e| StoreError::DiskFull(format!("the store cannot be reopened until space is freed ({e})")))?;
        *guard = fresh.engine.into_inner().unwrap_or_else(|p| p.into_inner());
        Ok(())
    }

    fn get(&self, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        let Some((start, v)) = self.segment_at(seq)? else {
            return Ok(None);
        };
        let items = decode_segment(start, &v)?;
        Ok(items
            .get((seq - start) as usize)
            .map(|b| StoredRecord { seq, bytes: b.to_vec() }))
    }

    fn scan(&self, from: u64, to: u64) -> Box<dyn Iterator<Item = Result<StoredRecord, StoreError>> + Send + '_> {
        if from >= to {
            return Box::new(std::iter::empty());
        }
        // Start at the segment holding `from`, which may begin before it.
        let start = match self.segment_at(from) {
            Ok(Some((s, _))) => s,
            Ok(None) => from,
            Err(e) => return Box::new(std::iter::once(Err(e))),
        };
        Box::new(Scan {
            tree: match self.tree() {
                Ok(t) => t,
                Err(e) => return Box::new(std::iter::once(Err(e))),
            },
            _backend: std::marker::PhantomData,
            next_key: Some(record_key(start)),
            current: Vec::new(),
            pos: 0,
            from,
            to,
        })
    }

    fn node(&self, level: u32, index: u64) -> Result<Option<Hash>, StoreError> {
        match self.tree()?.get(node_key(level, index))? {
            None => Ok(None),
            Some(v) => v
                .as_ref()
                .try_into()
                .map(Some)
                .map_err(|_| StoreError::Corrupt(format!("tree node ({level}, {index}) is not 32 bytes"))),
        }
    }

    fn min_stored_level(&self) -> u32 {
        MIN_STORED_LEVEL
    }

    fn scan_nodes(
        &self,
        level: u32,
        from: u64,
    ) -> Box<dyn Iterator<Item = Result<(u64, Hash), StoreError>> + Send + '_> {
        let tree = match self.tree() {
            Ok(t) => t,
            Err(e) => return Box::new(std::iter::once(Err(e))),
        };
        Box::new(
            tree.range(node_key(level, from)..=node_key(level, u64::MAX))
                .map(move |item| {
                    let (k, v) = item?;
                    let index = k.get(2..10).and_then(|b| b.try_into().ok()).map(u64::from_be_bytes);
                    let hash: Option<Hash> = v.as_ref().try_into().ok();
                    match (index, hash) {
                        (Some(i), Some(h)) => Ok((i, h)),
                        _ => Err(StoreError::Corrupt(format!(
                            "a tree node at level {level} is malformed"
                        ))),
                    }
                }),
        )
    }

    fn discard_from(&self, len: u64) -> Result<(), StoreError> {
        let mut b = sled::Batch::default();
        // A segment straddling `len` keeps only its records below `len`.
        if let Some((start, v)) = self.segment_at(len)? {
            let items = decode_segment(start, &v)?;
            if start < len && len < start + items.len() as u64 {
                let keep = (len - start) as usize;
                b.insert(&record_key(start), encode_segment(items[..keep].iter().copied()));
            }
        }
        let tree = self.tree()?;
        for item in tree.range(record_key(len)..=record_key(u64::MAX)) {
            b.remove(item?.0);
        }
        for level in 0..64u32 {
            let first_stale = len >> level;
            for item in tree.range(node_key(level, first_stale)..=node_key(level, u64::MAX)) {
                b.remove(item?.0);
            }
        }
        // No sync: records past the head are invisible, and discarded
        // again at open if this does not reach the disk.
        tree.apply_batch(b)?;
        Ok(())
    }

    fn put_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.tree()?.insert(meta_key(key), value)?;
        Ok(())
    }

    fn get_meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree()?.get(meta_key(key))?.map(|v| v.to_vec()))
    }

    fn meta_with_prefix(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        self.tree()?
            .scan_prefix(meta_key(prefix))
            .map(|item| {
                let (k, v) = item?;
                let name = String::from_utf8_lossy(k.get(1..).unwrap_or(&[])).into_owned();
                Ok((name, v.to_vec()))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(seq: u64, tag: u8) -> StoredRecord {
        StoredRecord {
            seq,
            bytes: vec![tag; 40 + seq as usize % 7],
        }
    }

    #[test]
    fn crc32_is_the_ieee_one_and_a_changed_conf_is_refused() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let d = tempfile::tempdir().unwrap();
        drop(SledBackend::open(d.path()).unwrap());
        let conf = d.path().join("conf");
        let good = std::fs::read(&conf).unwrap();
        assert!(check_conf(d.path()).is_ok());
        let mut bad = good.clone();
        bad[3] ^= 0x20;
        std::fs::write(&conf, &bad).unwrap();
        let e = check_conf(d.path()).unwrap_err().to_string();
        assert!(e.contains("damaged") && e.contains("conf"), "{e}");
    }

    #[test]
    fn segments_round_trip_and_scan_from_the_middle() {
        let d = tempfile::tempdir().unwrap();
        let s = SledBackend::open(d.path()).unwrap();
        s.write(WriteBatch {
            records: (0..150).map(|i| rec(i, 1)).collect(),
            ..Default::default()
        })
        .unwrap();
        s.write(WriteBatch {
            records: (150..151).map(|i| rec(i, 2)).collect(),
            ..Default::default()
        })
        .unwrap();
        for seq in [0, 63, 64, 100, 149, 150] {
            assert_eq!(s.get(seq).unwrap().unwrap().seq, seq);
        }
        assert!(s.get(151).unwrap().is_none());
        let got: Vec<u64> = s.scan(70, 151).map(|r| r.unwrap().seq).collect();
        assert_eq!(got, (70..151).collect::<Vec<_>>());
    }

    #[test]
    fn overwriting_inside_a_segment_rewrites_it() {
        let d = tempfile::tempdir().unwrap();
        let s = SledBackend::open(d.path()).unwrap();
        s.write(WriteBatch {
            records: (0..10).map(|i| rec(i, 1)).collect(),
            ..Default::default()
        })
        .unwrap();
        s.write(WriteBatch {
            records: vec![rec(5, 9)],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.get(5).unwrap().unwrap().bytes[0], 9);
        assert_eq!(s.get(6).unwrap().unwrap().bytes[0], 1);
        assert_eq!(s.scan(0, 10).count(), 10);
    }

    #[test]
    fn discard_cuts_a_straddling_segment() {
        let d = tempfile::tempdir().unwrap();
        let s = SledBackend::open(d.path()).unwrap();
        s.write(WriteBatch {
            records: (0..100).map(|i| rec(i, 1)).collect(),
            ..Default::default()
        })
        .unwrap();
        s.discard_from(70).unwrap();
        assert!(s.get(69).unwrap().is_some());
        assert!(s.get(70).unwrap().is_none());
        assert_eq!(s.scan(0, 1000).count(), 70);
    }
}
