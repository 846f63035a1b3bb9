//! `$/progress` reports for long work (schema fetches, the provider commands), when the client
//! supports them (`window.workDoneProgress`); a no-op otherwise.

use std::sync::atomic::Ordering;

use tower_lsp::lsp_types::notification::Progress as ProgressNotification;
use tower_lsp::lsp_types::request::WorkDoneProgressCreate;
use tower_lsp::lsp_types::*;

use super::state::Backend;

/// A `$/progress` report, when the client supports them; a no-op otherwise.
pub(crate) struct Progress {
    backend: Backend,
    token: Option<NumberOrString>,
}

impl Progress {
    pub async fn begin(backend: &Backend, title: String) -> Progress {
        let mut progress = Progress {
            backend: backend.clone(),
            token: None,
        };
        if !backend.0.provider.caps().work_done_progress {
            return progress;
        }
        let n = backend
            .0
            .provider
            .progress_tokens
            .fetch_add(1, Ordering::Relaxed);
        let token = NumberOrString::String(format!("tasking-ls/{n}"));
        let client = &backend.0.client;
        let created = client
            .send_request::<WorkDoneProgressCreate>(WorkDoneProgressCreateParams {
                token: token.clone(),
            })
            .await;
        if let Err(error) = created {
            tracing::debug!("window/workDoneProgress/create failed: {error}");
            return progress;
        }
        client
            .send_notification::<ProgressNotification>(ProgressParams {
                token: token.clone(),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(
                    WorkDoneProgressBegin {
                        title,
                        cancellable: Some(false),
                        message: None,
                        percentage: None,
                    },
                )),
            })
            .await;
        progress.token = Some(token);
        progress
    }

    pub async fn end(self, message: String) {
        let Some(token) = self.token else {
            return;
        };
        self.backend
            .0
            .client
            .send_notification::<ProgressNotification>(ProgressParams {
                token,
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message),
                })),
            })
            .await;
    }
}
