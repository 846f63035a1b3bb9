//! IDE features as pure functions over (document, schema store, offset): completion, hover
//! (also of search-style orders, from their product's schemas: `search`), code actions,
//! document symbols, formatting, folding and selection ranges, inlay hints. No LSP types
//! here: `lsp/` translates.
//!
//! Everything speaks byte offsets and [`TextRange`](crate::document::TextRange)s into the
//! document text; edits are [`Edit`](crate::check::Edit)s, the same type fixes carry.

mod actions;
pub(crate) mod area;
mod completion;
mod docs;
mod folding;
mod format;
mod hover;
mod inlay;
mod paste;
mod request;
mod search;
mod selection;
mod snippet;
mod symbols;
pub(crate) mod window;

pub use actions::{code_actions, ActionKind, CodeAction};
pub use area::aoi_area_km2;
pub use completion::{completions, completions_at, CompletionItem, CompletionKind};
pub use folding::{folding_ranges, Fold, FoldKind, LONG_COORDINATE_LIST};
pub use format::format;
pub use hover::{hover, HoverInfo};
pub use inlay::{inlay_hints, InlayHint, InlayHintKind, InlayHintOptions};
pub use search::{
    operator_markdown, search_completions, search_completions_at, search_hover, set_window_actions,
    set_window_edit, short_interval, WindowChoice,
};
pub use selection::selection_ranges;
pub use snippet::strip_snippet;
pub use symbols::{symbols, Symbol, SymbolKind};

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
