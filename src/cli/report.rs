//! The report model of `validate`: one [`FileResult`] per checked file (its diagnostics, the
//! text they point into, what `--fix` did), made by [`check_bytes`]. `validate` builds it, the
//! formats (`format/`) print it and `fix` fills in [`FixOutcome`]; none of them imports another
//! for it.

use crate::check::{check_document, CheckOptions, Code, Diagnostic};
use crate::document::{Document, LineIndex, TextRange};

/// One checked file.
pub struct FileResult {
    /// The path as given or found; the `--stdin-filename` (or `-`) for stdin.
    pub path: String,
    /// The text and line index, kept only when there is something to report on them.
    pub(super) source: Option<(String, LineIndex)>,
    pub diagnostics: Vec<Diagnostic>,
    /// With `--fix`/`--diff`: the text after the fixes, when it differs, and how many
    /// diagnostics the fixes removed.
    pub fixed: Option<FixOutcome>,
    /// Standard input's bytes as read, kept under `--fix` (echoed when nothing changes).
    pub(super) stdin: Option<Vec<u8>>,
    /// Warnings fail the run for this file (`--strict` or its configuration's `strict`).
    pub strict: bool,
}

/// What the fixes did to one file.
pub struct FixOutcome {
    pub original: String,
    pub fixed: String,
    pub fixed_count: usize,
}

impl FileResult {
    pub(super) fn new(path: String, document: Document, diagnostics: Vec<Diagnostic>) -> Self {
        // Thousands of clean files need not keep their trees and texts until the report.
        let source = (!diagnostics.is_empty()).then(|| document.into_text_and_index());
        FileResult {
            path,
            source,
            diagnostics,
            fixed: None,
            stdin: None,
            strict: false,
        }
    }

    pub fn text(&self) -> &str {
        self.source.as_ref().map_or("", |(text, _)| text)
    }

    pub fn line_index(&self) -> &LineIndex {
        static EMPTY: std::sync::OnceLock<LineIndex> = std::sync::OnceLock::new();
        self.source.as_ref().map_or_else(
            || EMPTY.get_or_init(|| LineIndex::new("")),
            |(_, index)| index,
        )
    }
}

/// Checks a file's bytes; text that is not UTF-8 is reported at the first bad byte.
pub fn check_bytes(path: String, bytes: Vec<u8>, options: &CheckOptions<'_>) -> FileResult {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let document = Document::new(text);
            let diagnostics = check_document(&document, options);
            FileResult::new(path, document, diagnostics)
        }
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let bad_byte = error.as_bytes()[valid_up_to];
            let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
            // The lossy text has the same bytes up to the first invalid one.
            let document = Document::new(text);
            let at = valid_up_to.min(document.text().len());
            let end = document.text()[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8());
            let diagnostic = Diagnostic::new(
                Code::Syntax,
                TextRange::new(at, end),
                format!("the file is not UTF-8 text (byte 0x{bad_byte:02X} at offset {valid_up_to}); JSON must be UTF-8"),
            );
            FileResult::new(path, document, vec![diagnostic])
        }
    }
}
