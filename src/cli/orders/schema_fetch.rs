//! `tasking-ls schema fetch [ID...] [--all] [--into DIR]`: refresh product schemas from the
//! API into the cache, or into a directory such as the bundled `schemas-cache`.

use std::path::{Path, PathBuf};

use chrono::Utc;
use clap::Args;

use crate::api::{Client, SchemaAnswer};
use crate::schema::cache::{normalize_product_id, write_atomically, CacheEntry, SchemaCache};
use crate::schema::ProductInfo;

use super::{report, ApiContext, Console, EXIT_FAILURE, EXIT_OK};

#[derive(Args, Clone, Debug)]
pub struct SchemaFetchArgs {
    /// Product ids to fetch.
    pub ids: Vec<String>,
    /// Fetch every tasking product the API lists.
    #[arg(long)]
    pub all: bool,
    /// Write bare `<id>.json` schemas (and, with `--all`, `products.json`) into DIR instead
    /// of the cache, e.g. `schemas-cache` to refresh the bundled set.
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
}

/// `tasking-ls schema fetch [ID...] [--all] [--into DIR]`.
pub async fn schema_fetch(ctx: &ApiContext, args: &SchemaFetchArgs, console: &mut Console) -> i32 {
    let mut ids = vec![];
    for id in &args.ids {
        match normalize_product_id(id) {
            Some(id) => ids.push(id),
            None => {
                console.err(format!(
                    "error: `{id}` is not a product id (expected a UUID)"
                ));
                return EXIT_FAILURE;
            }
        }
    }
    if ids.is_empty() && !args.all {
        console.err("error: name the product ids to fetch, or pass --all");
        return EXIT_FAILURE;
    }
    let client = match ctx.client() {
        Ok(c) => c,
        Err(e) => return report(console, &e),
    };
    let cache = match &args.into {
        Some(_) => None,
        None => match SchemaCache::at(ctx.cache_dir.as_deref()) {
            Some(c) => Some(c),
            None => {
                console.err("error: no cache directory on this system; pass --cache-dir DIR");
                return EXIT_FAILURE;
            }
        },
    };
    let mut products = vec![];
    if args.all {
        match client.list_products().await {
            Ok(list) => products = list,
            Err(e) => return report(console, &e),
        }
        for p in &products {
            if let Some(id) = normalize_product_id(&p.id) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    let mut code = EXIT_OK;
    for id in &ids {
        let result = match (&args.into, &cache) {
            (Some(dir), _) => fetch_into(&client, id, dir).await,
            (None, Some(cache)) => fetch_to_cache(&client, id, cache).await,
            (None, None) => unreachable!("a cache exists when --into is absent"),
        };
        match result {
            Ok(line) => console.out(format!("{id}: {line}")),
            Err((c, message)) => {
                console.err(format!("error: {id}: {message}"));
                code = code.max(c);
            }
        }
    }
    if let (Some(dir), true) = (&args.into, args.all) {
        match update_products_index(dir, &products) {
            Ok(path) => console.out(format!("products index: {}", path.display())),
            Err(e) => {
                console.err(format!("error: {e}"));
                code = EXIT_FAILURE;
            }
        }
    }
    code
}

async fn fetch_into(client: &Client, id: &str, dir: &Path) -> Result<String, (i32, String)> {
    let schema = match client.fetch_schema(id, None).await {
        Ok(SchemaAnswer::Fresh { schema, .. }) => schema,
        Ok(SchemaAnswer::NotModified) => unreachable!("no ETag was sent"),
        Err(e) => return Err((e.exit_code(), e.to_string())),
    };
    let path = dir.join(format!("{id}.json"));
    let mut bytes =
        serde_json::to_vec_pretty(&schema).map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    bytes.push(b'\n');
    write_atomically(&path, &bytes).map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    Ok(format!("written {}", path.display()))
}

async fn fetch_to_cache(
    client: &Client,
    id: &str,
    cache: &SchemaCache,
) -> Result<String, (i32, String)> {
    let (held, note) = match cache.load(id) {
        Ok(entry) => (entry, ""),
        Err(e) => {
            tracing::warn!("{e}");
            (None, " (the corrupt cache entry was replaced)")
        }
    };
    let etag = held.as_ref().and_then(|e| e.etag.clone());
    let (schema, etag, what) = match client.fetch_schema(id, etag.as_deref()).await {
        Ok(SchemaAnswer::Fresh { schema, etag }) => (schema, etag, "updated"),
        Ok(SchemaAnswer::NotModified) => match held {
            Some(entry) => (entry.schema, entry.etag, "unchanged"),
            None => {
                return Err((
                    EXIT_FAILURE,
                    "the API answered 304 without a cached copy".into(),
                ))
            }
        },
        Err(e) => return Err((e.exit_code(), e.to_string())),
    };
    let entry = CacheEntry {
        id: id.to_string(),
        fetched_at: Utc::now(),
        etag,
        schema,
    };
    let path = cache
        .store(&entry)
        .map_err(|e| (EXIT_FAILURE, e.to_string()))?;
    Ok(format!("{what}{note}, cached in {}", path.display()))
}

/// Merges `products` into `dir/products.json` (a JSON array of products), keeping entries
/// the API no longer lists, sorted by collection then title for stable diffs.
fn update_products_index(dir: &Path, products: &[ProductInfo]) -> Result<PathBuf, String> {
    let path = dir.join("products.json");
    let mut index: Vec<ProductInfo> = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}: not a products index ({e})", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    for product in products {
        match index.iter_mut().find(|p| p.id == product.id) {
            Some(existing) => *existing = product.clone(),
            None => index.push(product.clone()),
        }
    }
    index.sort_by(|a, b| (&a.collection, &a.title, &a.id).cmp(&(&b.collection, &b.title, &b.id)));
    let mut bytes = serde_json::to_vec_pretty(&index).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    write_atomically(&path, &bytes).map_err(|e| e.to_string())?;
    Ok(path)
}
