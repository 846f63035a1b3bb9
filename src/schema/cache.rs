//! The on-disk schema cache (one file per product with its fetch time and ETag), written
//! atomically. Owned by the API work.

use std::path::Path;

use super::SchemaStore;

/// Adds every cached schema to the store (placeholder until the cache lands: adds nothing).
pub fn load_into(_store: &mut SchemaStore, _cache_dir: Option<&Path>) {}
