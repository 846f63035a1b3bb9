//! The document model: text, line index, position encodings and the error-tolerant JSON tree.

use std::sync::{Arc, OnceLock};

mod incremental;
mod line_index;
mod lookup;
mod parser;
mod tree;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;

pub use incremental::{ByteEdit, ChangedSpan};
pub use line_index::{LineCol, LineIndex, PositionEncoding};
pub use lookup::{CursorContext, PathSegment};
pub use parser::{parse, BOM_MESSAGE, LINE_BREAK_IN_STRING_MESSAGE};
pub use tree::{
    item_of, member_of, ArrayItems, Item, Items, ItemsIter, Key, Member, Node, NodeKind,
    NumberPair, ParsedJson, Positions, SyntaxError, TextRange,
};

/// One order request file: its text, its line index and its parsed tree.
///
/// The text is shared (`Arc`): the language server keeps one copy of an open document's text,
/// in its parse, instead of one in an editing buffer and another in the parse.
#[derive(Debug, Clone)]
pub struct Document {
    text: Arc<String>,
    /// Built on first use: a clean file in a `validate` run never needs positions.
    line_index: OnceLock<Arc<LineIndex>>,
    parsed: ParsedJson,
}

impl Document {
    pub fn new(text: impl Into<String>) -> Self {
        Document::from_shared(Arc::new(text.into()))
    }

    /// A document of a shared text (parsed in full).
    pub fn from_shared(text: Arc<String>) -> Self {
        let parsed = parse(&text);
        Document {
            text,
            line_index: OnceLock::new(),
            parsed,
        }
    }

    /// The shared text, for a holder that edits it later (see [`Document::into_parts`]).
    pub fn shared_text(&self) -> &Arc<String> {
        &self.text
    }

    /// Uses `index` as the line index (it must be the index of this document's text).
    pub fn with_line_index(self, index: Arc<LineIndex>) -> Self {
        debug_assert_eq!(index.len(), self.text.len());
        let line_index = OnceLock::new();
        let _ = line_index.set(index);
        Document { line_index, ..self }
    }

    /// The line index, shared (built now if it was not yet).
    pub fn shared_line_index(&self) -> &Arc<LineIndex> {
        self.line_index
            .get_or_init(|| Arc::new(LineIndex::new(&self.text)))
    }

    /// The tree (root and syntax errors).
    pub fn tree(&self) -> &ParsedJson {
        &self.parsed
    }

    /// The tree, without the text: what an incremental re-parse of the next text starts from
    /// (see [`Document::reparsed`]).
    pub fn into_tree(self) -> ParsedJson {
        self.parsed
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn line_index(&self) -> &LineIndex {
        self.shared_line_index()
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
            .map(|index| Arc::try_unwrap(index).unwrap_or_else(|shared| (*shared).clone()))
            .unwrap_or_else(|| LineIndex::new(&self.text));
        let text = Arc::try_unwrap(self.text).unwrap_or_else(|shared| (*shared).clone());
        (text, index)
    }

    /// The text a range covers.
    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range.start as usize..range.end as usize]
    }

    /// The same document with every ring stored packed ([`Items::Positions`]) stored as
    /// nodes instead ([`Items::Flat`] of packed pairs, which no parse gives now), as the tree
    /// held them before the packed store existed. For the differential test that readers
    /// cannot tell the two apart (`tests/it/packed_positions.rs`); nothing else uses it, and
    /// an edit of the result ([`Document::edited`]) would mix the two stores.
    #[doc(hidden)]
    pub fn with_positions_unpacked(&self) -> Document {
        fn unpack(node: &mut Node) {
            match &mut node.kind {
                NodeKind::Object(members) => members
                    .iter_mut()
                    .filter_map(|m| m.value.as_mut())
                    .for_each(unpack),
                NodeKind::Array(Items::Positions(positions)) => {
                    let nodes = (0..positions.len())
                        .filter_map(|i| positions.node(i))
                        .collect();
                    node.kind = NodeKind::Array(Items::Flat(nodes));
                }
                NodeKind::Array(Items::Nodes(items) | Items::Flat(items)) => {
                    items.iter_mut().for_each(unpack)
                }
                _ => {}
            }
        }
        let mut parsed = self.parsed.clone();
        if let Some(root) = &mut parsed.root {
            unpack(root);
        }
        Document {
            text: Arc::clone(&self.text),
            line_index: OnceLock::new(),
            parsed,
        }
    }

    /// The document's line ending, `"\r\n"` or `"\n"`: the first line break's, as ruff's
    /// `LineEnding::from_contents` decides; `"\n"` for a text without one. Text inserted by
    /// fixes, actions and formatting uses it, so that a CRLF file never gets a bare LF.
    pub fn line_ending(&self) -> &'static str {
        line_ending_of(&self.text)
    }
}

/// The line ending of `text`: its first line break's (`"\r\n"` or `"\n"`), else `"\n"`.
pub fn line_ending_of(text: &str) -> &'static str {
    match text.find('\n') {
        Some(at) if at > 0 && text.as_bytes()[at - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// `text` with each line break (`\r\n` or a bare `\n`) written as `ending`; a lone `\r` is
/// left alone (it is no JSON whitespace a fix would produce). Borrowed when nothing changes.
pub fn with_line_ending<'a>(text: &'a str, ending: &str) -> std::borrow::Cow<'a, str> {
    let needs = if ending == "\r\n" {
        text.bytes()
            .enumerate()
            .any(|(i, b)| b == b'\n' && (i == 0 || text.as_bytes()[i - 1] != b'\r'))
    } else {
        text.contains("\r\n")
    };
    if !needs {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut rest = text;
    while let Some(at) = rest.find('\n') {
        let line = rest[..at].strip_suffix('\r').unwrap_or(&rest[..at]);
        out.push_str(line);
        out.push_str(ending);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}
