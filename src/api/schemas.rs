//! Product schemas from the API: `GET /orders/schema/{id}` with ETag revalidation, and the
//! [`SchemaFetcher`] that the language server and the CLI share: memory → disk cache →
//! network, one request per product at a time, a back-off after failures during which the
//! stale copy keeps serving.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;

use super::client::{Auth, Call, Client};
use super::error::{secs, ApiError, ErrorKind};
use crate::schema::cache::{normalize_product_id, CacheEntry, SchemaCache, DEFAULT_TTL};
use crate::schema::{ProductSchema, SchemaOrigin};

/// What the schema endpoint answered.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaAnswer {
    Fresh {
        schema: Value,
        etag: Option<String>,
    },
    /// 304: the copy whose ETag we sent is current.
    NotModified,
}

impl Client {
    /// `GET /orders/schema/{id}`; with `etag`, asks `If-None-Match` so an unchanged schema
    /// costs a 304.
    pub async fn fetch_schema(
        &self,
        id: &str,
        etag: Option<&str>,
    ) -> Result<SchemaAnswer, ApiError> {
        let id = normalize_product_id(id).ok_or_else(|| {
            ApiError::Invalid(format!("`{id}` is not a product id (expected a UUID)"))
        })?;
        let mut call = Call::get(format!("/orders/schema/{id}"))
            .auth(Auth::IfAvailable)
            .limit(super::client::SCHEMA_BODY_LIMIT);
        if let Some(etag) = etag {
            call = call.header("if-none-match", etag);
        }
        let answer = match self.execute(call).await {
            Ok(answer) => answer,
            // Sent without the credentials that were withheld from this API: its refusal
            // is about that, and the user must hear why (not "wrong credentials").
            Err(e) if matches!(e.kind(), ErrorKind::Unauthorized | ErrorKind::Forbidden) => {
                return Err(match self.credentials_withheld() {
                    Some(why) => ApiError::CredentialsWithheld {
                        api_url: super::scrub::redact_url(&self.settings().api_url),
                        why: why.to_string(),
                    },
                    None => e,
                })
            }
            Err(e) => return Err(e),
        };
        if answer.status == 304 {
            return Ok(SchemaAnswer::NotModified);
        }
        let schema: Value = answer.json()?;
        if !schema.is_object() {
            return Err(answer.malformed("a schema that is not a JSON object"));
        }
        let etag = answer
            .headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        Ok(SchemaAnswer::Fresh { schema, etag })
    }
}

/// Why [`SchemaFetcher::ensure`] has no schema to give.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("`{0}` is not a product id (expected a UUID)")]
    InvalidId(String),
    #[error("no schema for product {id}: {error}")]
    Api { id: String, error: ApiError },
    #[error("no schema for product {id}: {error} (next attempt in {})", secs(*.retry_in))]
    BackingOff {
        id: String,
        error: ApiError,
        retry_in: Duration,
    },
}

impl FetchError {
    /// The API failure behind this, if any (its `kind()` says offline, 401, 404, network…).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            FetchError::InvalidId(_) => None,
            FetchError::Api { error, .. } | FetchError::BackingOff { error, .. } => Some(error),
        }
    }
}

/// How long to wait before fetching a product again after a failure: `initial`, doubling
/// per consecutive failure, at most `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_secs(30),
            max: Duration::from_secs(600),
        }
    }
}

impl Backoff {
    pub fn delay(&self, failures: u32) -> Duration {
        let factor = 1u32
            .checked_shl(failures.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

/// Per product: what we hold and when we may ask again.
#[derive(Default)]
struct Slot {
    schema: Option<Value>,
    etag: Option<String>,
    fetched_at: Option<chrono::DateTime<Utc>>,
    /// Whether this copy was confirmed by the API in this process.
    confirmed: bool,
    disk_checked: bool,
    failures: u32,
    retry_at: Option<Instant>,
    last_error: Option<FetchError>,
}

/// The newest schema, the current failure and the end of the back-off of one product.
type Latest = (
    Option<Arc<ProductSchema>>,
    Option<FetchError>,
    Option<Instant>,
);

/// Fetches product schemas on demand. Clone it freely: clones share state.
#[derive(Clone)]
pub struct SchemaFetcher {
    inner: Arc<FetcherInner>,
}

struct FetcherInner {
    client: Client,
    cache: Option<SchemaCache>,
    backoff: Backoff,
    /// One async lock per product: a second `ensure` of the same id waits for the first
    /// and then finds its result, so concurrent callers cause one request.
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Slot>>>>,
    /// The newest schema and error per product, readable without waiting for a fetch.
    latest: Mutex<HashMap<String, Latest>>,
}

impl SchemaFetcher {
    /// `cache: None` keeps schemas in memory only.
    pub fn new(client: Client, cache: Option<SchemaCache>) -> Self {
        Self::with_backoff(client, cache, Backoff::default())
    }

    pub fn with_backoff(client: Client, cache: Option<SchemaCache>, backoff: Backoff) -> Self {
        SchemaFetcher {
            inner: Arc::new(FetcherInner {
                client,
                cache,
                backoff,
                slots: Mutex::new(HashMap::new()),
                latest: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn cache(&self) -> Option<&SchemaCache> {
        self.inner.cache.as_ref()
    }

    /// The schema of product `id`: from memory or the disk cache while fresh, else from the
    /// API (revalidating a cached copy by ETag). When the API fails, a stale copy is served
    /// with origin `Cache { stale: true }` and the product is not asked again before the
    /// back-off ends; without any copy the failure is returned.
    pub async fn ensure(&self, id: &str) -> Result<Arc<ProductSchema>, FetchError> {
        self.get(id, false).await
    }

    /// Asks the API for product `id` now, whatever the TTL and the back-off say (an
    /// explicit refresh by the user); a cached copy is still revalidated by its ETag, and
    /// served, marked stale, when the API fails.
    pub async fn refresh(&self, id: &str) -> Result<Arc<ProductSchema>, FetchError> {
        self.get(id, true).await
    }

    async fn get(&self, id: &str, force: bool) -> Result<Arc<ProductSchema>, FetchError> {
        let id = normalize_product_id(id).ok_or_else(|| FetchError::InvalidId(id.to_string()))?;
        let slot = self.slot(&id);
        let mut slot = slot.lock().await;
        if force {
            slot.retry_at = None;
        }
        let result = self.ensure_locked(&id, &mut slot, force).await;
        let mut latest = self.inner.latest.lock().unwrap_or_else(|e| e.into_inner());
        let entry = latest.entry(id).or_default();
        if let Ok(schema) = &result {
            entry.0 = Some(schema.clone());
        }
        entry.1 = slot.last_error.clone();
        entry.2 = slot.retry_at;
        result
    }

    /// How long until product `id` may be asked again after a failure; `None` when a call
    /// now would go to the API (or serve a fresh copy).
    pub fn retry_in(&self, id: &str) -> Option<Duration> {
        let id = normalize_product_id(id)?;
        let latest = self.inner.latest.lock().unwrap_or_else(|e| e.into_inner());
        let at = latest.get(&id)?.2?;
        let now = Instant::now();
        (now < at).then(|| at.saturating_duration_since(now))
    }

    /// The newest schema known for `id` without touching the network (memory, then the
    /// disk cache): what an editor shows while [`ensure`](Self::ensure) runs.
    pub fn peek(&self, id: &str) -> Option<Arc<ProductSchema>> {
        let id = normalize_product_id(id)?;
        let latest = self.inner.latest.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((Some(schema), _, _)) = latest.get(&id) {
            return Some(schema.clone());
        }
        drop(latest);
        let cache = self.inner.cache.as_ref()?;
        let entry = cache.load(&id).ok()??;
        Some(cache.to_product_schema(&entry, Utc::now()))
    }

    /// Why the last refresh of `id` failed, while that failure is current.
    pub fn last_error(&self, id: &str) -> Option<FetchError> {
        let id = normalize_product_id(id)?;
        let latest = self.inner.latest.lock().unwrap_or_else(|e| e.into_inner());
        latest.get(&id).and_then(|(_, e, _)| e.clone())
    }

    fn slot(&self, id: &str) -> Arc<tokio::sync::Mutex<Slot>> {
        let mut slots = self.inner.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(id.to_string()).or_default().clone()
    }

    fn ttl(&self) -> chrono::TimeDelta {
        self.inner
            .cache
            .as_ref()
            .map_or(DEFAULT_TTL, SchemaCache::ttl)
    }

    async fn ensure_locked(
        &self,
        id: &str,
        slot: &mut Slot,
        force: bool,
    ) -> Result<Arc<ProductSchema>, FetchError> {
        if !slot.disk_checked {
            slot.disk_checked = true;
            self.load_disk(id, slot);
        }
        let now = Utc::now();
        let fresh = !force
            && slot
                .fetched_at
                .is_some_and(|at| now.signed_duration_since(at) <= self.ttl());
        if let (Some(schema), true) = (&slot.schema, fresh) {
            let origin = if slot.confirmed {
                SchemaOrigin::Fetched
            } else {
                SchemaOrigin::Cache {
                    fetched_at: slot.fetched_at.unwrap_or(now),
                    stale: false,
                }
            };
            return Ok(ProductSchema::new(id, schema.clone(), origin));
        }
        if let Some(at) = slot.retry_at.filter(|at| Instant::now() < *at) {
            if let Some(stale) = stale_copy(id, slot) {
                return Ok(stale);
            }
            let error = match &slot.last_error {
                Some(FetchError::Api { error, .. } | FetchError::BackingOff { error, .. }) => {
                    error.clone()
                }
                _ => ApiError::Invalid("an earlier fetch failed".to_string()),
            };
            return Err(FetchError::BackingOff {
                id: id.to_string(),
                error,
                retry_in: at.saturating_duration_since(Instant::now()),
            });
        }
        if self.inner.client.settings().offline {
            // Not a failure of the API: no back-off, and the copy serves as long as we are
            // offline.
            let error = ApiError::Offline {
                what: format!("fetching the schema of {id}"),
            };
            return stale_copy(id, slot).ok_or(FetchError::Api {
                id: id.to_string(),
                error,
            });
        }
        let etag = slot.schema.as_ref().and(slot.etag.as_deref());
        match self.inner.client.fetch_schema(id, etag).await {
            Ok(answer) => {
                let schema =
                    match answer {
                        SchemaAnswer::Fresh { schema, etag } => {
                            slot.etag = etag;
                            schema
                        }
                        SchemaAnswer::NotModified => match slot.schema.take() {
                            Some(schema) => schema,
                            None => {
                                return Err(self.fail(id, slot, ApiError::Invalid(
                                "the API answered 304 Not Modified for a schema we do not hold"
                                    .to_string(),
                            )));
                            }
                        },
                    };
                let now = Utc::now();
                slot.fetched_at = Some(now);
                slot.confirmed = true;
                slot.failures = 0;
                slot.retry_at = None;
                slot.last_error = None;
                if let Some(cache) = &self.inner.cache {
                    let entry = CacheEntry {
                        id: id.to_string(),
                        fetched_at: now,
                        etag: slot.etag.clone(),
                        schema: schema.clone(),
                    };
                    if let Err(e) = cache.store(&entry) {
                        tracing::warn!("cannot write the schema cache: {e}");
                    }
                }
                slot.schema = Some(schema.clone());
                Ok(ProductSchema::new(id, schema, SchemaOrigin::Fetched))
            }
            Err(error) => {
                let failure = self.fail(id, slot, error);
                stale_copy(id, slot).ok_or(failure)
            }
        }
    }

    /// Records a failed fetch and starts (or lengthens) the back-off.
    fn fail(&self, id: &str, slot: &mut Slot, error: ApiError) -> FetchError {
        slot.failures = slot.failures.saturating_add(1);
        let delay = self.inner.backoff.delay(slot.failures);
        // The delay is at most the back-off maximum; an `Instant` that cannot hold it would
        // mean no back-off rather than a panic.
        slot.retry_at = Instant::now().checked_add(delay);
        tracing::info!(
            product = id,
            retry_in_s = delay.as_secs(),
            "schema fetch failed: {error}"
        );
        let failure = FetchError::Api {
            id: id.to_string(),
            error,
        };
        slot.last_error = Some(failure.clone());
        failure
    }

    fn load_disk(&self, id: &str, slot: &mut Slot) {
        let Some(cache) = &self.inner.cache else {
            return;
        };
        match cache.load(id) {
            Ok(Some(entry)) => {
                slot.schema = Some(entry.schema);
                slot.etag = entry.etag;
                slot.fetched_at = Some(entry.fetched_at);
            }
            Ok(None) => {}
            // A corrupt entry is as good as none: the fetch below replaces it.
            Err(e) => tracing::warn!("{e}; fetching it again"),
        }
    }
}

/// The copy held, marked stale (the TTL ran out or a refresh failed).
fn stale_copy(id: &str, slot: &Slot) -> Option<Arc<ProductSchema>> {
    let schema = slot.schema.clone()?;
    let fetched_at = slot.fetched_at.unwrap_or_else(Utc::now);
    Some(ProductSchema::new(
        id,
        schema,
        SchemaOrigin::Cache {
            fetched_at,
            stale: true,
        },
    ))
}
