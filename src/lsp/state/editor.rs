//! What the client can do with the editor features (pull diagnostics, refresh requests,
//! folding-range options), read once from `initialize`, and what pull diagnostics remember.

use tower_lsp_server::ls_types::{InitializeParams, MarkupKind};

/// The client's capabilities for diagnostics, inlay hints and folding ranges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct EditorCaps {
    /// The client asks for diagnostics (`textDocument/diagnostic`, LSP 3.17): the server then
    /// never pushes them, or the client would list each problem twice (pushed and pulled
    /// diagnostics are separate collections in VS Code's client).
    pub pull_diagnostics: bool,
    /// `workspace/diagnostic/refresh`: the client re-pulls when told results changed.
    pub diagnostic_refresh: bool,
    /// `workspace/inlayHint/refresh`: the client re-asks for hints after a settings change.
    pub inlay_hint_refresh: bool,
    /// The client shows a folding range's `collapsedText`.
    pub folding_collapsed_text: bool,
    /// The client folds whole lines only (`startCharacter`/`endCharacter` are ignored).
    pub folding_line_only: bool,
    /// The most folding ranges the client wants per document.
    pub folding_range_limit: Option<u32>,
    /// The client renders Markdown hovers (`hover.contentFormat` names it, or says nothing):
    /// else hovers are plain text, without the AOI thumbnail.
    pub hover_markdown: bool,
    /// The client declared `hierarchicalDocumentSymbolSupport`; without it the outline is
    /// answered as flat `SymbolInformation[]` (LSP 3.17, textDocument/documentSymbol).
    pub hierarchical_symbols: bool,
}

impl EditorCaps {
    pub fn from_params(params: &InitializeParams) -> EditorCaps {
        let caps = &params.capabilities;
        let text = caps.text_document.as_ref();
        let workspace = caps.workspace.as_ref();
        let folding = text.and_then(|t| t.folding_range.as_ref());
        EditorCaps {
            pull_diagnostics: text.and_then(|t| t.diagnostic.as_ref()).is_some(),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            inlay_hint_refresh: workspace
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|i| i.refresh_support)
                .unwrap_or(false),
            folding_collapsed_text: folding
                .and_then(|f| f.folding_range.as_ref())
                .and_then(|f| f.collapsed_text)
                .unwrap_or(false),
            folding_line_only: folding.and_then(|f| f.line_folding_only).unwrap_or(false),
            folding_range_limit: folding.and_then(|f| f.range_limit),
            hover_markdown: text
                .and_then(|t| t.hover.as_ref())
                .and_then(|h| h.content_format.as_ref())
                .is_none_or(|formats| formats.contains(&MarkupKind::Markdown)),
            hierarchical_symbols: text
                .and_then(|t| t.document_symbol.as_ref())
                .and_then(|d| d.hierarchical_document_symbol_support)
                .unwrap_or(false),
        }
    }
}
