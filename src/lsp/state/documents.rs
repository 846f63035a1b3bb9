//! Open documents: the text on a rope, edited in the order changes arrive, with its version,
//! a parsed snapshot made on demand and the diagnostics of the last checked version.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp::lsp_types::{Position, TextDocumentContentChangeEvent};

use crate::check::Diagnostic;
use crate::document::{Document, PositionEncoding};

pub struct OpenDocument {
    pub version: i32,
    rope: Rope,
    parsed: Option<Arc<Document>>,
    /// Diagnostics computed for `version`, if any.
    pub diagnostics: Option<Arc<Vec<Diagnostic>>>,
    /// A check task is running for this document; it re-checks until it has seen the newest version.
    pub checking: bool,
    /// A check was asked for since the running one started (new text, settings or schemas).
    pub pending: bool,
    /// The document matches `filePatterns`; others are kept (the settings may change) but
    /// never checked or answered for.
    pub handled: bool,
}

impl OpenDocument {
    pub fn new(text: &str, version: i32, handled: bool) -> Self {
        OpenDocument {
            version,
            rope: Rope::from_str(text),
            parsed: None,
            diagnostics: None,
            checking: false,
            pending: false,
            handled,
        }
    }

    /// Applies the changes one by one, each against the text the previous one left.
    pub fn apply(
        &mut self,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
        encoding: PositionEncoding,
    ) {
        for change in changes {
            match change.range {
                None => self.rope = Rope::from_str(&change.text),
                Some(range) => {
                    let start = char_index(&self.rope, range.start, encoding);
                    let end = char_index(&self.rope, range.end, encoding).max(start);
                    self.rope.remove(start..end);
                    self.rope.insert(start, &change.text);
                }
            }
        }
        self.version = version;
        self.parsed = None;
        self.diagnostics = None;
    }

    /// What is needed to parse the current version outside the lock: the rope is a cheap clone.
    pub fn unparsed(&self) -> Result<Arc<Document>, Rope> {
        self.parsed.clone().ok_or_else(|| self.rope.clone())
    }

    /// Keeps a parse of `version` unless the text moved on meanwhile.
    pub fn store_parsed(&mut self, version: i32, document: Arc<Document>) {
        if self.version == version && self.parsed.is_none() {
            self.parsed = Some(document);
        }
    }

    #[cfg(test)]
    pub fn text(&self) -> String {
        self.rope.to_string()
    }
}

/// The char index of an LSP position; a line past the end gives the end of the text and a
/// column past the end of its line gives the end of that line's content.
fn char_index(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let line_text = rope.line(line);
    let mut content_len = line_text.len_chars();
    for terminator in ["\r\n", "\n", "\r"] {
        let n = terminator.chars().count();
        if content_len >= n && line_text.slice(content_len - n..content_len) == terminator {
            content_len -= n;
            break;
        }
    }
    let line_end = line_start + content_len;
    let column = position.character as usize;
    let target = match encoding {
        PositionEncoding::Utf32 => line_start + column,
        PositionEncoding::Utf16 => {
            let start_units = rope.char_to_utf16_cu(line_start);
            let end_units = rope.char_to_utf16_cu(line_end);
            if start_units + column >= end_units {
                line_end
            } else {
                rope.utf16_cu_to_char(start_units + column)
            }
        }
        PositionEncoding::Utf8 => {
            let start_byte = rope.char_to_byte(line_start);
            let end_byte = rope.char_to_byte(line_end);
            if start_byte + column >= end_byte {
                line_end
            } else {
                rope.byte_to_char(start_byte + column)
            }
        }
    };
    target.min(line_end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp::lsp_types::Range;

    fn change(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position::new(start.0, start.1),
                end: Position::new(end.0, end.1),
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn utf16_columns_after_emoji_and_crlf() {
        let mut doc = OpenDocument::new("{\r\n  \"a\": \"😀x\"\r\n}", 1, true);
        // Line 1 is `  "a": "😀x"`; the emoji is two UTF-16 units, so `x` is at column 10.
        doc.apply(
            vec![change((1, 10), (1, 11), "y")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "{\r\n  \"a\": \"😀y\"\r\n}");
        // In UTF-8 the emoji is four bytes, so the `y` is at column 12.
        doc.apply(
            vec![change((1, 12), (1, 13), "w")],
            3,
            PositionEncoding::Utf8,
        );
        assert_eq!(doc.text(), "{\r\n  \"a\": \"😀w\"\r\n}");
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let mut doc = OpenDocument::new("ab\ncd", 1, true);
        doc.apply(
            vec![change((0, 99), (0, 99), "!")],
            2,
            PositionEncoding::Utf16,
        );
        doc.apply(
            vec![change((9, 0), (9, 0), "?")],
            3,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "ab!\ncd?");
        assert_eq!(doc.version, 3);
    }

    #[test]
    fn changes_apply_in_order_against_the_previous_result() {
        let mut doc = OpenDocument::new("abc", 1, true);
        doc.apply(
            vec![change((0, 0), (0, 1), "X"), change((0, 1), (0, 2), "Y")],
            2,
            PositionEncoding::Utf16,
        );
        assert_eq!(doc.text(), "XYc");
    }
}
