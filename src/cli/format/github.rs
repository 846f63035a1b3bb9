//! `--format github`: GitHub Actions workflow commands, so findings show on the pull request.
//! Every value is escaped twice over: control characters become visible `\u{..}` escapes
//! (the log renders ANSI sequences), then the workflow-command escapes apply, so that a
//! newline in a file name or a value cannot start a forged `::error` line.

use std::io::{self, Write};

use super::escape::control;
use super::{span, Report};
use crate::check::Severity;
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

pub(super) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    for file in report.files {
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
            writeln!(
                out,
                "::{command} file={},{position},title={}::{}",
                escape_property(&file.path),
                escape_property(diagnostic.code.as_str()),
                escape_data(&diagnostic.message)
            )?;
        }
    }
    Ok(())
}
