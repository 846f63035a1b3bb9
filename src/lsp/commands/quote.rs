//! `taskingLs.getQuote`: the cost estimate of the open request, shown to the user and kept
//! for the code lens of this document version.

use serde_json::json;
use tower_lsp_server::ls_types::*;

use super::{
    api, file_name, open_document, product_label, product_of, refresh_code_lenses, request_value,
    Failure, Outcome,
};
use crate::lsp::state::Backend;
/// `taskingLs.getQuote [uri]`.
pub(super) async fn get_quote(backend: &Backend, uri: Uri) -> Outcome {
    let api = api(backend, "No quote")?;
    let (document, version) = open_document(backend, &uri)?;
    let request = request_value(&document, &uri)?;
    let label = product_label(&backend.store(), &product_of(&request));
    let estimate = api
        .client
        .estimate(&request)
        .await
        .map_err(|e| Failure(format!("No quote for {}: {e}", file_name(&uri))))?;
    let summary = estimate.summary();
    let mut message = format!("{label}: {summary}");
    for error in &estimate.errors {
        message.push_str(&format!("; not quoted: {error}"));
    }
    backend
        .0
        .provider
        .quotes
        .insert(uri.clone(), (version, summary.clone()));
    let kind = if estimate.errors.is_empty() {
        MessageType::INFO
    } else {
        MessageType::WARNING
    };
    backend.0.client.show_message(kind, &message).await;
    refresh_code_lenses(backend).await;
    Ok(json!({
        "summary": summary,
        "message": message,
        "totalCredits": estimate.total_credits,
        "totalSize": estimate.total_size,
        "unit": estimate.unit,
        "errors": estimate.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
    }))
}
