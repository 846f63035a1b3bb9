//! The STAPI provider (the open Sensor Tasking API, stapi-spec v0.1.0, read 2026-12-06 at
//! <https://github.com/stapi-spec/stapi-spec>; `stapi-fastapi` 0.8.0 is the reference
//! server): products (`GET /products`, paged by `rel=next` links), a product's
//! order-parameters and queryables schemas (`GET /products/{id}/order-parameters`,
//! `/queryables`, cached with their ETags), order placement (`POST /products/{id}/orders`,
//! 201 and `Location`, never retried), order status (`GET /orders/{id}`,
//! `/orders/{id}/statuses`) and opportunity search (`POST /products/{id}/opportunities`).
//!
//! A STAPI product becomes a [`SearchProduct`] here, the provider-neutral description the
//! checks read. The bearer token goes only to the configured server's origin: a link or
//! `Location` elsewhere is followed without it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{Auth, Call, Effect, SCHEMA_BODY_LIMIT};
use super::settings::origin_of;
use super::{ApiError, ApiSettings, Client, Credentials, Secret};
use crate::schema::cache::{write_atomically, DEFAULT_TTL};
use crate::schema::search::geometry_types_from_conformance;
use crate::schema::{ProductSchema, SchemaOrigin, SearchProduct};

/// The most pages of `/products` read (10 products a page by default).
const MAX_PAGES: usize = 50;

/// A client of one STAPI server.
#[derive(Clone, Debug)]
pub struct StapiClient {
    client: Client,
    /// The server's root, without a trailing slash.
    url: String,
    origin: String,
}

/// The answer to an order placement.
#[derive(Clone, Debug, PartialEq)]
pub enum Placement {
    /// 201 (or another 2xx): the order's id and where to follow it.
    Created {
        order_id: String,
        location: Option<String>,
        order: Value,
    },
    /// A 4xx: the order was refused; `detail` as the server sent it (FastAPI's 422 gives a
    /// list of `{"loc": [...], "msg": ...}`).
    Refused { status: u16, detail: Value },
}

impl StapiClient {
    /// A client for the server at `url` with an optional bearer token.
    ///
    /// # Errors
    /// [`ApiError::Invalid`] for a URL that does not parse.
    pub fn new(url: &str, token: Option<Secret>, offline: bool) -> Result<StapiClient, ApiError> {
        let url = url.trim_end_matches('/').to_string();
        let settings = ApiSettings {
            api_url: url.clone(),
            // Never used: a static token needs no token endpoint; set to the server itself
            // so nothing is ever sent to the default UP42 auth host.
            auth_url: format!("{url}/token"),
            auth_url_configured: true,
            offline,
            ..ApiSettings::default()
        };
        let credentials = token.map_or(Credentials::None, Credentials::Token);
        Ok(StapiClient {
            origin: origin_of(&url),
            client: Client::new(settings, credentials)?,
            url,
        })
    }

    /// The server's root URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The token goes only to the configured origin.
    fn auth_for(&self, target: &str) -> Auth {
        let absolute = target.starts_with("http://") || target.starts_with("https://");
        if !absolute || origin_of(target) == self.origin {
            Auth::IfAvailable
        } else {
            Auth::None
        }
    }

    async fn get_json(&self, target: &str, limit: u64) -> Result<Value, ApiError> {
        let answer = self
            .client
            .execute(Call::get(target).auth(self.auth_for(target)).limit(limit))
            .await?;
        answer.json()
    }

    /// Every product of `GET /products`, following `rel=next` links (at most 50 pages).
    ///
    /// # Errors
    /// The network, the server's error, or an answer without a `products` array.
    pub async fn products(&self) -> Result<Vec<Value>, ApiError> {
        let mut products = Vec::new();
        let mut target = "/products".to_string();
        for _ in 0..MAX_PAGES {
            let page = self.get_json(&target, SCHEMA_BODY_LIMIT).await?;
            let Some(list) = page.get("products").and_then(Value::as_array) else {
                return Err(ApiError::Invalid(format!(
                    "GET {target}: the answer has no 'products' array"
                )));
            };
            products.extend(list.iter().cloned());
            let next = page
                .get("links")
                .and_then(Value::as_array)
                .and_then(|links| {
                    links
                        .iter()
                        .find(|l| l.get("rel").and_then(Value::as_str) == Some("next"))
                })
                .and_then(|l| l.get("href"))
                .and_then(Value::as_str);
            match next {
                Some(href) if href != target => target = href.to_string(),
                _ => break,
            }
        }
        Ok(products)
    }

    /// `GET /products/{id}`.
    ///
    /// # Errors
    /// The network or the server's error (404 for an unknown product).
    pub async fn product(&self, id: &str) -> Result<Value, ApiError> {
        self.get_json(&format!("/products/{}", segment(id)), SCHEMA_BODY_LIMIT)
            .await
    }

    /// `GET /products/{id}/{document}` (`order-parameters` or `queryables`), revalidated with
    /// `If-None-Match` when `etag` is given: `Ok(None)` for 304.
    ///
    /// # Errors
    /// The network, the server's error, or an answer that is not a JSON object.
    pub async fn schema(
        &self,
        id: &str,
        document: &str,
        etag: Option<&str>,
    ) -> Result<Option<(Value, Option<String>)>, ApiError> {
        let target = format!("/products/{}/{document}", segment(id));
        let mut call = Call::get(&target)
            .auth(self.auth_for(&target))
            .limit(SCHEMA_BODY_LIMIT);
        if let Some(etag) = etag {
            call = call.header("if-none-match", etag);
        }
        let answer = self.client.execute(call).await?;
        if answer.status == 304 {
            return Ok(None);
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
        Ok(Some((schema, etag)))
    }

    /// `POST /products/{id}/orders` with `body` exactly as given, once: never retried, no
    /// redirect followed; a lost answer is [`ApiError::OutcomeUnknown`].
    ///
    /// # Errors
    /// Transport failures, 5xx and redirects; a 4xx is [`Placement::Refused`].
    pub async fn place(&self, product: &str, body: Vec<u8>) -> Result<Placement, ApiError> {
        let target = format!("/products/{}/orders", segment(product));
        let answer = self
            .client
            .execute(
                Call::new(Method::POST, &target)
                    .auth(self.auth_for(&target))
                    .effect(Effect::Write("the order submission"))
                    .raw_json(body)
                    .raw(),
            )
            .await?;
        if (400..500).contains(&answer.status) {
            let detail = serde_json::from_slice::<Value>(&answer.body)
                .ok()
                .and_then(|v| v.get("detail").cloned())
                .unwrap_or(Value::Null);
            return Ok(Placement::Refused {
                status: answer.status,
                detail,
            });
        }
        if !(200..300).contains(&answer.status) {
            return Err(ApiError::OutcomeUnknown {
                what: "the order submission".to_string(),
                cause: format!("the server answered {} to POST {target}", answer.status),
            });
        }
        let location = answer
            .headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let order: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let order_id = order
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| {
                location
                    .as_deref()
                    .and_then(|l| l.trim_end_matches('/').rsplit('/').next())
                    .map(str::to_string)
            });
        match order_id {
            Some(order_id) => Ok(Placement::Created {
                order_id,
                location,
                order,
            }),
            None => Err(ApiError::OutcomeUnknown {
                what: "the order submission".to_string(),
                cause: format!(
                    "the server answered {} with neither an order id nor a Location",
                    answer.status
                ),
            }),
        }
    }

    /// The order (`GET /orders/{id}`, or the URL given) and its status history
    /// (`GET …/statuses`, empty when the server has none), newest first by timestamp.
    ///
    /// # Errors
    /// The network or the server's error for the order itself.
    pub async fn order_status(&self, order: &str) -> Result<OrderState, ApiError> {
        let target = if order.starts_with("http://") || order.starts_with("https://") {
            order.trim_end_matches('/').to_string()
        } else {
            format!("/orders/{}", segment(order))
        };
        let found = self.get_json(&target, SCHEMA_BODY_LIMIT).await?;
        let statuses = match self
            .get_json(&format!("{target}/statuses"), SCHEMA_BODY_LIMIT)
            .await
        {
            Ok(value) => value
                .get("statuses")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            Err(_) => Vec::new(),
        };
        Ok(OrderState::new(found, statuses))
    }

    /// `POST /products/{id}/opportunities` with `search` (`datetime`, `geometry`, `filter`,
    /// `limit`): the opportunity features found.
    ///
    /// # Errors
    /// The network or the server's error (404: the product offers no opportunity search).
    pub async fn opportunities(
        &self,
        product: &str,
        search: &Value,
    ) -> Result<Vec<Value>, ApiError> {
        let target = format!("/products/{}/opportunities", segment(product));
        let answer = self
            .client
            .execute(
                Call::new(Method::POST, &target)
                    .auth(self.auth_for(&target))
                    .header("prefer", "wait")
                    .json(search)
                    .limit(SCHEMA_BODY_LIMIT),
            )
            .await?;
        let body: Value = answer.json()?;
        Ok(body
            .get("features")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }
}

/// A product id as one URL path segment (percent-encoded).
fn segment(id: &str) -> String {
    let mut out = String::new();
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// One cached document with its ETag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CachedDocument {
    #[serde(default)]
    pub etag: Option<String>,
    pub schema: Value,
}

/// What is cached of one STAPI product.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CachedProduct {
    pub server: String,
    pub product_id: String,
    #[serde(with = "crate::schema::cache::rfc3339")]
    pub fetched_at: DateTime<Utc>,
    /// The product as `GET /products/{id}` gave it (title, conformsTo...).
    pub product: Value,
    pub order_parameters: Option<CachedDocument>,
    pub queryables: Option<CachedDocument>,
}

/// The on-disk cache of STAPI products: `<cache-dir>/stapi/<server>/<product>.json`, the
/// names made of `[A-Za-z0-9._-]` only (anything else hex-escaped), so no id reaches outside.
#[derive(Clone, Debug)]
pub struct StapiCache {
    dir: PathBuf,
}

impl StapiCache {
    /// The cache for `server` below the schema cache directory (`--cache-dir`, or the
    /// user's cache directory); `None` without either.
    pub fn at(cache_dir: Option<&Path>, server: &str) -> Option<StapiCache> {
        let base = crate::schema::cache::SchemaCache::at(cache_dir)?;
        Some(StapiCache {
            dir: base.dir().join("stapi").join(file_name(&origin_of(server))),
        })
    }

    fn path(&self, product: &str) -> PathBuf {
        self.dir.join(format!("{}.json", file_name(product)))
    }

    /// The cached product, if any and readable.
    pub fn load(&self, product: &str) -> Option<CachedProduct> {
        let bytes = std::fs::read(self.path(product)).ok()?;
        let entry: CachedProduct = serde_json::from_slice(&bytes).ok()?;
        (entry.product_id == product).then_some(entry)
    }

    /// Writes the entry atomically.
    ///
    /// # Errors
    /// The write failed (the message names the file).
    pub fn store(&self, entry: &CachedProduct) -> Result<(), String> {
        let path = self.path(&entry.product_id);
        let bytes = serde_json::to_vec_pretty(entry).map_err(|e| e.to_string())?;
        write_atomically(&path, &bytes).map_err(|e| e.to_string())
    }
}

fn file_name(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            out.push(c);
        } else {
            for byte in c.to_string().bytes() {
                out.push_str(&format!("~{byte:02x}"));
            }
        }
    }
    if out.starts_with('.') {
        out.insert(0, '~');
    }
    out
}

/// How a product was obtained, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provenance {
    Fetched,
    /// From the cache; the text says why it was not refreshed (fresh, offline, failure).
    Cached(String),
    /// Nothing usable; the reason.
    Missing(String),
}

/// The product `id` from the disk cache alone, never the network: `Some((product, fresh))`
/// when a readable copy is cached (`fresh` while younger than 24 hours; a stale copy is
/// marked so in its schemas' origin). What an editor shows at once while
/// [`load_product`] refreshes the copy in the background.
pub fn cached_product(cache: Option<&StapiCache>, id: &str) -> Option<(SearchProduct, bool)> {
    let entry = cache?.load(id)?;
    let fresh = Utc::now().signed_duration_since(entry.fetched_at) < DEFAULT_TTL;
    Some((product_from(&entry, !fresh), fresh))
}

/// The product `id` as the checks read it: from the cache while fresh (24 hours), else from
/// the server (its schemas revalidated with their ETags and cached), else a stale cached
/// copy (saying why), else [`SearchProduct::unknown`] with the reason. `client` is `None`
/// when no server is configured; `offline` never touches the network.
pub async fn load_product(
    client: Option<&StapiClient>,
    cache: Option<&StapiCache>,
    id: &str,
    offline: bool,
) -> (SearchProduct, Provenance) {
    let now = Utc::now();
    let cached = cache.and_then(|c| c.load(id));
    let fresh = cached
        .as_ref()
        .is_some_and(|c| now.signed_duration_since(c.fetched_at) < DEFAULT_TTL);
    if let (Some(entry), true) = (&cached, fresh) {
        return (
            product_from(entry, false),
            Provenance::Cached("fresh".to_string()),
        );
    }
    let fallback = |reason: String| match &cached {
        Some(entry) => (
            product_from(entry, true),
            Provenance::Cached(format!(
                "{reason}; using the cached copy of {}",
                entry.fetched_at.format("%Y-%m-%d %H:%M UTC")
            )),
        ),
        None => (
            SearchProduct::unknown(id, reason.clone()),
            Provenance::Missing(reason),
        ),
    };
    let Some(client) = client else {
        return fallback(
            "no STAPI server is configured ([stapi] url in tasking-ls.toml)".to_string(),
        );
    };
    if offline {
        return fallback("offline".to_string());
    }
    match fetch_product(client, cached.as_ref(), id).await {
        Ok(entry) => {
            if let Some(cache) = cache {
                if let Err(e) = cache.store(&entry) {
                    tracing::warn!("the STAPI product cache could not be written: {e}");
                }
            }
            (product_from(&entry, false), Provenance::Fetched)
        }
        Err(e) => fallback(format!("{} could not be read: {e}", client.url())),
    }
}

async fn fetch_product(
    client: &StapiClient,
    cached: Option<&CachedProduct>,
    id: &str,
) -> Result<CachedProduct, ApiError> {
    let product = client.product(id).await?;
    let mut documents = Vec::new();
    for (name, old) in [
        (
            "order-parameters",
            cached.and_then(|c| c.order_parameters.as_ref()),
        ),
        ("queryables", cached.and_then(|c| c.queryables.as_ref())),
    ] {
        let etag = old.and_then(|d| d.etag.as_deref());
        let document = match client.schema(id, name, etag).await {
            Ok(Some((schema, etag))) => Some(CachedDocument { etag, schema }),
            Ok(None) => old.cloned(),
            // A server without queryables still has products to order.
            Err(e) if name == "queryables" && e.status() == Some(404) => None,
            Err(e) => return Err(e),
        };
        documents.push(document);
    }
    let queryables = documents.pop().flatten();
    let order_parameters = documents.pop().flatten();
    Ok(CachedProduct {
        server: client.url().to_string(),
        product_id: id.to_string(),
        fetched_at: Utc::now(),
        product,
        order_parameters,
        queryables,
    })
}

/// The neutral description of a cached product.
pub fn product_from(entry: &CachedProduct, stale: bool) -> SearchProduct {
    let origin = SchemaOrigin::Cache {
        fetched_at: entry.fetched_at,
        stale,
    };
    let schema = |document: &Option<CachedDocument>, suffix: &str| {
        document.as_ref().map(|d| {
            ProductSchema::new(
                format!("{}{suffix}", entry.product_id),
                d.schema.clone(),
                origin.clone(),
            )
        })
    };
    let conforms: Vec<&str> = entry
        .product
        .get("conformsTo")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let types = geometry_types_from_conformance(conforms);
    SearchProduct {
        id: entry.product_id.clone(),
        title: entry
            .product
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        options: schema(&entry.order_parameters, ""),
        queryables: schema(&entry.queryables, "#queryables"),
        geometry_types: (!types.is_empty()).then_some(types),
        unavailable: entry
            .order_parameters
            .is_none()
            .then(|| "the server gave no order-parameters schema".to_string()),
    }
}

/// A shared handle, for callers that keep products per id.
pub type SharedProduct = Arc<SearchProduct>;

/// A STAPI order as `status` shows it: the order, its current status and its history.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderState {
    /// The order as `GET /orders/{id}` answered.
    pub order: Value,
    /// The newest status known: the newest entry of the history by timestamp, or the order's
    /// own `properties.status` when it is at least as new (or there is no history). A server
    /// may leave `properties.status` at the status the order was created with.
    pub current: Option<Value>,
    /// `…/statuses`, newest first by `timestamp` (the server's order is not guaranteed: the
    /// spec does not state one); entries whose timestamp cannot be read go last, in the
    /// server's order.
    pub history: Vec<Value>,
}

impl OrderState {
    /// Orders the history and finds the current status.
    pub fn new(order: Value, mut history: Vec<Value>) -> OrderState {
        history.sort_by_key(|s| std::cmp::Reverse(status_time(s)));
        let own = order.pointer("/properties/status").cloned();
        let current = match (own, history.first()) {
            (Some(own), Some(newest)) if status_time(newest) > status_time(&own) => {
                Some(newest.clone())
            }
            (Some(own), _) => Some(own),
            (None, newest) => newest.cloned(),
        };
        OrderState {
            order,
            current,
            history,
        }
    }
}

/// A status entry's `timestamp` (RFC 3339), `None` when it has none or it cannot be read.
fn status_time(status: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    status
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_leave_the_cache_directory() {
        assert_eq!(file_name("../etc/passwd"), "~..~2fetc~2fpasswd");
        assert_eq!(file_name("optical-30cm"), "optical-30cm");
        assert_eq!(segment("a b/c"), "a%20b%2Fc");
    }

    /// The history is newest first whatever order the server sends, and the current status
    /// is the newest known, not the stale `properties.status` the order was created with.
    #[test]
    fn the_current_status_is_the_newest_and_the_history_is_sorted() {
        let status =
            |code: &str, at: &str| serde_json::json!({"status_code": code, "timestamp": at});
        let order = serde_json::json!({"id": "o", "properties": {
            "status": status("received", "2027-01-01T10:00:00.000001Z")}});
        let history = vec![
            status("received", "2027-01-01T10:00:00.000001Z"),
            serde_json::json!({"status_code": "odd"}),
            status("completed", "2027-01-01T12:00:00+01:00"),
            status("accepted", "2027-01-01T10:00:00.000002Z"),
        ];
        let state = OrderState::new(order.clone(), history.clone());
        let codes: Vec<&str> = state
            .history
            .iter()
            .map(|s| s["status_code"].as_str().unwrap_or(""))
            .collect();
        // 12:00+01:00 is 11:00Z, after 10:00Z; an entry without a timestamp goes last.
        assert_eq!(codes, ["completed", "accepted", "received", "odd"]);
        let state = OrderState::new(order.clone(), history[..1].to_vec());
        assert_eq!(state.current.unwrap()["status_code"], "received");
        let state = OrderState::new(order.clone(), vec![history[3].clone(), history[0].clone()]);
        assert_eq!(state.current.unwrap()["status_code"], "accepted");
        let state = OrderState::new(serde_json::json!({"id": "o"}), history.clone());
        assert_eq!(state.current.unwrap()["status_code"], "completed");
        let state = OrderState::new(order, vec![]);
        assert_eq!(state.current.unwrap()["status_code"], "received");
    }
}
