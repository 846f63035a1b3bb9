//! `textDocument/codeLens`: "Get quote" (or the last quote of this version) above
//! `dataProduct`, and "Order status" when the request has a receipt.

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::{GET_QUOTE, ORDER_STATUS};
use crate::api::receipt::receipt_path;
use crate::document::TextRange;
use crate::lsp::convert;
use crate::lsp::state::Backend;

/// The code lenses of a request: "Get quote" (or the last quote of this version) above
/// `dataProduct`, and "Order status" when the request has a receipt.
pub(crate) fn code_lens(
    backend: &Backend,
    params: CodeLensParams,
) -> Result<Option<Vec<CodeLens>>> {
    let uri = params.text_document.uri;
    let Some((document, version)) = backend.snapshot(&uri) else {
        return Ok(None);
    };
    let at = document
        .root()
        .and_then(|root| root.member("dataProduct"))
        .map(|m| m.key.range)
        .unwrap_or_else(|| TextRange::empty(0));
    let range = convert::range(&document, at, backend.encoding());
    let quote = backend
        .0
        .provider
        .quotes
        .get(&uri)
        .filter(|q| q.0 == version)
        .map(|q| q.1.clone());
    let argument = vec![Value::String(uri.to_string())];
    let lens = |title: String, command: &str| CodeLens {
        range,
        command: Some(Command {
            title,
            command: command.to_string(),
            arguments: Some(argument.clone()),
        }),
        data: None,
    };
    let mut lenses = vec![lens(quote.unwrap_or_else(|| "Get quote".into()), GET_QUOTE)];
    if let Some(path) = crate::lsp::convert::file_path(&uri) {
        if receipt_path(&path).is_file() {
            lenses.push(lens("Order status".into(), ORDER_STATUS));
        }
    }
    Ok(Some(lenses))
}
