//! `products`, `schema list`, `schema show` and `init`: what the schema store knows, and a
//! request skeleton built from a product's schema.

use std::path::{Path, PathBuf};

use super::format::escape::control;
use super::output;
use super::EXIT_FAILURE;
use crate::check::suggested_value;
use crate::schema::{SchemaOrigin, SchemaStore};

/// The seed's Pléiades analytic tasking product, used when `init` is given no product.
pub const DEFAULT_PRODUCT: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";

pub fn products(store: &SchemaStore) -> i32 {
    let mut rows: Vec<[String; 3]> = store
        .products()
        .iter()
        .map(|p| {
            let collection = if p.collection_title.is_empty() {
                p.collection.clone()
            } else {
                format!("{} ({})", p.collection, p.collection_title)
            };
            [p.id.clone(), p.title.clone(), collection]
        })
        .collect();
    rows.sort_by(|a, b| a[2].cmp(&b[2]).then(a[1].cmp(&b[1])));
    output::print(&table(["ID", "TITLE", "COLLECTION"], &rows))
}

pub fn schema_list(store: &SchemaStore) -> i32 {
    let rows: Vec<[String; 3]> = store
        .schema_ids()
        .into_iter()
        .map(|id| {
            let origin = store
                .get(&id)
                .map_or_else(String::new, |s| origin_label(&s.origin));
            let title = store.product(&id).map_or_else(
                || "(not in the products index)".to_string(),
                |p| p.title.clone(),
            );
            [id, title, origin]
        })
        .collect();
    output::print(&table(["ID", "TITLE", "SOURCE"], &rows))
}

pub fn origin_label(origin: &SchemaOrigin) -> String {
    match origin {
        SchemaOrigin::Bundled => "bundled".to_string(),
        SchemaOrigin::Cache { fetched_at, stale } => {
            format!(
                "cache, fetched {}{}",
                fetched_at.format("%Y-%m-%d %H:%M UTC"),
                if *stale { ", stale" } else { "" }
            )
        }
        SchemaOrigin::Fetched => "fetched".to_string(),
        SchemaOrigin::SchemaDir(path) => format!("--schema-dir {}", path.display()),
    }
}

/// Prints a product's schema; `id` may be a unique prefix of a known id (as `git show` takes
/// an abbreviated hash).
pub fn schema_show(store: &SchemaStore, id: &str) -> i32 {
    let id = id.trim().to_ascii_lowercase();
    let schema = match store.get(&id) {
        Some(schema) => schema,
        None => {
            let matches: Vec<String> = if id.is_empty() {
                Vec::new()
            } else {
                store
                    .schema_ids()
                    .into_iter()
                    .filter(|known| known.starts_with(&id))
                    .collect()
            };
            match matches.as_slice() {
                [one] => match store.get(one) {
                    Some(schema) => schema,
                    None => return no_schema(&id),
                },
                [] => return no_schema(&id),
                many => {
                    eprintln!(
                        "tasking-ls: '{}' is the start of {} product ids ({}); give more of it",
                        control(&id),
                        many.len(),
                        many.iter()
                            .map(|m| control(m).into_owned())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    return EXIT_FAILURE;
                }
            }
        }
    };
    let text = serde_json::to_string_pretty(&schema.schema).unwrap_or_default();
    output::print(&format!("{text}\n"))
}

fn no_schema(id: &str) -> i32 {
    eprintln!(
        "tasking-ls: no schema for product '{}'; `tasking-ls schema list` shows the known ones",
        control(id)
    );
    EXIT_FAILURE
}

/// A table with columns padded to their widest cell; cells are escaped (titles and ids come
/// from the provider's API and from cache files).
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let rows: Vec<[String; N]> = rows
        .iter()
        .map(|row| row.clone().map(|cell| control(&cell).into_owned()))
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut text = line(header.to_vec());
    text.push('\n');
    for row in &rows {
        text.push_str(&line(row.iter().map(String::as_str).collect()));
        text.push('\n');
    }
    text
}

/// The file `init NAME` writes: `NAME_tasking_request.json` unless NAME already ends so.
pub fn init_path(name: &str) -> PathBuf {
    let name = name.strip_suffix(".json").unwrap_or(name);
    let name = name.strip_suffix("_tasking_request").unwrap_or(name);
    PathBuf::from(format!("{name}_tasking_request.json"))
}

/// A request skeleton: every required field of the product with its default, first allowed
/// value or a placeholder of the right type; the window starts in a week and lasts a month.
pub fn skeleton(
    store: &SchemaStore,
    product_id: &str,
    display_name: &str,
) -> Result<String, String> {
    let schema = store.get(product_id).ok_or_else(|| {
        format!("no schema for product '{product_id}'; `tasking-ls products` lists the known ones")
    })?;
    let today = chrono::Utc::now().date_naive();
    let start = today + chrono::Days::new(7);
    let end = today + chrono::Days::new(37);
    let mut params = serde_json::Map::new();
    let required = schema.required();
    for field in schema
        .fields()
        .iter()
        .filter(|f| required.contains(&f.name))
    {
        let value = match field.name.as_str() {
            "displayName" => serde_json::Value::String(display_name.to_string()),
            "acquisitionStart" => serde_json::Value::String(format!("{start}T00:00:00Z")),
            "acquisitionEnd" => serde_json::Value::String(format!("{end}T00:00:00Z")),
            _ if field.is_polygon => serde_json::json!({
                "type": "Polygon",
                "coordinates": [[[13.3777, 52.5162], [13.3777, 52.5116], [13.3848, 52.5116], [13.3848, 52.5162], [13.3777, 52.5162]]]
            }),
            _ => serde_json::from_str(&suggested_value(field)).unwrap_or(serde_json::Value::Null),
        };
        params.insert(field.name.clone(), value);
    }
    let request = serde_json::json!({"dataProduct": product_id, "params": params});
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&request).unwrap_or_default()
    );
    // The layout the formatter produces (a position per line), so that formatting the new
    // file in the editor changes nothing.
    Ok(crate::ide::format(&crate::document::Document::new(text.clone())).unwrap_or(text))
}

pub fn init(store: &SchemaStore, product: Option<&str>, name: &str, dir: &Path) -> i32 {
    let path = dir.join(init_path(name));
    if path.exists() {
        eprintln!(
            "tasking-ls: {} already exists; not overwriting it",
            path.display()
        );
        return EXIT_FAILURE;
    }
    let display_name = Path::new(name)
        .file_name()
        .map_or(name.to_string(), |n| n.to_string_lossy().replace('_', " "));
    let text = match skeleton(store, product.unwrap_or(DEFAULT_PRODUCT), &display_name) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("tasking-ls: {message}");
            return EXIT_FAILURE;
        }
    };
    match std::fs::write(&path, text) {
        Ok(()) => output::print(&format!("wrote {}\n", control(&path.display().to_string()))),
        Err(error) => {
            eprintln!("tasking-ls: cannot write {}: {error}", path.display());
            EXIT_FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_from_the_api_are_escaped() {
        let rows = [[
            "id\n::error file=x::forged".to_string(),
            "Title \u{1b}[31mred".to_string(),
            "c".to_string(),
        ]];
        let text = table(["ID", "TITLE", "COLLECTION"], &rows);
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
        assert!(
            text.contains("id\\n::error file=x::forged  Title \\u{1b}[31mred"),
            "{text}"
        );
    }
}
