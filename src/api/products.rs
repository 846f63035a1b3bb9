//! The data-product list: the current paged `GET /v2/data-products`, falling back to the
//! legacy `GET /data-products` where the current one does not exist (404).

use serde_json::Value;

use super::client::{Auth, Call, Client};
use super::error::{ApiError, ErrorKind};
use crate::schema::ProductInfo;

/// Page size asked for; the provider's default is 20.
const PAGE_SIZE: usize = 100;
/// A guard against a server that never says "last page".
const MAX_PAGES: usize = 200;

impl Client {
    /// Every tasking data product (products whose collection type is known and not
    /// `TASKING` are left out: tasking-ls only writes tasking orders).
    pub async fn list_products(&self) -> Result<Vec<ProductInfo>, ApiError> {
        match self.list_products_v2().await {
            Err(e) if e.kind() == ErrorKind::NotFound => {
                tracing::debug!("no /v2/data-products here; using the legacy /data-products");
                self.list_products_legacy().await
            }
            other => other,
        }
    }

    async fn list_products_v2(&self) -> Result<Vec<ProductInfo>, ApiError> {
        let mut products = vec![];
        for page in 0..MAX_PAGES {
            let answer = self
                .execute(
                    Call::get("/v2/data-products")
                        .query("page", page)
                        .query("size", PAGE_SIZE)
                        .auth(Auth::None)
                        .limit(super::client::SCHEMA_BODY_LIMIT),
                )
                .await?;
            let body: Value = answer.json()?;
            let content = body
                .get("content")
                .and_then(Value::as_array)
                .ok_or_else(|| answer.malformed("a product page without `content`"))?;
            products.extend(content.iter().filter_map(product_v2));
            let total_pages = body.get("totalPages").and_then(Value::as_u64);
            let last = body
                .get("last")
                .and_then(Value::as_bool)
                .unwrap_or_else(|| {
                    total_pages.is_none_or(|t| (page as u64).saturating_add(1) >= t)
                });
            if last || content.is_empty() {
                break;
            }
        }
        Ok(products)
    }

    async fn list_products_legacy(&self) -> Result<Vec<ProductInfo>, ApiError> {
        let answer = self
            .execute(
                Call::get("/data-products")
                    .query("is_integrated", "true")
                    .query("paginated", "false")
                    .limit(super::client::SCHEMA_BODY_LIMIT),
            )
            .await?;
        let body: Value = answer.json()?;
        let data = body
            .get("data")
            .and_then(Value::as_array)
            .ok_or_else(|| answer.malformed("a product list without `data`"))?;
        Ok(data.iter().filter_map(product_legacy).collect())
    }
}

/// A one-line text of the answer, its control characters (a newline that could start a
/// forged `::error` annotation, an ANSI escape) replaced by spaces (issue 15).
fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A description keeps its line breaks and tabs; other control characters become spaces.
fn paragraph(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The product's id in canonical form; a product whose id is not a UUID is left out (it
/// would name a file of the schema cache or of `schema fetch --into`).
fn product_id(item: &Value) -> Option<String> {
    let id = item.get("id").and_then(Value::as_str)?;
    let valid = crate::schema::cache::normalize_product_id(id);
    if valid.is_none() {
        tracing::warn!(
            "the API lists a product whose id is not a UUID; left out: {:?}",
            id.chars().take(80).collect::<String>()
        );
    }
    valid
}

fn is_tasking(item: &Value) -> bool {
    item.pointer("/collection/type")
        .and_then(Value::as_str)
        .is_none_or(|t| t == "TASKING")
}

fn product_v2(item: &Value) -> Option<ProductInfo> {
    let id = product_id(item)?;
    is_tasking(item).then(|| ProductInfo {
        id,
        name: text(item, "/name"),
        title: text(item, "/title"),
        collection: text(item, "/collection/name"),
        collection_title: text(item, "/collection/title"),
        description: paragraph(item, "/description"),
    })
}

fn product_legacy(item: &Value) -> Option<ProductInfo> {
    let id = product_id(item)?;
    let collection = Some(text(item, "/collectionName"))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| text(item, "/collection/name"));
    let title = text(item, "/productConfiguration/title");
    is_tasking(item).then(|| ProductInfo {
        id,
        name: Some(text(item, "/name"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| title.clone()),
        title,
        collection,
        collection_title: text(item, "/collection/title"),
        description: paragraph(item, "/productConfiguration/description"),
    })
}
