//! `taskingLs.submitOrder` and the "Submit order" code action: the order is checked, confirmed
//! through `window/showMessageRequest` (twice for content already submitted), POSTed exactly
//! once (never retried) and its receipt written next to the file.

use serde_json::{json, Value};
use tower_lsp::lsp_types::*;

use super::{
    api, ask, current_diagnostics, file_name, file_path, open_document, product_label, product_of,
    refresh_code_lenses, request_value, Failure, Outcome, SUBMIT_ORDER,
};
use crate::api::receipt::{body_sha256, read_receipt, write_receipt, Receipt};
use crate::api::{group_thousands, ErrorKind};
use crate::check::{Diagnostic, Severity};
use crate::lsp::convert;
use crate::lsp::state::Backend;
/// The confirmation's answers.
const SUBMIT: &str = "Submit order";
const SUBMIT_AGAIN: &str = "Submit again";
const CANCEL: &str = "Cancel";

/// The "Submit order" code action for a document whose current `diagnostics` are these:
/// `None` when it has errors or the API is not usable (offline). The command asks for
/// confirmation itself, so offering it is safe.
pub(crate) fn submit_order_action(
    backend: &Backend,
    uri: &Url,
    diagnostics: &[Diagnostic],
) -> Option<CodeActionOrCommand> {
    if backend.0.provider.api().is_err()
        || diagnostics.iter().any(|d| d.severity == Severity::Error)
    {
        return None;
    }
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: "Submit order".to_string(),
        kind: Some(CodeActionKind::new("source.submitOrder")),
        command: Some(Command {
            title: "Submit order".to_string(),
            command: SUBMIT_ORDER.to_string(),
            arguments: Some(vec![Value::String(uri.to_string())]),
        }),
        ..Default::default()
    }))
}

/// Releases a document's submission guard when the submission ends, however it ends.
struct Submitting<'a>(&'a Backend, Url);

impl Drop for Submitting<'_> {
    fn drop(&mut self) {
        self.0
             .0
            .provider
            .submitting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.1);
    }
}

/// `taskingLs.submitOrder [uri]`.
pub(super) async fn submit_order(backend: &Backend, uri: Url) -> Outcome {
    let not = "Order not submitted";
    let api = api(backend, not)?;
    let (document, version) = open_document(backend, &uri)?;
    let name = file_name(&uri);
    let diagnostics = current_diagnostics(backend, &uri)
        .await
        .ok_or_else(|| Failure(format!("{not}: {name} could not be checked")))?;
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        let at = convert::position(&document, first.range.start as usize, backend.encoding());
        return Err(Failure(format!(
            "{not}: {name} has {} error{}; fix {} first (line {}: {})",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" },
            at.line + 1,
            first.message
        )));
    }
    let path = file_path(&uri)?;
    // The exact text confirmed is the text posted, whatever the editor does meanwhile.
    let text = document.text().to_string();
    let request = request_value(&document, &uri)?;
    {
        let mut running = backend
            .0
            .provider
            .submitting
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if !running.insert(uri.clone()) {
            return Err(Failure(format!(
                "{not}: a submission of {name} is already in progress"
            )));
        }
    }
    let _guard = Submitting(backend, uri.clone());
    let receipt = read_receipt(&path).map_err(|e| {
        Failure(format!(
            "{not}: {e}; move it away or fix it (it records earlier orders)"
        ))
    })?;
    let sha = body_sha256(text.as_bytes());
    let workspace = api
        .client
        .workspace_id()
        .await
        .map_err(|e| Failure(format!("{not}: no workspace to order into: {e}")))?;
    let product = product_of(&request);
    let label = product_label(&backend.store(), &product);
    let quote = match api.client.estimate(&request).await {
        Ok(estimate) => {
            let summary = estimate.summary();
            backend
                .0
                .provider
                .quotes
                .insert(uri.clone(), (version, summary.clone()));
            let mut quote = summary;
            for error in &estimate.errors {
                quote.push_str(&format!("; not quoted: {error}"));
            }
            quote
        }
        Err(e) => format!("unavailable ({e})"),
    };
    let area = crate::ide::aoi_area_km2(&document, &backend.store())
        .map(|a| format!("{} km²", group_thousands(a)))
        .unwrap_or_else(|| "unknown (no polygon found)".to_string());
    let earlier: Vec<&Receipt> = receipt
        .as_ref()
        .map(|r| r.matching(&sha))
        .unwrap_or_default();
    let mut question = format!(
        "Submit the order in {name}?\n\
         Product: {label} ({product})\n\
         Area of interest: {area}\n\
         Quote: {quote}\n\
         Workspace: {workspace}\n\
         Credits are charged when you accept the order's quotation."
    );
    if !earlier.is_empty() {
        question.push_str("\nThis exact content was already submitted before.");
    }
    if ask(backend, question, &[SUBMIT, CANCEL]).await.as_deref() != Some(SUBMIT) {
        backend
            .0
            .client
            .show_message(MessageType::INFO, format!("Order in {name} not submitted."))
            .await;
        return Ok(json!({"orderIds": [], "cancelled": true}));
    }
    if let Some(previous) = earlier.first() {
        let again = format!(
            "This exact order was already submitted on {} (order {}). Submit it again, as a \
             second, separate order?",
            previous.submitted_at.format("%Y-%m-%d %H:%M UTC"),
            previous.order_ids.join(", ")
        );
        if ask(backend, again, &[SUBMIT_AGAIN, CANCEL])
            .await
            .as_deref()
            != Some(SUBMIT_AGAIN)
        {
            backend
                .0
                .client
                .show_message(
                    MessageType::INFO,
                    format!("Order in {name} not submitted again."),
                )
                .await;
            return Ok(json!({"orderIds": [], "cancelled": true}));
        }
    }
    tracing::info!(product = %product, "submitting the order in {name}");
    let submission = api.client.submit(&text).await.map_err(|e| {
        Failure(match e.kind() {
            ErrorKind::OutcomeUnknown => format!("Order in {name}: {e}"),
            _ => format!("{not}: {e}"),
        })
    })?;
    let mut lines = vec![];
    if !submission.order_ids.is_empty() {
        lines.push(format!(
            "Order placed: {} ({label}, workspace {}).",
            submission.order_ids.join(", "),
            submission.workspace_id
        ));
    }
    for error in &submission.errors {
        lines.push(format!("Not placed: {error}."));
    }
    let mut receipt_file = None;
    let mut kind = if submission.errors.is_empty() {
        MessageType::INFO
    } else {
        MessageType::WARNING
    };
    if let Some(receipt) = Receipt::for_submission(&submission, &product, sha) {
        match write_receipt(&path, receipt) {
            Ok(file) => {
                lines.push(format!(
                    "Receipt: {}.",
                    file.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                ));
                receipt_file = Some(file);
            }
            Err(e) => {
                tracing::error!("the receipt of an order could not be written: {e}");
                lines.push(format!(
                    "The receipt could not be written ({e}): keep the order id."
                ));
                kind = MessageType::ERROR;
            }
        }
    }
    backend.0.client.show_message(kind, lines.join(" ")).await;
    refresh_code_lenses(backend).await;
    Ok(json!({
        "orderIds": submission.order_ids,
        "errors": submission.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        "workspaceId": submission.workspace_id,
        "endpoint": submission.endpoint,
        "receipt": receipt_file.map(|p| p.to_string_lossy().into_owned()),
    }))
}
