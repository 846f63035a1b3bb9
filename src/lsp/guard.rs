//! The guard around pure request handlers: a bug becomes an error response and a log line,
//! not a dead server.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tower_lsp_server::jsonrpc::{Error, Result};

/// Runs a pure request handler so that a bug becomes an error response and a log line, not a
/// dead server.
pub(crate) fn guarded<T>(name: &str, handler: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(handler)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        tracing::error!(handler = name, "handler failed: {message}");
        Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
            message: format!("{name} failed: {message}").into(),
            data: None,
        }
    })
}
