//! Open documents: the text, edited in the order changes arrive, with its version, a parsed
//! snapshot made on demand, the diagnostics of the last checked version, and the explicit state
//! machine of the document's check task ([`CheckState`]).
//!
//! The text is held once: the current parse shares it (`Arc<String>`), and a change edits it in
//! place when no check holds the parse (else it is copied once). On a 7 MB order a rope beside
//! the parse held a second 7 MB copy.
//!
//! Why a state machine: the check task, edits, `didClose` + `didOpen` of the same URI and
//! settings changes interleave freely (tower-lsp-server runs handlers concurrently and the task awaits
//! between steps). Flags (`checking`, `pending`) compared by version wedged (a task that returned
//! early left `checking` set forever) or published a closed document's diagnostics for the
//! reopened one (editors restart versions at 1). Here every text and every check request gets a
//! process-unique stamp, every task a process-unique id, and a task acts on an entry only
//! while the entry names it: a replaced entry never hears from the old task.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};

use crate::check::Diagnostic;
use crate::document::{ChangedSpan, Document, LineCol, LineIndex, ParsedJson, PositionEncoding};

/// The parse of an earlier text, for an incremental re-parse of the current one.
pub enum Base {
    /// Its tree alone (the text was let go, so the current text could be edited in place).
    Tree(ParsedJson),
    /// The whole parse, still held by a check when the text changed.
    Shared(Arc<Document>),
}

impl Base {
    /// The tree, taken out when nothing else holds it, else copied.
    pub fn into_tree(self) -> ParsedJson {
        match self {
            Base::Tree(tree) => tree,
            Base::Shared(document) => Arc::try_unwrap(document)
                .map(Document::into_tree)
                .unwrap_or_else(|shared| shared.tree().clone()),
        }
    }
}

/// What `snapshot` needs to parse the current text outside the lock.
pub enum Unparsed {
    Parsed(Arc<Document>),
    Text {
        text_id: u64,
        text: Arc<String>,
        /// The line index of `text`, when one was built.
        index: Option<Arc<LineIndex>>,
        /// The parse of an earlier text and where the text changed since.
        base: Option<(Base, ChangedSpan)>,
    },
}

/// Stamps and task ids: unique for the process, so nothing from a closed document's life
/// matches its reopened successor.
static NEXT_STAMP: AtomicU64 = AtomicU64::new(1);

fn fresh() -> u64 {
    NEXT_STAMP.fetch_add(1, Ordering::Relaxed)
}

/// Where a document's check task is. At most one task per open document.
///
/// ```text
///            request_check (handled)          begin_round
///   Idle ───────────────────────────▶ Running{round: None} ─────────▶ Running{round: Some(s)}
///    ▲                                   │  ▲                             │
///    │ begin_round while unhandled,      │  └─────── end_round: Again ────┤ (stamp moved on)
///    │ abandon                           │                                │
///    └───────────────────────────────────┴──────── end_round: Done ───────┘ (stamp unchanged)
/// ```
/// A request while `Running` only moves the stamp on: the running task sees it at `end_round`
/// and goes again, so a burst of edits costs at most one stale round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckState {
    /// No task runs: the next request starts one.
    Idle,
    /// Task `task` runs; `round` is the stamp it is checking, once it has begun one.
    Running { task: u64, round: Option<u64> },
}

/// One round of a check task: what it checks, to tell later whether the result is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Round {
    pub task: u64,
    /// The stamp the round checks; the result is current while the entry's stamp is this one.
    pub stamp: u64,
    pub version: i32,
}

/// What a task does after a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// The stamp did not move: the task ends (the entry is `Idle`).
    Done,
    /// The text, settings or schemas moved on: check again.
    Again,
    /// The entry no longer names this task (closed and reopened, or abandoned): end without
    /// touching it.
    NotMine,
}

pub struct OpenDocument {
    pub version: i32,
    /// The current text; `parsed`, when set, shares it.
    text: Arc<String>,
    /// The line index of `text`, once a change or a parse built it.
    index: Option<Arc<LineIndex>>,
    /// Identifies the text: new on open and on every change.
    text_id: u64,
    parsed: Option<(u64, Arc<Document>)>,
    /// The last parse and where the text changed since (in byte offsets), while the current
    /// text has no parse of its own.
    base: Option<(Base, ChangedSpan)>,
    /// Identifies what a check depends on: new with the text and on every check request
    /// (settings, schemas).
    stamp: u64,
    /// Diagnostics computed for the current stamp (so for `version`'s text), if any.
    pub diagnostics: Option<Arc<Vec<Diagnostic>>>,
    check: CheckState,
    /// The document matches `filePatterns`; others are kept (the settings may change) but
    /// never checked or answered for.
    pub handled: bool,
    /// The `dataProduct` (normalized id, or none) a check found in the text `text_id` names.
    checked_product: Option<(u64, Option<String>)>,
}

impl OpenDocument {
    /// A document opened with `text` (taken, not copied: an 8 MB `didOpen` holds one copy).
    pub fn new(text: impl Into<String>, version: i32, handled: bool) -> Self {
        OpenDocument {
            version,
            text: Arc::new(text.into()),
            index: None,
            text_id: fresh(),
            parsed: None,
            base: None,
            stamp: fresh(),
            diagnostics: None,
            check: CheckState::Idle,
            handled,
            checked_product: None,
        }
    }

    /// Applies the changes one by one, each against the text the previous one left.
    pub fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        for change in changes {
            match change.range {
                None => {
                    self.text = Arc::new(change.text);
                    self.index = None;
                    self.parsed = None;
                    self.base = None;
                }
                Some(range) => {
                    let index = self.line_index();
                    // Ours alone once the parse lets go of it, so it is edited in place.
                    self.index = None;
                    let start = byte_offset(&index, range.start, encoding);
                    let end = byte_offset(&index, range.end, encoding).max(start);
                    // Let go of the parse's hold on the text first, so it is edited in place.
                    if let Some((_, parsed)) = self.parsed.take() {
                        let base = match Arc::try_unwrap(parsed) {
                            Ok(document) => Base::Tree(document.into_tree()),
                            Err(shared) => Base::Shared(shared),
                        };
                        self.base = Some((base, ChangedSpan::new(start, end, change.text.len())));
                    } else if let Some((_, span)) = &mut self.base {
                        *span = span.then(start, end, change.text.len());
                    }
                    Arc::make_mut(&mut self.text).replace_range(start..end, &change.text);
                    self.index = Some(Arc::new(Arc::unwrap_or_clone(index).edited(
                        &self.text,
                        start,
                        end,
                        change.text.len(),
                    )));
                }
            }
        }
        self.version = version;
        self.text_id = fresh();
        self.stamp = fresh();
        self.parsed = None;
        self.diagnostics = None;
    }

    /// What is needed to parse the current version outside the lock: the parse if there is
    /// one, else the text's id, the rope (a cheap clone) and the earlier parse with the edits
    /// since, taken out so that the re-parse may own it.
    pub fn unparsed(&mut self) -> Unparsed {
        match &self.parsed {
            Some((_, document)) => Unparsed::Parsed(document.clone()),
            None => Unparsed::Text {
                text_id: self.text_id,
                text: self.text.clone(),
                index: self.index.clone(),
                base: self.base.take(),
            },
        }
    }

    /// Keeps a parse of the text `text_id` names unless the text moved on meanwhile.
    pub fn store_parsed(&mut self, text_id: u64, document: Arc<Document>) {
        if self.text_id == text_id && self.parsed.is_none() {
            self.parsed = Some((text_id, document));
            self.base = None;
        }
    }

    /// The stored diagnostics when they are those of `document`: a parse of the current text.
    ///
    /// Told by the text itself, not by the parse, since the parse may have been let go
    /// ([`OpenDocument::release_parse`]) and made again. Sound because an edit changes the
    /// text in place only while nothing else holds it, so a `document` holding this very
    /// allocation holds the current text.
    pub fn diagnostics_of(&self, document: &Arc<Document>) -> Option<Arc<Vec<Diagnostic>>> {
        if Arc::ptr_eq(document.shared_text(), &self.text) {
            self.diagnostics.clone()
        } else {
            None
        }
    }

    /// Lets go of the parse, the earlier tree kept for an incremental re-parse and the line
    /// index (see [`ParseBudget`]): only the text, the version and the diagnostics stay. The
    /// next reader parses the text again in full. A check holding the parse keeps it alive
    /// until it ends.
    pub fn release_parse(&mut self) {
        self.parsed = None;
        self.base = None;
        self.index = None;
    }

    /// Records the product a check of the current text found (call it when the check's
    /// result is current, so its text is this one).
    pub fn record_product(&mut self, product: Option<String>) {
        self.checked_product = Some((self.text_id, product));
    }

    /// The product a check of the current text recorded: `Some(None)` when it names none,
    /// `None` when no check of this text recorded one.
    pub fn known_product(&self) -> Option<Option<&str>> {
        match &self.checked_product {
            Some((text_id, product)) if *text_id == self.text_id => Some(product.as_deref()),
            _ => None,
        }
    }

    /// Whether a parse (of this text or an earlier one) is held: what [`ParseBudget`] bounds.
    pub fn holds_parse(&self) -> bool {
        self.parsed.is_some() || self.base.is_some()
    }

    pub fn check_state(&self) -> CheckState {
        self.check
    }

    // ---- the check task's transitions ----

    /// A check is wanted (new text, settings or schemas): the stored diagnostics are no
    /// longer current. Returns the id of a task to start, when none runs and the document is
    /// handled; the caller must start it.
    pub fn request_check(&mut self) -> Option<u64> {
        self.stamp = fresh();
        self.diagnostics = None;
        if !self.handled {
            return None;
        }
        match self.check {
            CheckState::Idle => {
                let task = fresh();
                self.check = CheckState::Running { task, round: None };
                Some(task)
            }
            CheckState::Running { .. } => None,
        }
    }

    /// Task `task` begins a round on the current stamp; `None` when the task must end (the
    /// entry names another task, or the document stopped being handled: then it is `Idle`).
    pub fn begin_round(&mut self, task: u64) -> Option<Round> {
        if !self.runs(task) {
            return None;
        }
        if !self.handled {
            self.check = CheckState::Idle;
            return None;
        }
        self.check = CheckState::Running {
            task,
            round: Some(self.stamp),
        };
        Some(Round {
            task,
            stamp: self.stamp,
            version: self.version,
        })
    }

    /// Whether `round`'s result is still the current one (its task runs and nothing moved on).
    pub fn is_current(&self, round: &Round) -> bool {
        self.runs(round.task) && self.stamp == round.stamp
    }

    /// Stores a round's diagnostics when they are current; returns whether they were (and
    /// so are to be published).
    pub fn finish_round(&mut self, round: &Round, diagnostics: Arc<Vec<Diagnostic>>) -> bool {
        if !self.is_current(round) {
            return false;
        }
        self.diagnostics = Some(diagnostics);
        true
    }

    /// After a round (published or not): end the task or go again.
    pub fn end_round(&mut self, round: &Round) -> Next {
        if !self.runs(round.task) {
            return Next::NotMine;
        }
        if self.stamp == round.stamp {
            self.check = CheckState::Idle;
            Next::Done
        } else {
            Next::Again
        }
    }

    /// Task `task` failed (its check panicked): the entry is `Idle`, so the next request
    /// starts a new task.
    pub fn abandon(&mut self, task: u64) {
        if self.runs(task) {
            self.check = CheckState::Idle;
        }
    }

    fn runs(&self, task: u64) -> bool {
        matches!(self.check, CheckState::Running { task: t, .. } if t == task)
    }

    /// The line index of the current text: the one already built (by a change or by the
    /// parse's users), else a new one.
    fn line_index(&mut self) -> Arc<LineIndex> {
        if let Some(index) = &self.index {
            return index.clone();
        }
        let index = match &self.parsed {
            Some((_, document)) => document.shared_line_index().clone(),
            None => Arc::new(LineIndex::new(&self.text)),
        };
        self.index = Some(index.clone());
        index
    }

    #[cfg(test)]
    pub fn text(&self) -> String {
        self.text.to_string()
    }
}

/// The open documents whose parse is held, by when it was last used, so that the trees held
/// stay within a budget of text bytes however many documents are open.
///
/// Why: a parse costs about as much memory as its text (a 200,000-vertex order is 8.4 MB of
/// text and 9 MB of tree and line index), and the text itself must be kept. With 100 such
/// orders open, holding every parse took 1.77 GB (benches/lsp, 2026-12-07). Keeping the most
/// recently used parses within the budget, as rust-analyzer keeps its syntax trees in an LRU,
/// bounds that to the texts plus the budget; a request on a document whose parse was let go
/// parses it again (about 30 ms for 8 MB). Typical orders (a few KB) never reach the budget.
#[derive(Debug)]
pub struct ParseBudget<K> {
    /// Counts uses, to order them.
    clock: u64,
    /// Per document: its last use and its text's size in bytes.
    held: std::collections::HashMap<K, (u64, usize)>,
    /// The sizes in `held`, summed (every request uses a parse: no walk of them each time).
    total: usize,
}

impl<K> Default for ParseBudget<K> {
    fn default() -> Self {
        ParseBudget {
            clock: 0,
            held: Default::default(),
            total: 0,
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> ParseBudget<K> {
    /// Notes that `key`'s parse, of a text of `bytes`, was used now. Returns the documents
    /// whose parses are to be let go, least recently used first, so that the texts of those
    /// held total at most `limit` bytes; `key` itself is always kept (even alone over it).
    pub fn used(&mut self, key: &K, bytes: usize, limit: usize) -> Vec<K> {
        self.clock = self.clock.saturating_add(1);
        let before = match self.held.get_mut(key) {
            Some(entry) => std::mem::replace(entry, (self.clock, bytes)).1,
            None => {
                self.held.insert(key.clone(), (self.clock, bytes));
                0
            }
        };
        self.total = self.total.saturating_sub(before).saturating_add(bytes);
        let mut released = Vec::new();
        while self.total > limit {
            let Some(oldest) = self
                .held
                .iter()
                .filter(|(k, _)| *k != key)
                .min_by_key(|(_, &(used, _))| used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((_, b)) = self.held.remove(&oldest) {
                self.total = self.total.saturating_sub(b);
            }
            released.push(oldest);
        }
        released
    }

    /// Forgets `key` (closed, or its parse let go for another reason).
    pub fn forget(&mut self, key: &K) {
        if let Some((_, b)) = self.held.remove(key) {
            self.total = self.total.saturating_sub(b);
        }
    }

    /// The documents whose parse is held, in no order.
    #[cfg(test)]
    pub fn held(&self) -> impl Iterator<Item = &K> {
        self.held.keys()
    }
}

/// The byte offset of an LSP position; a line past the end gives the end of the text and a
/// column past the end of its line gives the end of that line's content (a column inside a
/// character, the character's start).
fn byte_offset(index: &LineIndex, position: Position, encoding: PositionEncoding) -> usize {
    index.offset(
        LineCol {
            line: position.line,
            col: position.character,
        },
        encoding,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_product_holds_until_the_text_changes() {
        let mut doc = OpenDocument::new("{}", 1, true);
        assert_eq!(doc.known_product(), None);
        doc.record_product(Some("p1".into()));
        assert_eq!(doc.known_product(), Some(Some("p1")));
        doc.release_parse();
        assert_eq!(doc.known_product(), Some(Some("p1")));
        doc.apply(full("{ }"), 2, PositionEncoding::Utf16);
        assert_eq!(doc.known_product(), None);
        doc.record_product(None);
        assert_eq!(doc.known_product(), Some(None));
    }

    mod parse_budget {
        use super::super::ParseBudget;
        use proptest::prelude::*;

        #[test]
        fn keeps_the_most_recently_used_within_the_budget() {
            let mut budget = ParseBudget::default();
            let mb = 1 << 20;
            assert!(budget.used(&"a", 8 * mb, 20 * mb).is_empty());
            assert!(budget.used(&"b", 8 * mb, 20 * mb).is_empty());
            // "a" used again: "b" is now the least recently used.
            assert!(budget.used(&"a", 8 * mb, 20 * mb).is_empty());
            assert_eq!(budget.used(&"c", 8 * mb, 20 * mb), vec!["b"]);
            // One document over the budget alone is kept; the others go.
            assert_eq!(budget.used(&"d", 30 * mb, 20 * mb), vec!["a", "c"]);
            let mut held: Vec<_> = budget.held().copied().collect();
            held.sort();
            assert_eq!(held, vec!["d"]);
            budget.forget(&"d");
            assert_eq!(budget.held().count(), 0);
        }

        proptest! {
            /// After every use: the document used is held, the held texts fit the budget
            /// unless it alone exceeds it, and every document let go was used before every
            /// other one still held (least recently used first).
            #[test]
            fn holds_the_most_recent_within_the_budget(
                uses in proptest::collection::vec((0u8..12, 0usize..40, any::<bool>()), 1..200),
                limit in 0usize..100,
            ) {
                let mut budget = ParseBudget::default();
                let mut last_use = std::collections::HashMap::new();
                let mut sizes = std::collections::HashMap::new();
                for (clock, (key, bytes, close)) in uses.into_iter().enumerate() {
                    if close {
                        budget.forget(&key);
                        sizes.remove(&key);
                        continue;
                    }
                    let released = budget.used(&key, bytes, limit);
                    last_use.insert(key, clock);
                    sizes.insert(key, bytes);
                    for gone in &released {
                        sizes.remove(gone);
                    }
                    let held: Vec<u8> = budget.held().copied().collect();
                    prop_assert!(held.contains(&key));
                    prop_assert!(!released.contains(&key));
                    let total: usize = held.iter().map(|k| sizes[k]).sum();
                    prop_assert!(total <= limit || held.len() == 1, "{total} > {limit}: {held:?}");
                    let oldest_kept = held.iter().filter(|&&k| k != key).map(|k| last_use[k]).min();
                    for gone in &released {
                        prop_assert!(oldest_kept.is_none_or(|kept| last_use[gone] < kept));
                    }
                }
            }
        }
    }
    use tower_lsp_server::ls_types::Range;

    fn change(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position::new(start.0, start.1),
                end: Position::new(end.0, end.1),
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn utf16_columns_after_emoji_and_crlf() {
        let mut doc = OpenDocument::new("{\r\n  \"a\": \"😀x\"\r\n}", 1, true);
        // Line 1 is `  "a": "😀x"`; the emoji is two UTF-16 units, so `x` is at column 10.
        doc.apply(
            vec![change((1, 10), (1, 11), "y")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "{\r\n  \"a\": \"😀y\"\r\n}");
        // In UTF-8 the emoji is four bytes, so the `y` is at column 12.
        doc.apply(
            vec![change((1, 12), (1, 13), "w")],
            3,
            PositionEncoding::Utf8,
        );
        assert_eq!(doc.text(), "{\r\n  \"a\": \"😀w\"\r\n}");
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let mut doc = OpenDocument::new("ab\ncd", 1, true);
        doc.apply(
            vec![change((0, 99), (0, 99), "!")],
            2,
            PositionEncoding::Utf16,
        );
        doc.apply(
            vec![change((9, 0), (9, 0), "?")],
            3,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "ab!\ncd?");
        assert_eq!(doc.version, 3);
    }

    #[test]
    fn changes_apply_in_order_against_the_previous_result() {
        let mut doc = OpenDocument::new("abc", 1, true);
        doc.apply(
            vec![change((0, 0), (0, 1), "X"), change((0, 1), (0, 2), "Y")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "XYc");
    }
    // ---- the check task's state machine ----

    fn diag(text: &str) -> Arc<Vec<Diagnostic>> {
        use crate::check::Code;
        use crate::document::TextRange;
        Arc::new(vec![Diagnostic::new(
            Code::Syntax,
            TextRange::empty(0),
            text,
        )])
    }

    fn full(text: &str) -> Vec<TextDocumentContentChangeEvent> {
        vec![TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.to_string(),
        }]
    }

    #[test]
    fn a_request_while_running_makes_the_task_go_again() {
        let mut doc = OpenDocument::new("a", 1, true);
        let task = doc.request_check().expect("idle: a task starts");
        assert_eq!(doc.request_check(), None, "one task at a time");
        let round = doc.begin_round(task).unwrap();
        doc.apply(full("b"), 2, PositionEncoding::Utf16);
        assert_eq!(doc.request_check(), None);
        assert!(
            !doc.finish_round(&round, diag("a")),
            "a stale result is not stored"
        );
        assert!(doc.diagnostics.is_none());
        assert_eq!(doc.end_round(&round), Next::Again);
        let round = doc.begin_round(task).unwrap();
        assert_eq!(round.version, 2);
        assert!(doc.finish_round(&round, diag("b")));
        assert_eq!(doc.end_round(&round), Next::Done);
        assert_eq!(doc.check_state(), CheckState::Idle);
        assert_eq!(doc.diagnostics.as_ref().unwrap()[0].message, "b");
    }

    #[test]
    fn an_unhandled_document_ends_its_task_and_a_later_request_starts_one() {
        // Reproduction 08: the task used to return early and leave its flag set forever.
        let mut doc = OpenDocument::new("a", 1, true);
        let task = doc.request_check().unwrap();
        doc.handled = false;
        assert_eq!(doc.request_check(), None);
        assert_eq!(doc.begin_round(task), None);
        assert_eq!(doc.check_state(), CheckState::Idle);
        doc.handled = true;
        assert!(doc.request_check().is_some());
    }

    #[test]
    fn a_reopened_document_never_hears_from_the_old_task() {
        // Reproduction 07: closed while checked, reopened with the same version.
        let mut old = OpenDocument::new("slow", 1, true);
        let old_task = old.request_check().unwrap();
        let round = old.begin_round(old_task).unwrap();
        let mut new = OpenDocument::new("fast", 1, true);
        let new_task = new.request_check().unwrap();
        assert!(!new.is_current(&round));
        assert!(!new.finish_round(&round, diag("slow")));
        assert_eq!(new.end_round(&round), Next::NotMine);
        new.abandon(old_task);
        assert_eq!(
            new.check_state(),
            CheckState::Running {
                task: new_task,
                round: None
            }
        );
    }

    #[test]
    fn a_failed_task_leaves_the_document_idle() {
        let mut doc = OpenDocument::new("a", 1, true);
        let task = doc.request_check().unwrap();
        doc.begin_round(task).unwrap();
        doc.abandon(task);
        assert_eq!(doc.check_state(), CheckState::Idle);
        assert!(doc.request_check().is_some());
    }

    /// A seeded simulation of the server's handlers and check tasks over two URIs: every
    /// interleaving of open, change, close, reopen (versions restart at 1), `filePatterns`
    /// flips, schema arrivals, failing checks and the tasks' steps (as `analysis.rs` runs
    /// them). Checked after every step: a publish carries the text and version the document
    /// has at that moment; stored diagnostics are those of the current text; nothing is
    /// published for a closed or unhandled URI. At the end (after one more request, as the
    /// next edit would make): every task has ended, every handled document is `Idle` and its
    /// last publish is its current text.
    #[test]
    fn thousands_of_seeded_interleavings_never_wedge_or_publish_stale_diagnostics() {
        #[derive(Clone, Copy, Debug)]
        enum Phase {
            Begin,
            Checked(Round),
            Publish(Round),
            End(Round),
        }
        struct Task {
            uri: usize,
            id: u64,
            phase: Phase,
            /// The text the current round checked.
            text: String,
        }
        struct Sim {
            docs: [Option<OpenDocument>; 2],
            handled: bool,
            tasks: Vec<Task>,
            /// Per URI: the last publish, `None` for a clearing one.
            last: [Option<(i32, String)>; 2],
            rng: u64,
        }
        impl Sim {
            fn next(&mut self, n: u64) -> u64 {
                self.rng ^= self.rng << 13;
                self.rng ^= self.rng >> 7;
                self.rng ^= self.rng << 17;
                self.rng % n
            }
            fn spawn(&mut self, uri: usize, task: Option<u64>) {
                if let Some(id) = task {
                    self.tasks.push(Task {
                        uri,
                        id,
                        phase: Phase::Begin,
                        text: String::new(),
                    });
                }
            }
            fn request(&mut self, uri: usize) {
                let task = self.docs[uri].as_mut().and_then(|d| d.request_check());
                self.spawn(uri, task);
            }
            /// One step of a task, as `run_check_task` takes them; false when it ended.
            fn step(&mut self, i: usize, fail: bool) -> bool {
                let uri = self.tasks[i].uri;
                let id = self.tasks[i].id;
                let phase = self.tasks[i].phase;
                let Some(doc) = self.docs[uri].as_mut() else {
                    return false;
                };
                match phase {
                    Phase::Begin => {
                        let Some(round) = doc.begin_round(id) else {
                            return false;
                        };
                        self.tasks[i].text = doc.text();
                        self.tasks[i].phase = Phase::Checked(round);
                    }
                    Phase::Checked(round) => {
                        if fail {
                            doc.abandon(id);
                            return false;
                        }
                        let current = doc.finish_round(&round, diag(&self.tasks[i].text));
                        self.tasks[i].phase = if current {
                            Phase::Publish(round)
                        } else {
                            Phase::End(round)
                        };
                    }
                    Phase::Publish(round) => {
                        if doc.is_current(&round) {
                            let text = doc.text();
                            assert_eq!(self.tasks[i].text, text, "published a stale text");
                            assert_eq!(round.version, doc.version);
                            self.last[uri] = Some((round.version, text));
                        }
                        self.tasks[i].phase = Phase::End(round);
                    }
                    Phase::End(round) => match doc.end_round(&round) {
                        Next::Again => self.tasks[i].phase = Phase::Begin,
                        Next::Done | Next::NotMine => return false,
                    },
                }
                true
            }
            fn invariants(&self) {
                for doc in self.docs.iter().flatten() {
                    if let Some(diagnostics) = &doc.diagnostics {
                        assert_eq!(
                            diagnostics[0].message,
                            doc.text(),
                            "stored stale diagnostics"
                        );
                    }
                    let running = self.tasks.iter().filter(|t| doc.runs(t.id)).count();
                    match doc.check_state() {
                        CheckState::Idle => assert_eq!(running, 0),
                        CheckState::Running { .. } => assert_eq!(running, 1, "no task runs it"),
                    }
                }
            }
        }

        for seed in 1..=5000u64 {
            let mut sim = Sim {
                docs: [None, None],
                handled: true,
                tasks: Vec::new(),
                last: [None, None],
                rng: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1,
            };
            let mut texts = 0;
            for _ in 0..120 {
                let uri = sim.next(2) as usize;
                match sim.next(10) {
                    0 if sim.docs[uri].is_none() => {
                        texts += 1;
                        sim.docs[uri] =
                            Some(OpenDocument::new(format!("open{texts}"), 1, sim.handled));
                        sim.request(uri);
                    }
                    1 if sim.docs[uri].is_some() => {
                        sim.docs[uri] = None;
                        sim.last[uri] = None;
                    }
                    2 | 3 if sim.docs[uri].is_some() => {
                        texts += 1;
                        let doc = sim.docs[uri].as_mut().unwrap();
                        let version = doc.version + 1;
                        doc.apply(
                            full(&format!("edit{texts}")),
                            version,
                            PositionEncoding::Utf16,
                        );
                        sim.request(uri);
                    }
                    4 if sim.next(4) == 0 => {
                        // `filePatterns` flips (recheck_all).
                        sim.handled = !sim.handled;
                        for u in 0..2 {
                            let Some(doc) = sim.docs[u].as_mut() else {
                                continue;
                            };
                            let was = doc.handled;
                            doc.handled = sim.handled;
                            if doc.handled {
                                sim.request(u);
                            } else if was {
                                doc.request_check();
                                sim.last[u] = None;
                            }
                        }
                    }
                    5 => sim.request(uri), // a schema arrived (recheck_product)
                    _ if !sim.tasks.is_empty() => {
                        let i = sim.next(sim.tasks.len() as u64) as usize;
                        let fail = sim.next(50) == 0;
                        if !sim.step(i, fail) {
                            sim.tasks.remove(i);
                        }
                    }
                    _ => {}
                }
                sim.invariants();
            }
            // The next edit (or settings change) asks again; then everything settles.
            for uri in 0..2 {
                sim.request(uri);
            }
            let mut steps = 0;
            while !sim.tasks.is_empty() {
                let i = sim.next(sim.tasks.len() as u64) as usize;
                if !sim.step(i, false) {
                    sim.tasks.remove(i);
                }
                sim.invariants();
                steps += 1;
                assert!(steps < 10_000, "seed {seed}: the tasks never settle");
            }
            for uri in 0..2 {
                let Some(doc) = &sim.docs[uri] else { continue };
                assert_eq!(doc.check_state(), CheckState::Idle, "seed {seed}");
                if doc.handled {
                    assert_eq!(
                        sim.last[uri],
                        Some((doc.version, doc.text())),
                        "seed {seed}: the current text was never published"
                    );
                    assert!(doc.diagnostics.is_some(), "seed {seed}");
                } else {
                    assert_eq!(sim.last[uri], None, "seed {seed}");
                }
            }
        }
    }
}
