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
use super::span;
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
    /// Whole lines `gap.0..gap.1` of the text, given to the renderer as `gap.2` empty lines
    /// (see [`Window::hollow`]).
    gap: Option<(usize, usize, usize)>,
}

/// Lines kept as written at each end of a long span; the renderer shows fewer (it folds
/// a long annotation to its first and last lines).
const KEEP_LINES: usize = 16;

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

    /// Empties the longest stretch of lines between the lines annotations start or end on,
    /// all but [`KEEP_LINES`] at each side of it: the renderer folds them away, but it reads
    /// every line it is given, and a polygon's `aoi.vertices` spans all 200,000 lines of an
    /// 8 MB order (`validate` of one: 38.2 → 33.6 ms, 2026-12-07). Emptied, not removed, so
    /// that the line numbers after them stay right; kept lines around each annotation,
    /// because the renderer shows a few lines of context there and skips empty ones.
    /// `first_line..=last_line` are the window's lines; `ends` are the offsets annotations
    /// start and end at.
    fn hollow(
        &mut self,
        index: &crate::document::LineIndex,
        first_line: usize,
        last_line: usize,
        ends: &[usize],
    ) {
        if self.prefix.len() + self.suffix.len() > 0 {
            return;
        }
        // The line index also breaks lines at a lone `\r`, the renderer only at `\n`: such a
        // window keeps every line, so that both count the same lines.
        let window = &self.text[self.from..self.to];
        if window
            .match_indices('\r')
            .any(|(at, _)| !window[at + 1..].starts_with('\n'))
        {
            return;
        }
        let mut lines: Vec<usize> = ends
            .iter()
            .map(|&at| {
                index
                    .line_col(at.min(self.text.len()), PositionEncoding::Utf8)
                    .line as usize
            })
            .chain([first_line, last_line])
            .collect();
        lines.sort_unstable();
        let Some((low, high)) = lines
            .windows(2)
            .map(|w| (w[0], w[1]))
            .max_by_key(|(low, high)| high - low)
        else {
            return;
        };
        if high - low <= 2 * KEEP_LINES + 1 {
            return;
        }
        let start = index.line_range(low + KEEP_LINES).start;
        let end = index.line_range(high - KEEP_LINES).start;
        if start < end {
            self.gap = Some((start, end, high - low - 2 * KEEP_LINES));
        }
    }

    fn source(&self) -> String {
        let written = match self.gap {
            Some((start, end, lines)) => format!(
                "{}{}{}",
                &self.text[self.from..start],
                "\n".repeat(lines),
                &self.text[end..self.to]
            ),
            None => self.text[self.from..self.to].to_string(),
        };
        format!("{}{written}{}", self.prefix, self.suffix)
    }

    fn contains(&self, range: crate::document::TextRange) -> bool {
        range.start as usize >= self.from && range.end as usize <= self.to
    }

    /// A range of the text as a range of [`Window::source`].
    fn local(&self, range: crate::document::TextRange) -> std::ops::Range<usize> {
        let at = |offset: u32| {
            let offset = (offset as usize).clamp(self.from, self.to);
            let offset = match self.gap {
                Some((start, end, lines)) if offset >= end => offset - (end - start) + lines,
                _ => offset,
            };
            offset - self.from + self.prefix.len()
        };
        at(range.start)..at(range.end)
    }
}

const BOLD: Style = Style::new().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const OK: Style = AnsiColor::Green.on_default().bold();

/// Appends `file`'s findings to `out`: each one's line, its source drawn, a blank line.
pub(super) fn file(out: &mut Vec<u8>, file: &FileResult) {
    if file.diagnostics.is_empty() {
        return;
    }
    let renderer = Renderer::styled().term_width(WIDTH);
    for diagnostic in &file.diagnostics {
        // Writing to a `Vec` cannot fail.
        let _ = write_one(out, &renderer, file, diagnostic);
    }
}

/// Writes the parts' findings, then (unless `--quiet`) the summary: how many files were
/// checked, and how many errors and warnings in how many files.
pub(super) fn finish<'a>(
    out: &mut dyn Write,
    parts: impl Iterator<Item = &'a super::FilePart>,
    summary: super::Summary,
) -> io::Result<()> {
    let (mut errors, mut warnings, mut files_with_findings, mut fixed) =
        (0usize, 0usize, 0usize, 0usize);
    for part in parts {
        if part.has_findings() {
            files_with_findings += 1;
        }
        errors += part.errors;
        warnings += part.warnings;
        fixed += part.fixed;
        out.write_all(&part.bytes)?;
    }
    if summary.quiet {
        return Ok(());
    }
    let files = summary.files;
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if summary.fixed && fixed > 0 {
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
    let (severity, style) = match diagnostic.severity {
        Severity::Error => ("error", ERROR),
        Severity::Warning => ("warning", WARNING),
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
    writeln!(out, "{}", rendered(renderer, file, diagnostic, true))?;
    writeln!(out)
}

/// The source lines of `diagnostic` with its annotations and fixes, as the renderer draws
/// them; `hollow` lets [`Window::hollow`] empty the lines it would fold (the output is the
/// same either way: `tests` compare the two).
fn rendered(
    renderer: &Renderer,
    file: &FileResult,
    diagnostic: &Diagnostic,
    hollow: bool,
) -> String {
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
        gap: None,
    };
    if first_line == last_line && to - from > MAX_SOURCE_LINE {
        // A minified order is one long line: show the stretch around the span.
        window.cut_around(
            diagnostic.range.start as usize,
            diagnostic.range.end as usize,
        );
    }
    let ends: Vec<usize> = std::iter::once(diagnostic.range)
        .chain(diagnostic.related.iter().map(|r| r.range))
        .flat_map(|r| [r.start as usize, r.end as usize])
        .collect();
    if hollow {
        window.hollow(index, first_line, last_line, &ends);
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
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
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
    renderer.render(&[group])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Code, Fix};
    use crate::document::{Document, TextRange};

    /// Emptying the lines the renderer folds changes nothing it draws: on generated texts
    /// (long and short lines, empty lines, non-ASCII, CRLF, a lone CR inside a line) and spans (one line to hundreds,
    /// with related ranges anywhere, inside the emptied stretch included), the output with
    /// and without [`Window::hollow`] is the same, plain and styled.
    #[test]
    fn hollowed_windows_render_as_the_whole_text() {
        let mut rng = crate::test_rng::Lcg(11);
        let mut next = move |n: usize| rng.draw() as usize % n.max(1);
        let mut hollowed = 0;
        for case in 0..600 {
            let lines = 1 + next(400);
            let newline = if case % 7 == 0 { "\r\n" } else { "\n" };
            let mut text = String::new();
            for _ in 0..lines {
                let line = match next(6) {
                    0 => String::new(),
                    1 => "  [13.4, 52.5],".to_string(),
                    2 if case % 5 == 0 => "  [1, 2],\r  [3, 4],".to_string(),
                    2 => "    \"naïve\": \"été ☀\",".to_string(),
                    3 => "x".repeat(next(300)),
                    _ => format!(
                        "      [{}.{}, {}.{}]",
                        next(180),
                        next(999),
                        next(90),
                        next(999)
                    ),
                };
                text.push_str(&line);
                text.push_str(newline);
            }
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let related = next(3);
            let with_fix = next(2) == 0;
            let mut pick = || bounds[next(bounds.len())];
            let (a, b) = (pick(), pick());
            let range = TextRange::new(a.min(b), a.max(b));
            let mut diagnostic = Diagnostic::new(Code::AoiVertices, range, "a span");
            for _ in 0..related {
                let (c, d) = (pick(), pick());
                diagnostic = diagnostic.with_related(TextRange::new(c.min(d), c.max(d)), "there");
            }
            if with_fix {
                diagnostic = diagnostic.with_fix(Fix::new("Simplify", Vec::new()));
            }
            let file = FileResult::new(
                "t.json".into(),
                Document::new(text.as_str()),
                vec![diagnostic.clone()],
            );
            for renderer in [Renderer::plain(), Renderer::styled().term_width(WIDTH)] {
                let whole = rendered(&renderer, &file, &diagnostic, false);
                let hollow = rendered(&renderer, &file, &diagnostic, true);
                assert_eq!(hollow, whole, "case {case}");
            }
            let index = file.line_index();
            let span_lines = index
                .line_col(range.end as usize, PositionEncoding::Utf8)
                .line
                - index
                    .line_col(range.start as usize, PositionEncoding::Utf8)
                    .line;
            hollowed += usize::from(span_lines as usize > 2 * KEEP_LINES + 1);
        }
        assert!(
            hollowed > 100,
            "only {hollowed} cases had a span long enough to hollow"
        );
    }
}
