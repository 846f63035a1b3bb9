//! The provider's API inside the language server: the `api::Client` and `SchemaFetcher`
//! built from the settings and the environment (none when offline), the background schema
//! fetches an unknown product triggers (one per product, with `$/progress`), why a product
//! has no schema, and the per-document state the commands keep (quotes, running submits).
//!
//! Credentials come from the environment only and never reach a log line: `api::Client`'s
//! `Debug` redacts them and its errors are scrubbed.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use dashmap::DashMap;
use serde_json::Value;
use tower_lsp::lsp_types::notification::Progress as ProgressNotification;
use tower_lsp::lsp_types::request::WorkDoneProgressCreate;
use tower_lsp::lsp_types::*;

use super::server::Backend;
use super::settings::Settings;
use crate::api::{
    ApiError, ApiSettings, Client, Credentials, ErrorKind, FetchError, SchemaFetcher,
    SettingsOverrides,
};
use crate::cli::GlobalOptions;
use crate::document::Document;
use crate::schema::cache::{normalize_product_id, SchemaCache};
use crate::schema::{ProductSchema, SchemaOrigin, SchemaStore};

/// The API handles, when the server may use the network.
#[derive(Clone)]
pub(super) struct Api {
    pub client: Client,
    pub fetcher: SchemaFetcher,
}

/// What the server was configured with: the API, or why there is none.
pub(super) struct Provider {
    /// What the API was built from, to rebuild only when it changes.
    key: Option<(ApiSettings, Option<PathBuf>)>,
    api: Result<Api, Unavailable>,
}

/// Why the server does not talk to the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Unavailable {
    Offline,
    /// Not configured yet (before `initialize`) or misconfigured (a half-set credential
    /// pair, an invalid URL): the text says which.
    Config(String),
}

impl Unavailable {
    /// The sentence a user reads.
    pub fn message(&self) -> String {
        match self {
            Unavailable::Offline => {
                "offline: the server does not use the network (the `offline` setting or \
                 --offline)"
                    .to_string()
            }
            Unavailable::Config(text) => format!("the provider's API is not usable: {text}"),
        }
    }
}

/// What the client can do, from `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct ClientCaps {
    pub work_done_progress: bool,
    pub code_lens_refresh: bool,
}

impl ClientCaps {
    pub fn from_params(params: &InitializeParams) -> ClientCaps {
        let caps = &params.capabilities;
        ClientCaps {
            work_done_progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
            code_lens_refresh: caps
                .workspace
                .as_ref()
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false),
        }
    }
}

/// The provider half of the backend's state.
pub(super) struct ProviderState {
    provider: RwLock<Arc<Provider>>,
    /// Products with a fetch task running: a second trigger never spawns another.
    fetching: Mutex<HashSet<String>>,
    /// Why a product has no current schema (its last fetch failed), for `product.unknown`.
    failures: DashMap<String, String>,
    /// The last quote of a document: the version it was made for and its summary.
    pub quotes: DashMap<Url, (i32, String)>,
    /// Documents with a submission in progress (confirmations pending or POST in flight).
    pub submitting: Mutex<HashSet<Url>>,
    pub caps: OnceLock<ClientCaps>,
    progress_tokens: AtomicU64,
}

impl Default for ProviderState {
    fn default() -> Self {
        ProviderState {
            provider: RwLock::new(Arc::new(Provider {
                key: None,
                api: Err(Unavailable::Config(
                    "the server is not initialized yet".to_string(),
                )),
            })),
            fetching: Mutex::new(HashSet::new()),
            failures: DashMap::new(),
            quotes: DashMap::new(),
            submitting: Mutex::new(HashSet::new()),
            caps: OnceLock::new(),
            progress_tokens: AtomicU64::new(0),
        }
    }
}

impl ProviderState {
    pub fn caps(&self) -> ClientCaps {
        self.caps.get().copied().unwrap_or_default()
    }

    pub fn api(&self) -> Result<Api, Unavailable> {
        self.current().api.clone()
    }

    fn current(&self) -> Arc<Provider> {
        self.provider
            .read()
            .map(|p| p.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    fn fetching(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.fetching.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What `taskingLs/status` reports.
    pub fn status(&self) -> Value {
        let provider = self.current();
        let mut fetching: Vec<String> = self.fetching().iter().cloned().collect();
        fetching.sort();
        let failures: serde_json::Map<String, Value> = self
            .failures
            .iter()
            .map(|e| (e.key().clone(), Value::String(e.value().clone())))
            .collect();
        serde_json::json!({
            "api": match &provider.api {
                Ok(api) => Value::String(api.client.settings().api_url.clone()),
                Err(why) => Value::String(why.message()),
            },
            "fetching": fetching,
            "failures": failures,
        })
    }
}

/// (Re)builds the API from the settings and the environment; keeps the current one (and
/// its token, cache and back-off state) when nothing it depends on changed. Returns a
/// configuration problem to show the user, once per change.
pub(super) fn configure(
    backend: &Backend,
    options: &GlobalOptions,
    settings: &Settings,
) -> Option<String> {
    let state = &backend.0.provider;
    let offline = options.offline || settings.offline;
    let overrides = SettingsOverrides {
        cli_api_url: options.api_url.clone(),
        setting_api_url: settings.api_url.clone(),
        setting_workspace_id: settings.workspace_id.clone(),
        timeout: None,
        offline,
    };
    let api_settings = ApiSettings::from_env(&overrides);
    let cache_dir = options.cache_dir.clone().or(settings.cache_dir.clone());
    let key = Some((api_settings.clone(), cache_dir.clone()));
    if state.current().key == key {
        return None;
    }
    let mut problem = None;
    let api = if offline {
        Err(Unavailable::Offline)
    } else {
        let credentials = Credentials::from_env().map_err(|e| e.to_string());
        match credentials.and_then(|c| Client::new(api_settings, c).map_err(|e| e.to_string())) {
            Ok(client) => {
                let cache = SchemaCache::at(cache_dir.as_deref());
                if cache.is_none() {
                    tracing::warn!("no cache directory: fetched schemas are kept in memory only");
                }
                tracing::info!(
                    api = %client.settings().api_url,
                    credentials = client.credentials().describe(),
                    "using the provider's API"
                );
                Ok(Api {
                    fetcher: SchemaFetcher::new(client.clone(), cache),
                    client,
                })
            }
            Err(text) => {
                tracing::warn!("the provider's API is not usable: {text}");
                problem = Some(format!(
                    "tasking-ls: the provider's API is not usable: {text}"
                ));
                Err(Unavailable::Config(text))
            }
        }
    };
    if let Ok(mut current) = state.provider.write() {
        *current = Arc::new(Provider { key, api });
    }
    // Reasons learnt under the old configuration no longer hold.
    state.failures.clear();
    problem
}

/// The product id of a document, normalized, when it is a UUID.
pub(super) fn document_product(document: &Document) -> Option<String> {
    let id = crate::check::product_id(document.root()?)?;
    normalize_product_id(id)
}

/// Called before every check of a document of product `id`: starts a background fetch when
/// the store lacks the product or holds a stale cache copy of it, and returns why there is no
/// schema (for the `product.unknown` message) when the store lacks it.
pub(super) fn want_schema(backend: &Backend, id: &str, store: &SchemaStore) -> Option<String> {
    let schema = store.get(id);
    let wanted = match schema.as_deref().map(|s| &s.origin) {
        None => true,
        Some(SchemaOrigin::Cache { stale, .. }) => *stale,
        Some(_) => false,
    };
    let state = &backend.0.provider;
    let api = state.api();
    if wanted {
        if let Ok(api) = &api {
            spawn_fetch(backend, api, id);
        }
    }
    if schema.is_some() {
        return None;
    }
    match api {
        Err(why) => Some(why.message()),
        Ok(_) => {
            if let Some(reason) = state.failures.get(id) {
                Some(reason.clone())
            } else if state.fetching().contains(id) {
                Some("it is being fetched from the API".to_string())
            } else {
                None
            }
        }
    }
}

/// Starts the one fetch of product `id` unless one runs or the fetcher's back-off says wait.
fn spawn_fetch(backend: &Backend, api: &Api, id: &str) {
    let state = &backend.0.provider;
    if api.fetcher.retry_in(id).is_some() {
        return;
    }
    if !state.fetching().insert(id.to_string()) {
        return;
    }
    let backend = backend.clone();
    let api = api.clone();
    let id = id.to_string();
    tokio::spawn(async move {
        let progress = Progress::begin(&backend, format!("Fetching schema for {id}")).await;
        let result = api.fetcher.ensure(&id).await;
        let done = match &result {
            Ok(schema) if !is_stale(schema) => "done".to_string(),
            Ok(_) => "failed; using the cached copy".to_string(),
            Err(e) => format!("failed: {}", reason(e)),
        };
        progress.end(done).await;
        let attempted = result.is_ok() || api.fetcher.retry_in(&id).is_some();
        accept(&backend, &api, &id, result);
        backend.0.provider.fetching().remove(&id);
        // After a failure inside the back-off nothing changed: re-checking would only
        // trigger this again.
        if attempted {
            recheck_product(&backend, &id);
        }
    });
}

fn is_stale(schema: &ProductSchema) -> bool {
    matches!(schema.origin, SchemaOrigin::Cache { stale: true, .. })
}

/// Takes a fetch result into the store and the failure reasons.
pub(super) fn accept(
    backend: &Backend,
    api: &Api,
    id: &str,
    result: Result<Arc<ProductSchema>, FetchError>,
) {
    let state = &backend.0.provider;
    match result {
        Ok(schema) => {
            if is_stale(&schema) {
                // The API failed; the stale copy serves meanwhile.
                match api.fetcher.last_error(id) {
                    Some(e) => {
                        state.failures.insert(id.to_string(), reason(&e));
                    }
                    None => {
                        state.failures.remove(id);
                    }
                }
            } else {
                state.failures.remove(id);
            }
            insert_schema(backend, schema);
        }
        Err(error) => {
            tracing::info!(product = id, "no schema: {error}");
            state.failures.insert(id.to_string(), reason(&error));
        }
    }
}

/// Puts `schema` into the store (copy on write), unless a `--schema-dir` file overrides it
/// or the store's copy is newer.
fn insert_schema(backend: &Backend, schema: Arc<ProductSchema>) {
    let Ok(mut guard) = backend.0.store.write() else {
        return;
    };
    let keep_current = match guard.get(&schema.id).as_deref().map(|s| &s.origin) {
        Some(SchemaOrigin::SchemaDir(_)) => true,
        Some(SchemaOrigin::Fetched) => is_stale(&schema),
        _ => false,
    };
    if keep_current {
        return;
    }
    let mut store = SchemaStore::clone(&guard);
    store.insert(schema);
    *guard = Arc::new(store);
}

/// Re-checks every open document whose `dataProduct` is `id` (a check running now runs
/// again: `schedule_check` marks it pending).
pub(super) fn recheck_product(backend: &Backend, id: &str) {
    let uris: Vec<Url> = backend
        .0
        .documents
        .iter()
        .map(|e| e.key().clone())
        .collect();
    for uri in uris {
        let Some((document, _)) = backend.snapshot(&uri) else {
            continue;
        };
        if document_product(&document).as_deref() == Some(id) {
            if let Some(mut entry) = backend.0.documents.get_mut(&uri) {
                entry.diagnostics = None;
            }
            super::sync::schedule_check(backend, uri);
        }
    }
}

/// Why a fetch failed, as the `product.unknown` message puts it.
pub(super) fn reason(error: &FetchError) -> String {
    let Some(api_error) = error.api_error() else {
        return error.to_string();
    };
    describe(api_error)
}

/// One sentence per kind of API failure; the error's own text says the details.
pub(super) fn describe(error: &ApiError) -> String {
    match error.kind() {
        ErrorKind::Offline => "offline: the network is not used".to_string(),
        ErrorKind::NoCredentials => format!("the API needs credentials — {error}"),
        ErrorKind::Unauthorized => {
            format!("the API refused the credentials (401 unauthorized) — {error}")
        }
        ErrorKind::Forbidden => format!("the account may not read it (403 forbidden) — {error}"),
        ErrorKind::NotFound => {
            format!("the API does not know this product (404 not found) — {error}")
        }
        ErrorKind::Timeout => format!("the API did not answer in time (timeout) — {error}"),
        ErrorKind::Network => format!("the API is unreachable (network error) — {error}"),
        ErrorKind::Malformed => format!("the API's answer was unusable — {error}"),
        _ => format!("fetching it failed — {error}"),
    }
}

/// A `$/progress` report, when the client supports them; a no-op otherwise.
pub(super) struct Progress {
    backend: Backend,
    token: Option<NumberOrString>,
}

impl Progress {
    pub async fn begin(backend: &Backend, title: String) -> Progress {
        let mut progress = Progress {
            backend: backend.clone(),
            token: None,
        };
        if !backend.0.provider.caps().work_done_progress {
            return progress;
        }
        let n = backend
            .0
            .provider
            .progress_tokens
            .fetch_add(1, Ordering::Relaxed);
        let token = NumberOrString::String(format!("tasking-ls/{n}"));
        let client = &backend.0.client;
        let created = client
            .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: token.clone(),
            })
            .await;
        if let Err(error) = created {
            tracing::debug!("window/workDoneProgress/create failed: {error}");
            return progress;
        }
        client
            .send_notification::<ProgressNotification>(ProgressParams {
                token: token.clone(),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(
                    WorkDoneProgressBegin {
                        title,
                        cancellable: Some(false),
                        message: None,
                        percentage: None,
                    },
                )),
            })
            .await;
        progress.token = Some(token);
        progress
    }

    pub async fn end(self, message: String) {
        let Some(token) = self.token else {
            return;
        };
        self.backend
            .0
            .client
            .send_notification::<ProgressNotification>(ProgressParams {
                token,
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message),
                })),
            })
            .await;
    }
}

/// "Pléiades Analytic" for a product in the index, else "data product <id>".
pub(super) fn product_label(store: &SchemaStore, id: &str) -> String {
    match store.product(id) {
        Some(p) => {
            let label = format!("{} {}", p.collection_title, p.title);
            let label = label.trim();
            if label.is_empty() {
                format!("data product {id}")
            } else {
                label.to_string()
            }
        }
        None => format!("data product {id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_kind_says_why() {
        let offline = ApiError::Offline { what: "x".into() };
        assert!(describe(&offline).starts_with("offline"));
        let timeout = ApiError::Timeout {
            method: "GET".into(),
            path: "/p".into(),
            origin: "http://h".into(),
            timeout: std::time::Duration::from_secs(1),
        };
        assert!(describe(&timeout).contains("timeout"));
    }
}
