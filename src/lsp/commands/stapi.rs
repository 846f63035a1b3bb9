//! The commands on STAPI order files: `taskingLs.submitOrder` (the same guarded flow as for
//! UP42: refused with errors, confirmed through `window/showMessageRequest`, twice for content
//! already submitted; a pending receipt before the one POST, completed after),
//! `taskingLs.searchOpportunities` (the server's `POST /products/{id}/opportunities` for the
//! order's `datetime`, `geometry` and `filter`: the windows are kept for the "Set datetime"
//! code actions and offered in a message whose buttons set the window at once) and
//! `taskingLs.orderStatus` (the status of the order its receipt names).

use std::collections::HashMap;

use serde_json::{json, Value};
use tower_lsp_server::ls_types::*;

use super::{
    file_name, file_path, open_document, refresh_code_lenses, request_value, Failure, Outcome,
};
use crate::api::receipt::Finish;
use crate::api::stapi::Placement;
use crate::api::ErrorKind;
use crate::check::search_order::{FILTER_KEY, GEOMETRY_KEY, WINDOW_KEY};
use crate::check::Severity;
use crate::document::Document;
use crate::ide::WindowChoice;
use crate::lsp::convert;
use crate::lsp::stapi;
use crate::lsp::state::{Backend, IN_FLIGHT};

/// The most opportunities asked for; the message offers at most [`BUTTONS`] of them.
const LIMIT: usize = 10;
/// Buttons of the opportunity message (clients lay out a few, not dozens).
const BUTTONS: usize = 5;
/// Where the windows of a provider's opportunity search come from, in the actions' titles.
pub(crate) const PROVIDER_OPPORTUNITY: &str = "provider opportunity";

/// `taskingLs.submitOrder [uri]` for a STAPI order file.
pub(super) async fn submit_order(backend: &Backend, uri: Uri) -> Outcome {
    let not = "Order not submitted";
    let client = stapi::client(backend).map_err(|why| Failure(format!("{not}: {why}")))?;
    let (document, _) = open_document(backend, &uri)?;
    let name = file_name(&uri);
    let path = file_path(&uri)?;
    let product = stapi::loaded_product_for(backend, &path.to_string_lossy())
        .await
        .ok_or_else(|| Failure(format!("{not}: {name} is not a STAPI order file")))?;
    if let Some(reason) = &product.unavailable {
        return Err(Failure(format!(
            "{not}: product '{}' cannot be checked ({reason})",
            product.id
        )));
    }
    let diagnostics = super::submit::refuse_on_errors(backend, &uri, &document, not, &name).await?;
    // The exact text confirmed is the text posted, whatever the editor does meanwhile.
    let text = document.text().to_string();
    let order = request_value(&document, &uri)?;
    let begun = super::submit::begin(backend, &uri, &path, &text, (not, &name)).await?;
    let endpoint = format!("POST /products/{}/orders", product.id);
    let label = if product.title.is_empty() {
        product.id.clone()
    } else {
        format!("{} ({})", product.title, product.id)
    };
    let warnings = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    // The buffer is what was checked and what is sent: say so when the disk holds another.
    let unsaved = super::unsaved_note(&path, &text)
        .map(|note| format!("{note}\n"))
        .unwrap_or_default();
    let mut question = format!(
        "Submit the order in {name}?\n{unsaved}Product: {label}\nServer: {} ({endpoint})\nWindow: {}",
        client.url(),
        order
            .get(WINDOW_KEY)
            .and_then(Value::as_str)
            .unwrap_or("(none)")
    );
    if warnings > 0 {
        question.push_str(&format!(
            "\nThe file has {warnings} warning{}.",
            if warnings == 1 { "" } else { "s" }
        ));
    }
    if let Some(cancelled) =
        super::submit::confirm(backend, question, &begun, &name, "the server's order list").await
    {
        return cancelled;
    }
    let super::submit::Begun {
        guard: _guard,
        mut book,
        sha,
        ..
    } = begun;
    book.begin(&sha, &product.id, client.url(), &endpoint)
        .map_err(|e| Failure(format!("{not}: {e}")))?;
    tracing::info!(product = %product.id, "submitting the STAPI order in {name}");
    // From here on nothing may stop the POST's record: the task outlives a cancelled
    // request, and `run_stdio` waits for it after `exit`.
    let in_flight = IN_FLIGHT.enter();
    let task_backend = backend.clone();
    let product_id = product.id.clone();
    let server = client.url().to_string();
    let task = tokio::spawn(async move {
        let _in_flight = in_flight;
        let result = client.place(&product_id, text.into_bytes()).await;
        let finish = match &result {
            Ok(Placement::Created { order_id, .. }) => Finish::Placed {
                order_ids: vec![order_id.clone()],
                workspace_id: server.clone(),
                endpoint: endpoint.clone(),
            },
            Ok(Placement::Refused { .. }) => Finish::NotPlaced,
            Err(e) if e.kind() == ErrorKind::OutcomeUnknown => Finish::Unknown(e.to_string()),
            Err(_) => Finish::NotPlaced,
        };
        let finished = book.finish(finish);
        drop(book);
        let mut receipt_problem = None;
        let receipt = match (&finished.problem, &finished.path) {
            (None, Some(file)) => Some(file.to_string_lossy().into_owned()),
            (Some(problem), fallback) => {
                tracing::error!("the receipt of an order could not be written: {problem}");
                receipt_problem = Some(format!(
                    " THE RECEIPT COULD NOT BE WRITTEN next to the file ({problem}){}.",
                    match fallback {
                        Some(p) => format!("; it was written to {} instead", p.display()),
                        None => String::new(),
                    }
                ));
                fallback.as_ref().map(|p| p.to_string_lossy().into_owned())
            }
            (None, None) => None,
        };
        let outcome = match result {
            Ok(Placement::Created {
                order_id, location, ..
            }) => {
                let message = format!(
                    "Order placed: {order_id} ({label}){}.{}",
                    location
                        .as_deref()
                        .map_or(String::new(), |l| format!(" at {l}")),
                    receipt_problem.clone().unwrap_or_default()
                );
                let kind = if receipt_problem.is_some() {
                    MessageType::ERROR
                } else {
                    MessageType::INFO
                };
                task_backend.0.client.show_message(kind, message).await;
                Ok(json!({
                    "orderIds": [order_id],
                    "location": location,
                    "receipt": receipt,
                }))
            }
            Ok(Placement::Refused { status, detail }) => Err(Failure(format!(
                "{not}: the server refused it ({status}): {}{}",
                refusal_text(&detail, &document),
                receipt_problem.unwrap_or_default()
            ))),
            Err(e) if e.kind() == ErrorKind::OutcomeUnknown => Err(Failure(format!(
                "Order in {name}: {e}. Recorded with an unknown outcome: submitting it again \
                 asks twice; check the server's order list first.{}",
                receipt_problem.unwrap_or_default()
            ))),
            Err(e) => Err(Failure(format!(
                "{not}: {e}{}",
                receipt_problem.unwrap_or_default()
            ))),
        };
        refresh_code_lenses(&task_backend).await;
        outcome
    });
    task.await.unwrap_or_else(|_| {
        Err(Failure(
            "The order submission stopped; outcome unknown — check the server's order list"
                .to_string(),
        ))
    })
}

/// A refusal's `detail` as one sentence: FastAPI's list of `{"loc": [...], "msg": ...}`
/// as `order_parameters.priority (line 5): priority 1 is not offered` (the line of the
/// deepest node of `loc` found in the text posted), anything else as JSON.
pub(crate) fn refusal_text(detail: &Value, document: &Document) -> String {
    match detail {
        Value::Array(entries) => entries
            .iter()
            .map(|entry| {
                let place: Vec<String> = entry
                    .get("loc")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|part| part.as_str() != Some("body"))
                    .map(|part| match part {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect();
                let message = entry
                    .get("msg")
                    .and_then(Value::as_str)
                    .map_or_else(|| entry.to_string(), str::to_string);
                if place.is_empty() {
                    return message;
                }
                match line_of(document, &place) {
                    Some(line) => format!("{} (line {line}): {message}", place.join(".")),
                    None => format!("{}: {message}", place.join(".")),
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        Value::String(s) => s.clone(),
        Value::Null => "no detail given".to_string(),
        other => other.to_string(),
    }
}

/// The 1-based line of the deepest node of `place` (keys, or indices as digits) found in the
/// document.
fn line_of(document: &Document, place: &[String]) -> Option<usize> {
    use crate::document::{item_of, member_of, Item};
    let mut node = Item::Borrowed(document.root()?);
    let mut found = None;
    for part in place {
        let next = member_of(&node, part).or_else(|| {
            let i = part.parse::<usize>().ok()?;
            item_of(node.clone(), i)
        });
        let Some(next) = next else {
            break;
        };
        node = next;
        found = Some(node.range.start as usize);
    }
    let offset = found?;
    let line = document.text()[..offset].matches('\n').count();
    Some(line.saturating_add(1))
}

/// `taskingLs.searchOpportunities [uri]`: the provider's opportunities for the order's
/// window, area and filter. The windows are kept for the document's "Set datetime" code
/// actions; the message's buttons set one at once (`workspace/applyEdit`). Returns
/// `{"opportunities": [{"datetime", "properties"}]}`.
pub(super) async fn search_opportunities(backend: &Backend, uri: Uri) -> Outcome {
    let not = "No opportunity search";
    let client = stapi::client(backend).map_err(|why| Failure(format!("{not}: {why}")))?;
    let (document, _) = open_document(backend, &uri)?;
    let name = file_name(&uri);
    let path = crate::lsp::analysis::path_of(&uri);
    let product = stapi::loaded_product_for(backend, &path)
        .await
        .ok_or_else(|| Failure(format!("{not}: {name} is not a STAPI order file")))?;
    let order = request_value(&document, &uri)?;
    let mut search = serde_json::Map::new();
    for key in [WINDOW_KEY, GEOMETRY_KEY, FILTER_KEY] {
        if let Some(value) = order.get(key).filter(|v| !v.is_null()) {
            search.insert(key.to_string(), value.clone());
        }
    }
    for key in [WINDOW_KEY, GEOMETRY_KEY] {
        if !search.contains_key(key) {
            return Err(Failure(format!(
                "{not}: {name} has no {key}; an opportunity search needs one"
            )));
        }
    }
    search.insert("limit".to_string(), Value::from(LIMIT));
    let found = client
        .opportunities(&product.id, &Value::Object(search))
        .await
        .map_err(|e| Failure(format!("{not}: {e}")))?;
    let listed: Vec<(String, Value)> = found
        .iter()
        .filter_map(|feature| {
            let interval = feature
                .pointer("/properties/datetime")?
                .as_str()?
                .to_string();
            let properties = feature.get("properties").cloned().unwrap_or(Value::Null);
            Some((interval, properties))
        })
        .collect();
    let choices: Vec<WindowChoice> = listed
        .iter()
        .map(|(interval, _)| WindowChoice {
            interval: interval.clone(),
            source: PROVIDER_OPPORTUNITY.to_string(),
        })
        .collect();
    backend.0.opportunities.insert(uri.clone(), choices.clone());
    refresh_code_lenses(backend).await;
    let answer = json!({
        "opportunities": listed
            .iter()
            .map(|(interval, properties)| json!({"datetime": interval, "properties": properties}))
            .collect::<Vec<_>>(),
    });
    if choices.is_empty() {
        backend
            .0
            .client
            .show_message(
                MessageType::INFO,
                format!(
                    "No opportunity of product '{}' in the window of {name}.",
                    product.id
                ),
            )
            .await;
        return Ok(answer);
    }
    let lines: Vec<String> = listed
        .iter()
        .enumerate()
        .map(|(i, (interval, properties))| {
            format!(
                "{}. {interval}{}",
                i.saturating_add(1),
                property_summary(properties)
            )
        })
        .collect();
    let message = format!(
        "{} opportunit{} of product '{}' for {name} (the provider's answer):\n{}\nSet the \
         order's datetime to one? (Also offered as code actions on datetime.)",
        choices.len(),
        if choices.len() == 1 { "y" } else { "ies" },
        product.id,
        lines.join("\n")
    );
    let titles: Vec<String> = choices
        .iter()
        .take(BUTTONS)
        .map(|c| crate::ide::short_interval(&c.interval))
        .collect();
    let buttons: Vec<&str> = titles.iter().map(String::as_str).collect();
    let items = buttons
        .iter()
        .map(|title| MessageActionItem {
            title: title.to_string(),
            properties: HashMap::new(),
        })
        .collect();
    let chosen = backend
        .0
        .client
        .show_message_request(MessageType::INFO, message, Some(items))
        .await
        .ok()
        .flatten()
        .and_then(|item| titles.iter().position(|t| *t == item.title))
        .and_then(|index| choices.get(index));
    if let Some(choice) = chosen {
        set_window(backend, &uri, &choice.interval).await;
    }
    Ok(answer)
}

/// The opportunity's properties other than its window, `; off_nadir=12.5 …`.
fn property_summary(properties: &Value) -> String {
    let parts: Vec<String> = properties
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| !matches!(k.as_str(), "datetime" | "product_id"))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

/// Sets the open document's window through `workspace/applyEdit` (the editor keeps undo and
/// the file's formatting: only the string's bytes change).
async fn set_window(backend: &Backend, uri: &Uri, interval: &str) {
    let Some((document, _)) = backend.snapshot(uri) else {
        return;
    };
    let Some(edit) = crate::ide::set_window_edit(&document, interval) else {
        return;
    };
    let edit = convert::text_edit(&document, &edit, backend.encoding());
    // `changes`, which every client applies (`documentChanges` is optional); the edit was
    // computed from the current version an instant ago.
    let change = WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
        ..Default::default()
    };
    if let Err(e) = backend
        .0
        .client
        .apply_edit(change)
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| {
            if r.applied {
                Ok(())
            } else {
                Err(r.failure_reason.unwrap_or_else(|| "refused".to_string()))
            }
        })
    {
        tracing::warn!("workspace/applyEdit of the chosen window failed: {e}");
        backend
            .0
            .client
            .show_message(MessageType::WARNING, format!("The window was not set: {e}"))
            .await;
    }
}

/// `taskingLs.orderStatus [uri]` for a STAPI order file: the status of the newest order of its
/// receipt (`GET /orders/{id}` and its status history), shown as a message. Returns
/// `{"orders": [{"id", "status", "since", "history"}]}`.
pub(super) async fn order_status(backend: &Backend, uri: Uri) -> Outcome {
    let what = "No order status";
    let client = stapi::client(backend).map_err(|why| Failure(format!("{what}: {why}")))?;
    let path = file_path(&uri)?;
    let name = file_name(&uri);
    let receipt = crate::api::receipt::read_receipt(&path)
        .map_err(|e| Failure(format!("{what}: {e}")))?
        .ok_or_else(|| {
            Failure(format!(
                "{what}: {name} has no receipt: it was not submitted from here"
            ))
        })?;
    let id = receipt
        .order_id
        .clone()
        .or_else(|| receipt.order_ids.first().cloned())
        .ok_or_else(|| {
            Failure(format!(
                "{what}: the receipt of {name} names no order ({})",
                receipt.describe()
            ))
        })?;
    let state = client
        .order_status(&id)
        .await
        .map_err(|e| Failure(format!("{what}: order {id}: {e}")))?;
    let field = |status: Option<&Value>, key: &str| {
        status
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let current = state.current.as_ref();
    let code = Some(field(current, "status_code")).filter(|c| !c.is_empty());
    let code = code.unwrap_or_else(|| "unknown".to_string());
    let since = field(current, "timestamp");
    let mut message = format!("Order {id} ({name}): {code}");
    if !since.is_empty() {
        message.push_str(&format!(" since {since}"));
    }
    let reason = field(current, "reason_text");
    if !reason.is_empty() {
        message.push_str(&format!(" ({reason})"));
    }
    let history: Vec<String> = state
        .history
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                field(Some(s), "timestamp"),
                field(Some(s), "status_code")
            )
        })
        .collect();
    if !history.is_empty() {
        message.push_str(&format!("; history (newest first): {}", history.join(", ")));
    }
    backend
        .0
        .client
        .show_message(MessageType::INFO, message.clone())
        .await;
    Ok(json!({
        "orders": [{"id": id, "status": code, "since": since, "history": history}],
        "message": message,
    }))
}
