//! `--format json`: one array of findings; 0-based lines, UTF-16 characters, as LSP counts
//! them; each finding carries its fixes (title, whether `--fix` applies it, and the edits;
//! a fix too costly to compute for a report has `"deferred": true` and no edits: `--fix`
//! computes it).

use std::io::{self, Write};

use serde_json::json;

use super::{fixes_json, span, Report};
use crate::document::PositionEncoding;

pub(super) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let mut findings = Vec::new();
    for file in report.files {
        for diagnostic in &file.diagnostics {
            let (start, end) = span(file, diagnostic.range, PositionEncoding::Utf16);
            findings.push(json!({
                "file": file.path,
                "range": {
                    "start": {"line": start.line, "character": start.col},
                    "end": {"line": end.line, "character": end.col},
                },
                "severity": diagnostic.severity.as_str(),
                "code": diagnostic.code.as_str(),
                "message": diagnostic.message,
                "fixes": fixes_json(file, diagnostic),
            }));
        }
    }
    serde_json::to_writer_pretty(&mut *out, &findings)?;
    writeln!(out)
}
