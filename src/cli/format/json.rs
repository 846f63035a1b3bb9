//! `--format json`: one array of findings; 0-based lines, UTF-16 characters, as LSP counts
//! them; each finding carries its fixes (title, whether `--fix` applies it, and the edits;
//! a fix too costly to compute for a report has `"deferred": true` and no edits: `--fix`
//! computes it).

use serde::Serialize;

use super::span;
use crate::cli::report::FileResult;
use crate::document::{LineCol, PositionEncoding};

/// Appends `file`'s findings to `out` as elements of the report's array (see
/// [`super::FilePart`]). Borrowed rows are serialized straight to bytes: no
/// `serde_json::Value` per finding (a map per object), which was 6% of `validate`'s
/// instructions on 1,000 orders.
pub(super) fn file(out: &mut Vec<u8>, file: &FileResult) {
    let findings: Vec<Finding<'_>> = file
        .diagnostics
        .iter()
        .map(|diagnostic| Finding {
            file: &file.path,
            range: Range::of(file, diagnostic.range),
            severity: diagnostic.severity.as_str(),
            code: diagnostic.code.as_str(),
            message: &diagnostic.message,
            fixes: diagnostic
                .fixes
                .iter()
                .map(|fix| FixRow {
                    title: &fix.title,
                    preferred: fix.preferred && !fix.deferred,
                    deferred: fix.deferred.then_some(true),
                    edits: if fix.deferred {
                        Vec::new()
                    } else {
                        fix.edits
                            .iter()
                            .map(|edit| EditRow {
                                range: Range::of(file, edit.range),
                                new_text: &edit.new_text,
                            })
                            .collect()
                    },
                })
                .collect(),
        })
        .collect();
    // Structs of strings, numbers and booleans: serializing them cannot fail.
    let _ = super::array_elements(out, &findings, 0);
}

/// One finding: its file, range, severity, code, message and fixes, in this key order.
#[derive(Serialize)]
struct Finding<'a> {
    file: &'a str,
    range: Range,
    severity: &'a str,
    code: &'a str,
    message: &'a str,
    fixes: Vec<FixRow<'a>>,
}

/// A fix: `deferred` is written only for a fix `--fix` computes later (then no edits).
#[derive(Serialize)]
struct FixRow<'a> {
    title: &'a str,
    preferred: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    deferred: Option<bool>,
    edits: Vec<EditRow<'a>>,
}

#[derive(Serialize)]
struct EditRow<'a> {
    range: Range,
    #[serde(rename = "newText")]
    new_text: &'a str,
}

/// 0-based line and UTF-16 character, as LSP's `Range`.
#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: u32,
    character: u32,
}

impl Range {
    fn of(file: &FileResult, range: crate::document::TextRange) -> Range {
        let (start, end) = span(file, range, PositionEncoding::Utf16);
        let position = |at: LineCol| Position {
            line: at.line,
            character: at.col,
        };
        Range {
            start: position(start),
            end: position(end),
        }
    }
}
