//! `--format human`: a `path:line:col: severity[code]: message` line, then the source drawn by
//! `annotate-snippets` (the renderer rustc uses): whole multi-line spans, secondary labels,
//! and `help:` lines naming the available fixes; a summary at the end. Every piece of
//! untrusted text goes through [`super::escape::control`]; the source lines are escaped by
//! the renderer itself (control characters become Unicode control pictures) and long lines
//! are cut around the span.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use super::escape::control;
use super::{span, Report};
use crate::check::{Diagnostic, Severity};
use crate::document::PositionEncoding;

use super::super::validate::FileResult;

/// Width the renderer fits long source lines into (columns).
const WIDTH: usize = 120;

const BOLD: Style = Style::new().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();

pub(super) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let renderer = Renderer::styled().term_width(WIDTH);
    let (mut errors, mut warnings, mut files_with_findings, mut fixed) =
        (0usize, 0usize, 0usize, 0usize);
    for file in report.files {
        if !file.diagnostics.is_empty() {
            files_with_findings += 1;
        }
        fixed += file.fixed.as_ref().map_or(0, |f| f.fixed_count);
        for diagnostic in &file.diagnostics {
            match diagnostic.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            write_one(out, &renderer, file, diagnostic)?;
        }
    }
    if report.quiet {
        return Ok(());
    }
    let files = report.files.len();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if report.fixed && fixed > 0 {
        writeln!(out, "Fixed {}.", plural(fixed, "problem"))?;
    }
    if errors + warnings == 0 {
        writeln!(
            out,
            "{OK}Checked{OK:#} {}: no problems found",
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

fn write_one(
    out: &mut dyn Write,
    renderer: &Renderer,
    file: &FileResult,
    diagnostic: &Diagnostic,
) -> io::Result<()> {
    let (start, _) = span(file, diagnostic.range, PositionEncoding::Utf32);
    let (severity, style, level) = match diagnostic.severity {
        Severity::Error => ("error", ERROR, Level::ERROR),
        Severity::Warning => ("warning", WARNING, Level::WARNING),
    };
    writeln!(
        out,
        "{BOLD}{}:{}:{}:{BOLD:#} {style}{severity}[{}]{style:#}: {}",
        control(&file.path),
        start.line + 1,
        start.col + 1,
        diagnostic.code,
        control(&diagnostic.message)
    )?;
    // Only the lines the annotations cover go to the renderer, so that a file of many lines
    // costs per diagnostic what the diagnostic shows.
    let text = file.text();
    let index = file.line_index();
    let ranges =
        std::iter::once(diagnostic.range).chain(diagnostic.related.iter().map(|r| r.range));
    let (mut first, mut last) = (usize::MAX, 0usize);
    for range in ranges {
        first = first.min(range.start as usize);
        last = last.max(range.end as usize);
    }
    let first_line = index
        .line_col(first.min(text.len()), PositionEncoding::Utf8)
        .line as usize;
    let last_line = index
        .line_col(last.min(text.len()), PositionEncoding::Utf8)
        .line as usize;
    let from = index.line_range(first_line).start;
    let to = index.line_range(last_line).end.max(from);
    let source = &text[from..to.min(text.len())];
    let local = |offset: u32| (offset as usize).clamp(from, from + source.len()) - from;
    let mut snippet = Snippet::source(source)
        .line_start(first_line + 1)
        .fold(true)
        .annotation(
            AnnotationKind::Primary
                .span(local(diagnostic.range.start)..local(diagnostic.range.end)),
        );
    for related in &diagnostic.related {
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(local(related.range.start)..local(related.range.end))
                .label(control(&related.message).into_owned()),
        );
    }
    let mut group = Group::with_level(level).element(snippet);
    for fix in &diagnostic.fixes {
        let title = control(&fix.title).into_owned();
        let title = if fix.preferred && diagnostic.fixes.len() > 1 {
            format!("{title} (applied by --fix)")
        } else {
            title
        };
        group = group.element(Level::HELP.message(title));
    }
    writeln!(out, "{}", renderer.render(&[group]))?;
    writeln!(out)
}
