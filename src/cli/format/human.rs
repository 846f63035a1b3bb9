//! `--format human`: rustc/ruff-style findings with the source line underlined, and a summary.

use std::io::{self, IsTerminal, Write};

use super::{span, Report};
use crate::check::Severity;
use crate::document::PositionEncoding;

pub(super) fn use_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal()
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

pub(super) fn write(out: &mut dyn Write, report: &Report<'_>, color: bool) -> io::Result<()> {
    let style = Style { color };
    let (mut errors, mut warnings, mut files_with_findings) = (0usize, 0usize, 0usize);
    for file in report.files {
        if !file.diagnostics.is_empty() {
            files_with_findings += 1;
        }
        for diagnostic in &file.diagnostics {
            let (start, end) = span(file, diagnostic.range, PositionEncoding::Utf32);
            let (severity, paint) = match diagnostic.severity {
                Severity::Error => {
                    errors += 1;
                    ("error", "1;31")
                }
                Severity::Warning => {
                    warnings += 1;
                    ("warning", "1;33")
                }
            };
            writeln!(
                out,
                "{}:{}:{}: {}: {}",
                style.paint("1", &file.path),
                start.line + 1,
                start.col + 1,
                style.paint(paint, &format!("{severity}[{}]", diagnostic.code)),
                diagnostic.message
            )?;
            let index = file.line_index();
            let line_range = index.line_range(start.line as usize);
            let source = &file.text()[line_range];
            // Tabs would shift the caret; show them as single spaces.
            let source: String = source
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let width = source.chars().count() as u32;
            let caret_start = start.col.min(width);
            let caret_end = if end.line == start.line {
                end.col.min(width)
            } else {
                width
            };
            let carets = (caret_end.saturating_sub(caret_start)).max(1) as usize;
            let gutter = (start.line + 1).to_string();
            let pad = " ".repeat(gutter.len());
            writeln!(out, "{pad} {}", style.paint("34", "|"))?;
            writeln!(
                out,
                "{} {} {source}",
                style.paint("34", &gutter),
                style.paint("34", "|")
            )?;
            writeln!(
                out,
                "{pad} {} {}{}",
                style.paint("34", "|"),
                " ".repeat(caret_start as usize),
                style.paint(paint, &"^".repeat(carets))
            )?;
            for fix in diagnostic.fixes.iter().filter(|f| f.preferred).take(1) {
                writeln!(
                    out,
                    "{pad} {} fix available: {}",
                    style.paint("34", "="),
                    fix.title
                )?;
            }
            writeln!(out)?;
        }
    }
    let files = report.files.len();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if errors + warnings == 0 {
        writeln!(
            out,
            "{} {}: no problems found",
            style.paint("1;32", "Checked"),
            plural(files, "file")
        )
    } else {
        writeln!(
            out,
            "Checked {}: {}, {} in {}",
            plural(files, "file"),
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files_with_findings, "file")
        )
    }
}
