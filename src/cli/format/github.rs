//! `--format github`: GitHub Actions workflow commands, so findings show on the pull request.
//! Every value is escaped twice over: control characters become visible `\u{..}` escapes
//! (the log renders ANSI sequences), then the workflow-command escapes apply, so that a
//! newline in a file name or a value cannot start a forged `::error` line.

use std::io::Write;

use super::escape::control;
use super::span;
use crate::check::Severity;
use crate::cli::report::FileResult;
use crate::document::PositionEncoding;

/// Workflow-command properties and messages escape `%`, CR and LF (and `:`/`,` in properties).
fn escape_data(text: &str) -> String {
    control(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Appends `file`'s findings to `out`, a workflow command a line.
pub(super) fn file(out: &mut Vec<u8>, file: &FileResult) {
    for diagnostic in &file.diagnostics {
        let (start, end) = span(file, diagnostic.range, PositionEncoding::Utf32);
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut position = format!("line={},col={}", start.line + 1, start.col + 1);
        if end.line == start.line {
            position.push_str(&format!(",endColumn={}", end.col + 1));
        } else {
            position.push_str(&format!(
                ",endLine={},endColumn={}",
                end.line + 1,
                end.col + 1
            ));
        }
        // Writing to a `Vec` cannot fail.
        let _ = writeln!(
            out,
            "::{command} file={},{position},title={}::{}",
            escape_property(&file.path),
            escape_property(diagnostic.code.as_str()),
            escape_data(&diagnostic.message)
        );
    }
}
