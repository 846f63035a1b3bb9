//! Every conversion between the core's byte offsets and LSP positions, in the negotiated
//! encoding; out-of-range positions are clamped, never trusted.

use tower_lsp::lsp_types::{self as lsp, Position, PositionEncodingKind};

use crate::check::{self, Diagnostic, Severity};
use crate::document::{Document, LineCol, PositionEncoding, TextRange};

pub fn encoding_kind(encoding: PositionEncoding) -> PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => PositionEncodingKind::UTF32,
    }
}

/// UTF-8 when the client offers it (no conversion at all), else UTF-16, which every client has.
pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> PositionEncoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

pub fn offset(doc: &Document, position: Position, encoding: PositionEncoding) -> usize {
    doc.line_index()
        .offset(
            LineCol {
                line: position.line,
                col: position.character,
            },
            encoding,
        )
        .min(doc.text().len())
}

pub fn position(doc: &Document, offset: usize, encoding: PositionEncoding) -> Position {
    let at = doc
        .line_index()
        .line_col(offset.min(doc.text().len()), encoding);
    Position {
        line: at.line,
        character: at.col,
    }
}

pub fn range(doc: &Document, range: TextRange, encoding: PositionEncoding) -> lsp::Range {
    lsp::Range {
        start: position(doc, range.start as usize, encoding),
        end: position(doc, range.end as usize, encoding),
    }
}

/// A byte range from an LSP range; an end before the start is treated as the start.
pub fn text_range(doc: &Document, range: lsp::Range, encoding: PositionEncoding) -> TextRange {
    let start = offset(doc, range.start, encoding);
    let end = offset(doc, range.end, encoding).max(start);
    TextRange::new(start, end)
}

pub fn diagnostic(
    doc: &Document,
    diagnostic: &Diagnostic,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range: range(doc, diagnostic.range, encoding),
        severity: Some(match diagnostic.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(
            diagnostic.code.as_str().to_string(),
        )),
        source: Some("tasking-ls".to_string()),
        message: diagnostic.message.clone(),
        ..Default::default()
    }
}

pub fn text_edit(doc: &Document, edit: &check::Edit, encoding: PositionEncoding) -> lsp::TextEdit {
    lsp::TextEdit {
        range: range(doc, edit.range, encoding),
        new_text: edit.new_text.clone(),
    }
}
