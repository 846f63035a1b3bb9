//! Hover.
use crate::document::{Document, TextRange};
use crate::schema::SchemaStore;
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverInfo { pub markdown: String, pub range: TextRange }
pub fn hover(_doc: &Document, _store: &SchemaStore, _offset: usize) -> Option<HoverInfo> { None }
