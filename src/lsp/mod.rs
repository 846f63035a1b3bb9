//! The language server: tower-lsp over stdio. Only this module names LSP types; it converts
//! positions at the edge and hands byte offsets to the core.

mod commands;
mod convert;
mod documents;
mod exit;
mod features;
mod provider;
mod server;
mod settings;
mod sync;

pub use server::Backend;
pub use settings::Settings;

use crate::cli::GlobalOptions;

/// The commands the server executes for the editor.
pub const COMMANDS: [&str; 4] = [
    "taskingLs.getQuote",
    "taskingLs.submitOrder",
    "taskingLs.refreshSchemas",
    "taskingLs.orderStatus",
];

/// Runs the server on stdin/stdout until the client exits; returns the process exit code.
pub fn run_stdio(options: GlobalOptions) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("tasking-ls: cannot start the async runtime: {error}");
            return crate::cli::EXIT_FAILURE;
        }
    };
    let signal = std::sync::Arc::new(exit::ExitSignal::default());
    let watched = signal.clone();
    runtime.block_on(async move {
        let (service, socket) =
            tower_lsp::LspService::build(|client| Backend::new(client, options))
                .custom_method("taskingLs/status", Backend::status)
                .finish();
        let service = exit::WatchExit {
            inner: service,
            signal: watched.clone(),
        };
        let server =
            tower_lsp::Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service);
        tokio::select! {
            _ = server => {}
            _ = watched.exited.notified() => {}
        }
    });
    // The stdin reader is a blocking thread that would keep the process alive after `exit`.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    if signal
        .shutdown_requested
        .load(std::sync::atomic::Ordering::SeqCst)
    {
        crate::cli::EXIT_OK
    } else {
        // LSP: `exit` without `shutdown` before it ends with 1.
        crate::cli::EXIT_FINDINGS
    }
}
