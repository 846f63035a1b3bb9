//! Format.
use crate::document::Document;
pub fn format(_doc: &Document) -> Option<String> { None }
