//! Text sync (`textDocument/didOpen`, `didChange`, `didClose`): edits are applied to the
//! document's rope in arrival order, before any `.await`, then the check task is scheduled.
//! tower-lsp-server, like tower-lsp 0.20 before it, runs handlers concurrently
//! (`buffer_unordered`; tower-lsp issue #284, still open in the fork as its issue #36), so an
//! `.await` before the edit is applied would let the next `didChange` overtake this one.

use tower_lsp_server::ls_types::*;

use super::analysis::{path_of, schedule_check};
use super::pull;
use super::state::{Backend, OpenDocument};

pub(crate) fn did_open(backend: &Backend, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    let handled = backend.settings().applies_to(&path_of(&document.uri));
    if !handled {
        tracing::debug!(uri = %document.uri.as_str(), "not an order request; kept but not checked");
    }
    backend.0.documents.insert(
        document.uri.clone(),
        OpenDocument::new(document.text, document.version, handled),
    );
    schedule_check(backend, document.uri);
}

pub(crate) fn did_change(backend: &Backend, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let encoding = backend.encoding();
    {
        let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
            return;
        };
        if params.text_document.version <= entry.version {
            tracing::warn!(uri = %uri.as_str(), "ignoring a change whose version does not go up");
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

pub(crate) async fn did_close(backend: &Backend, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    backend.0.provider.quotes.remove(&uri);
    backend.0.opportunities.remove(&uri);
    backend.0.pass_lenses.remove(&uri);
    pull::forget(backend, &uri);
    backend.forget_parse(&uri);
    // Removed before the first `.await`, so a didOpen after it finds the URI free; its check
    // task, if any, finds its entry gone (or replaced) and ends without publishing.
    if backend.0.documents.remove(&uri).is_some() {
        let lock = backend.publish_lock(&uri);
        let _order = lock.lock().await;
        // Reopened meanwhile: its own check publishes; an empty publish now would be wrong.
        if backend.0.documents.contains_key(&uri) {
            return;
        }
        backend
            .0
            .client
            .publish_diagnostics(uri, Vec::new(), None)
            .await;
    }
}
