//! `textDocument/codeLens`. On a UP42 request: "Get quote" (or the last quote of this
//! version) above `dataProduct`, "Order status" when the request has a receipt, and the pass
//! count of the product's satellites ("7 passes ≤ 10° (Pléiades Neo 3, 4)", or "timing
//! unavailable: tasking-ls elements import FILE or tasking-ls elements update") above the
//! window. On a STAPI order: "Submit order",
//! "Search opportunities" (with the count of the last search), the pass count of the
//! satellites `[stapi] constellation` maps its product to, and, once submitted, "Order
//! status" above `datetime`.

use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{
    is_search_order, open_document, Outcome, GET_QUOTE, ORDER_STATUS, SEARCH_OPPORTUNITIES,
    SHOW_PASSES, SUBMIT_ORDER,
};
use crate::api::receipt::receipt_path;
use crate::check::search_order::WINDOW_KEY;
use crate::document::{Document, TextRange};
use crate::lsp::convert;
use crate::lsp::feasibility;
use crate::lsp::state::Backend;

/// The code lenses of an order (see the module's docs), computed in a task of their own so
/// that a bug becomes an error response, not a dead server (as `guard::guarded` does for the
/// synchronous handlers).
pub(crate) async fn code_lens(
    backend: &Backend,
    params: CodeLensParams,
) -> Result<Option<Vec<CodeLens>>> {
    let backend = backend.clone();
    tokio::spawn(async move { lenses(&backend, params).await })
        .await
        .unwrap_or_else(|e| {
            tracing::error!(handler = "codeLens", "handler failed: {e}");
            Err(tower_lsp_server::jsonrpc::Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
                message: format!("codeLens failed: {e}").into(),
                data: None,
            })
        })
}

async fn lenses(backend: &Backend, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some((document, version)) = backend.snapshot(&uri) else {
        return Ok(None);
    };
    let argument = vec![Value::String(uri.to_string())];
    let lens = |at: TextRange, title: String, command: &str| CodeLens {
        range: convert::range(&document, at, backend.encoding()),
        command: Some(Command {
            title,
            command: command.to_string(),
            arguments: Some(argument.clone()),
        }),
        data: None,
    };
    let root = document.root();
    if is_search_order(backend, &uri) {
        let at = root
            .and_then(|root| root.member(WINDOW_KEY))
            .map(|m| m.key.range)
            .unwrap_or_else(|| TextRange::empty(0));
        let found = backend.0.opportunities.get(&uri).map(|o| o.len());
        let search = match found {
            Some(1) => "Search opportunities (1 found)".to_string(),
            Some(n) => format!("Search opportunities ({n} found)"),
            None => "Search opportunities".to_string(),
        };
        let mut lenses = vec![
            lens(at, "Submit order".into(), SUBMIT_ORDER),
            lens(at, search, SEARCH_OPPORTUNITIES),
        ];
        if let Some(path) = crate::lsp::convert::file_path(&uri) {
            if receipt_path(&path).is_file() {
                lenses.push(lens(at, "Order status".into(), ORDER_STATUS));
            }
        }
        // Our pass count beside the provider's search, when `[stapi] constellation` maps the
        // product to the table's satellites.
        if let Some(title) = pass_lens_title(backend, &uri, &document, version).await {
            lenses.push(lens(at, title, SHOW_PASSES));
        }
        return Ok(Some(lenses));
    }
    let at = root
        .and_then(|root| root.member("dataProduct"))
        .map(|m| m.key.range)
        .unwrap_or_else(|| TextRange::empty(0));
    let quote = backend
        .0
        .provider
        .quotes
        .get(&uri)
        .filter(|q| q.0 == version)
        .map(|q| q.1.clone());
    let mut lenses = vec![lens(
        at,
        quote.unwrap_or_else(|| "Get quote".into()),
        GET_QUOTE,
    )];
    if let Some(path) = crate::lsp::convert::file_path(&uri) {
        if receipt_path(&path).is_file() {
            lenses.push(lens(at, "Order status".into(), ORDER_STATUS));
        }
    }
    if let Some(title) = pass_lens_title(backend, &uri, &document, version).await {
        let window = root
            .and_then(|root| root.get("params"))
            .and_then(|params| {
                params
                    .member("acquisitionStart")
                    .or_else(|| params.member("acquisitionEnd"))
            })
            .map_or(at, |m| m.key.range);
        lenses.push(lens(window, title, SHOW_PASSES));
    }
    Ok(Some(lenses))
}

/// The pass lens's title of this version: from the memo it shares with the
/// `feasibility.passes` diagnostics, else searched on a blocking thread (SGP4 over the window
/// takes milliseconds to tens of them: never on the protocol's threads) and memoised. `None`
/// when the order is no pass query.
async fn pass_lens_title(
    backend: &Backend,
    uri: &Uri,
    document: &Arc<Document>,
    version: i32,
) -> Option<String> {
    feasibility::memo_for(backend, uri, document, version)
        .await
        .map(|memo| memo.title)
        .filter(|t| !t.is_empty())
}

/// `taskingLs.showPasses [uri]`: the pass list of the hover, as a message (the lens's click).
pub(super) async fn show_passes(backend: &Backend, uri: Uri) -> Outcome {
    let (document, _) = open_document(backend, &uri)?;
    let store = backend.store();
    let path = convert::file_path(&uri);
    let search_config = is_search_order(backend, &uri).then(|| crate::lsp::stapi::config(backend));
    let text = tokio::task::spawn_blocking(move || {
        match search_config {
            Some(config) => feasibility::search_order_report(path.as_deref(), &document, &config),
            None => feasibility::search(path.as_deref(), &document, &store),
        }
        .map(|report| feasibility::passes_markdown(&report))
    })
    .await
    .ok()
    .flatten()
    .ok_or_else(|| {
        super::Failure(
            "No pass search for this order: it needs a product of the constellation table, \
             an acquisition window and an area of interest"
                .to_string(),
        )
    })?;
    let plain = text.replace("**", "").replace('`', "");
    backend
        .0
        .client
        .show_message(MessageType::INFO, plain.clone())
        .await;
    Ok(Value::String(plain))
}
