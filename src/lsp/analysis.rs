//! The check task and publishing (`textDocument/publishDiagnostics`): one task per document
//! that always finishes on the newest version, and only results that are still current are
//! published, in version order. A document of a product the store lacks asks `fetch` for
//! its schema and is re-checked when it arrives.

use std::sync::Arc;

use tower_lsp::lsp_types::*;

use super::convert;
use super::fetch;
use super::state::Backend;
use crate::check::{check_document, CheckOptions};
use crate::document::Document;

/// The path `filePatterns` are matched against: the file path for `file:` URIs, else the
/// URI's path.
pub(crate) fn path_of(uri: &Url) -> String {
    uri.to_file_path()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| uri.path().to_string())
}

/// Starts the document's check task unless one is running: the running one picks up the
/// newest version when it finishes, so a burst of edits costs at most one stale check.
pub(crate) fn schedule_check(backend: &Backend, uri: Url) {
    {
        let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
            return;
        };
        if !entry.handled {
            return;
        }
        entry.pending = true;
        if entry.checking {
            return;
        }
        entry.checking = true;
    }
    let backend = backend.clone();
    tokio::spawn(async move {
        loop {
            // Let the changes already queued land first.
            tokio::task::yield_now().await;
            if let Some(mut entry) = backend.0.documents.get_mut(&uri) {
                entry.pending = false;
            }
            let Some((document, version)) = backend.snapshot(&uri) else {
                return;
            };
            let store = backend.store();
            // An unknown product starts its fetch here; the check goes on with what the
            // store has and runs again when the fetch ends.
            let reason = fetch::document_product(&document)
                .and_then(|id| fetch::want_schema(&backend, &id, &store, recheck_product));
            let checked = tokio::task::spawn_blocking(move || {
                let mut options = CheckOptions::new(&store);
                options.unknown_product_reason = reason.as_deref();
                let diagnostics = check_document(&document, &options);
                (document, diagnostics)
            })
            .await;
            let (document, diagnostics) = match checked {
                Ok(result) => result,
                Err(error) => {
                    tracing::error!(uri = %uri, "checking failed: {error}");
                    if let Some(mut entry) = backend.0.documents.get_mut(&uri) {
                        entry.checking = false;
                    }
                    return;
                }
            };
            let diagnostics = Arc::new(diagnostics);
            let current = {
                let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
                    return;
                };
                if entry.version == version {
                    entry.diagnostics = Some(diagnostics.clone());
                }
                entry.version == version
            };
            if current {
                publish(&backend, &uri, &document, &diagnostics, version).await;
            }
            // `checking` stays set until the publish is out, so no other task can publish a
            // newer version first; then stop, or go again if the text moved on meanwhile.
            let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
                return;
            };
            if entry.version == version && !entry.pending {
                entry.checking = false;
                return;
            }
        }
    });
}

async fn publish(
    backend: &Backend,
    uri: &Url,
    document: &Document,
    diagnostics: &[crate::check::Diagnostic],
    version: i32,
) {
    let encoding = backend.encoding();
    let items = diagnostics
        .iter()
        .map(|d| convert::diagnostic(document, d, encoding))
        .collect();
    backend
        .0
        .client
        .publish_diagnostics(uri.clone(), items, Some(version))
        .await;
}

/// Re-checks every open document (after a settings or schema change); a document that
/// stopped matching `filePatterns` loses its diagnostics, one that started matching gets some.
pub(crate) fn recheck_all(backend: &Backend) {
    let settings = backend.settings();
    for uri in backend.open_uris() {
        let (was_handled, handled) = {
            let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
                continue;
            };
            let was_handled = entry.handled;
            entry.handled = settings.applies_to(&path_of(&uri));
            entry.diagnostics = None;
            (was_handled, entry.handled)
        };
        if handled {
            schedule_check(backend, uri);
        } else if was_handled {
            let client = backend.0.client.clone();
            tokio::spawn(async move { client.publish_diagnostics(uri, Vec::new(), None).await });
        }
    }
}

/// Re-checks every open document whose `dataProduct` is `id` (a check running now runs
/// again: `schedule_check` marks it pending).
pub(crate) fn recheck_product(backend: &Backend, id: &str) {
    for uri in backend.open_uris() {
        let Some((document, _)) = backend.snapshot(&uri) else {
            continue;
        };
        if fetch::document_product(&document).as_deref() == Some(id) {
            if let Some(mut entry) = backend.0.documents.get_mut(&uri) {
                entry.diagnostics = None;
            }
            schedule_check(backend, uri);
        }
    }
}
