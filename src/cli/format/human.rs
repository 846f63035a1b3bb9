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

use super::super::report::FileResult;

/// Width the renderer fits long source lines into (columns).
const WIDTH: usize = 120;

/// A source line longer than this (bytes) is cut around the span it shows.
const MAX_SOURCE_LINE: usize = 1000;

/// Context kept on each side of a span in a cut line (bytes).
const CONTEXT: usize = 60;

/// The part of the text given to the renderer, with `...` where a long line was cut.
struct Window<'a> {
    text: &'a str,
    from: usize,
    to: usize,
    prefix: &'static str,
    suffix: &'static str,
}

impl Window<'_> {
    /// Narrows a long line to the span (at most 200 bytes of it) and some context.
    fn cut_around(&mut self, start: usize, end: usize) {
        let floor = |mut at: usize| {
            while !self.text.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let start = start.clamp(self.from, self.to);
        let end = end.clamp(start, self.to).min(start + 200);
        let from = floor(start.saturating_sub(CONTEXT).max(self.from));
        let to = floor((end + CONTEXT).min(self.to));
        if from > self.from {
            self.prefix = "...";
        }
        if to < self.to {
            self.suffix = "...";
        }
        self.from = from;
        self.to = to.max(from);
    }

    fn source(&self) -> String {
        format!(
            "{}{}{}",
            self.prefix,
            &self.text[self.from..self.to],
            self.suffix
        )
    }

    fn contains(&self, range: crate::document::TextRange) -> bool {
        range.start as usize >= self.from && range.end as usize <= self.to
    }

    /// A range of the text as a range of [`Window::source`].
    fn local(&self, range: crate::document::TextRange) -> std::ops::Range<usize> {
        let at = |offset: u32| {
            (offset as usize).clamp(self.from, self.to) - self.from + self.prefix.len()
        };
        at(range.start)..at(range.end)
    }
}

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
    let to = index.line_range(last_line).end.max(from).min(text.len());
    let mut window = Window {
        text,
        from,
        to,
        prefix: "",
        suffix: "",
    };
    if first_line == last_line && to - from > MAX_SOURCE_LINE {
        // A minified order is one long line: show the stretch around the span.
        window.cut_around(
            diagnostic.range.start as usize,
            diagnostic.range.end as usize,
        );
    }
    let source = window.source();
    let mut snippet = Snippet::source(source)
        .line_start(first_line + 1)
        .fold(true)
        .annotation(AnnotationKind::Primary.span(window.local(diagnostic.range)));
    for related in &diagnostic.related {
        if !window.contains(related.range) {
            continue;
        }
        snippet = snippet.annotation(
            AnnotationKind::Context
                .span(window.local(related.range))
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
