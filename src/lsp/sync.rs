//! Text sync and diagnostics: edits applied in arrival order before any `.await`, one check
//! task per document that always finishes on the newest version, and publishing only results
//! that are still current.

use std::sync::Arc;

use tower_lsp::lsp_types::*;

use super::convert;
use super::documents::OpenDocument;
use super::provider;
use super::server::Backend;
use crate::check::{check_document, CheckOptions};
use crate::document::Document;

fn path_of(uri: &Url) -> String {
    uri.to_file_path()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| uri.path().to_string())
}

pub(super) fn did_open(backend: &Backend, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    let handled = backend.settings().applies_to(&path_of(&document.uri));
    if !handled {
        tracing::debug!(uri = %document.uri, "not an order request; kept but not checked");
    }
    backend.0.documents.insert(
        document.uri.clone(),
        OpenDocument::new(&document.text, document.version, handled),
    );
    schedule_check(backend, document.uri);
}

pub(super) fn did_change(backend: &Backend, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let encoding = backend.encoding();
    {
        let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
            return;
        };
        if params.text_document.version <= entry.version {
            tracing::warn!(uri = %uri, "ignoring a change whose version does not go up");
            return;
        }
        entry.apply(
            params.content_changes,
            params.text_document.version,
            encoding,
        );
    }
    schedule_check(backend, uri);
}

pub(super) async fn did_close(backend: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    backend.0.provider.quotes.remove(&uri);
    if backend.0.documents.remove(&uri).is_some() {
        backend
            .0
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }
}

/// Starts the document's check task unless one is running: the running one picks up the
/// newest version when it finishes, so a burst of edits costs at most one stale check.
pub(super) fn schedule_check(backend: &Backend, uri: Url) {
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
            let reason = provider::document_product(&document)
                .and_then(|id| provider::want_schema(&backend, &id, &store));
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
pub(super) fn recheck_all(backend: &Backend) {
    let settings = backend.settings();
    let uris: Vec<Url> = backend
        .0
        .documents
        .iter()
        .map(|e| e.key().clone())
        .collect();
    for uri in uris {
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

/// Reads the `taskingLs` section when the client offers `workspace/configuration`.
pub(super) async fn pull_configuration(backend: &Backend) {
    if !backend
        .0
        .supports_configuration
        .get()
        .copied()
        .unwrap_or(false)
    {
        return;
    }
    let items = vec![ConfigurationItem {
        scope_uri: None,
        section: Some("taskingLs".to_string()),
    }];
    match backend.0.client.configuration(items).await {
        Ok(values) => {
            if let Some(value) = values.first() {
                if let Ok(mut settings) = backend.0.settings.write() {
                    settings.merge(value);
                }
            }
            backend.reload_store();
            recheck_all(backend);
        }
        Err(error) => tracing::warn!("workspace/configuration failed: {error}"),
    }
}

pub(super) async fn configuration_changed(backend: &Backend, params: DidChangeConfigurationParams) {
    // Some clients push the new settings, others expect to be asked: take both.
    if let Ok(mut settings) = backend.0.settings.write() {
        settings.merge(&params.settings);
    }
    if backend
        .0
        .supports_configuration
        .get()
        .copied()
        .unwrap_or(false)
    {
        pull_configuration(backend).await;
    } else {
        backend.reload_store();
        recheck_all(backend);
    }
}
