//! The session state: the open documents, the negotiated position encoding, the settings,
//! the schema store and the provider's state, behind one cheap-to-clone `Backend` handle.
//!
//! Every handler module imports this one; this one imports no handler (ARCHITECTURE.md,
//! "the language server"). Mutation happens in the handlers; what is here only reads or
//! holds.

mod documents;
mod editor;
mod provider;
mod settings;

pub(crate) use documents::{CheckState, Next, OpenDocument, ParseBudget, Round, Unparsed};
pub(crate) use editor::EditorCaps;
pub(crate) use provider::{Api, ClientCaps, InFlightGuard, ProviderState, IN_FLIGHT};
pub use settings::Settings;

use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

use crate::config::GlobalOptions;
use crate::document::{Document, PositionEncoding};
use crate::schema::SchemaStore;

/// Cheap to clone: background tasks hold their own handle.
#[derive(Clone)]
pub struct Backend(pub(crate) Arc<State>);

/// A document version and its diagnostics with the costly fixes computed.
pub(crate) type CostlyFixes = (
    Arc<crate::document::Document>,
    Arc<Vec<crate::check::Diagnostic>>,
);

pub(crate) struct State {
    pub client: Client,
    pub documents: DashMap<Uri, OpenDocument>,
    /// Geometry results reused across checks while a geometry's text is unchanged.
    pub geometry_cache: crate::check::GeometryCache,
    /// One per URI ever opened (see `Backend::publish_lock`).
    pub publish_locks: DashMap<Uri, Arc<tokio::sync::Mutex<()>>>,
    pub encoding: OnceLock<PositionEncoding>,
    pub settings: RwLock<Settings>,
    pub store: RwLock<Arc<SchemaStore>>,
    /// Flags given on the command line; they win over editor settings.
    pub options: GlobalOptions,
    pub supports_configuration: OnceLock<bool>,
    /// Whether the client registers `workspace/didChangeWatchedFiles` watchers dynamically
    /// (then the configuration file is watched and re-read when it changes).
    pub watch_config: OnceLock<bool>,
    /// The provider's API and what the commands and background fetches keep.
    pub provider: ProviderState,
    /// The client expands snippets in completion items.
    pub snippets: OnceLock<bool>,
    /// Pull diagnostics, refresh requests and folding options the client has.
    pub editor: OnceLock<EditorCaps>,
    /// Woken each time a check stores a document's diagnostics (pull requests wait on it).
    pub checked: tokio::sync::Notify,
    /// The `resultId` last answered to `textDocument/diagnostic`, per document.
    pub reported: DashMap<Uri, String>,
    /// Returns freed memory to the OS (see `lsp::run_stdio`); `analysis` calls it once no
    /// check has run for `analysis::RELEASE_AFTER`.
    pub release_memory: fn(),
    /// Counts check rounds begun, so the delayed release can tell whether one ran meanwhile.
    pub rounds: std::sync::atomic::AtomicU64,
    /// The last document whose costly fixes (the simplify fix) a code action computed, and
    /// its diagnostics with them: a cursor moving inside a 200,000-vertex AOI asks for
    /// code actions at every step, and the fix is computed once per version.
    pub costly_fixes: std::sync::Mutex<Option<CostlyFixes>>,
    /// The windows of the last opportunity search per document, for its "Set datetime"
    /// code actions; kept across edits (the provider's answer does not depend on the text's
    /// formatting), dropped when the document closes.
    pub opportunities: DashMap<Uri, Vec<crate::ide::WindowChoice>>,
    /// The pass search of a document's version (the lens's title and the `feasibility.passes`
    /// diagnostics), computed once per version off the protocol's threads.
    pub pass_lenses: DashMap<Uri, PassMemo>,
    /// Which open documents hold their parse, within `parse_budget`.
    pub parses: std::sync::Mutex<ParseBudget<Uri>>,
    /// Bytes of text the documents holding their parse may total ([`PARSE_BUDGET_BYTES`]
    /// unless `serve --parse-budget` says otherwise).
    pub parse_budget: usize,
}

/// By default, the texts of the open documents whose parse the server holds total at most
/// this many bytes (the least recently used parses are let go beyond it; see [`ParseBudget`]). 32 MiB
/// holds three 200,000-vertex orders, or thousands of typical ones; with 100 orders of 8.4 MB
/// open the server stays under 1 GB (benches/lsp, issue 27).
pub const PARSE_BUDGET_BYTES: usize = 32 << 20;

/// What the pass search found for one version of a document.
#[derive(Clone, Debug, Default)]
pub struct PassMemo {
    pub version: i32,
    /// The pass lens's title; empty when the document is no pass query (no lens).
    pub title: String,
    /// `feasibility.passes` (with its fixes), lint rules applied; empty without element sets.
    pub diagnostics: Arc<Vec<crate::check::Diagnostic>>,
}

impl Backend {
    pub fn new(client: Client, options: GlobalOptions) -> Self {
        let mut settings = Settings::default();
        if options.offline {
            settings.offline = true;
        }
        let store = Arc::new(SchemaStore::bundled());
        Backend(Arc::new(State {
            client,
            documents: DashMap::new(),
            publish_locks: DashMap::new(),
            geometry_cache: Default::default(),
            encoding: OnceLock::new(),
            settings: RwLock::new(settings),
            store: RwLock::new(store),
            options,
            supports_configuration: OnceLock::new(),
            watch_config: OnceLock::new(),
            provider: ProviderState::default(),
            release_memory: || {},
            rounds: Default::default(),
            costly_fixes: Default::default(),
            opportunities: DashMap::new(),
            pass_lenses: DashMap::new(),
            parses: Default::default(),
            parse_budget: PARSE_BUDGET_BYTES,
            snippets: OnceLock::new(),
            editor: OnceLock::new(),
            checked: tokio::sync::Notify::new(),
            reported: DashMap::new(),
        }))
    }

    /// The same backend, calling `release` when the server has been idle for a while after a
    /// check (see `lsp::run_stdio`).
    pub fn with_release_memory(mut self, release: fn()) -> Self {
        if let Some(state) = Arc::get_mut(&mut self.0) {
            state.release_memory = release;
        }
        self
    }

    /// After `RELEASE_AFTER` without a new check round, frees the buffers the geometry check
    /// keeps between checks ([`crate::check::geometry::scratch`]) and returns freed memory to the
    /// OS, on a blocking thread. Called when a document's rounds end, and after every check a
    /// request makes outside a round (code actions' deferred fixes, preview, commands), whose
    /// buffers would otherwise stay kept until the next edit.
    pub(crate) fn release_when_idle(&self) {
        use std::sync::atomic::Ordering;
        let backend = self.clone();
        let seen = backend.0.rounds.load(Ordering::Relaxed);
        tokio::spawn(async move {
            tokio::time::sleep(RELEASE_AFTER).await;
            if backend.0.rounds.load(Ordering::Relaxed) == seen {
                let release = backend.0.release_memory;
                let _ = tokio::task::spawn_blocking(move || {
                    // The long rings' buffers kept for the next check go first, so that the
                    // allocator can give their pages back.
                    crate::check::geometry::scratch::release();
                    release();
                })
                .await;
            }
        });
    }

    /// The diagnostics of `doc` (the parse of `uri`'s document a request works on): those
    /// published for it, else checked now as publishing checks: with the settings' `[rules]`
    /// overrides and `[lint]` selection, and as a search order of `search_product` for a
    /// STAPI order (the caller's `stapi::product_for`). Unlike publishing, a product whose
    /// schema is not loaded yet is reported without the reason (`unknown_product_reason`).
    /// `costly_fixes` is off where fixes are not shown (the preview). Memory the check kept
    /// is released once idle ([`Backend::release_when_idle`]).
    pub(crate) fn diagnostics_now(
        &self,
        uri: &Uri,
        doc: &Arc<Document>,
        costly_fixes: bool,
        search_product: Option<&crate::schema::SearchProduct>,
    ) -> Arc<Vec<crate::check::Diagnostic>> {
        if let Some(diagnostics) = self
            .0
            .documents
            .get(uri)
            .and_then(|entry| entry.diagnostics_of(doc))
        {
            return diagnostics;
        }
        let store = self.store();
        let settings = self.settings();
        let mut options = crate::check::CheckOptions::new(&store);
        options.rule_overrides = Some(&settings.rules);
        options.costly_fixes = costly_fixes;
        options.search_product = search_product;
        let mut diagnostics = crate::check::check_document(doc, &options);
        settings.lint.apply(&mut diagnostics);
        self.release_when_idle();
        Arc::new(diagnostics)
    }

    /// The same backend, keeping parses within `bytes` of text (see [`ParseBudget`]).
    pub fn with_parse_budget(mut self, bytes: usize) -> Self {
        if let Some(state) = Arc::get_mut(&mut self.0) {
            state.parse_budget = bytes;
        }
        self
    }

    pub(crate) fn encoding(&self) -> PositionEncoding {
        self.0.encoding.get().copied().unwrap_or_default()
    }

    pub(crate) fn editor(&self) -> EditorCaps {
        self.0.editor.get().copied().unwrap_or_default()
    }

    pub(crate) fn store(&self) -> Arc<SchemaStore> {
        self.0
            .store
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    pub(crate) fn settings(&self) -> Settings {
        self.0
            .settings
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// The parsed current version of an open request document; `None` for documents the
    /// server does not handle.
    pub(crate) fn snapshot(&self, uri: &Uri) -> Option<(Arc<Document>, i32)> {
        let (version, unparsed) = {
            let mut entry = self.0.documents.get_mut(uri).filter(|e| e.handled)?;
            (entry.version, entry.unparsed())
        };
        let (text_id, text, index, base) = match unparsed {
            Unparsed::Parsed(document) => {
                self.parse_used(uri, document.shared_text().len());
                return Some((document, version));
            }
            Unparsed::Text {
                text_id,
                text,
                index,
                base,
            } => (text_id, text, index, base),
        };
        let document = match base {
            // Re-parse only what the edits touched; the earlier tree is reused in place when
            // nothing else holds it.
            Some((base, changed)) => Document::reparsed(base.into_tree(), text, changed),
            None => Document::from_shared(text),
        };
        let document = match index {
            Some(index) => document.with_line_index(index),
            None => document,
        };
        let document = Arc::new(document);
        if let Some(mut entry) = self.0.documents.get_mut(uri) {
            entry.store_parsed(text_id, document.clone());
        }
        self.parse_used(uri, document.shared_text().len());
        Some((document, version))
    }

    /// Notes a use of `uri`'s parse and lets go of the least recently used others beyond
    /// the parse budget. No document's entry is locked while the budget is.
    fn parse_used(&self, uri: &Uri, bytes: usize) {
        let released = match self.0.parses.lock() {
            Ok(mut budget) => budget.used(uri, bytes, self.0.parse_budget),
            Err(_) => return,
        };
        for uri in released {
            if let Some(mut entry) = self.0.documents.get_mut(&uri) {
                entry.release_parse();
            }
        }
    }

    /// Forgets a closed document's place in the parse budget.
    pub(crate) fn forget_parse(&self, uri: &Uri) {
        if let Ok(mut budget) = self.0.parses.lock() {
            budget.forget(uri);
        }
    }

    /// The lock that orders `publishDiagnostics` for one URI: whoever publishes checks under
    /// it that what it sends is still current, so a closed document's last check cannot land
    /// after its reopened successor's.
    pub(crate) fn publish_lock(&self, uri: &Uri) -> Arc<tokio::sync::Mutex<()>> {
        self.0.publish_locks.entry(uri.clone()).or_default().clone()
    }

    /// The URIs of every open document (handled or not), copied so that no map guard is
    /// held while the caller works on each.
    pub(crate) fn open_uris(&self) -> Vec<Uri> {
        self.0.documents.iter().map(|e| e.key().clone()).collect()
    }

    /// `taskingLs/status`: what the server holds, for tests and troubleshooting.
    pub async fn status(&self) -> Result<Value> {
        let documents: Vec<Value> = self
            .0
            .documents
            .iter()
            .filter(|entry| entry.handled)
            .map(|entry| {
                let checking = matches!(entry.check_state(), CheckState::Running { .. });
                serde_json::json!({
                    "uri": entry.key().as_str(),
                    "version": entry.version,
                    "checking": checking,
                    "parsed": entry.holds_parse(),
                })
            })
            .collect();
        Ok(serde_json::json!({
            "documents": documents,
            "encoding": format!("{:?}", self.encoding()),
            "provider": self.0.provider.status(),
        }))
    }
}

/// How long the server must have begun no check before `Backend::release_when_idle` gives memory
/// back: long enough that a burst of keystrokes keeps its freed pages for the next check
/// (faulting 10 MB of fresh pages back in costs a few ms per edit on a big order), short
/// enough that a paused editor holds only what its documents need.
const RELEASE_AFTER: std::time::Duration = std::time::Duration::from_millis(500);
