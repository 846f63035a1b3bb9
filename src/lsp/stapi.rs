//! STAPI order files in the editor: which open documents are STAPI orders (the `[stapi]`
//! table of the workspace's `tasking-ls.toml`) and their products, loaded as `validate` loads
//! them (the disk cache while fresh, else the server, else a stale copy; `offline` never
//! touches the network) and kept in memory for a minute so a burst of keystrokes costs no
//! disk read.
//!
//! No request waits for the server: [`product_for`] answers at once with what is known (the
//! copy in memory, else the disk cache, else an unknown product "being fetched") and starts at
//! most one background load per (server, product) when that is missing or older than a
//! minute. When a load ends, the caller's [`OnLoaded`] re-checks the documents, so their
//! diagnostics are published again with the product's schemas. A server that accepts the
//! connection and never answers thus costs the editor nothing but the background task. Only
//! the commands that talk to the server anyway (submit, the opportunity search) wait for a
//! load, through [`loaded_product_for`].

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::progress::Progress;
use super::state::Backend;
use crate::api::stapi::{cached_product, load_product, StapiCache, StapiClient};
use crate::api::Secret;
use crate::config::stapi::StapiConfig;
use crate::schema::SearchProduct;

/// How long a loaded product is reused without looking at the disk cache or the server again.
const REUSE: Duration = Duration::from_secs(60);

/// A product's key: the server's url and the product id.
type Key = (Option<String>, String);
type Loaded = HashMap<Key, (Instant, Arc<SearchProduct>)>;

fn loaded() -> &'static Mutex<Loaded> {
    static LOADED: OnceLock<Mutex<Loaded>> = OnceLock::new();
    LOADED.get_or_init(Mutex::default)
}

/// The keys whose background load runs now (one per key).
fn loading() -> &'static Mutex<HashSet<Key>> {
    static LOADING: OnceLock<Mutex<HashSet<Key>>> = OnceLock::new();
    LOADING.get_or_init(Mutex::default)
}

/// What to do when a background load has ended: re-check the STAPI documents. Passed in by
/// the caller, so that this module imports no handler (the check task asks for products, and
/// a load triggers checks).
pub(crate) type OnLoaded = fn(&Backend);

/// The `[stapi]` settings of the workspace's configuration file (none: the defaults).
pub(crate) fn config(backend: &Backend) -> StapiConfig {
    StapiConfig::from_config(backend.settings().config()).unwrap_or_default()
}

fn no_product() -> Arc<SearchProduct> {
    Arc::new(SearchProduct::unknown(
        "(none)",
        "no product is configured for this file: set product in the [stapi] table of \
         tasking-ls.toml, or add a [[stapi.files]] entry whose pattern matches it",
    ))
}

fn cache_of(backend: &Backend, config: &StapiConfig) -> Option<StapiCache> {
    config
        .url
        .as_deref()
        .and_then(|url| StapiCache::at(backend.0.options.cache_dir.as_deref(), url))
}

/// The product of the document at `path` when it is a STAPI order, else `None`, without
/// waiting for the network: the copy in memory (refreshed in the background once older than a
/// minute), else the disk cache's copy (refreshed in the background when stale), else an
/// unknown product saying it is being fetched. `on_loaded` runs when a load this call started
/// has ended.
pub(crate) fn product_for(
    backend: &Backend,
    path: &str,
    on_loaded: OnLoaded,
) -> Option<Arc<SearchProduct>> {
    let config = config(backend);
    let path = Path::new(path);
    if !config.is_order_file(path) {
        return None;
    }
    let Some(id) = config.product_for(path) else {
        return Some(no_product());
    };
    let key = (config.url.clone(), id.clone());
    let held = loaded()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
        .cloned();
    if let Some((at, product)) = held {
        if at.elapsed() >= REUSE {
            start_load(backend, &config, key, on_loaded);
        }
        return Some(product);
    }
    let offline = backend.settings().offline;
    let (product, load) = match cached_product(cache_of(backend, &config).as_ref(), &id) {
        Some((product, fresh)) => (product, !fresh && !offline),
        None if offline => (
            SearchProduct::unknown(&id, "offline, and no cached copy"),
            false,
        ),
        None => match &config.url {
            None => (
                SearchProduct::unknown(
                    &id,
                    "no STAPI server is configured ([stapi] url in tasking-ls.toml)",
                ),
                false,
            ),
            Some(url) => (
                SearchProduct::unknown(&id, format!("it is being fetched from {url}")),
                true,
            ),
        },
    };
    let product = Arc::new(product);
    // Held from now on, so the next keystroke neither reads the disk nor starts a load; the
    // load replaces it when it ends.
    loaded()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key.clone(), (Instant::now(), product.clone()));
    if load {
        start_load(backend, &config, key, on_loaded);
    }
    Some(product)
}

/// Starts the background load of `key` unless one runs: the server (or the cache when it
/// fails), the result held in memory, then `on_loaded`.
fn start_load(backend: &Backend, config: &StapiConfig, key: Key, on_loaded: OnLoaded) {
    if !loading()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key.clone())
    {
        return;
    }
    let backend = backend.clone();
    let config = config.clone();
    tokio::spawn(async move {
        let id = key.1.clone();
        let offline = backend.settings().offline;
        let progress = Progress::begin(&backend, format!("Fetching STAPI product {id}")).await;
        let client = client_of(&config, offline);
        let cache = cache_of(&backend, &config);
        let (product, _) = load_product(client.as_ref(), cache.as_ref(), &id, offline).await;
        let done = match &product.unavailable {
            None => "done".to_string(),
            Some(why) => format!("failed: {why}"),
        };
        loaded()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.clone(), (Instant::now(), Arc::new(product)));
        loading()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key);
        progress.end(done).await;
        on_loaded(&backend);
    });
}

/// [`product_for`] for the commands that talk to the server anyway (submit, the opportunity
/// search): the copy in memory while younger than a minute, else loaded now (cache, server),
/// waiting for it.
pub(crate) async fn loaded_product_for(
    backend: &Backend,
    path: &str,
) -> Option<Arc<SearchProduct>> {
    let config = config(backend);
    let path = Path::new(path);
    if !config.is_order_file(path) {
        return None;
    }
    let Some(id) = config.product_for(path) else {
        return Some(no_product());
    };
    let key = (config.url.clone(), id.clone());
    if let Some((at, product)) = loaded().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        if at.elapsed() < REUSE && product.unavailable.is_none() {
            return Some(product.clone());
        }
    }
    let offline = backend.settings().offline;
    let client = client_of(&config, offline);
    let cache = cache_of(backend, &config);
    let (product, _) = load_product(client.as_ref(), cache.as_ref(), &id, offline).await;
    let product = Arc::new(product);
    loaded()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, (Instant::now(), product.clone()));
    Some(product)
}

/// The client of the configured server (its token from `token-env`), if a url is set.
fn client_of(config: &StapiConfig, offline: bool) -> Option<StapiClient> {
    let token = config
        .token_env
        .as_deref()
        .and_then(|name| std::env::var(name).ok())
        .filter(|t| !t.trim().is_empty())
        .map(|t| Secret::new(t.trim()));
    config
        .url
        .as_deref()
        .and_then(|url| StapiClient::new(url, token, offline).ok())
}

/// The client of the workspace's STAPI server for the commands that talk to it (submit,
/// opportunities), or why there is none.
pub(crate) fn client(backend: &Backend) -> Result<StapiClient, String> {
    let config = config(backend);
    if backend.settings().offline {
        return Err("the server is offline (offline = true)".to_string());
    }
    if config.url.is_none() {
        return Err(
            "no STAPI server is configured: set url in the [stapi] table of \
                    tasking-ls.toml"
                .to_string(),
        );
    }
    client_of(&config, false).ok_or_else(|| {
        format!(
            "the [stapi] url {:?} is not a usable URL",
            config.url.as_deref().unwrap_or_default()
        )
    })
}

/// True when the document at `path` is a STAPI order (by the workspace's patterns); no
/// product is loaded.
pub(crate) fn is_order(backend: &Backend, path: &str) -> bool {
    config(backend).is_order_file(Path::new(path))
}
