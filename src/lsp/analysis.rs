//! The check task and publishing (`textDocument/publishDiagnostics`): one task per document
//! that always finishes on the newest version, and only results that are still current are
//! published, in version order. A document of a product the store lacks asks `fetch` for
//! its schema and is re-checked when it arrives. A client that pulls diagnostics
//! (`textDocument/diagnostic`, answered by `pull` from what the task stores) gets no pushes,
//! but a `workspace/diagnostic/refresh` when a result it was given went stale.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::convert;
use super::fetch;
use super::stapi;
use super::state::{Backend, Next, Round};
use crate::check::{check_document, CheckOptions};
use crate::document::Document;

pub(crate) use super::convert::path_of;

/// Asks for a check of the document: starts its check task unless one is running (the
/// running one goes again when it finishes its round, so a burst of edits costs at most one
/// stale check). The transitions are `state::OpenDocument`'s state machine.
pub(crate) fn schedule_check(backend: &Backend, uri: Uri) {
    let task = {
        let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
            return;
        };
        entry.request_check()
    };
    if let Some(task) = task {
        let backend = backend.clone();
        tokio::spawn(run_check_task(backend, uri, task));
    }
}

/// The check task of one document: rounds until a round's result is still current at its end.
async fn run_check_task(backend: Backend, uri: Uri, task: u64) {
    loop {
        // Let the changes already queued land first.
        tokio::task::yield_now().await;
        let round = {
            let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
                return;
            };
            entry.begin_round(task)
        };
        let Some(round) = round else {
            return;
        };
        backend
            .0
            .rounds
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let document = match backend.snapshot(&uri) {
            Some((document, version)) if version == round.version => document,
            // Changed or closed since the round began: the next round sees it.
            _ => match end_round(&backend, &uri, &round) {
                Next::Again => continue,
                Next::Done | Next::NotMine => return,
            },
        };
        let store = backend.store();
        // A STAPI order's product comes from the workspace's configuration, not the document.
        // Never waits for the server: what is known now, re-checked when a load ends.
        let search_product = stapi::product_for(&backend, &path_of(&uri), recheck_search_orders);
        // An unknown product starts its fetch here; the check goes on with what the store has
        // and runs again when the fetch ends.
        let product = fetch::document_product(&document);
        let reason = if search_product.is_some() {
            None
        } else {
            product
                .clone()
                .and_then(|id| fetch::want_schema(&backend, &id, &store, recheck_product))
        };
        let settings = backend.settings();
        let (lint, rules) = (settings.lint, settings.rules);
        let session = backend.clone();
        let checked = tokio::task::spawn_blocking(move || {
            let mut options = CheckOptions::new(&store);
            options.rule_overrides = Some(&rules);
            options.unknown_product_reason = reason.as_deref();
            options.geometry_cache = Some(&session.0.geometry_cache);
            // Computed when a code action asks (features::code_action), not per keystroke.
            options.costly_fixes = false;
            options.search_product = search_product.as_deref();
            let mut diagnostics = check_document(&document, &options);
            lint.apply(&mut diagnostics);
            (document, diagnostics)
        })
        .await;
        let (document, diagnostics) = match checked {
            Ok(result) => result,
            Err(error) => {
                tracing::error!(uri = %uri.as_str(), "checking failed: {error}");
                if let Some(mut entry) = backend.0.documents.get_mut(&uri) {
                    entry.abandon(task);
                }
                backend.0.checked.notify_waiters();
                return;
            }
        };
        let diagnostics = Arc::new(diagnostics);
        let current = match backend.0.documents.get_mut(&uri) {
            Some(mut entry) => {
                let current = entry.finish_round(&round, diagnostics.clone());
                if current {
                    entry.record_product(product);
                }
                current
            }
            None => return,
        };
        backend.0.checked.notify_waiters();
        if current {
            // Under the URI's publish lock, and only if still current: nothing newer can have
            // been published for this URI meanwhile, since this task is the only one running
            // for it and a close (which publishes) comes after under the same lock.
            let lock = backend.publish_lock(&uri);
            let _order = lock.lock().await;
            let still_current = backend
                .0
                .documents
                .get(&uri)
                .is_some_and(|entry| entry.is_current(&round));
            if still_current {
                publish(&backend, &uri, document, &diagnostics, round.version).await;
                // The pass search's diagnostics follow once the document settles.
                publish_passes_when_settled(&backend, uri.clone(), round.version);
            }
        }
        match end_round(&backend, &uri, &round) {
            Next::Again => continue,
            Next::Done => {
                backend.release_when_idle();
                return;
            }
            Next::NotMine => return,
        }
    }
}

/// After the check of `version` was published: once the document has settled at that
/// version, the `feasibility.passes` diagnostics (`feasibility`, from the memo the lens
/// shares) are merged into the stored diagnostics and published. A newer version, a closed
/// document or a re-check that has not stored its result yet drops the job; nothing is
/// published without element sets or when the search finds a window.
fn publish_passes_when_settled(backend: &Backend, uri: Uri, version: i32) {
    let backend = backend.clone();
    tokio::spawn(async move {
        let Some(passes) =
            super::feasibility::pass_diagnostics_when_settled(&backend, &uri, version).await
        else {
            return;
        };
        let lock = backend.publish_lock(&uri);
        let _order = lock.lock().await;
        let Some(merged) = super::feasibility::merge_into_stored(&backend, &uri, version, &passes)
        else {
            return;
        };
        if let Some((document, current)) = backend.snapshot(&uri) {
            if current == version {
                publish(&backend, &uri, document, &merged, version).await;
            }
        }
    });
}

fn end_round(backend: &Backend, uri: &Uri, round: &Round) -> Next {
    match backend.0.documents.get_mut(uri) {
        Some(mut entry) => entry.end_round(round),
        None => Next::NotMine,
    }
}

async fn publish(
    backend: &Backend,
    uri: &Uri,
    document: Arc<Document>,
    diagnostics: &[crate::check::Diagnostic],
    version: i32,
) {
    let encoding = backend.encoding();
    let items: Vec<_> = diagnostics
        .iter()
        .map(|d| convert::diagnostic(&document, d, encoding))
        .collect();
    // Let go of the parse before the first `.await`: the next edit re-parses it in place
    // only when nothing else holds it (else it copies the tree).
    drop(document);
    let editor = backend.editor();
    if !editor.pull_diagnostics {
        backend
            .0
            .client
            .publish_diagnostics(uri.clone(), items, Some(version))
            .await;
        return;
    }
    // The client pulls on every edit itself; what it cannot know is that the same version
    // now checks differently (a schema arrived, the settings changed).
    let stale = backend.0.reported.get(uri).is_some_and(|reported| {
        reported.starts_with(&format!("{version}/")) && *reported != result_id(version, &items)
    });
    if stale && editor.diagnostic_refresh {
        if let Err(error) = backend.0.client.workspace_diagnostic_refresh().await {
            tracing::debug!("workspace/diagnostic/refresh failed: {error}");
        }
    }
}

/// The `resultId` of a pull-diagnostics report: the document version and a hash of the
/// diagnostics as sent, so an unchanged document answers `unchanged` and a re-check that
/// changed nothing keeps its id.
pub(crate) fn result_id(version: i32, items: &[Diagnostic]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(items)
        .unwrap_or_default()
        .hash(&mut hasher);
    format!("{version}/{:016x}", hasher.finish())
}

/// Re-checks every open document (after a settings or schema change); a document that
/// stopped matching `filePatterns` loses its diagnostics, one that started matching gets some.
pub(crate) fn recheck_all(backend: &Backend) {
    // The element files may have changed with the settings: search the passes again.
    backend.0.pass_lenses.clear();
    super::preview::forget_pass_layer();
    let settings = backend.settings();
    for uri in backend.open_uris() {
        let (was_handled, handled) = {
            let Some(mut entry) = backend.0.documents.get_mut(&uri) else {
                continue;
            };
            let was_handled = entry.handled;
            entry.handled = settings.applies_to(&path_of(&uri));
            (was_handled, entry.handled)
        };
        if handled {
            schedule_check(backend, uri);
        } else if was_handled {
            // Its stored diagnostics are no longer current either; a running task ends at its
            // next round.
            if let Some(mut entry) = backend.0.documents.get_mut(&uri) {
                entry.request_check();
            }
            let backend = backend.clone();
            tokio::spawn(async move {
                let lock = backend.publish_lock(&uri);
                let _order = lock.lock().await;
                backend
                    .0
                    .client
                    .publish_diagnostics(uri, Vec::new(), None)
                    .await
            });
        }
    }
    let editor = backend.editor();
    if editor.pull_diagnostics && editor.diagnostic_refresh {
        let client = backend.0.client.clone();
        tokio::spawn(async move { client.workspace_diagnostic_refresh().await });
    }
}

/// Re-checks every open document whose `dataProduct` is `id` (a check running now runs
/// again: `schedule_check` marks it pending).
/// Re-checks every open STAPI order: a product load has ended (`stapi::OnLoaded`), so their
/// diagnostics are published again with what it brought.
pub(crate) fn recheck_search_orders(backend: &Backend) {
    for uri in backend.open_uris() {
        if stapi::is_order(backend, &path_of(&uri)) {
            schedule_check(backend, uri);
        }
    }
}

///
/// A document's product is the one its last check recorded for its current text, else read
/// from its parse: a document whose parse was let go (`state::ParseBudget`) is not parsed
/// again just to ask (100 big orders would hold the runtime for seconds).
pub(crate) fn recheck_product(backend: &Backend, id: &str) {
    for uri in backend.open_uris() {
        let known = backend
            .0
            .documents
            .get(&uri)
            .and_then(|entry| entry.known_product().map(|p| p.map(str::to_string)));
        let product = match known {
            Some(product) => product,
            None => match backend.snapshot(&uri) {
                Some((document, _)) => fetch::document_product(&document),
                None => continue,
            },
        };
        if product.as_deref() == Some(id) {
            // The pass search reads the product too: search this version again.
            backend.0.pass_lenses.remove(&uri);
            schedule_check(backend, uri);
        }
    }
}
