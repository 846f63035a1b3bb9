//! IDE features as pure functions over (document, schema store, offset): completion, hover,
//! code actions, document symbols and formatting. No LSP types here: `lsp/` translates.
