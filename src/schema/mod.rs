//! Product schemas: the store (bundled, disk cache, `--schema-dir`) and schema navigation
//! (`$ref`, `allOf`/`anyOf`, enum options with titles), so checks, completion and hover read a
//! field's facts the same way whatever style the provider wrote the schema in.

mod bundled;
pub mod cache;
mod navigate;
mod store;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

pub use navigate::{AllowedValue, FieldInfo};
pub use store::{SchemaError, SchemaStore};

/// One data product as listed in the products index.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProductInfo {
    pub id: String,
    pub name: String,
    pub title: String,
    /// The collection's name, e.g. `phr-tasking`.
    pub collection: String,
    /// The collection's title, e.g. `Pléiades`.
    #[serde(default)]
    pub collection_title: String,
    #[serde(default)]
    pub description: String,
}

/// Where a product schema came from; a later origin overrides an earlier one.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaOrigin {
    Bundled,
    /// From the on-disk cache; `stale` when older than its TTL or its last refresh failed.
    Cache {
        fetched_at: chrono::DateTime<chrono::Utc>,
        stale: bool,
    },
    Fetched,
    SchemaDir(PathBuf),
}

/// A product's JSON Schema for `params`, with its validator compiled on first use.
#[derive(Debug)]
pub struct ProductSchema {
    pub id: String,
    pub schema: Value,
    pub origin: SchemaOrigin,
    validator: OnceLock<Result<jsonschema::Validator, String>>,
}

impl ProductSchema {
    pub fn new(id: impl Into<String>, schema: Value, origin: SchemaOrigin) -> Arc<Self> {
        Arc::new(ProductSchema {
            id: id.into(),
            schema,
            origin,
            validator: OnceLock::new(),
        })
    }
}
