//! The session's life: `initialize` (capabilities, position encoding, client features,
//! `initializationOptions`), and the configuration (`workspace/configuration` pulled after
//! `initialized`, `workspace/didChangeConfiguration`): settings merged, the schema store and
//! the provider's API rebuilt, every open document re-checked.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::analysis::recheck_all;
use super::convert;
use super::state::{Backend, ClientCaps, EditorCaps};
use super::COMMANDS;
use crate::config::{GlobalOptions, LoadedConfig, CONFIG_FILE_NAME};
use crate::schema::SchemaStore;

/// The first workspace folder (or the root), where the configuration file is looked for.
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    #[allow(deprecated)] // root_uri: clients without workspace folders still send it.
    params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| folder.uri.clone())
        .or_else(|| params.root_uri.clone())
        .and_then(|uri| super::convert::file_path(&uri))
}

/// The configuration file: `--config`, else the nearest `tasking-ls.toml` in `root` or a
/// parent; `Ok(None)` when there is none.
///
/// # Errors
/// The located message of a file that cannot be read or is not a valid configuration.
fn find_config(
    backend: &Backend,
    root: Option<&Path>,
) -> std::result::Result<Option<LoadedConfig>, String> {
    let Some(path) = backend
        .0
        .options
        .config
        .clone()
        .or_else(|| root.and_then(crate::config::file::discover))
    else {
        return Ok(None);
    };
    crate::config::file::load(&path).map(Some)
}

pub(crate) fn initialize(backend: &Backend, params: InitializeParams) -> Result<InitializeResult> {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref());
    let encoding = convert::negotiate(offered);
    let _ = backend.0.encoding.set(encoding);
    let supports_configuration = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.configuration)
        .unwrap_or(false);
    let _ = backend.0.supports_configuration.set(supports_configuration);
    let _ = backend
        .0
        .provider
        .caps
        .set(ClientCaps::from_params(&params));
    let snippets = params
        .capabilities
        .text_document
        .as_ref()
        .and_then(|t| t.completion.as_ref())
        .and_then(|c| c.completion_item.as_ref())
        .and_then(|i| i.snippet_support)
        .unwrap_or(false);
    let _ = backend.0.snippets.set(snippets);
    let _ = backend.0.editor.set(EditorCaps::from_params(&params));
    let root = workspace_root(&params);
    // A broken file at start is logged and left out; a later edit is re-read (see
    // `watched_files_changed`).
    let config = find_config(backend, root.as_deref()).unwrap_or_else(|message| {
        tracing::warn!("configuration file ignored: {message}");
        None
    });
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let _ = backend.0.watch_config.set(watch);
    if let Ok(mut settings) = backend.0.settings.write() {
        settings.set_config_root(root);
        settings.set_config(config);
        if let Some(options) = &params.initialization_options {
            settings.merge(options);
        }
    }
    reload_store(backend);
    Ok(InitializeResult {
        // clangd's pre-3.17 `offsetEncoding`: `position_encoding` above says it the standard way.
        offset_encoding: None,
        server_info: Some(ServerInfo {
            name: "tasking-ls".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
        capabilities: ServerCapabilities {
            position_encoding: Some(convert::encoding_kind(encoding)),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                },
            )),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec!["\"".into(), ":".into()]),
                ..Default::default()
            }),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::SOURCE_FIX_ALL,
                    CodeActionKind::REFACTOR_REWRITE,
                ]),
                ..Default::default()
            })),
            document_symbol_provider: Some(OneOf::Left(true)),
            document_formatting_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some("tasking-ls".into()),
                // A request's diagnostics depend on its own text and the product schemas only.
                inter_file_dependencies: false,
                workspace_diagnostics: false,
                ..Default::default()
            })),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
            inlay_hint_provider: Some(OneOf::Left(true)),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
                ..Default::default()
            }),
            ..Default::default()
        },
    })
}

/// After `initialized`: asks the client to watch the configuration files (when it can
/// register watchers dynamically), then pulls the settings.
pub(crate) async fn initialized(backend: &Backend) {
    if backend.0.watch_config.get().copied().unwrap_or(false) {
        register_config_watchers(backend).await;
    }
    pull_configuration(backend).await;
}

/// `client/registerCapability` for `workspace/didChangeWatchedFiles`: every
/// `tasking-ls.toml` in the workspace, and the `--config` file wherever it is.
async fn register_config_watchers(backend: &Backend) {
    let mut watchers = vec![FileSystemWatcher {
        glob_pattern: GlobPattern::String(format!("**/{CONFIG_FILE_NAME}")),
        kind: None,
    }];
    let named = backend
        .0
        .options
        .config
        .as_deref()
        .and_then(|p| std::path::absolute(p).ok());
    if let Some(path) = named {
        if let (Some(folder), Some(name)) = (path.parent(), path.file_name()) {
            if let Some(base) = super::convert::directory_uri(folder) {
                watchers.push(FileSystemWatcher {
                    glob_pattern: GlobPattern::Relative(RelativePattern {
                        base_uri: OneOf::Right(base),
                        pattern: name.to_string_lossy().into_owned(),
                    }),
                    kind: None,
                });
            }
        }
    }
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    let registration = Registration {
        id: "tasking-ls.toml".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    };
    if let Err(error) = backend
        .0
        .client
        .register_capability(vec![registration])
        .await
    {
        tracing::warn!("cannot watch the configuration file: {error}");
    }
}

/// `workspace/didChangeWatchedFiles`: a `tasking-ls.toml` (or the `--config` file) was
/// created, changed or deleted: look for the configuration again, put it under the editor's
/// settings, rebuild the schema store and the API, and re-check every open document. A file
/// that no longer parses is shown as a warning and the configuration in force stays.
pub(crate) async fn watched_files_changed(backend: &Backend, params: DidChangeWatchedFilesParams) {
    let named = backend
        .0
        .options
        .config
        .as_deref()
        .and_then(|p| std::path::absolute(p).ok());
    let relevant = params.changes.iter().any(|change| {
        super::convert::file_path(&change.uri).is_some_and(|path| {
            path.file_name().is_some_and(|n| n == CONFIG_FILE_NAME)
                || named.as_deref() == Some(path.as_path())
        })
    });
    if !relevant {
        return;
    }
    let root = backend.settings().config_root().map(Path::to_path_buf);
    match find_config(backend, root.as_deref()) {
        Ok(config) => {
            tracing::info!(
                file = ?config.as_ref().map(|c| c.path.display().to_string()),
                "configuration file re-read"
            );
            if let Ok(mut settings) = backend.0.settings.write() {
                settings.set_config(config);
            }
        }
        Err(message) => {
            tracing::warn!("configuration file not re-read: {message}");
            let client = backend.0.client.clone();
            let text = format!(
                "tasking-ls: {message}; the configuration in force stays until the file is fixed"
            );
            tokio::spawn(async move { client.show_message(MessageType::WARNING, text).await });
            return;
        }
    }
    reload_store(backend);
    recheck_all(backend);
    refresh_inlay_hints(backend);
}

/// Reads the `taskingLs` section when the client offers `workspace/configuration`.
pub(crate) async fn pull_configuration(backend: &Backend) {
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
            reload_store(backend);
            recheck_all(backend);
            refresh_inlay_hints(backend);
        }
        Err(error) => tracing::warn!("workspace/configuration failed: {error}"),
    }
}

pub(crate) async fn configuration_changed(backend: &Backend, params: DidChangeConfigurationParams) {
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
        reload_store(backend);
        recheck_all(backend);
        refresh_inlay_hints(backend);
    }
}

/// Asks the client to re-query inlay hints: the `inlayHints.*` settings or the schemas
/// (product titles) may have changed.
fn refresh_inlay_hints(backend: &Backend) {
    if backend.editor().inlay_hint_refresh {
        let client = backend.0.client.clone();
        tokio::spawn(async move { client.inlay_hint_refresh().await });
    }
}

/// The schema store for the current settings: bundled, cache, then `schemaDir`.
pub(crate) fn reload_store(backend: &Backend) {
    let settings = backend.settings();
    let options = GlobalOptions {
        schema_dir: backend
            .0
            .options
            .schema_dir
            .clone()
            .or(settings.schema_dir.clone()),
        cache_dir: backend
            .0
            .options
            .cache_dir
            .clone()
            .or(settings.cache_dir.clone()),
        offline: backend.0.options.offline || settings.offline,
        api_url: backend
            .0
            .options
            .api_url
            .clone()
            .or(settings.api_url.clone()),
        config: backend.0.options.config.clone(),
        credentials: backend.0.options.credentials.clone(),
    };
    let mut store = SchemaStore::bundled();
    crate::schema::cache::load_into(&mut store, options.cache_dir.as_deref());
    if let Some(dir) = &options.schema_dir {
        let (_, errors) = store.load_dir_lenient(dir);
        for error in errors {
            let client = backend.0.client.clone();
            tokio::spawn(async move {
                client
                    .show_message(MessageType::WARNING, error.to_string())
                    .await
            });
        }
    }
    if let Ok(mut current) = backend.0.store.write() {
        *current = Arc::new(store);
    }
    let cli = &backend.0.options;
    if let Some(problem) = backend.0.provider.configure(cli, &settings) {
        let client = backend.0.client.clone();
        tokio::spawn(async move { client.show_message(MessageType::WARNING, problem).await });
    }
}
