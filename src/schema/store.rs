//! The schema store: the bundled products, overridden by the disk cache, `--schema-dir` files
//! and schemas fetched from the API.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::{bundled, compile_validator, ProductInfo, ProductSchema, SchemaOrigin};

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

impl SchemaError {
    /// The file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            SchemaError::Read { path, .. }
            | SchemaError::Parse { path, .. }
            | SchemaError::Invalid { path, .. } => path,
        }
    }
}

/// The name of a products index next to the schemas.
const PRODUCTS_INDEX: &str = "products.json";

#[derive(Clone, Debug, Default)]
pub struct SchemaStore {
    products: Vec<ProductInfo>,
    schemas: HashMap<String, Arc<ProductSchema>>,
    /// The disk cache, loaded per product on first use; it overrides the schemas above for
    /// the ids in `cached` (those not overridden since by `--schema-dir` or a fetch).
    cache: Option<super::cache::LazyCache>,
    cached: std::collections::HashSet<String>,
    /// Bundled schemas not parsed yet (`SchemaStore::bundled`): id -> the file, parsed on the
    /// first `get`. A run that checks orders of one product parses that product's schema
    /// only (start-up, issue 27: parsing all four was 17% of one small order's instructions).
    unparsed: HashMap<String, Arc<UnparsedBundled>>,
}

/// A bundled schema file, parsed at most once.
#[derive(Debug)]
struct UnparsedBundled {
    name: &'static str,
    text: &'static str,
    parsed: std::sync::OnceLock<Option<Arc<ProductSchema>>>,
}

/// What one file of a schema directory holds.
enum Loaded {
    Schema(Arc<ProductSchema>),
    Products(Vec<ProductInfo>),
}

impl SchemaStore {
    /// The products and schemas embedded in the binary from `schemas-cache/`.
    ///
    /// A bundled file that does not load is a build bug (a test loads them all with
    /// [`SchemaStore::try_bundled`]); here it is logged and skipped so a server keeps running.
    ///
    /// Validators are compiled on first use, not here: a run that checks one order of one
    /// product pays for that product's schema only (start-up, issue 27).
    pub fn bundled() -> Self {
        let (store, errors) = Self::load_bundled(false);
        for error in errors {
            tracing::error!("bundled schema skipped: {error}");
        }
        store
    }

    /// The bundled store, or the first bundled file that fails to parse or compile.
    pub fn try_bundled() -> Result<Self, SchemaError> {
        let (store, mut errors) = Self::load_bundled(true);
        if errors.is_empty() {
            Ok(store)
        } else {
            Err(errors.swap_remove(0))
        }
    }

    /// The bundled files; with `compile`, every schema's validator is compiled now, so that a
    /// schema that does not compile is an error here.
    fn load_bundled(compile: bool) -> (Self, Vec<SchemaError>) {
        let mut store = SchemaStore::default();
        let mut errors = Vec::new();
        // Bundled paths name the source file, so an error reads like a `--schema-dir` one.
        let path_of = |name: &str| Path::new("schemas-cache").join(name);
        for (name, text) in bundled::files() {
            if !compile && !is_products_index(Path::new(name)) {
                if let Some(id) = product_id_of(Path::new(name)) {
                    store.unparsed.insert(
                        id,
                        Arc::new(UnparsedBundled {
                            name,
                            text,
                            parsed: std::sync::OnceLock::new(),
                        }),
                    );
                    continue;
                }
            }
            match load_file(&path_of(name), text, SchemaOrigin::Bundled, compile) {
                Ok(Some(Loaded::Schema(schema))) => store.insert(schema),
                Ok(Some(Loaded::Products(products))) => {
                    products.into_iter().for_each(|p| store.insert_product(p))
                }
                Ok(None) => {}
                Err(error) => errors.push(error),
            }
        }
        (store, errors)
    }

    /// Adds or overrides schemas from every `<product-id>.json` in `dir`; returns how many.
    ///
    /// A `products.json` there is merged into the index. All or nothing: the first file that
    /// cannot be read, parsed or compiled is returned as the error and the store is unchanged,
    /// so a typo in one override never silently falls back to the bundled schema.
    pub fn load_dir(&mut self, dir: &Path) -> Result<usize, SchemaError> {
        let loaded = read_dir(dir)?;
        let mut files = Vec::new();
        for (path, text) in loaded {
            if let Some(file) =
                load_file(&path, &text?, SchemaOrigin::SchemaDir(path.clone()), true)?
            {
                files.push(file);
            }
        }
        Ok(self.apply(files))
    }

    /// Like [`SchemaStore::load_dir`], but loads every good file and returns the errors of
    /// the others alongside the count (for the language server, which reports and goes on).
    pub fn load_dir_lenient(&mut self, dir: &Path) -> (usize, Vec<SchemaError>) {
        let loaded = match read_dir(dir) {
            Ok(loaded) => loaded,
            Err(error) => return (0, vec![error]),
        };
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for (path, text) in loaded {
            let origin = SchemaOrigin::SchemaDir(path.clone());
            match text.and_then(|text| load_file(&path, &text, origin, true)) {
                Ok(Some(file)) => files.push(file),
                Ok(None) => {}
                Err(error) => errors.push(error),
            }
        }
        (self.apply(files), errors)
    }

    fn apply(&mut self, files: Vec<Loaded>) -> usize {
        let mut count = 0;
        for file in files {
            match file {
                Loaded::Schema(schema) => {
                    self.insert(schema);
                    count += 1;
                }
                Loaded::Products(products) => {
                    products.into_iter().for_each(|p| self.insert_product(p))
                }
            }
        }
        count
    }

    /// Adds or replaces one schema.
    pub fn insert(&mut self, schema: Arc<ProductSchema>) {
        self.cached.remove(&schema.id);
        self.unparsed.remove(&schema.id);
        self.schemas.insert(schema.id.clone(), schema);
    }

    /// Puts the disk cache over the schemas held so far: each of its entries overrides the
    /// bundled schema of its product, and is read only when asked for (see
    /// [`LazyCache`](super::cache::LazyCache)); later inserts override it in turn.
    pub fn attach_cache(&mut self, cache: super::cache::LazyCache) {
        self.cached = cache.ids().cloned().collect();
        self.cache = Some(cache);
    }

    /// The attached disk cache, if any.
    pub fn disk_cache(&self) -> Option<&super::cache::LazyCache> {
        self.cache.as_ref()
    }

    /// Adds or replaces one product of the index.
    pub fn insert_product(&mut self, product: ProductInfo) {
        match self.products.iter_mut().find(|p| p.id == product.id) {
            Some(existing) => *existing = product,
            None => self.products.push(product),
        }
    }

    /// The schema of product `id` (the normalized lowercase UUID form): a cached entry is
    /// read from disk on the first call; a corrupt one falls back to the bundled schema.
    pub fn get(&self, id: &str) -> Option<Arc<ProductSchema>> {
        if self.cached.contains(id) {
            if let Some(schema) = self.cache.as_ref().and_then(|c| c.get(id)) {
                return Some(schema);
            }
        }
        if let Some(schema) = self.schemas.get(id) {
            return Some(schema.clone());
        }
        let unparsed = self.unparsed.get(id)?;
        unparsed
            .parsed
            .get_or_init(|| {
                let path = Path::new("schemas-cache").join(unparsed.name);
                match load_file(&path, unparsed.text, SchemaOrigin::Bundled, false) {
                    Ok(Some(Loaded::Schema(schema))) => Some(schema),
                    Ok(_) => None,
                    Err(error) => {
                        // A build bug (`try_bundled` is tested); a server keeps running.
                        tracing::error!("bundled schema skipped: {error}");
                        None
                    }
                }
            })
            .clone()
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
        ids.extend(self.unparsed.keys().cloned());
        ids.extend(self.cached.iter().cloned());
        ids.sort();
        ids.dedup();
        ids
    }
}

/// The `*.json` files of `dir`, sorted by name, each with its text or the error reading it.
type DirFiles = Vec<(PathBuf, Result<String, SchemaError>)>;

fn read_dir(dir: &Path) -> Result<DirFiles, SchemaError> {
    let read_error = |path: &Path, error: std::io::Error| SchemaError::Read {
        path: path.to_owned(),
        message: error.to_string(),
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| read_error(dir, e))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json") && path.is_file())
        .collect();
    // Sorted so that errors and overrides come out the same on every file system.
    paths.sort();
    Ok(paths
        .into_iter()
        .filter(|path| product_id_of(path).is_some() || is_products_index(path))
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|e| read_error(&path, e));
            (path, text)
        })
        .collect())
}

/// The product id a schema file is for: its stem, when that is a UUID (normalised to the
/// lowercase hyphenated form the API uses); other JSON files are not schemas.
fn product_id_of(path: &Path) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    uuid::Uuid::parse_str(stem)
        .ok()
        .map(|id| id.hyphenated().to_string())
}

fn is_products_index(path: &Path) -> bool {
    path.file_name().is_some_and(|name| name == PRODUCTS_INDEX)
}

/// Parses one file: a products index, a product schema (checked to be an object that the
/// jsonschema crate compiles), or `None` for a JSON file that is neither.
/// Reads one schema directory file; with `compile`, the schema's validator is compiled now
/// and a schema that does not compile is an error (else it is compiled on first use).
fn load_file(
    path: &Path,
    text: &str,
    origin: SchemaOrigin,
    compile: bool,
) -> Result<Option<Loaded>, SchemaError> {
    let invalid = |message: String| SchemaError::Invalid {
        path: path.to_owned(),
        message,
    };
    let parse = |text: &str| -> Result<Value, SchemaError> {
        serde_json::from_str(text).map_err(|error| SchemaError::Parse {
            path: path.to_owned(),
            line: error.line(),
            column: error.column(),
            message: strip_position(&error.to_string()),
        })
    };
    if is_products_index(path) {
        let products = serde_json::from_value(parse(text)?).map_err(|error| {
            invalid(format!(
                "a products index is an array of {{id, name, title, collection}}: {error}"
            ))
        })?;
        return Ok(Some(Loaded::Products(products)));
    }
    let Some(id) = product_id_of(path) else {
        return Ok(None);
    };
    let schema = parse(text)?;
    if !schema.is_object() {
        return Err(invalid(format!(
            "the top level is {}, but a JSON Schema for order parameters is an object",
            json_type_name(&schema)
        )));
    }
    if !compile {
        return Ok(Some(Loaded::Schema(ProductSchema::new(id, schema, origin))));
    }
    let validator = compile_validator(&schema).map_err(invalid)?;
    Ok(Some(Loaded::Schema(ProductSchema::with_validator(
        id, schema, origin, validator,
    ))))
}

/// serde_json appends " at line L column C" to its messages; the error prints them already.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
