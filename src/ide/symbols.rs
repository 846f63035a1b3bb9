//! Symbols.
use crate::document::{Document, TextRange};
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind { Object }
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol { pub name: String, pub detail: Option<String>, pub kind: SymbolKind, pub range: TextRange, pub selection_range: TextRange, pub children: Vec<Symbol> }
pub fn symbols(_doc: &Document) -> Vec<Symbol> { vec![] }
