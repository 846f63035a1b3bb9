//! The geometry results cache: a geometry's diagnostics depend only on its own text and on
//! its context (label, path, and the geometry model the product schema gives it), so an edit elsewhere in the order reuses them, shifted to the
//! geometry's new offset. On a 200,000-vertex order this turns an edit to `cloudCoverage` from
//! a full geometry check (tens of milliseconds) into a hash of the geometry's text.
//!
//! Keys are 64 bits of foldhash over the text and context plus the text's length: a wrong hit
//! needs two texts of one length that an editor produced (one open order's edits, 16 entries
//! kept) to collide in 64 bits. One pass over the text, not two: on the 8 MB order the hash
//! is most of what an edit outside the geometry costs. Small geometries are not cached:
//! checking them costs less than the bookkeeping.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::geometry::LatitudeExtremes;
use super::Diagnostic;
use crate::document::{Document, TextRange};

/// Geometries shorter than this (bytes of text) are checked every time.
const MIN_CACHED_BYTES: usize = 16 << 10;
/// How many geometries the cache remembers (most recently used first).
const ENTRIES: usize = 16;

/// What identifies a geometry's results: a hash of its text and context, and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    hash: u64,
    len: usize,
}

/// What the geometry check of one geometry gave: its diagnostics, with offsets relative to the
/// geometry's start, and its latitude extremes (positions, which do not move with the text).
type Entry = (Vec<Diagnostic>, Option<LatitudeExtremes>);

/// The results of recently checked geometries.
/// Shared by every check of a session; cheap to lock (one short critical section per lookup).
#[derive(Debug, Default)]
pub struct GeometryCache {
    entries: Mutex<Vec<(Key, Entry)>>,
    hits: AtomicU64,
}

/// The key of the geometry at `range` checked in `context` (whatever else its verdict depends
/// on); `None` for geometries not worth caching.
pub(super) fn key(doc: &Document, range: TextRange, context: &str) -> Option<Key> {
    let text = doc.slice(range);
    if text.len() < MIN_CACHED_BYTES {
        return None;
    }
    let mut hasher = foldhash::quality::FixedState::with_seed(0x243F_6A88_85A3_08D3).build_hasher();
    hasher.write(text.as_bytes());
    hasher.write(context.as_bytes());
    let hash = hasher.finish();
    Some(Key {
        hash,
        len: text.len(),
    })
}

impl GeometryCache {
    /// How many geometry checks were answered from the cache so far.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Appends the geometry's diagnostics to `out` and returns its latitude extremes: the
    /// cached ones (diagnostics moved to `start`) when `key` is known, else those `check`
    /// computes, which are then remembered.
    pub(super) fn check(
        &self,
        key: Option<Key>,
        start: u32,
        out: &mut Vec<Diagnostic>,
        check: impl FnOnce(&mut Vec<Diagnostic>) -> Option<LatitudeExtremes>,
    ) -> Option<LatitudeExtremes> {
        let Some(key) = key else {
            return check(out);
        };
        if let Some(found) = self.take(key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            out.extend(found.0.iter().map(|d| moved(d, start as i64)));
            let extremes = found.1;
            self.put(key, found);
            return extremes;
        }
        let first = out.len();
        let extremes = check(out);
        let relative = out[first..]
            .iter()
            .map(|d| moved(d, -(start as i64)))
            .collect();
        self.put(key, (relative, extremes));
        extremes
    }

    fn take(&self, key: Key) -> Option<Entry> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let at = entries.iter().position(|(k, _)| *k == key)?;
        Some(entries.remove(at).1)
    }

    fn put(&self, key: Key, entry: Entry) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.retain(|(k, _)| *k != key);
        entries.insert(0, (key, entry));
        entries.truncate(ENTRIES);
    }
}

/// The diagnostic with every range (its own, its fixes' and its related locations') moved by
/// `by` bytes.
fn moved(diagnostic: &Diagnostic, by: i64) -> Diagnostic {
    let shift = |r: TextRange| TextRange {
        start: (r.start as i64 + by) as u32,
        end: (r.end as i64 + by) as u32,
    };
    let mut d = diagnostic.clone();
    d.range = shift(d.range);
    for fix in &mut d.fixes {
        for edit in &mut fix.edits {
            edit.range = shift(edit.range);
        }
    }
    for related in &mut d.related {
        related.range = shift(related.range);
    }
    d
}
