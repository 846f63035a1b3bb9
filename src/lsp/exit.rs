//! Ending the process on `exit`, and its exit code. tower-lsp-server stops reading at `exit`
//! (tower-lsp 0.20 only noticed it when the next message arrived), but its `serve` then waits
//! for every handler still running, and one awaiting the client (a `workspace/configuration`
//! or `window/workDoneProgress/create` answer) can wait for an answer that will not come. This
//! wrapper tells `run_stdio` at once, and records whether `shutdown` came first (LSP: the exit
//! code is 0 only then).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::sync::Notify;
use tower::Service;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Whether `shutdown` came before `exit` (the exit code is 0 only then), and the signal.
#[derive(Default)]
pub struct ExitSignal {
    pub shutdown_requested: AtomicBool,
    pub exited: Notify,
}

pub struct WatchExit<S> {
    pub inner: S,
    pub signal: Arc<ExitSignal>,
}

impl<S> Service<Request> for WatchExit<S>
where
    S: Service<Request, Response = Option<Response>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match request.method() {
            "shutdown" => self.signal.shutdown_requested.store(true, Ordering::SeqCst),
            "exit" => self.signal.exited.notify_one(),
            _ => {}
        }
        self.inner.call(request)
    }
}
