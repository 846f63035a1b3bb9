//! Buffers for the positions of long rings, kept from one check to the next.
//!
//! A language server checks the same 200,000-vertex ring again after every keystroke inside
//! it. Its positions take 3.2 MB; allocated afresh each time, under `serve`'s memory settings
//! (freed pages go back to the OS at once) every one of those 800 pages is faulted in and
//! zeroed again: in `perf`, the positions buffer was 58% of an edit's page faults. So a ring
//! of at least [`KEEP_FROM`] positions gives its buffer back here when its check ends, and the
//! next check of a ring that size takes it. The server turns this on
//! ([`keep_between_checks`]) and calls [`release`] once it has been idle for a while, so that
//! an editor at rest holds only what its documents need. Measured with benches/lsp
//! (2026-12-07, interleaved runs): an edit inside the 8 MB order's geometry, p50 4.5–5.1 →
//! 3.1–3.2 ms.
//!
//! A process-wide pool rather than one per thread: the server's checks run on whichever
//! runtime or blocking thread is free, and [`release`] must reach every buffer. The lock is
//! taken twice per long ring (a few hundred ns against a check of milliseconds), never for a
//! short one.

use super::sweep::Point;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Whether buffers are kept at all: off unless a long-lived process turns it on with
/// [`keep_between_checks`]. `validate` checks each file once, and there a kept buffer only
/// made the allocations after the check fault in fresh pages instead of reusing its memory
/// (the 200,000-vertex star 34.2 → 36.7 ms whole process, median of 60).
static KEEP: AtomicBool = AtomicBool::new(false);

/// Turns keeping on (the language server, at start) or off (which also frees what is kept).
pub fn keep_between_checks(on: bool) {
    KEEP.store(on, Ordering::Relaxed);
    if !on {
        release();
    }
}

/// Rings of fewer positions allocate as before: their buffers (under 256 KiB) come from
/// mimalloc's pages, which a short check reuses without a fault.
pub const KEEP_FROM: usize = 1 << 14;

/// At most this many positions are kept over all buffers (256 MiB of `f64` pairs), so that
/// checks of many huge rings at once do not leave one buffer each behind.
const KEEP_AT_MOST: usize = 1 << 24;

static POOL: Mutex<Pool> = Mutex::new(Pool {
    buffers: Vec::new(),
    kept: 0,
});

/// Kept buffers, and how many positions they hold together.
struct Pool {
    buffers: Vec<Vec<Point>>,
    kept: usize,
}

impl Pool {
    fn take(&mut self, positions: usize) -> Option<Vec<Point>> {
        let best = self
            .buffers
            .iter()
            .enumerate()
            .filter(|(_, buffer)| buffer.capacity() >= positions)
            .min_by_key(|(_, buffer)| buffer.capacity())
            .map(|(index, _)| index)?;
        let buffer = self.buffers.swap_remove(best);
        self.kept -= buffer.capacity();
        Some(buffer)
    }

    fn give_back(&mut self, mut buffer: Vec<Point>) {
        if self.kept + buffer.capacity() <= KEEP_AT_MOST {
            buffer.clear();
            self.kept += buffer.capacity();
            self.buffers.push(buffer);
        }
    }

    fn release(&mut self) -> usize {
        let bytes = self.kept * std::mem::size_of::<Point>();
        self.buffers = Vec::new();
        self.kept = 0;
        bytes
    }
}

fn pool() -> std::sync::MutexGuard<'static, Pool> {
    // A panic while the lock was held left the pool whole (each step is a push or a remove).
    POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An empty buffer for `positions` positions: the smallest kept one that holds them, else a
/// new one.
pub fn take(positions: usize) -> Vec<Point> {
    if positions >= KEEP_FROM {
        if let Some(buffer) = pool().take(positions) {
            return buffer;
        }
    }
    Vec::with_capacity(positions)
}

/// Keeps `buffer` for a later [`take`] if keeping is on, it can hold [`KEEP_FROM`] positions
/// and the kept buffers stay under [`KEEP_AT_MOST`] positions with it; else frees it.
pub fn give_back(buffer: Vec<Point>) {
    if buffer.capacity() >= KEEP_FROM && KEEP.load(Ordering::Relaxed) {
        pool().give_back(buffer);
    }
}

/// Frees every kept buffer. Returns how many bytes they held.
pub fn release() -> usize {
    let mut pool = pool();
    let bytes = pool.release();
    drop(pool);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Pool {
        Pool {
            buffers: Vec::new(),
            kept: 0,
        }
    }

    #[test]
    fn the_smallest_buffer_that_fits_is_taken_empty() {
        let mut pool = empty();
        let mut big = Vec::with_capacity(3 * KEEP_FROM);
        big.push([1.0, 2.0]);
        pool.give_back(big);
        pool.give_back(Vec::with_capacity(KEEP_FROM));
        assert_eq!(pool.kept, 4 * KEEP_FROM);
        let taken = pool.take(KEEP_FROM).expect("a kept buffer fits");
        assert_eq!(taken.capacity(), KEEP_FROM);
        let taken = pool.take(2 * KEEP_FROM).expect("the big one fits");
        assert!(taken.is_empty(), "a buffer is handed out empty");
        assert_eq!(taken.capacity(), 3 * KEEP_FROM);
        assert!(pool.take(KEEP_FROM).is_none());
        assert_eq!(pool.kept, 0);
    }

    #[test]
    fn no_more_than_the_limit_is_kept_and_release_frees_all() {
        let mut pool = empty();
        pool.give_back(Vec::with_capacity(KEEP_AT_MOST - KEEP_FROM));
        pool.give_back(Vec::with_capacity(2 * KEEP_FROM));
        assert_eq!(pool.buffers.len(), 1, "over the limit: freed");
        pool.give_back(Vec::with_capacity(KEEP_FROM));
        assert_eq!(pool.kept, KEEP_AT_MOST);
        assert_eq!(pool.release(), KEEP_AT_MOST * 16);
        assert!(pool.buffers.is_empty() && pool.take(1).is_none());
    }
}
