//! `workspace/executeCommand`: the provider commands (quote, submit, refresh schemas, order
//! status), delegated to the API layer, and the code lenses that offer them.
//!
//! Every failure becomes a `window/showMessage` the user can act on, a log line without
//! secrets, and an error response; the server keeps serving.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value};
use tower_lsp::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp::lsp_types::*;

use super::convert;
use super::provider::{self, Api, Progress};
use super::server::Backend;
use crate::api::receipt::{body_sha256, read_receipt, receipt_path, write_receipt, Receipt};
use crate::api::{data_product, group_thousands, sub_status_meaning, ErrorKind};
use crate::check::{check_document, CheckOptions, Diagnostic, Severity};
use crate::document::{Document, TextRange};

pub const GET_QUOTE: &str = "taskingLs.getQuote";
pub const SUBMIT_ORDER: &str = "taskingLs.submitOrder";
pub const REFRESH_SCHEMAS: &str = "taskingLs.refreshSchemas";
pub const ORDER_STATUS: &str = "taskingLs.orderStatus";

/// The confirmation's answers.
const SUBMIT: &str = "Submit order";
const SUBMIT_AGAIN: &str = "Submit again";
const CANCEL: &str = "Cancel";

pub(super) async fn execute_command(
    backend: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    let result = match params.command.as_str() {
        GET_QUOTE => get_quote(backend, uri_argument(&params)?).await,
        SUBMIT_ORDER => submit_order(backend, uri_argument(&params)?).await,
        ORDER_STATUS => order_status(backend, uri_argument(&params)?).await,
        REFRESH_SCHEMAS => refresh_schemas(backend).await,
        other => {
            return Err(Error::invalid_params(format!("unknown command {other}")));
        }
    };
    match result {
        Ok(value) => Ok(Some(value)),
        Err(Failure(message)) => {
            tracing::warn!(command = %params.command, "{message}");
            backend
                .0
                .client
                .show_message(MessageType::ERROR, &message)
                .await;
            Err(Error {
                // LSP's RequestFailed: the request was valid but could not be carried out.
                code: ErrorCode::ServerError(-32803),
                message: message.into(),
                data: None,
            })
        }
    }
}

/// A failed command: the message shown to the user and returned as the error.
struct Failure(String);

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure(message)
    }
}

type Outcome = std::result::Result<Value, Failure>;

/// The document a command is about: `[uri]` or `[{"uri": uri}]`.
fn uri_argument(params: &ExecuteCommandParams) -> Result<Url> {
    let argument = params.arguments.first();
    let text = argument
        .and_then(|a| a.as_str().or_else(|| a.get("uri").and_then(Value::as_str)))
        .ok_or_else(|| {
            Error::invalid_params(format!("{} takes the document's URI", params.command))
        })?;
    Url::parse(text).map_err(|e| Error::invalid_params(format!("invalid URI `{text}`: {e}")))
}

/// The API, or why the command cannot run.
fn api(backend: &Backend, what: &str) -> std::result::Result<Api, Failure> {
    backend
        .0
        .provider
        .api()
        .map_err(|why| Failure(format!("{what}: {}", why.message())))
}

/// The open document's parse, version and text exactly as the editor has it.
fn open_document(
    backend: &Backend,
    uri: &Url,
) -> std::result::Result<(Arc<Document>, i32), Failure> {
    backend
        .snapshot(uri)
        .ok_or_else(|| Failure(format!("{uri} is not an open order request")))
}

/// The request as JSON, for the API calls that read it.
fn request_value(document: &Document, uri: &Url) -> std::result::Result<Value, Failure> {
    serde_json::from_str(document.text()).map_err(|e| {
        Failure(format!(
            "{}: not valid JSON at line {}, column {}; fix it first",
            file_name(uri),
            e.line(),
            e.column()
        ))
    })
}

fn file_name(uri: &Url) -> String {
    uri.path_segments()
        .and_then(|mut s| s.next_back())
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .unwrap_or_else(|| uri.to_string())
}

/// The path of a document saved on disk (receipts live next to it).
fn file_path(uri: &Url) -> std::result::Result<PathBuf, Failure> {
    uri.to_file_path().map_err(|_| {
        Failure(format!(
            "{uri} is not a file on disk: save it first (its order receipt is written next to it)"
        ))
    })
}

fn product_of(request: &Value) -> String {
    let id = data_product(request).unwrap_or_default();
    crate::schema::cache::normalize_product_id(id).unwrap_or_else(|| id.to_string())
}

/// The diagnostics of the document's current version: the published ones when they are
/// current, else a fresh check.
async fn current_diagnostics(backend: &Backend, uri: &Url) -> Option<Arc<Vec<Diagnostic>>> {
    let (document, version) = backend.snapshot(uri)?;
    if let Some(entry) = backend.0.documents.get(uri) {
        if entry.version == version {
            if let Some(diagnostics) = &entry.diagnostics {
                return Some(diagnostics.clone());
            }
        }
    }
    let store = backend.store();
    let reason = provider::document_product(&document)
        .and_then(|id| provider::want_schema(backend, &id, &store));
    tokio::task::spawn_blocking(move || {
        let mut options = CheckOptions::new(&store);
        options.unknown_product_reason = reason.as_deref();
        Arc::new(check_document(&document, &options))
    })
    .await
    .ok()
}

/// The "Submit order" code action for a document whose current `diagnostics` are these:
/// `None` when it has errors or the API is not usable (offline). The command asks for
/// confirmation itself, so offering it is safe.
pub(super) fn submit_order_action(
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

/// The code lenses of a request: "Get quote" (or the last quote of this version) above
/// `dataProduct`, and "Order status" when the request has a receipt.
pub(super) fn code_lens(
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
    if let Ok(path) = uri.to_file_path() {
        if receipt_path(&path).is_file() {
            lenses.push(lens("Order status".into(), ORDER_STATUS));
        }
    }
    Ok(Some(lenses))
}

async fn refresh_code_lenses(backend: &Backend) {
    if backend.0.provider.caps().code_lens_refresh {
        if let Err(e) = backend.0.client.code_lens_refresh().await {
            tracing::debug!("workspace/codeLens/refresh failed: {e}");
        }
    }
}

/// `taskingLs.getQuote [uri]`.
async fn get_quote(backend: &Backend, uri: Url) -> Outcome {
    let api = api(backend, "No quote")?;
    let (document, version) = open_document(backend, &uri)?;
    let request = request_value(&document, &uri)?;
    let label = provider::product_label(&backend.store(), &product_of(&request));
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

/// Asks the user; `Some(title)` of the chosen action.
async fn ask(backend: &Backend, message: String, actions: &[&str]) -> Option<String> {
    let items = actions
        .iter()
        .map(|title| MessageActionItem {
            title: title.to_string(),
            properties: HashMap::new(),
        })
        .collect();
    match backend
        .0
        .client
        .show_message_request(MessageType::WARNING, message, Some(items))
        .await
    {
        Ok(choice) => choice.map(|c| c.title),
        Err(e) => {
            tracing::warn!("window/showMessageRequest failed: {e}");
            None
        }
    }
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
async fn submit_order(backend: &Backend, uri: Url) -> Outcome {
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
    let label = provider::product_label(&backend.store(), &product);
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

/// `taskingLs.orderStatus [uri]`: the orders of the request's receipt.
async fn order_status(backend: &Backend, uri: Url) -> Outcome {
    let what = "No order status";
    let api = api(backend, what)?;
    let path = file_path(&uri)?;
    let name = file_name(&uri);
    let receipt = read_receipt(&path)
        .map_err(|e| Failure(format!("{what}: {e}")))?
        .ok_or_else(|| {
            Failure(format!(
                "{what}: {name} has no receipt ({}): it was not submitted from here",
                receipt_path(&path).display()
            ))
        })?;
    let mut orders = vec![];
    let mut lines = vec![];
    for id in &receipt.order_ids {
        let report = match api.client.order_report(id).await {
            Ok(report) => report,
            Err(e) => {
                lines.push(format!("Order {id}: {e}"));
                orders.push(json!({"id": id, "error": e.to_string()}));
                continue;
            }
        };
        let order = &report.order;
        let mut line = format!("Order {}", order.id);
        if let Some(n) = &order.display_name {
            line.push_str(&format!(" \"{n}\""));
        }
        line.push_str(&format!(": {}", order.status));
        let meaning = order.sub_status.as_deref().and_then(sub_status_meaning);
        if let Some(sub) = &order.sub_status {
            line.push_str(&format!(", sub-status {sub}"));
            if let Some(meaning) = meaning {
                line.push_str(&format!(" ({meaning})"));
            }
        }
        let studies = match &report.studies {
            Ok(studies) => {
                for s in studies {
                    line.push_str(&format!("; feasibility study {}: {}", s.id, s.decision));
                    if s.decision == "NOT_DECIDED" && !s.options.is_empty() {
                        line.push_str(&format!(
                            " — choose one of {} options with `tasking-ls feasibility choose {} \
                             OPTION_ID`",
                            s.options.len(),
                            s.id
                        ));
                    }
                }
                json!(studies
                    .iter()
                    .map(|s| json!({
                        "id": s.id,
                        "decision": s.decision,
                        "chosenOption": s.decision_option,
                        "options": s.options.iter().map(|o| json!({
                            "id": o.id, "description": o.description,
                        })).collect::<Vec<_>>(),
                    }))
                    .collect::<Vec<_>>())
            }
            Err(e) => {
                line.push_str(&format!("; feasibility studies unavailable ({e})"));
                json!({"error": e.to_string()})
            }
        };
        let quotations = match &report.quotations {
            Ok(quotations) => {
                for q in quotations {
                    line.push_str(&format!("; quotation {}: {}", q.id, q.decision));
                    if let Some(price) = q.credits_price {
                        line.push_str(&format!(", {} credits", group_thousands(price)));
                    }
                    if q.decision == "NOT_DECIDED" {
                        line.push_str(&format!(
                            " — accept (spends the credits, cannot be undone) or reject with \
                             `tasking-ls quotation accept|reject {}`",
                            q.id
                        ));
                    }
                }
                json!(quotations
                    .iter()
                    .map(|q| json!({
                        "id": q.id, "decision": q.decision, "creditsPrice": q.credits_price,
                    }))
                    .collect::<Vec<_>>())
            }
            Err(e) => {
                line.push_str(&format!("; quotations unavailable ({e})"));
                json!({"error": e.to_string()})
            }
        };
        lines.push(line);
        orders.push(json!({
            "id": order.id,
            "displayName": order.display_name,
            "status": order.status,
            "subStatus": order.sub_status,
            "subStatusMeaning": meaning,
            "feasibilityStudies": studies,
            "quotations": quotations,
        }));
    }
    let failed = orders.iter().all(|o| o.get("error").is_some());
    if failed {
        return Err(Failure(format!("{what} for {name}: {}", lines.join(" "))));
    }
    backend
        .0
        .client
        .show_message(MessageType::INFO, lines.join("\n"))
        .await;
    Ok(json!({"orders": orders}))
}

/// `taskingLs.refreshSchemas`: every product of the open documents, from the API now.
async fn refresh_schemas(backend: &Backend) -> Outcome {
    let api = api(backend, "Schemas not refreshed")?;
    let mut ids: Vec<String> = backend
        .0
        .documents
        .iter()
        .map(|e| e.key().clone())
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|uri| backend.snapshot(&uri))
        .filter_map(|(document, _)| provider::document_product(&document))
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
                    .map(|e| provider::reason(&e))
                    .unwrap_or_else(|| "the API failed".into());
                failed.push((
                    id.clone(),
                    format!("{why}; the cached copy serves meanwhile"),
                ));
            }
            Err(e) => failed.push((id.clone(), provider::reason(e))),
        }
        provider::accept(backend, &api, &id, result);
    }
    refreshed.sort();
    failed.sort();
    progress
        .end(format!("{} of {} refreshed", refreshed.len(), ids.len()))
        .await;
    super::sync::recheck_all(backend);
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
