//! The `validate` output formats: human, json, github, gitlab and sarif; and the escaping of
//! untrusted text they share (`escape`).

pub mod escape;
mod github;
mod gitlab;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use super::report::FileResult;
use crate::document::{LineCol, PositionEncoding, TextRange};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: severity[code]: message`, the source with the range underlined, fixes
    /// as `help:` lines, and a summary.
    #[default]
    Human,
    /// One JSON array; 0-based lines, UTF-16 characters (as LSP); each finding's fixes.
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// A GitLab Code Quality report (`artifacts:reports:codequality`).
    Gitlab,
    /// A SARIF 2.1.0 log for code-scanning tools.
    Sarif,
}

/// What a run found, files sorted by path and diagnostics by position.
pub struct Report<'a> {
    pub files: &'a [FileResult],
    /// `--quiet`: the findings only, no summary.
    pub quiet: bool,
    /// `--fix` ran: the summary says how many problems it fixed.
    pub fixed: bool,
}

/// Writes the report in `format`. Human output is styled; the caller's writer strips the
/// styles when colour is off (see `cli::output`).
///
/// # Errors
/// The writer's error (a closed pipe, a full disk).
pub fn write(out: &mut dyn Write, format: Format, report: &Report<'_>) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, report),
        Format::Json => json::write(out, report),
        Format::Github => github::write(out, report),
        Format::Gitlab => gitlab::write(out, report),
        Format::Sarif => sarif::write(out, report),
    }
}

/// Start and end of a range in the given column units.
pub(crate) fn span(
    file: &FileResult,
    range: TextRange,
    encoding: PositionEncoding,
) -> (LineCol, LineCol) {
    let index = file.line_index();
    (
        index.line_col(range.start as usize, encoding),
        index.line_col(range.end as usize, encoding),
    )
}
