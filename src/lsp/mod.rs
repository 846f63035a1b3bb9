//! The language server: tower-lsp-server (the maintained fork of tower-lsp) over stdio. Only this module names LSP types; it converts
//! positions at the edge (`convert`) and hands byte offsets to the core.
//!
//! Reading order: `server` (the protocol's table of contents) -> one handler module per area
//! (`lifecycle`, `sync`, `analysis`, `pull`, `features`, `presentation`, `commands/`) -> `state` (what the session
//! holds, imported by every handler, importing none). `fetch` and `progress` are the
//! background work the handlers share; nothing imports `server`.

// Outside input reaches every function here (a client's bytes, a provider's answers): no
// `unwrap`/`expect`/`panic!`, no arithmetic that can overflow and no indexing that can panic
// outside tests (issue 14); clippy enforces it with `-D warnings` in CI. Sizes, counts,
// positions and durations from outside saturate or are checked. One exception, said where it
// is: the LSP framing code in `framing.rs` and `transport.rs` slices below lengths it has
// just checked.
#![cfg_attr(
    not(test),
    warn(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::arithmetic_side_effects,
        clippy::indexing_slicing
    )
)]

mod analysis;
mod commands;
mod convert;
mod exit;
mod feasibility;
mod features;
mod fetch;
mod framing;
mod guard;
mod lifecycle;
mod presentation;
mod preview;
mod progress;
mod pull;
mod server;
mod stapi;
mod state;
mod sync;
mod transport;

pub use state::{Backend, Settings, PARSE_BUDGET_BYTES};

use crate::config::{GlobalOptions, EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};

/// The commands the server executes for the editor.
pub const COMMANDS: [&str; 6] = [
    "taskingLs.getQuote",
    "taskingLs.submitOrder",
    "taskingLs.refreshSchemas",
    "taskingLs.orderStatus",
    "taskingLs.searchOpportunities",
    "taskingLs.showPasses",
];

/// Runs the server on stdin/stdout until the client exits; returns the process exit code.
///
/// `release_memory` is called on a blocking thread each time a document's checks have all
/// finished (the server has nothing left to do for it): the binary passes its allocator's
/// "return freed pages to the OS now", so that the resident memory between edits is what
/// the open documents hold, not the high-water mark of the last check (a 7 MB order's check
/// allocates and frees tens of MB). Pass `|| {}` when there is nothing to release.
///
/// `parse_budget` bounds, in bytes of text, the open documents whose parse is kept (see
/// [`PARSE_BUDGET_BYTES`], the default).
pub fn run_stdio(options: GlobalOptions, release_memory: fn(), parse_budget: usize) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("tasking-ls: cannot start the async runtime: {error}");
            return EXIT_FAILURE;
        }
    };
    // The same long rings are checked again after each edit: their buffers are kept until
    // the server goes idle (`Backend::release_when_idle`).
    crate::check::geometry::scratch::keep_between_checks(true);
    let signal = std::sync::Arc::new(exit::ExitSignal::default());
    let watched = signal.clone();
    runtime.block_on(async move {
        let (service, socket) = tower_lsp_server::LspService::build(|client| {
            Backend::new(client, options)
                .with_release_memory(release_memory)
                .with_parse_budget(parse_budget)
        })
        .custom_method("taskingLs/status", Backend::status)
        .custom_method("taskingLs/aoiPreview", Backend::aoi_preview)
        .finish();
        let service = exit::WatchExit {
            inner: service,
            signal: watched.clone(),
        };
        // The client's bytes go through `transport`, which passes on only what the framework
        // can decode (its reader still ends the session at the first decode error); the
        // framework's output goes back through it so its answers never interleave with ours.
        let (server_in, reader_out) = tokio::io::duplex(1 << 16);
        let (server_out, writer_in) = tokio::io::duplex(1 << 16);
        let (answers, answers_rx) = tokio::sync::mpsc::unbounded_channel();
        let reader = tokio::spawn(transport::read_client(
            tokio::io::stdin(),
            reader_out,
            answers,
        ));
        let writer = tokio::spawn(transport::write_client(
            writer_in,
            tokio::io::stdout(),
            answers_rx,
        ));
        let server = tower_lsp_server::Server::new(server_in, server_out, socket).serve(service);
        tokio::select! {
            _ = server => {
                // The server's output pipe is closed: let the writer pass on what is left.
                let _ = tokio::time::timeout(std::time::Duration::from_secs(1), writer).await;
            }
            _ = watched.exited.notified() => {}
        }
        reader.abort();
        // An order POST in flight finishes and its receipt is written before the process
        // ends (the wait is bounded by the API timeout the task itself runs under).
        if !state::IN_FLIGHT
            .wait_idle(crate::api::MAX_TIMEOUT.saturating_add(std::time::Duration::from_secs(5)))
            .await
        {
            eprintln!("tasking-ls: an order submission was still running at exit");
        }
    });
    // The stdin reader is a blocking thread that would keep the process alive after `exit`.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    if signal
        .shutdown_requested
        .load(std::sync::atomic::Ordering::SeqCst)
    {
        EXIT_OK
    } else {
        // LSP: `exit` without `shutdown` before it ends with 1.
        EXIT_FINDINGS
    }
}
