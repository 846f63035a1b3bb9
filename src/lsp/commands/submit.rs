//! `taskingLs.submitOrder` and the "Submit order" code action: the order is checked, confirmed
//! through `window/showMessageRequest` (twice for content already submitted, whatever the
//! outcome recorded), recorded as pending in its locked receipt, POSTed exactly once (never
//! retried) and its receipt completed. The POST and the completion run in a task of their
//! own, counted in [`IN_FLIGHT`]: a `$/cancelRequest` or an `exit` while the POST is in
//! flight never leaves the order unrecorded (the server waits for the task before ending).

use serde_json::{json, Value};
use tower_lsp_server::ls_types::*;

use super::{
    api, ask, current_diagnostics, file_name, file_path, open_document, product_label, product_of,
    refresh_code_lenses, request_value, Failure, Outcome, SUBMIT_ORDER,
};
use crate::api::receipt::{fallback_dir, Fingerprint, Finish, LockWait, Receipt, ReceiptBook};
use crate::api::{group_thousands, ErrorKind};
use crate::check::{Diagnostic, Severity};
use crate::lsp::convert;
use crate::lsp::state::Backend;
use crate::lsp::state::IN_FLIGHT;
/// The confirmation's answers.
const SUBMIT: &str = "Submit order";
const SUBMIT_AGAIN: &str = "Submit again";
const CANCEL: &str = "Cancel";

/// The "Submit order" code action for a document whose current `diagnostics` are these:
/// `None` when it has errors or the API is not usable (offline). The command asks for
/// confirmation itself, so offering it is safe.
pub(crate) fn submit_order_action(
    backend: &Backend,
    uri: &Uri,
    diagnostics: &[Diagnostic],
) -> Option<CodeActionOrCommand> {
    let usable = if super::is_search_order(backend, uri) {
        crate::lsp::stapi::client(backend).is_ok()
    } else {
        backend.0.provider.api().is_ok()
    };
    if !usable || diagnostics.iter().any(|d| d.severity == Severity::Error) {
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
pub(super) struct Submitting<'a>(&'a Backend, Uri);

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

/// A submission that may go on: the document's in-progress mark (released on drop), the
/// file's receipt book, the fingerprint of the text to post, and the earlier receipts of the
/// same content (by bytes, or by the parsed body: layout only).
pub(super) struct Begun<'a> {
    pub guard: Submitting<'a>,
    pub book: ReceiptBook,
    pub sha: Fingerprint,
    pub earlier: Vec<Receipt>,
}

/// Marks `uri` as being submitted (refused when a submission of it is already running) and
/// opens the receipt book of `path` (beside the file, else in the cache); shared by the UP42
/// and STAPI flows. `not` and `name` word the failure ("Order not submitted: …").
pub(super) async fn begin<'a>(
    backend: &'a Backend,
    uri: &Uri,
    path: &std::path::Path,
    text: &str,
    (not, name): (&str, &str),
) -> Result<Begun<'a>, Failure> {
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
    let guard = Submitting(backend, uri.clone());
    let cache_dir = backend
        .0
        .options
        .cache_dir
        .clone()
        .or(backend.settings().cache_dir);
    let book = ReceiptBook::open(
        path,
        fallback_dir(cache_dir.as_deref()),
        LockWait::No,
        || {},
    )
    .await
    .map_err(|e| Failure(format!("{not}: {e}")))?;
    let sha = Fingerprint::of(text.as_bytes());
    let earlier = book
        .earlier(&sha)
        .map_err(|e| Failure(format!("{not}: {e}")))?;
    Ok(Begun {
        guard,
        book,
        sha,
        earlier,
    })
}

/// Asks `question` (with a note when the content was submitted before), then, for content
/// submitted before, asks again whether to place it as a second order (`where_to_check`: the
/// list the user should look at first). `None` to go on; otherwise the cancelled outcome,
/// after telling the user.
pub(super) async fn confirm(
    backend: &Backend,
    mut question: String,
    begun: &Begun<'_>,
    name: &str,
    where_to_check: &str,
) -> Option<Outcome> {
    if let Some(previous) = begun.earlier.first() {
        question.push_str(&format!(
            "\nThis exact content was already submitted {}{}.",
            previous.describe(),
            previous.layout_note(&begun.sha)
        ));
    }
    let cancelled = |message: String| async move {
        backend
            .0
            .client
            .show_message(MessageType::INFO, message)
            .await;
        Some(Ok(json!({"orderIds": [], "cancelled": true})))
    };
    if ask(backend, question, &[SUBMIT, CANCEL]).await.as_deref() != Some(SUBMIT) {
        return cancelled(format!("Order in {name} not submitted.")).await;
    }
    if let Some(previous) = begun.earlier.first() {
        let again = format!(
            "This exact order was already submitted {}. Check {where_to_check} first. Submit \
             it again, as a second, separate order?",
            previous.describe()
        );
        if ask(backend, again, &[SUBMIT_AGAIN, CANCEL])
            .await
            .as_deref()
            != Some(SUBMIT_AGAIN)
        {
            return cancelled(format!("Order in {name} not submitted again.")).await;
        }
    }
    None
}

/// `taskingLs.submitOrder [uri]`.
pub(super) async fn submit_order(backend: &Backend, uri: Uri) -> Outcome {
    let not = "Order not submitted";
    let api = api(backend, not)?;
    let (document, version) = open_document(backend, &uri)?;
    let name = file_name(&uri);
    let diagnostics = refuse_on_errors(backend, &uri, &document, not, &name).await?;
    let path = file_path(&uri)?;
    // The exact text confirmed is the text posted, whatever the editor does meanwhile.
    let text = document.text().to_string();
    let request = request_value(&document, &uri)?;
    let begun = begin(backend, &uri, &path, &text, (not, &name)).await?;
    let plan = api
        .client
        .plan_order(&text)
        .await
        .map_err(|e| Failure(format!("{not}: no workspace to order into: {e}")))?;
    let workspace = plan.workspace_id.clone();
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
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    let mut question = format!("Submit the order in {name}?\n");
    // The buffer is what was checked and what is sent: say so when the disk holds another.
    if let Some(note) = super::unsaved_note(&path, &text) {
        question.push_str(&note);
        question.push('\n');
    }
    question.push_str(&format!(
        "Product: {label} ({product})\n\
         Area of interest: {area}\n\
         Quote: {quote}\n\
         Workspace: {workspace}\n\
         Credits are charged when you accept the order's quotation."
    ));
    if warnings > 0 {
        question.push_str(&format!(
            "\nThe file has {warnings} warning{}.",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    if let Some(cancelled) = confirm(backend, question, &begun, &name, "your order list").await {
        return cancelled;
    }
    let Begun {
        guard: _guard,
        mut book,
        sha,
        ..
    } = begun;
    book.begin(&sha, &plan.data_product, &plan.workspace_id, &plan.endpoint)
        .map_err(|e| Failure(format!("{not}: {e}")))?;
    tracing::info!(product = %product, "submitting the order in {name}");
    // From here on nothing may stop the POST's record: the task outlives a cancelled
    // request, and `run_stdio` waits for it after `exit`.
    let in_flight = IN_FLIGHT.enter();
    let task_backend = backend.clone();
    let task_name = name.clone();
    let client = api.client.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<Outcome>();
    let mut delivery = Delivery {
        rx: Some(rx),
        backend: backend.clone(),
    };
    tokio::spawn(async move {
        let outcome = place_and_record(
            task_backend.clone(),
            client,
            plan,
            book,
            task_name,
            label,
            in_flight,
        )
        .await;
        if let Err(Err(Failure(message))) = tx.send(outcome) {
            // The request was cancelled: nobody else will tell the user.
            task_backend
                .0
                .client
                .show_message(MessageType::ERROR, message)
                .await;
        }
    });
    let outcome = match delivery.rx.as_mut() {
        Some(rx) => rx.await,
        None => return Err(Failure(format!("Order in {name}: internal error"))),
    };
    delivery.rx = None;
    match outcome {
        Ok(outcome) => outcome,
        Err(_) => Err(Failure(format!(
            "Order in {name}: the submission stopped; outcome unknown — check your order list"
        ))),
    }
}

/// Where the POST task's outcome goes. Dropped before it took the outcome (the request was
/// cancelled), it shows a failure itself: the user must hear how the submission ended.
struct Delivery {
    rx: Option<tokio::sync::oneshot::Receiver<Outcome>>,
    backend: Backend,
}

impl Drop for Delivery {
    fn drop(&mut self) {
        if let Some(mut rx) = self.rx.take() {
            if let Ok(Err(Failure(message))) = rx.try_recv() {
                let backend = self.backend.clone();
                tokio::spawn(async move {
                    backend
                        .0
                        .client
                        .show_message(MessageType::ERROR, message)
                        .await;
                });
            }
        }
    }
}

/// Posts the planned order, completes its receipt and shows the result; runs as a task of
/// its own (see the module's docs).
async fn place_and_record(
    task_backend: Backend,
    client: crate::api::Client,
    plan: crate::api::PlannedOrder,
    mut book: ReceiptBook,
    name: String,
    label: String,
    in_flight: crate::lsp::state::InFlightGuard,
) -> Outcome {
    let not = "Order not submitted";
    let _in_flight = in_flight;
    let backend = &task_backend;
    let result = client.place(&plan).await;
    let finish = match &result {
        Ok(s) if !s.order_ids.is_empty() => Finish::Placed {
            order_ids: s.order_ids.clone(),
            workspace_id: s.workspace_id.clone(),
            endpoint: s.endpoint.clone(),
        },
        Ok(_) => Finish::NotPlaced,
        Err(e) if e.kind() == ErrorKind::OutcomeUnknown => Finish::Unknown(e.to_string()),
        Err(_) => Finish::NotPlaced,
    };
    let finished = book.finish(finish);
    drop(book);
    let receipt_note = |lines: &mut Vec<String>| match (&finished.problem, &finished.path) {
        (None, Some(file)) => {
            lines.push(format!(
                "Receipt: {}.",
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ));
            false
        }
        (Some(problem), fallback) => {
            tracing::error!("the receipt of an order could not be written: {problem}");
            lines.push(format!(
                "THE RECEIPT COULD NOT BE WRITTEN next to the file ({problem}){}.",
                match fallback {
                    Some(p) => format!("; it was written to {} instead", p.display()),
                    None => String::new(),
                }
            ));
            true
        }
        (None, None) => false,
    };
    let submission = match result {
        Ok(s) => s,
        Err(e) => {
            let mut lines = vec![match e.kind() {
                ErrorKind::OutcomeUnknown => format!(
                    "Order in {name}: {e}. Recorded with an unknown outcome: submitting it \
                         again asks twice."
                ),
                _ => format!("{not}: {e}"),
            }];
            receipt_note(&mut lines);
            refresh_code_lenses(backend).await;
            return Err(Failure(lines.join(" ")));
        }
    };
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
    let mut kind = if submission.errors.is_empty() {
        MessageType::INFO
    } else {
        MessageType::WARNING
    };
    if receipt_note(&mut lines) {
        lines.push("Keep the order id.".to_string());
        kind = MessageType::ERROR;
    }
    backend.0.client.show_message(kind, lines.join(" ")).await;
    refresh_code_lenses(backend).await;
    Ok(json!({
        "orderIds": submission.order_ids,
        "errors": submission.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        "workspaceId": submission.workspace_id,
        "endpoint": submission.endpoint,
        "receipt": finished.path.map(|p| p.to_string_lossy().into_owned()),
    }))
}

/// Nothing the tool calls invalid is submitted: `Err` naming the count of errors in the
/// document's current diagnostics and the first one's line (1-based) and message, or that
/// it could not be checked. `not` opens the message ("Not submitted"). `Ok` carries the
/// diagnostics (warnings only), which the confirmation counts.
pub(super) async fn refuse_on_errors(
    backend: &Backend,
    uri: &Uri,
    document: &crate::document::Document,
    not: &str,
    name: &str,
) -> Result<std::sync::Arc<Vec<Diagnostic>>, Failure> {
    let diagnostics = current_diagnostics(backend, uri)
        .await
        .ok_or_else(|| Failure(format!("{not}: {name} could not be checked")))?;
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        let at = convert::position(document, first.range.start as usize, backend.encoding());
        return Err(Failure(format!(
            "{not}: {name} has {} error{}; fix {} first (line {}: {})",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" },
            at.line.saturating_add(1),
            first.message
        )));
    }
    Ok(diagnostics)
}
