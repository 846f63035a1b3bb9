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

/// What a report says after its files' findings: how many files were checked, and the
/// switches that change the summary.
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    /// Files checked, with findings or not.
    pub files: usize,
    /// `--quiet`: the findings only, no summary.
    pub quiet: bool,
    /// `--fix` ran: the summary says how many problems it fixed.
    pub fixed: bool,
}

/// One file's share of a report, rendered on the thread that checked the file so that its
/// text and line index can be let go at once, and joined in path order by [`write_parts`].
/// Rendering 10,000 files on the main thread after the checks, with every text kept until
/// then, was 9% of `validate`'s wall time and 23 MB of memory on issue 27's corpus.
#[derive(Debug, Default)]
pub struct FilePart {
    /// The file's findings in the format: whole lines (human, github), or the elements of
    /// the format's findings array with no separator before the first or after the last
    /// (json, gitlab, sarif), indented as they sit in the whole report.
    bytes: Vec<u8>,
    errors: usize,
    warnings: usize,
    /// Problems `--fix` fixed in this file.
    fixed: usize,
}

impl FilePart {
    /// Whether the file has findings (errors or warnings).
    pub fn has_findings(&self) -> bool {
        self.errors + self.warnings > 0
    }
}

/// One file's part of the report in `format` (see [`FilePart`]). Human output is styled; the
/// writer given to [`write_parts`] strips the styles when colour is off (see `cli::output`).
pub fn render(format: Format, file: &FileResult) -> FilePart {
    let mut bytes = Vec::new();
    match format {
        Format::Human => human::file(&mut bytes, file),
        Format::Json => json::file(&mut bytes, file),
        Format::Github => github::file(&mut bytes, file),
        Format::Gitlab => gitlab::file(&mut bytes, file),
        Format::Sarif => sarif::file(&mut bytes, file),
    }
    let errors = file
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::check::Severity::Error)
        .count();
    FilePart {
        bytes,
        errors,
        warnings: file.diagnostics.len() - errors,
        fixed: file.fixed.as_ref().map_or(0, |f| f.fixed_count),
    }
}

/// Writes the report in `format` from its files' parts, in the order given (by path).
///
/// # Errors
/// The writer's error (a closed pipe, a full disk).
pub fn write_parts<'a>(
    out: &mut dyn Write,
    format: Format,
    parts: impl Iterator<Item = &'a FilePart>,
    summary: Summary,
) -> io::Result<()> {
    match format {
        Format::Human => human::finish(out, parts, summary),
        Format::Github => parts
            .into_iter()
            .try_for_each(|part| out.write_all(&part.bytes)),
        Format::Json | Format::Gitlab => {
            write_array(out, parts, "")?;
            writeln!(out)
        }
        Format::Sarif => sarif::finish(out, parts),
    }
}

/// Writes the report in `format`, rendering each file's part here (see [`render`]).
///
/// # Errors
/// The writer's error (a closed pipe, a full disk).
pub fn write(out: &mut dyn Write, format: Format, report: &Report<'_>) -> io::Result<()> {
    let parts: Vec<FilePart> = report.files.iter().map(|f| render(format, f)).collect();
    let summary = Summary {
        files: report.files.len(),
        quiet: report.quiet,
        fixed: report.fixed,
    };
    write_parts(out, format, parts.iter(), summary)
}

/// A JSON array of the parts' elements as `serde_json`'s pretty printer writes it, its
/// closing bracket indented by `indent`: `[]` when no part has one.
fn write_array<'a>(
    out: &mut dyn Write,
    parts: impl Iterator<Item = &'a FilePart>,
    indent: &str,
) -> io::Result<()> {
    let mut elements = parts.filter(|p| !p.bytes.is_empty());
    let Some(first) = elements.next() else {
        return out.write_all(b"[]");
    };
    out.write_all(b"[\n")?;
    out.write_all(&first.bytes)?;
    for part in elements {
        out.write_all(b",\n")?;
        out.write_all(&part.bytes)?;
    }
    write!(out, "\n{indent}]")
}

/// Appends the elements of `items` to `out` as they sit in a pretty-printed array nested
/// `depth` levels deep (two spaces a level), without the brackets: what [`write_array`]
/// joins. JSON strings hold no raw line break, so indenting after each one is exact.
fn array_elements(
    out: &mut Vec<u8>,
    items: &[impl serde::Serialize],
    depth: usize,
) -> serde_json::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let whole = serde_json::to_vec_pretty(items)?;
    // `[\n` ... `\n]`, elements indented one level.
    let inner = &whole[2..whole.len() - 2];
    let extra = "  ".repeat(depth);
    out.extend_from_slice(extra.as_bytes());
    for &byte in inner {
        out.push(byte);
        if byte == b'\n' {
            out.extend_from_slice(extra.as_bytes());
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;
    use crate::check::CheckOptions;
    use crate::cli::report::check_bytes;
    use crate::schema::SchemaStore;

    const EXAMPLES: [&str; 3] = [
        include_str!("../../../examples/pleiades_analytic_mono_tasking_request.json"),
        include_str!("../../../examples/sar_spot_tasking_request.json"),
        include_str!("../../../examples/invalid/pleiades_analytic_broken_tasking_request.json"),
    ];

    /// What an edit may put into an order: values the schema refuses, broken geometry, text a
    /// report must escape, and syntax errors.
    const PIECES: [&str; 12] = [
        "\"x\"",
        "12",
        "[1e400, 2]",
        "\"\\u0001 é 𝄞\"",
        "\r\n",
        "{",
        "]",
        "\"cloudCoverage\": 150,",
        "[[0, 0], [1, 1], [0, 1], [1, 0], [0, 0]]",
        "null",
        "\"%0A::error file=x::forged\"",
        "",
    ];

    fn store() -> &'static SchemaStore {
        static STORE: std::sync::OnceLock<SchemaStore> = std::sync::OnceLock::new();
        STORE.get_or_init(SchemaStore::bundled)
    }

    /// An example with up to three spans replaced by pieces, at character boundaries.
    fn order() -> impl Strategy<Value = String> {
        (
            0..EXAMPLES.len(),
            prop::collection::vec(
                (any::<prop::sample::Index>(), 0usize..40, 0..PIECES.len()),
                0..4,
            ),
        )
            .prop_map(|(example, edits)| {
                let mut text = EXAMPLES[example].to_string();
                for (at, length, piece) in edits {
                    let mut start = at.index(text.len() + 1);
                    while !text.is_char_boundary(start) {
                        start -= 1;
                    }
                    let mut end = (start + length).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(start..end, PIECES[piece]);
                }
                text
            })
    }

    fn parsed(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).expect("the report is JSON")
    }

    /// The findings array of a JSON report (json, gitlab) or a SARIF log's results.
    fn findings(format: Format, report: &Value) -> Vec<Value> {
        let array = match format {
            Format::Sarif => &report["runs"][0]["results"],
            _ => report,
        };
        array.as_array().expect("an array of findings").clone()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        /// The report joined from per-file parts (rendered apart, on the threads that
        /// checked the files) is byte for byte the pretty-printed JSON of the whole report,
        /// its findings those of each file's own report in file order; the human and
        /// GitHub reports are the files' own findings in order.
        #[test]
        fn reports_joined_from_file_parts_are_the_whole_reports(
            orders in prop::collection::vec(order(), 0..6),
            quiet in any::<bool>(),
        ) {
            let options = CheckOptions::new(store());
            let files: Vec<FileResult> = orders
                .into_iter()
                .enumerate()
                .map(|(i, text)| check_bytes(format!("orders/\"{i}\"\n_tasking_request.json"), text.into_bytes(), &options))
                .collect();
            for format in [Format::Json, Format::Gitlab, Format::Sarif, Format::Human, Format::Github] {
                let whole = |files: &[FileResult]| {
                    let mut out = Vec::new();
                    write(&mut out, format, &Report { files, quiet, fixed: false }).unwrap();
                    out
                };
                let out = whole(&files);
                let alone: Vec<Vec<u8>> = files.iter().map(|f| whole(std::slice::from_ref(f))).collect();
                match format {
                    Format::Json | Format::Gitlab | Format::Sarif => {
                        let report = parsed(&out);
                        let mut pretty = serde_json::to_vec_pretty(&report).unwrap();
                        pretty.push(b'\n');
                        prop_assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(&pretty));
                        let each: Vec<Value> = alone
                            .iter()
                            .flat_map(|bytes| findings(format, &parsed(bytes)))
                            .collect();
                        prop_assert_eq!(&findings(format, &report), &each);
                        let count: usize = files.iter().map(|f| f.diagnostics.len()).sum();
                        prop_assert_eq!(each.len(), count);
                    }
                    Format::Github => prop_assert_eq!(out, alone.concat()),
                    Format::Human => {
                        // Each file alone: its findings, then one summary line (unless quiet).
                        let findings_of = |bytes: &[u8]| -> Vec<u8> {
                            let text = String::from_utf8_lossy(bytes).into_owned();
                            let body = if quiet { &text[..] } else { &text[..text.trim_end_matches('\n').rfind('\n').map_or(0, |i| i + 1)] };
                            body.as_bytes().to_vec()
                        };
                        let each: Vec<u8> = alone.iter().flat_map(|b| findings_of(b)).collect();
                        let joined = findings_of(&out);
                        prop_assert_eq!(String::from_utf8_lossy(&joined), String::from_utf8_lossy(&each));
                    }
                }
            }
        }
    }
}
