//! `taskingLs.refreshSchemas`: every product of the open documents fetched from the API now,
//! and every open document re-checked.

use serde_json::json;
use tower_lsp_server::ls_types::*;

use super::{api, Outcome};
use crate::lsp::analysis::recheck_all;
use crate::lsp::fetch::{self};
use crate::lsp::progress::Progress;
use crate::lsp::state::Backend;
/// `taskingLs.refreshSchemas`: every product of the open documents, from the API now.
pub(super) async fn refresh_schemas(backend: &Backend) -> Outcome {
    let api = api(backend, "Schemas not refreshed")?;
    let mut ids: Vec<String> = backend
        .0
        .documents
        .iter()
        .map(|e| e.key().clone())
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|uri| backend.snapshot(&uri))
        .filter_map(|(document, _)| fetch::document_product(&document))
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        backend
            .0
            .client
            .show_message(
                MessageType::INFO,
                "No open order request names a data product: nothing to refresh.",
            )
            .await;
        return Ok(json!({"refreshed": [], "failed": []}));
    }
    let progress = Progress::begin(
        backend,
        format!(
            "Refreshing {} product schema{}",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        ),
    )
    .await;
    let mut tasks = tokio::task::JoinSet::new();
    for id in &ids {
        let fetcher = api.fetcher.clone();
        let id = id.clone();
        tasks.spawn(async move {
            let result = fetcher.refresh(&id).await;
            (id, result)
        });
    }
    let (mut refreshed, mut failed) = (vec![], vec![]);
    while let Some(joined) = tasks.join_next().await {
        let Ok((id, result)) = joined else {
            continue;
        };
        let stale = matches!(
            &result,
            Ok(s) if matches!(s.origin, crate::schema::SchemaOrigin::Cache { stale: true, .. })
        );
        match &result {
            Ok(_) if !stale => refreshed.push(id.clone()),
            Ok(_) => {
                let why = api
                    .fetcher
                    .last_error(&id)
                    .map(|e| fetch::reason(&e))
                    .unwrap_or_else(|| "the API failed".into());
                failed.push((
                    id.clone(),
                    format!("{why}; the cached copy serves meanwhile"),
                ));
            }
            Err(e) => failed.push((id.clone(), fetch::reason(e))),
        }
        fetch::accept(backend, &api, &id, result);
    }
    refreshed.sort();
    failed.sort();
    progress
        .end(format!("{} of {} refreshed", refreshed.len(), ids.len()))
        .await;
    recheck_all(backend);
    let mut message = format!(
        "Refreshed {} of {} product schema{}.",
        refreshed.len(),
        ids.len(),
        if ids.len() == 1 { "" } else { "s" }
    );
    for (id, why) in &failed {
        message.push_str(&format!(" {id}: {why}."));
    }
    let kind = if failed.is_empty() {
        MessageType::INFO
    } else {
        MessageType::WARNING
    };
    backend.0.client.show_message(kind, message).await;
    Ok(json!({
        "refreshed": refreshed,
        "failed": failed.iter().map(|(id, why)| json!({"id": id, "error": why})).collect::<Vec<_>>(),
    }))
}
