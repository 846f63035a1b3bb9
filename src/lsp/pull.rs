//! Pull diagnostics (`textDocument/diagnostic`, LSP 3.17): the answer is what the document's
//! check task stored for its current version (`OpenDocument::diagnostics`), the very list a
//! push would carry, waited for when the check is still running. Each report has a `resultId`
//! (`analysis::result_id`), so a client asking again about an unchanged document gets
//! `unchanged`.

use std::sync::Arc;
use std::time::Duration;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::analysis::{result_id, schedule_check};
use super::convert;
use super::state::{Backend, CheckState};
use crate::check::Diagnostic;
use crate::document::Document;

/// How long a pull waits for its document's check before it answers with an error (a check
/// of a 7 MB order takes well under a second; this only bounds a stuck one).
const CHECK_WAIT: Duration = Duration::from_secs(30);

pub(crate) async fn diagnostic(
    backend: &Backend,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let Some((document, version, diagnostics)) = checked(backend, &uri).await? else {
        // Not an order request (or not open): nothing to report, and nothing to remember.
        return Ok(full(None, Vec::new()));
    };
    let encoding = backend.encoding();
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| convert::diagnostic(&document, d, encoding))
        .collect();
    let id = result_id(version, &items);
    backend.0.reported.insert(uri, id.clone());
    if params.previous_result_id.as_deref() == Some(id.as_str()) {
        return Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id: id,
                },
            }),
        ));
    }
    Ok(full(Some(id), items))
}

/// Forgets what was answered about a closed document.
pub(crate) fn forget(backend: &Backend, uri: &Uri) {
    backend.0.reported.remove(uri);
}

fn full(
    result_id: Option<String>,
    items: Vec<tower_lsp_server::ls_types::Diagnostic>,
) -> DocumentDiagnosticReportResult {
    DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(
        RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
        },
    ))
}

/// The current version of a handled document with the diagnostics its check stored for that
/// version; `None` when the document is not open or not an order request.
async fn checked(
    backend: &Backend,
    uri: &Uri,
) -> Result<Option<(Arc<Document>, i32, Arc<Vec<Diagnostic>>)>> {
    let now = tokio::time::Instant::now();
    let deadline = now.checked_add(CHECK_WAIT).unwrap_or(now);
    loop {
        // Registered before looking, so a check finishing in between still wakes us.
        let notified = backend.0.checked.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let Some((document, version)) = backend.snapshot(uri) else {
            return Ok(None);
        };
        let (stored, idle) = {
            let Some(entry) = backend.0.documents.get(uri).filter(|e| e.handled) else {
                return Ok(None);
            };
            (
                entry.diagnostics_of(&document),
                entry.check_state() == CheckState::Idle,
            )
        };
        if let Some(diagnostics) = stored {
            return Ok(Some((document, version, diagnostics)));
        }
        if idle {
            // No check runs and none stored a result (its task failed): start one.
            schedule_check(backend, uri.clone());
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return Err(Error {
                code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
                message: format!(
                    "no diagnostics for {}: its check did not finish",
                    uri.as_str()
                )
                .into(),
                data: None,
            });
        }
    }
}
