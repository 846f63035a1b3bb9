//! Every conversion between the core's byte offsets and LSP positions, in the negotiated
//! encoding; out-of-range positions are clamped, never trusted.

use tower_lsp_server::ls_types::{self as lsp, Position, PositionEncodingKind};

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
        // The code's entry in the rules reference (LSP 3.16 `codeDescription`).
        code_description: crate::check::rules::url(diagnostic.code)
            .parse()
            .ok()
            .map(|href| lsp::CodeDescription { href }),
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

/// The path `filePatterns` are matched against: the file path for `file:` URIs, else the
/// URI's path.
pub(crate) fn path_of(uri: &lsp::Uri) -> String {
    file_path(uri)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|| uri.path().as_str().to_string())
}

/// The file a `file:` URI names, percent-decoded; `None` for any other scheme (`untitled:`,
/// `vscode-notebook-cell:`...) and for a `file:` URI with a remote host. `ls_types::Uri`'s own
/// `to_file_path` does not look at the scheme (its docs say so), so every handler goes
/// through this one.
pub fn file_path(uri: &lsp::Uri) -> Option<std::path::PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    let host = uri.authority().map(|a| a.host()).unwrap_or_default();
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    uri.to_file_path().map(std::borrow::Cow::into_owned)
}

/// The `file:` URI of a directory, ending in `/` (a watcher's `baseUri`); `None` for a
/// relative path that does not exist.
pub fn directory_uri(path: &std::path::Path) -> Option<lsp::Uri> {
    let uri = lsp::Uri::from_file_path(path)?;
    if uri.as_str().ends_with('/') {
        return Some(uri);
    }
    format!("{}/", uri.as_str()).parse().ok()
}
