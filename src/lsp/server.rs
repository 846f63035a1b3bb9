//! The backend's state and the `LanguageServer` impl, whose methods are one-liners into the
//! handler modules.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock, RwLock};

use dashmap::DashMap;
use serde_json::Value;
use tower_lsp::jsonrpc::{Error, Result};
use tower_lsp::lsp_types::*;
use tower_lsp::{Client, LanguageServer};

use super::documents::OpenDocument;
use super::provider::{self, ProviderState};
use super::settings::Settings;
use super::{commands, convert, features, sync, COMMANDS};
use crate::cli::GlobalOptions;
use crate::document::{Document, PositionEncoding};
use crate::schema::SchemaStore;

/// Cheap to clone: background tasks hold their own handle.
#[derive(Clone)]
pub struct Backend(pub(super) Arc<State>);

pub(super) struct State {
    pub client: Client,
    pub documents: DashMap<Url, OpenDocument>,
    pub encoding: OnceLock<PositionEncoding>,
    pub settings: RwLock<Settings>,
    pub store: RwLock<Arc<SchemaStore>>,
    /// Flags given on the command line; they win over editor settings.
    pub options: GlobalOptions,
    pub supports_configuration: OnceLock<bool>,
    /// The provider's API and what the commands and background fetches keep.
    pub provider: ProviderState,
    /// The client expands snippets in completion items.
    pub snippets: OnceLock<bool>,
}

impl Backend {
    pub fn new(client: Client, options: GlobalOptions) -> Self {
        let mut settings = Settings::default();
        if options.offline {
            settings.offline = true;
        }
        let store = Arc::new(SchemaStore::bundled());
        Backend(Arc::new(State {
            client,
            documents: DashMap::new(),
            encoding: OnceLock::new(),
            settings: RwLock::new(settings),
            store: RwLock::new(store),
            options,
            supports_configuration: OnceLock::new(),
            provider: ProviderState::default(),
            snippets: OnceLock::new(),
        }))
    }

    pub(super) fn encoding(&self) -> PositionEncoding {
        self.0.encoding.get().copied().unwrap_or_default()
    }

    pub(super) fn store(&self) -> Arc<SchemaStore> {
        self.0
            .store
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    pub(super) fn settings(&self) -> Settings {
        self.0
            .settings
            .read()
            .map(|s| s.clone())
            .unwrap_or_else(|e| e.into_inner().clone())
    }

    /// The parsed current version of an open request document; `None` for documents the
    /// server does not handle.
    pub(super) fn snapshot(&self, uri: &Url) -> Option<(Arc<Document>, i32)> {
        let (version, unparsed) = {
            let entry = self.0.documents.get(uri).filter(|e| e.handled)?;
            (entry.version, entry.unparsed())
        };
        match unparsed {
            Ok(document) => Some((document, version)),
            Err(rope) => {
                let document = Arc::new(Document::new(rope.to_string()));
                if let Some(mut entry) = self.0.documents.get_mut(uri) {
                    entry.store_parsed(version, document.clone());
                }
                Some((document, version))
            }
        }
    }

    /// The schema store for the current settings: bundled, cache, then `schemaDir`.
    pub(super) fn reload_store(&self) {
        let settings = self.settings();
        let options = GlobalOptions {
            schema_dir: self
                .0
                .options
                .schema_dir
                .clone()
                .or(settings.schema_dir.clone()),
            cache_dir: self
                .0
                .options
                .cache_dir
                .clone()
                .or(settings.cache_dir.clone()),
            offline: self.0.options.offline || settings.offline,
            api_url: self.0.options.api_url.clone().or(settings.api_url.clone()),
        };
        let mut store = SchemaStore::bundled();
        crate::schema::cache::load_into(&mut store, options.cache_dir.as_deref());
        if let Some(dir) = &options.schema_dir {
            let (_, errors) = store.load_dir_lenient(dir);
            for error in errors {
                let client = self.0.client.clone();
                tokio::spawn(async move {
                    client
                        .show_message(MessageType::WARNING, error.to_string())
                        .await
                });
            }
        }
        if let Ok(mut current) = self.0.store.write() {
            *current = Arc::new(store);
        }
        let cli = &self.0.options;
        if let Some(problem) = provider::configure(self, cli, &settings) {
            let client = self.0.client.clone();
            tokio::spawn(async move { client.show_message(MessageType::WARNING, problem).await });
        }
    }

    /// `taskingLs/status`: what the server holds, for tests and troubleshooting.
    pub async fn status(&self) -> Result<Value> {
        let documents: Vec<Value> = self
            .0
            .documents
            .iter()
            .filter(|entry| entry.handled)
            .map(|entry| serde_json::json!({"uri": entry.key().as_str(), "version": entry.version}))
            .collect();
        Ok(serde_json::json!({
            "documents": documents,
            "encoding": format!("{:?}", self.encoding()),
            "provider": self.0.provider.status(),
        }))
    }
}

/// Runs a pure request handler so that a bug becomes an error response and a log line, not a
/// dead server.
pub(super) fn guarded<T>(name: &str, handler: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(handler)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        tracing::error!(handler = name, "handler failed: {message}");
        Error {
            code: tower_lsp::jsonrpc::ErrorCode::InternalError,
            message: format!("{name} failed: {message}").into(),
            data: None,
        }
    })
}

#[tower_lsp::async_trait]
impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let encoding = convert::negotiate(offered);
        let _ = self.0.encoding.set(encoding);
        let supports_configuration = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.configuration)
            .unwrap_or(false);
        let _ = self.0.supports_configuration.set(supports_configuration);
        let _ = self
            .0
            .provider
            .caps
            .set(provider::ClientCaps::from_params(&params));
        let snippets = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        let _ = self.0.snippets.set(snippets);
        if let Some(options) = &params.initialization_options {
            if let Ok(mut settings) = self.0.settings.write() {
                settings.merge(options);
            }
        }
        self.reload_store();
        Ok(InitializeResult {
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
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::SOURCE_FIX_ALL,
                            CodeActionKind::REFACTOR_REWRITE,
                        ]),
                        ..Default::default()
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
                    ..Default::default()
                }),
                ..Default::default()
            },
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        sync::pull_configuration(self).await;
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        sync::configuration_changed(self, params).await
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        sync::did_open(self, params)
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        sync::did_change(self, params)
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        sync::did_close(self, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        features::completion(self, params)
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        features::hover(self, params)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        features::code_action(self, params)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        features::document_symbol(self, params)
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        features::formatting(self, params)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        guarded("codeLens", || commands::code_lens(self, params))?
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        commands::execute_command(self, params).await
    }
}
