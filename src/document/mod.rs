//! The document model: text, line index, position encodings and the error-tolerant JSON tree.

mod incremental;
mod line_index;
mod lookup;
mod parser;
mod tree;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;

pub use incremental::ByteEdit;
pub use line_index::{LineCol, LineIndex, PositionEncoding};
pub use lookup::{CursorContext, PathSegment};
pub use parser::parse;
pub use tree::{Key, Member, Node, NodeKind, ParsedJson, SyntaxError, TextRange};

/// One order request file: its text, its line index and its parsed tree.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    /// Built on first use: a clean file in a `validate` run never needs positions.
    line_index: std::sync::OnceLock<LineIndex>,
    parsed: ParsedJson,
}

impl Document {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let parsed = parse(&text);
        Document {
            text,
            line_index: std::sync::OnceLock::new(),
            parsed,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The root value, absent only when the text holds no value at all.
    pub fn root(&self) -> Option<&Node> {
        self.parsed.root.as_ref()
    }

    pub fn syntax_errors(&self) -> &[SyntaxError] {
        &self.parsed.errors
    }

    /// The text and its line index without the tree, for reports that outlive the checks.
    pub fn into_text_and_index(self) -> (String, LineIndex) {
        let index = self
            .line_index
            .into_inner()
            .unwrap_or_else(|| LineIndex::new(&self.text));
        (self.text, index)
    }

    /// The text a range covers.
    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range.start as usize..range.end as usize]
    }
}
