//! IDE features as pure functions over (document, schema store, offset): completion, hover,
//! code actions, document symbols and formatting. No LSP types here: `lsp/` translates.
//!
//! Everything speaks byte offsets and [`TextRange`](crate::document::TextRange)s into the
//! document text; edits are [`Edit`](crate::check::Edit)s, the same type fixes carry.

mod actions;
mod area;
mod completion;
mod docs;
mod format;
mod hover;
mod request;
mod snippet;
mod symbols;

pub use actions::{code_actions, ActionKind, CodeAction};
pub use area::aoi_area_km2;
pub use completion::{completions, completions_at, CompletionItem, CompletionKind};
pub use format::format;
pub use hover::{hover, HoverInfo};
pub use snippet::strip_snippet;
pub use symbols::{symbols, Symbol, SymbolKind};

#[cfg(test)]
mod tests;
