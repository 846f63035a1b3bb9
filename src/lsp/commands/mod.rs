//! `workspace/executeCommand`: the provider commands, one file each (`quote`, `submit`,
//! `status`, `refresh`; `stapi` for STAPI order files), delegated to the API layer, and the
//! code lenses that offer them (`lens`). This file dispatches and holds what the commands share.
//!
//! Every failure becomes a `window/showMessage` the user can act on, a log line without
//! secrets, and an error response; the server keeps serving.

mod lens;
mod quote;
mod refresh;
mod stapi;
mod status;
mod submit;

pub(crate) use lens::code_lens;
pub(crate) use submit::submit_order_action;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;

use super::analysis::recheck_product;
use super::fetch;
use super::state::{Api, Backend};
use crate::api::data_product;
use crate::check::{check_document, CheckOptions, Diagnostic};
use crate::document::Document;
use crate::schema::SchemaStore;

pub const GET_QUOTE: &str = "taskingLs.getQuote";
pub const SUBMIT_ORDER: &str = "taskingLs.submitOrder";
pub const REFRESH_SCHEMAS: &str = "taskingLs.refreshSchemas";
pub const ORDER_STATUS: &str = "taskingLs.orderStatus";
/// A STAPI order's opportunity search (`[uri]`); its windows become "Set datetime" actions.
pub const SEARCH_OPPORTUNITIES: &str = "taskingLs.searchOpportunities";
/// The satellites' passes over a UP42 order's AOI as a message (`[uri]`), the pass lens's click.
pub const SHOW_PASSES: &str = "taskingLs.showPasses";

pub(crate) async fn execute_command(
    backend: &Backend,
    params: ExecuteCommandParams,
) -> Result<Option<Value>> {
    let result = match params.command.as_str() {
        GET_QUOTE => quote::get_quote(backend, uri_argument(&params)?).await,
        SUBMIT_ORDER => {
            let uri = uri_argument(&params)?;
            if is_search_order(backend, &uri) {
                stapi::submit_order(backend, uri).await
            } else {
                submit::submit_order(backend, uri).await
            }
        }
        SEARCH_OPPORTUNITIES => stapi::search_opportunities(backend, uri_argument(&params)?).await,
        SHOW_PASSES => lens::show_passes(backend, uri_argument(&params)?).await,
        ORDER_STATUS => {
            let uri = uri_argument(&params)?;
            if is_search_order(backend, &uri) {
                stapi::order_status(backend, uri).await
            } else {
                status::order_status(backend, uri).await
            }
        }
        REFRESH_SCHEMAS => refresh::refresh_schemas(backend).await,
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
pub(crate) struct Failure(pub(crate) String);

impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure(message)
    }
}

pub(crate) type Outcome = std::result::Result<Value, Failure>;

/// The document a command is about: `[uri]` or `[{"uri": uri}]`.
pub(crate) fn uri_argument(params: &ExecuteCommandParams) -> Result<Uri> {
    let argument = params.arguments.first();
    let text = argument
        .and_then(|a| a.as_str().or_else(|| a.get("uri").and_then(Value::as_str)))
        .ok_or_else(|| {
            Error::invalid_params(format!("{} takes the document's URI", params.command))
        })?;
    text.parse::<Uri>()
        .map_err(|e| Error::invalid_params(format!("invalid URI `{text}`: {e}")))
}

/// True when the document is a STAPI order of the workspace (`[stapi]` patterns).
pub(crate) fn is_search_order(backend: &Backend, uri: &Uri) -> bool {
    super::stapi::is_order(backend, &super::analysis::path_of(uri))
}

/// The API, or why the command cannot run.
pub(crate) fn api(backend: &Backend, what: &str) -> std::result::Result<Api, Failure> {
    backend
        .0
        .provider
        .api()
        .map_err(|why| Failure(format!("{what}: {}", why.message())))
}

/// The open document's parse, version and text exactly as the editor has it.
pub(crate) fn open_document(
    backend: &Backend,
    uri: &Uri,
) -> std::result::Result<(Arc<Document>, i32), Failure> {
    backend
        .snapshot(uri)
        .ok_or_else(|| Failure(format!("{} is not an open order request", uri.as_str())))
}

/// The request as JSON, for the API calls that read it.
pub(crate) fn request_value(document: &Document, uri: &Uri) -> std::result::Result<Value, Failure> {
    serde_json::from_str(document.text()).map_err(|e| {
        Failure(format!(
            "{}: not valid JSON at line {}, column {}; fix it first",
            file_name(uri),
            e.line(),
            e.column()
        ))
    })
}

pub(crate) fn file_name(uri: &Uri) -> String {
    uri.path()
        .as_str()
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .unwrap_or_else(|| uri.as_str().to_string())
}

/// The path of a document saved on disk (receipts live next to it).
pub(crate) fn file_path(uri: &Uri) -> std::result::Result<PathBuf, Failure> {
    crate::lsp::convert::file_path(uri).ok_or_else(|| {
        Failure(format!(
            "{} is not a file on disk: save it first (its order receipt is written next to it)",
            uri.as_str()
        ))
    })
}

/// The first line of a submission's confirmation when the text to be submitted (the editor's
/// buffer, which was checked and is what the user sees) is not the file on disk: the buffer
/// is what is sent, and the user must know before confirming. `None` when they are the same
/// bytes. When the content differs, the line names the first differing fields with both
/// values ("order_parameters.resolution is "70cm" here, "50cm" on disk").
pub(crate) fn unsaved_note(path: &std::path::Path, text: &str) -> Option<String> {
    let lead = "The editor's unsaved version is submitted";
    let disk = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return Some(format!(
                "{lead}; the file on disk could not be read to compare ({e})."
            ))
        }
    };
    if disk == text.as_bytes() {
        return None;
    }
    let here = serde_json::from_str::<Value>(text).ok();
    let there = serde_json::from_slice::<Value>(&disk).ok();
    let (Some(here), Some(there)) = (here, there) else {
        return Some(format!(
            "{lead} (differs from the file on disk, which is not valid JSON)."
        ));
    };
    let mut found = Vec::new();
    differences(&here, &there, &mut String::new(), &mut found);
    if found.is_empty() {
        return Some(format!(
            "{lead}; it differs from the file on disk only in layout (the same order)."
        ));
    }
    const SHOWN: usize = 3;
    let mut listed = found
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if found.len() > SHOWN {
        listed.push_str(&format!("; and {} more", found.len().saturating_sub(SHOWN)));
    }
    Some(format!(
        "{lead} (differs from the file on disk: {listed}). Save the file first to submit \
         what is on disk."
    ))
}

/// Each place where `here` (the editor's) and `there` (the disk's) differ in content (the
/// receipts' canonical form: key order, layout and number spelling do not count), as
/// "path is A here, B on disk", in document order.
fn differences(here: &Value, there: &Value, path: &mut String, out: &mut Vec<String>) {
    use crate::api::receipt::canonical_json;
    let show = |v: &Value| {
        let text = canonical_json(v);
        match text.char_indices().nth(40) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        }
    };
    let name = |path: &str| {
        if path.is_empty() {
            "the order".to_string()
        } else {
            path.to_string()
        }
    };
    match (here, there) {
        (Value::Object(a), Value::Object(b)) => {
            let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            for key in keys {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differences(x, y, path, out),
                    (Some(x), None) => {
                        out.push(format!("{path} is {} here, absent on disk", show(x)))
                    }
                    (None, Some(y)) => {
                        out.push(format!("{path} is absent here, {} on disk", show(y)))
                    }
                    (None, None) => {}
                }
                path.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                differences(x, y, path, out);
                path.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) => out.push(format!(
            "{} has {} items here, {} on disk",
            name(path),
            a.len(),
            b.len()
        )),
        (x, y) => {
            if canonical_json(x) != canonical_json(y) {
                out.push(format!(
                    "{} is {} here, {} on disk",
                    name(path),
                    show(x),
                    show(y)
                ));
            }
        }
    }
}

pub(crate) fn product_of(request: &Value) -> String {
    let id = data_product(request).unwrap_or_default();
    crate::schema::cache::normalize_product_id(id).unwrap_or_else(|| id.to_string())
}

/// The diagnostics of the document's current version: the published ones when they are
/// current, else a fresh check.
pub(crate) async fn current_diagnostics(
    backend: &Backend,
    uri: &Uri,
) -> Option<Arc<Vec<Diagnostic>>> {
    let (document, _) = backend.snapshot(uri)?;
    if let Some(diagnostics) = backend
        .0
        .documents
        .get(uri)
        .and_then(|entry| entry.diagnostics_of(&document))
    {
        return Some(diagnostics);
    }
    let store = backend.store();
    // A STAPI order is checked as a search-style order of its product, as published.
    let search_product = super::stapi::product_for(
        backend,
        &super::analysis::path_of(uri),
        super::analysis::recheck_search_orders,
    );
    let reason = match search_product {
        Some(_) => None,
        None => fetch::document_product(&document)
            .and_then(|id| fetch::want_schema(backend, &id, &store, recheck_product)),
    };
    let settings = backend.settings();
    let checked = tokio::task::spawn_blocking(move || {
        let mut options = CheckOptions::new(&store);
        options.unknown_product_reason = reason.as_deref();
        options.rule_overrides = Some(&settings.rules);
        options.costly_fixes = false;
        options.search_product = search_product.as_deref();
        let mut diagnostics = check_document(&document, &options);
        settings.lint.apply(&mut diagnostics);
        Arc::new(diagnostics)
    })
    .await
    .ok();
    backend.release_when_idle();
    checked
}

pub(crate) async fn refresh_code_lenses(backend: &Backend) {
    if backend.0.provider.caps().code_lens_refresh {
        if let Err(e) = backend.0.client.code_lens_refresh().await {
            tracing::debug!("workspace/codeLens/refresh failed: {e}");
        }
    }
}

/// Asks the user; `Some(title)` of the chosen action.
pub(crate) async fn ask(backend: &Backend, message: String, actions: &[&str]) -> Option<String> {
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

/// "Pléiades Analytic" for a product in the index, else "data product <id>".
pub(crate) fn product_label(store: &SchemaStore, id: &str) -> String {
    match store.product(id) {
        Some(p) => {
            let label = format!("{} {}", p.collection_title, p.title);
            let label = label.trim();
            if label.is_empty() {
                format!("data product {id}")
            } else {
                label.to_string()
            }
        }
        None => format!("data product {id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The confirmation names what the editor would send that the disk does not hold.
    #[test]
    fn an_unsaved_buffer_is_named_with_its_differences() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a_stapi_order.json");
        let disk = "{\"datetime\": \"2027-01-01T00:00:00Z/..\",\n \"order_parameters\": {\"resolution\": \"50cm\", \"n\": 1}}";
        std::fs::write(&path, disk).unwrap();
        assert_eq!(unsaved_note(&path, disk), None);
        let relaid = "{\"order_parameters\": {\"n\": 1.0, \"resolution\": \"50cm\"},\n\n \"datetime\": \"2027-01-01T00:00:00Z/..\"}";
        assert_eq!(
            unsaved_note(&path, relaid).as_deref(),
            Some(
                "The editor's unsaved version is submitted; it differs from the file on disk \
                 only in layout (the same order)."
            )
        );
        let changed = disk
            .replace("50cm", "70cm")
            .replace("\"n\": 1", "\"n\": 1, \"x\": [1]");
        assert_eq!(
            unsaved_note(&path, &changed).as_deref(),
            Some(
                "The editor's unsaved version is submitted (differs from the file on disk: \
                 order_parameters.resolution is \"70cm\" here, \"50cm\" on disk; \
                 order_parameters.x is [1] here, absent on disk). Save the file first to \
                 submit what is on disk."
            )
        );
        let gone = dir.path().join("gone.json");
        assert!(unsaved_note(&gone, disk).unwrap().starts_with(
            "The editor's unsaved version is submitted; the file on disk could not be read"
        ));
    }
}
