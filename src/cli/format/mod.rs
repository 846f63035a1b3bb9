//! The `validate` output formats: human, json, github and sarif.

mod github;
mod human;
mod json;
mod sarif;

use std::io::{self, Write};

use super::validate::FileResult;
use crate::document::{LineCol, PositionEncoding, TextRange};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: severity[code]: message` with the source line underlined.
    #[default]
    Human,
    /// One JSON array; 0-based lines, UTF-16 characters (as LSP).
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// A SARIF 2.1.0 log for code-scanning tools.
    Sarif,
}

/// What a run found, files sorted by path and diagnostics by position.
pub struct Report<'a> {
    pub files: &'a [FileResult],
}

pub fn write(out: &mut dyn Write, format: Format, report: &Report<'_>) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, report, human::use_color()),
        Format::Json => json::write(out, report),
        Format::Github => github::write(out, report),
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
