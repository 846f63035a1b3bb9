//! The provider half of the session state: the `api::Client` and `SchemaFetcher` built from
//! the settings and the environment (none when offline), the products being fetched and why
//! a fetch failed, the last quote of each document and the submissions in flight.
//!
//! Credentials come from `serve --credentials PATH`, the environment or the user's credentials
//! file (`api::credentials`; never from editor settings) and never reach a log line: `api::Client`'s
//! `Debug` redacts them and its errors are scrubbed.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use dashmap::DashMap;
use serde_json::Value;
use tower_lsp_server::ls_types::{InitializeParams, Uri};

use super::settings::Settings;
use crate::api::{
    ApiConfig, ApiSettings, Client, Credentials, CredentialsSource, SchemaFetcher,
    SettingsOverrides,
};
use crate::config::GlobalOptions;
use crate::schema::cache::SchemaCache;

/// Order submissions whose POST or receipt is not finished, process-wide: `run_stdio`
/// waits for them after `exit` so that no order is left unrecorded.
pub(crate) static IN_FLIGHT: InFlight = InFlight {
    count: std::sync::atomic::AtomicUsize::new(0),
    idle: tokio::sync::Notify::const_new(),
};

/// A count of work that must finish before the process ends.
pub(crate) struct InFlight {
    count: std::sync::atomic::AtomicUsize,
    idle: tokio::sync::Notify,
}

/// One unit of [`InFlight`] work; dropping it ends the unit.
pub(crate) struct InFlightGuard(&'static InFlight);

impl InFlight {
    pub fn enter(&'static self) -> InFlightGuard {
        self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        InFlightGuard(self)
    }

    /// Waits until nothing is in flight, or `limit` has passed; true when idle.
    pub async fn wait_idle(&self, limit: std::time::Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.idle.notified();
                if self.count.load(std::sync::atomic::Ordering::SeqCst) == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        if self
            .0
            .count
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst)
            == 1
        {
            self.0.idle.notify_waiters();
        }
    }
}

/// The API handles, when the server may use the network.
#[derive(Clone)]
pub(crate) struct Api {
    pub client: Client,
    pub fetcher: SchemaFetcher,
}

/// What the server was configured with: the API, or why there is none.
pub(crate) struct Provider {
    /// What the API was built from, to rebuild only when it changes.
    /// The credentials are part of it, so that an edited credentials file takes effect at
    /// the next configuration change.
    key: Option<(Result<ApiConfig, String>, Option<PathBuf>)>,
    api: Result<Api, Unavailable>,
}

/// Why the server does not talk to the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Unavailable {
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
pub(crate) struct ClientCaps {
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
pub(crate) struct ProviderState {
    provider: RwLock<Arc<Provider>>,
    /// Products with a fetch task running: a second trigger never spawns another.
    pub(crate) fetching: Mutex<HashSet<String>>,
    /// Why a product has no current schema (its last fetch failed), for `product.unknown`.
    pub(crate) failures: DashMap<String, String>,
    /// The last quote of a document: the version it was made for and its summary.
    pub quotes: DashMap<Uri, (i32, String)>,
    /// Documents with a submission in progress (confirmations pending or POST in flight).
    pub submitting: Mutex<HashSet<Uri>>,
    pub caps: OnceLock<ClientCaps>,
    pub(crate) progress_tokens: AtomicU64,
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

    pub(crate) fn current(&self) -> Arc<Provider> {
        self.provider
            .read()
            .map(|p| p.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    pub(crate) fn fetching(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
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
                Ok(api) => Value::String(crate::api::scrub::redact_url(
                    &api.client.settings().api_url,
                )),
                Err(why) => Value::String(why.message()),
            },
            "fetching": fetching,
            "failures": failures,
        })
    }
}

impl ProviderState {
    /// (Re)builds the API from the settings and the environment; keeps the current one (and
    /// its token, cache and back-off state) when nothing it depends on changed. Returns a
    /// configuration problem to show the user, once per change.
    pub fn configure(&self, options: &GlobalOptions, settings: &Settings) -> Option<String> {
        let state = self;
        let offline = options.offline || settings.offline;
        let overrides = SettingsOverrides {
            cli_api_url: options.api_url.clone(),
            setting_api_url: settings.api_url.clone(),
            setting_workspace_id: settings.workspace_id.clone(),
            timeout: None,
            offline,
            credentials_file: options.credentials.clone(),
        };
        // Offline, the credentials are not read at all (a broken file is no problem then).
        let resolved = if offline {
            Ok(ApiConfig {
                settings: ApiSettings::from_env(&overrides),
                credentials: Credentials::None,
                source: CredentialsSource::None,
            })
        } else {
            ApiConfig::from_env(&overrides)
        };
        let cache_dir = options.cache_dir.clone().or(settings.cache_dir.clone());
        let key = Some((resolved.clone(), cache_dir.clone()));
        if state.current().key == key {
            return None;
        }
        let mut problem = None;
        let api = if offline {
            Err(Unavailable::Offline)
        } else {
            let client = resolved.and_then(|api| {
                let from = api.describe();
                Client::new(api.settings, api.credentials)
                    .map(|client| (client, from))
                    .map_err(|e| e.to_string())
            });
            match client {
                Ok((client, from)) => {
                    let cache = SchemaCache::at(cache_dir.as_deref());
                    if cache.is_none() {
                        tracing::warn!(
                            "no cache directory: fetched schemas are kept in memory only"
                        );
                    }
                    tracing::info!(
                        api = %crate::api::scrub::redact_url(&client.settings().api_url),
                        credentials = %from,
                        withheld = client.credentials_withheld().is_some(),
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
}
