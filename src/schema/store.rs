//! The schema store: the bundled products, overridden by the disk cache, `--schema-dir` files
//! and schemas fetched from the API.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{ProductInfo, ProductSchema};

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("{path}: cannot read schema: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}:{line}:{column}: invalid schema JSON: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: not a valid product schema: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Clone, Debug, Default)]
pub struct SchemaStore {
    products: Vec<ProductInfo>,
    schemas: HashMap<String, Arc<ProductSchema>>,
}

impl SchemaStore {
    /// The products and schemas embedded in the binary from `schemas-cache/`.
    pub fn bundled() -> Self {
        unimplemented!("store")
    }

    /// Adds or overrides schemas from every `<product-id>.json` in `dir`; returns how many.
    pub fn load_dir(&mut self, _dir: &Path) -> Result<usize, SchemaError> {
        unimplemented!("store")
    }

    /// Adds or replaces one schema.
    pub fn insert(&mut self, schema: Arc<ProductSchema>) {
        self.schemas.insert(schema.id.clone(), schema);
    }

    /// Adds or replaces one product of the index.
    pub fn insert_product(&mut self, product: ProductInfo) {
        match self.products.iter_mut().find(|p| p.id == product.id) {
            Some(existing) => *existing = product,
            None => self.products.push(product),
        }
    }

    pub fn get(&self, id: &str) -> Option<Arc<ProductSchema>> {
        self.schemas.get(id).cloned()
    }

    pub fn products(&self) -> &[ProductInfo] {
        &self.products
    }

    pub fn product(&self, id: &str) -> Option<&ProductInfo> {
        self.products.iter().find(|p| p.id == id)
    }

    /// The ids of every schema held, sorted.
    pub fn schema_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.schemas.keys().cloned().collect();
        ids.sort();
        ids
    }
}
