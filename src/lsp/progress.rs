//! `$/progress` reports for long work (schema fetches, the provider commands), when the client
//! supports them (`window.workDoneProgress`); a no-op otherwise. The notifications themselves
//! are tower-lsp-server's `Client::progress` (tower-lsp 0.20 had none, and this file built the
//! `$/progress` messages by hand); what stays here is asking the client first and the token.

use std::sync::atomic::Ordering;

use tower_lsp_server::ls_types::NumberOrString;
use tower_lsp_server::OngoingProgress;

use super::state::Backend;

/// A `$/progress` report, when the client supports them and accepted its token; a no-op
/// otherwise.
pub(crate) struct Progress(
    Option<OngoingProgress<tower_lsp_server::Unbounded, tower_lsp_server::NotCancellable>>,
);

impl Progress {
    /// Creates the token (`window/workDoneProgress/create`, LSP 3.15) and sends `begin` with
    /// `title`; a client that refuses the token gets no report.
    pub async fn begin(backend: &Backend, title: String) -> Progress {
        if !backend.0.provider.caps().work_done_progress {
            return Progress(None);
        }
        let n = backend
            .0
            .provider
            .progress_tokens
            .fetch_add(1, Ordering::Relaxed);
        let token = NumberOrString::String(format!("tasking-ls/{n}"));
        let client = &backend.0.client;
        if let Err(error) = client.create_work_done_progress(token.clone()).await {
            tracing::debug!("window/workDoneProgress/create failed: {error}");
            return Progress(None);
        }
        Progress(Some(client.progress(token, title).begin().await))
    }

    /// Sends `end` with `message` (a no-op when nothing began).
    pub async fn end(self, message: String) {
        if let Some(ongoing) = self.0 {
            ongoing.finish_with_message(message).await;
        }
    }
}
