//! STAPI order files in the editor: which open documents are STAPI orders (the `[stapi]`
//! table of the workspace's `tasking-ls.toml`) and their products, loaded as `validate` loads
//! them (the disk cache while fresh, else the server, else a stale copy; `offline` never
//! touches the network) and kept in memory for a minute so a burst of keystrokes costs no
//! disk read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::state::Backend;
use crate::api::stapi::{load_product, StapiCache, StapiClient};
use crate::api::Secret;
use crate::config::stapi::StapiConfig;
use crate::schema::SearchProduct;

/// How long a loaded product is reused without looking at the disk cache again.
const REUSE: Duration = Duration::from_secs(60);

type Loaded = HashMap<(Option<String>, String), (Instant, Arc<SearchProduct>)>;

fn loaded() -> &'static Mutex<Loaded> {
    static LOADED: OnceLock<Mutex<Loaded>> = OnceLock::new();
    LOADED.get_or_init(Mutex::default)
}

/// The `[stapi]` settings of the workspace's configuration file (none: the defaults).
pub(crate) fn config(backend: &Backend) -> StapiConfig {
    StapiConfig::from_config(backend.settings().config()).unwrap_or_default()
}

/// The product of the document at `path` when it is a STAPI order, else `None`.
pub(crate) async fn product_for(backend: &Backend, path: &str) -> Option<Arc<SearchProduct>> {
    let config = config(backend);
    let path = Path::new(path);
    if !config.is_order_file(path) {
        return None;
    }
    let Some(id) = config.product_for(path) else {
        return Some(Arc::new(SearchProduct::unknown(
            "(none)",
            "no product is configured for this file: set product in the [stapi] table of \
             tasking-ls.toml, or add a [[stapi.files]] entry whose pattern matches it",
        )));
    };
    let key = (config.url.clone(), id.clone());
    if let Some((at, product)) = loaded().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        if at.elapsed() < REUSE {
            return Some(product.clone());
        }
    }
    let offline = backend.settings().offline;
    let client = client_of(&config, offline);
    let cache = config
        .url
        .as_deref()
        .and_then(|url| StapiCache::at(backend.0.options.cache_dir.as_deref(), url));
    let (product, _) = load_product(client.as_ref(), cache.as_ref(), &id, offline).await;
    let product = Arc::new(product);
    loaded()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, (Instant::now(), product.clone()));
    Some(product)
}

/// [`product_for`] for the requests answered while typing (completion, hover): the copy in
/// memory whatever its age (the check task refreshes it), so a keystroke never waits for the
/// server; loaded only when there is none yet.
pub(crate) async fn held_product_for(backend: &Backend, path: &str) -> Option<Arc<SearchProduct>> {
    let config = config(backend);
    if !config.is_order_file(Path::new(path)) {
        return None;
    }
    if let Some(id) = config.product_for(Path::new(path)) {
        let key = (config.url.clone(), id);
        if let Some((_, product)) = loaded().lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Some(product.clone());
        }
    }
    product_for(backend, path).await
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
