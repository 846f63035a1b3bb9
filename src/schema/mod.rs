//! Product schemas: the store (bundled, disk cache, `--schema-dir`) and schema navigation
//! (`$ref`, `allOf`/`anyOf`, enum options with titles) and the active branch (the `if`/`then`/
//! `else` branches a document meets), so checks, completion and hover read a field's facts the
//! same way whatever style the provider wrote the schema in.

mod active;
mod bundled;
pub mod cache;
pub mod geometry;
mod navigate;
pub mod search;
mod store;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

pub use active::{describe_condition, AppliedBranch};
pub use navigate::{AllowedValue, FieldInfo};
pub use search::SearchProduct;
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

impl ProductInfo {
    /// "Pléiades Analytic": the collection's title and the product's, without repeating a word
    /// ("Capella SAR", not "Capella SAR SAR").
    pub fn label(&self) -> String {
        let (collection, title) = (self.collection_title.trim(), self.title.trim());
        if collection.is_empty() {
            title.to_string()
        } else if collection.ends_with(title) {
            collection.to_string()
        } else {
            format!("{collection} {title}")
        }
    }
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
    fields: OnceLock<Vec<FieldInfo>>,
    /// The root with its `$ref`s and `allOf` folded in, built once: every lookup of a field
    /// by path starts from it (cloning it per lookup was 6% of `validate` on a corpus with a
    /// fifth of its files invalid).
    merged_root: OnceLock<serde_json::Map<String, Value>>,
    geometry_fields: OnceLock<Vec<geometry::GeometryField>>,
    conditions: active::ConditionCache,
}

impl ProductSchema {
    pub fn new(id: impl Into<String>, schema: Value, origin: SchemaOrigin) -> Arc<Self> {
        Arc::new(ProductSchema {
            id: id.into(),
            schema,
            origin,
            validator: OnceLock::new(),
            fields: OnceLock::new(),
            merged_root: OnceLock::new(),
            geometry_fields: OnceLock::new(),
            conditions: active::ConditionCache::default(),
        })
    }

    /// Like [`ProductSchema::new`] with a validator compiled already (the store compiles each
    /// loaded file to reject broken ones, and keeps the result rather than compiling twice).
    fn with_validator(
        id: String,
        schema: Value,
        origin: SchemaOrigin,
        validator: jsonschema::Validator,
    ) -> Arc<Self> {
        let cell = OnceLock::new();
        let _ = cell.set(Ok(validator));
        Arc::new(ProductSchema {
            id,
            schema,
            origin,
            validator: cell,
            fields: OnceLock::new(),
            merged_root: OnceLock::new(),
            geometry_fields: OnceLock::new(),
            conditions: active::ConditionCache::default(),
        })
    }
}

/// Compiles a product schema the way every check does: draft 7 whatever its `$schema` says
/// (the provider writes `https://json-schema.org/draft-07/schema`, without the `#`), and
/// `format` enforced, since a malformed `acquisitionStart` is a real error for the provider.
pub fn compile_validator(schema: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(schema)
        .map_err(|error| {
            // The error's instance is the schema itself: say where in it the problem is.
            let location = error.instance_path().as_str();
            if location.is_empty() {
                error.to_string()
            } else {
                format!("at {location}: {error}")
            }
        })
}

#[cfg(test)]
mod tests;
