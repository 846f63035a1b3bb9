//! The on-disk schema cache: one `<product-id>.json` per product holding the schema, its
//! fetch time and ETag, written atomically (temp file + rename) so a crash or a concurrent
//! writer never leaves half a file. File IO only: fetching is the API layer's job.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ProductSchema, SchemaOrigin};

/// How long a cached schema counts as fresh.
pub const DEFAULT_TTL: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// How far in the future a cache entry's `fetchedAt` may be before it counts as stale: clocks
/// of machines sharing a cache directory differ by seconds, not hours.
pub const CLOCK_SKEW: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// One cached schema, as stored in the file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CacheEntry {
    pub id: String,
    #[serde(with = "rfc3339")]
    pub fetched_at: DateTime<Utc>,
    #[serde(default)]
    pub etag: Option<String>,
    pub schema: Value,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    #[error(
        "`{0}` is not a product id (expected a UUID like bd102407-1814-4f92-8b5a-7697b7a73f5a)"
    )]
    InvalidId(String),
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    /// The file exists but cannot be used; it is ignored and the schema refetched.
    #[error("{path}: corrupt cache entry, ignored ({message})")]
    Corrupt { path: PathBuf, message: String },
}

/// The canonical form of a product id (lowercase, hyphenated), or `None` when `id` is not a
/// UUID in the hyphenated form. Only this form ever names a file, so an id cannot reach
/// outside the cache directory.
pub fn normalize_product_id(id: &str) -> Option<String> {
    let id = id.trim();
    if id.len() != 36 {
        return None;
    }
    uuid::Uuid::try_parse(id)
        .ok()
        .map(|u| u.hyphenated().to_string())
}

/// The cache directory and its freshness rule.
#[derive(Clone, Debug)]
pub struct SchemaCache {
    dir: PathBuf,
    ttl: chrono::TimeDelta,
}

impl SchemaCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        SchemaCache {
            dir: dir.into(),
            ttl: DEFAULT_TTL,
        }
    }

    /// The user's cache (`$XDG_CACHE_HOME/tasking-ls/schemas` and the platform equivalents),
    /// or `None` on a system without one.
    pub fn default_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("tasking-ls").join("schemas"))
    }

    /// `--cache-dir` when given, else the user's cache directory.
    pub fn at(cache_dir: Option<&Path>) -> Option<Self> {
        cache_dir
            .map(Path::to_path_buf)
            .or_else(Self::default_dir)
            .map(Self::new)
    }

    pub fn with_ttl(mut self, ttl: chrono::TimeDelta) -> Self {
        self.ttl = ttl;
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn ttl(&self) -> chrono::TimeDelta {
        self.ttl
    }

    pub fn path_for(&self, id: &str) -> Result<PathBuf, CacheError> {
        let id = normalize_product_id(id).ok_or_else(|| CacheError::InvalidId(id.to_string()))?;
        Ok(self.dir.join(format!("{id}.json")))
    }

    /// The cached entry, `Ok(None)` when there is none, [`CacheError::Corrupt`] when the file
    /// is unreadable as an entry (the caller reports it and refetches).
    pub fn load(&self, id: &str) -> Result<Option<CacheEntry>, CacheError> {
        let path = self.path_for(id)?;
        if let Ok(meta) = std::fs::metadata(&path) {
            if meta.len() > MAX_ENTRY_BYTES {
                return Err(CacheError::Corrupt {
                    message: format!(
                        "{} MiB, over the {} MiB a cached schema can take; not read",
                        meta.len() >> 20,
                        MAX_ENTRY_BYTES >> 20
                    ),
                    path,
                });
            }
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(CacheError::Io {
                    path,
                    message: e.to_string(),
                })
            }
        };
        let corrupt = |message: String| CacheError::Corrupt {
            path: path.clone(),
            message,
        };
        let entry: CacheEntry =
            serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
        if normalize_product_id(&entry.id).as_deref() != normalize_product_id(id).as_deref() {
            return Err(corrupt(format!("it holds product {}", entry.id)));
        }
        if !entry.schema.is_object() {
            return Err(corrupt("the schema is not a JSON object".to_string()));
        }
        Ok(Some(entry))
    }

    /// Writes `entry` atomically; returns the file written.
    pub fn store(&self, entry: &CacheEntry) -> Result<PathBuf, CacheError> {
        let path = self.path_for(&entry.id)?;
        let mut bytes = serde_json::to_vec_pretty(entry).map_err(|e| CacheError::Io {
            path: path.clone(),
            message: e.to_string(),
        })?;
        bytes.push(b'\n');
        write_atomically(&path, &bytes)?;
        Ok(path)
    }

    /// Whether `entry` is older than the TTL at `now`, or claims to have been fetched in the
    /// future (beyond [`CLOCK_SKEW`]): a timestamp from the future would otherwise keep a
    /// copy "fresh" for as long as it likes (issue 15, bounded intake).
    pub fn is_stale(&self, entry: &CacheEntry, now: DateTime<Utc>) -> bool {
        let age = now.signed_duration_since(entry.fetched_at);
        age > self.ttl || age < -CLOCK_SKEW
    }

    /// The entry as a store schema with origin `Cache { fetched_at, stale }`.
    pub fn to_product_schema(&self, entry: &CacheEntry, now: DateTime<Utc>) -> Arc<ProductSchema> {
        ProductSchema::new(
            normalize_product_id(&entry.id).unwrap_or_else(|| entry.id.clone()),
            entry.schema.clone(),
            SchemaOrigin::Cache {
                fetched_at: entry.fetched_at,
                stale: self.is_stale(entry, now),
            },
        )
    }

    /// Every usable entry in the directory, and the problems with the others. A missing
    /// directory is an empty cache.
    pub fn load_all(&self) -> (Vec<CacheEntry>, Vec<CacheError>) {
        let mut entries = vec![];
        let mut problems = vec![];
        let Ok(dir) = std::fs::read_dir(&self.dir) else {
            return (entries, problems);
        };
        let mut names: Vec<String> = dir
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".json") && !n.starts_with('.'))
            .collect();
        names.sort();
        for name in names {
            let id = name.trim_end_matches(".json");
            if normalize_product_id(id).is_none() {
                continue;
            }
            match self.load(id) {
                Ok(Some(entry)) => entries.push(entry),
                Ok(None) => {}
                Err(e) => problems.push(e),
            }
        }
        (entries, problems)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so
/// readers see the old file or the new one, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CacheError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let io = |e: std::io::Error| CacheError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(io)
}

/// RFC 3339 timestamps for serde (chrono is built without its serde feature).
pub mod rfc3339 {
    use chrono::{DateTime, SecondsFormat, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&at.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

/// Puts the cached schemas behind the store, each read and parsed only when a check first
/// asks for its product ([`LazyCache`]); stale ones are marked so. A corrupt cache file is
/// left out (and logged, when first asked for) so the next fetch replaces it.
pub fn load_into(store: &mut super::SchemaStore, cache_dir: Option<&Path>) {
    let Some(cache) = SchemaCache::at(cache_dir) else {
        return;
    };
    store.attach_cache(LazyCache::new(cache));
}

/// The largest cache file read: a schema answer is capped at 16 MiB
/// (`crate::api::client::SCHEMA_BODY_LIMIT`), and its pretty-printed entry stays well within
/// this. A bigger file was not written by us: it is reported as corrupt and never parsed.
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;

/// The disk cache as the store sees it: the product ids it holds (from the file names, read
/// once), and each entry loaded and parsed the first time its product is asked for, then
/// kept. A 300 MB entry of another product is never parsed to check this one (issue 15).
/// Clones share the loaded entries.
#[derive(Clone, Debug)]
pub struct LazyCache {
    inner: Arc<LazyInner>,
}

/// One product's entry, loaded at most once (`None`: missing or corrupt).
type LoadedEntry = std::sync::OnceLock<Option<Arc<ProductSchema>>>;

#[derive(Debug)]
struct LazyInner {
    cache: SchemaCache,
    ids: std::collections::BTreeSet<String>,
    /// Per product listed in `ids`, the entry once loaded (`None`: missing or corrupt). The
    /// cells exist from the start, so a lookup takes no lock (`validate` asks once per file).
    loaded: std::collections::HashMap<String, LoadedEntry>,
    /// How many entries were read and parsed (tests assert on it).
    loads: std::sync::atomic::AtomicUsize,
}

impl LazyCache {
    /// Lists the entries of `cache` (names only; nothing is read yet).
    pub fn new(cache: SchemaCache) -> Self {
        let ids: std::collections::BTreeSet<String> = std::fs::read_dir(cache.dir())
            .map(|dir| {
                dir.filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| !n.starts_with('.'))
                    .filter_map(|n| n.strip_suffix(".json").map(str::to_string))
                    .filter_map(|stem| normalize_product_id(&stem).filter(|id| *id == stem))
                    .collect()
            })
            .unwrap_or_default();
        LazyCache {
            inner: Arc::new(LazyInner {
                cache,
                loaded: ids
                    .iter()
                    .map(|id| (id.clone(), LoadedEntry::new()))
                    .collect(),
                ids,
                loads: Default::default(),
            }),
        }
    }

    /// The product ids with an entry on disk, sorted (usable or not: that shows on loading).
    pub fn ids(&self) -> impl Iterator<Item = &String> {
        self.inner.ids.iter()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.inner.ids.contains(id)
    }

    /// The entry of product `id` as a store schema (origin `Cache`, stale when older than the
    /// TTL), loading it on first use; `None` when there is none or it is corrupt.
    pub fn get(&self, id: &str) -> Option<Arc<ProductSchema>> {
        if !self.contains(id) {
            return None;
        }
        let cell = self.inner.loaded.get(id)?;
        cell.get_or_init(|| {
            self.inner
                .loads
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            tracing::debug!(product = id, "loading the cached schema");
            match self.inner.cache.load(id) {
                Ok(entry) => entry.map(|e| self.inner.cache.to_product_schema(&e, Utc::now())),
                Err(problem) => {
                    tracing::warn!("ignoring a schema cache file: {problem}");
                    None
                }
            }
        })
        .clone()
    }

    /// How many entries were read from disk so far.
    pub fn loads(&self) -> usize {
        self.inner.loads.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fetched_at: DateTime<Utc>) -> CacheEntry {
        CacheEntry {
            id: "bd102407-1814-4f92-8b5a-7697b7a73f5a".into(),
            fetched_at,
            etag: None,
            schema: Value::Bool(true),
        }
    }

    #[test]
    fn freshness_is_bounded_on_both_sides() {
        let cache = SchemaCache::new("/nonexistent");
        let now = Utc::now();
        for (offset, stale) in [
            (chrono::TimeDelta::zero(), false),
            (-chrono::TimeDelta::hours(23), false),
            (-chrono::TimeDelta::hours(25), true),
            (chrono::TimeDelta::minutes(1), false),
            (chrono::TimeDelta::hours(1), true),
            (chrono::TimeDelta::days(365 * 100), true),
        ] {
            assert_eq!(
                cache.is_stale(&entry(now + offset), now),
                stale,
                "fetched at now {offset:+}"
            );
        }
    }

    #[test]
    fn entries_are_read_only_when_their_product_is_asked_for() {
        const A: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
        const B: &str = "0a0a0a0a-1111-4222-8333-444455556666";
        const BROKEN: &str = "97891b26-bacf-48fb-9d30-46697a11ce65";
        let dir = tempfile::tempdir().unwrap();
        let cache = SchemaCache::new(dir.path());
        for id in [A, B] {
            let mut e = entry(Utc::now());
            e.id = id.into();
            e.schema = serde_json::json!({"type": "object", "title": id});
            cache.store(&e).unwrap();
        }
        std::fs::write(dir.path().join(format!("{BROKEN}.json")), "{").unwrap();
        std::fs::write(dir.path().join("notes.json"), "{}").unwrap();
        let mut store = crate::schema::SchemaStore::bundled();
        let bundled_broken = store.get(BROKEN).expect("bundled");
        store.attach_cache(LazyCache::new(cache));
        let lazy = store.disk_cache().unwrap().clone();
        assert_eq!(lazy.loads(), 0, "nothing read when attached");
        let a = store.get(A).unwrap();
        assert_eq!(
            a.schema["title"], A,
            "the cache overrides the bundled schema"
        );
        assert!(matches!(a.origin, SchemaOrigin::Cache { stale: false, .. }));
        assert_eq!(lazy.loads(), 1);
        // Again, and through a clone (the server copies the store on write): no re-read.
        store.get(A).unwrap();
        store.clone().get(A).unwrap();
        assert_eq!(lazy.loads(), 1);
        // A corrupt entry falls back to the bundled schema.
        assert_eq!(store.get(BROKEN).unwrap().schema, bundled_broken.schema);
        assert_eq!(lazy.loads(), 2);
        // A later insert overrides the cache.
        store.insert(ProductSchema::new(
            B,
            serde_json::json!({"title": "new"}),
            SchemaOrigin::Fetched,
        ));
        assert_eq!(store.get(B).unwrap().schema["title"], "new");
        assert_eq!(lazy.loads(), 2, "an overridden entry is never read");
        assert!(store.schema_ids().contains(&B.to_string()));
    }

    #[test]
    fn an_oversized_entry_is_corrupt_and_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let cache = SchemaCache::new(dir.path());
        let id = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
        let file = std::fs::File::create(dir.path().join(format!("{id}.json"))).unwrap();
        file.set_len(MAX_ENTRY_BYTES + 1).unwrap();
        let e = cache.load(id).unwrap_err();
        assert!(e.to_string().contains("over the 64 MiB"), "{e}");
    }
}
