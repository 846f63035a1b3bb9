//! The background schema fetches: a document of a product the store lacks (or holds only a
//! stale cache copy of) starts one fetch per product, reported with `$/progress`; the result
//! goes into the store and the failure reasons, and the caller's `on_arrival` re-checks the
//! documents that wait for it. At most [`MAX_CONCURRENT_FETCHES`] run at once. Why a product has no schema is said here too.
//!
//! This module knows nothing of checking: what to do when a schema arrives is passed in, so
//! that the check task (which asks for schemas) and the fetch (which triggers checks) do not
//! import each other.

use std::sync::Arc;

use crate::api::{ApiError, ErrorKind, FetchError};
use crate::document::Document;
use crate::schema::cache::normalize_product_id;
use crate::schema::{ProductSchema, SchemaOrigin, SchemaStore};

use super::progress::Progress;
use super::state::{Api, Backend};

/// How many schema fetches run at once. A workspace of orders for many products the store
/// lacks would otherwise open as many connections as it has products (issue 15: bounded
/// intake); the others wait their turn, each still reported as being fetched.
pub(crate) const MAX_CONCURRENT_FETCHES: usize = 4;

/// The turns of [`MAX_CONCURRENT_FETCHES`]: one server per process, so one static.
static FETCH_TURNS: tokio::sync::Semaphore =
    tokio::sync::Semaphore::const_new(MAX_CONCURRENT_FETCHES);

/// What to do once a fetch of product `id` ended with something new: re-check its documents.
pub(crate) type OnArrival = fn(&Backend, &str);

/// The product id of a document, normalized, when it is a UUID.
pub(crate) fn document_product(document: &Document) -> Option<String> {
    let id = crate::check::product_id(document.root()?)?;
    normalize_product_id(id)
}

/// Called before every check of a document of product `id`: starts a background fetch when
/// the store lacks the product or holds a stale cache copy of it, and returns why there is no
/// schema (for the `product.unknown` message) when the store lacks it.
///
/// `on_arrival` runs after a fetch this call started has ended with a result worth a re-check.
pub(crate) fn want_schema(
    backend: &Backend,
    id: &str,
    store: &SchemaStore,
    on_arrival: OnArrival,
) -> Option<String> {
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
            spawn_fetch(backend, api, id, on_arrival);
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
fn spawn_fetch(backend: &Backend, api: &Api, id: &str, on_arrival: OnArrival) {
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
        // The semaphore is never closed; were it, the fetch would simply run untethered.
        let _turn = FETCH_TURNS.acquire().await.ok();
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
            on_arrival(&backend, &id);
        }
    });
}

fn is_stale(schema: &ProductSchema) -> bool {
    matches!(schema.origin, SchemaOrigin::Cache { stale: true, .. })
}

/// Takes a fetch result into the store and the failure reasons.
pub(crate) fn accept(
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

/// Why a fetch failed, as the `product.unknown` message puts it.
pub(crate) fn reason(error: &FetchError) -> String {
    let Some(api_error) = error.api_error() else {
        return error.to_string();
    };
    describe(api_error)
}

/// One sentence per kind of API failure; the error's own text says the details.
pub(crate) fn describe(error: &ApiError) -> String {
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
