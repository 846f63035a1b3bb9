//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and `location`), for
//! `artifacts:reports:codequality`. Format: GitLab's "Code Quality" documentation,
//! "Implement a custom tool".
//!
//! GitLab tells new findings from old ones by `fingerprint`, so it must not move when lines
//! are inserted above a finding: it hashes the file, the code, the JSON path of the offending
//! value and that value's text without whitespace, never a byte offset or a line; repeats of
//! the same tuple get a counter (as ruff's `fingerprint` does for identical messages).

use std::collections::HashMap;

use serde_json::json;
use sha2::{Digest, Sha256};

use super::span;
use crate::check::Severity;
use crate::cli::report::FileResult;
use crate::document::{Document, PathSegment, PositionEncoding, TextRange};

/// The fingerprint of one finding: SHA-256 (hex) over the path, the code, the JSON path at
/// the range's start, the range's text with whitespace removed, and `repeat` (0 for the first
/// finding with that tuple in the file, 1 for the next...).
pub(crate) fn fingerprint(
    path: &str,
    code: &str,
    pointer: &str,
    value: &str,
    repeat: usize,
) -> String {
    let mut hasher = Sha256::new();
    for part in [path, code, pointer, value, &repeat.to_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The JSON path (RFC 6901 pointer) of the innermost value at `range.start`, and the range's
/// text without whitespace: what a finding is about, wherever the file places it.
fn anchor(document: &Document, range: TextRange) -> (String, String) {
    let text = document.text();
    let start = (range.start as usize).min(text.len());
    let end = (range.end as usize).clamp(start, text.len());
    let value: String = text
        .get(start..end)
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let pointer = document
        .node_at_offset(start)
        .map(|(path, _)| {
            path.iter()
                .map(|segment| match segment {
                    PathSegment::Key(key) => {
                        format!("/{}", key.replace('~', "~0").replace('/', "~1"))
                    }
                    PathSegment::Index(i) => format!("/{i}"),
                })
                .collect()
        })
        .unwrap_or_default();
    (pointer, value)
}

/// Appends `file`'s issues to `out` as elements of the report's array (see
/// [`super::FilePart`]).
pub(super) fn file(out: &mut Vec<u8>, file: &FileResult) {
    if file.diagnostics.is_empty() {
        return;
    }
    let mut issues = Vec::new();
    let path = file.path.strip_prefix("./").unwrap_or(&file.path);
    // Parsed again here only for the report: the check keeps no tree for the output.
    let document = Document::new(file.text());
    let mut seen: HashMap<(String, &str, String), usize> = HashMap::new();
    for diagnostic in &file.diagnostics {
        let (start, end) = span(file, diagnostic.range, PositionEncoding::Utf32);
        let (pointer, value) = anchor(&document, diagnostic.range);
        let code = diagnostic.code.as_str();
        let repeat = seen
            .entry((pointer.clone(), code, value.clone()))
            .or_insert(0);
        let fingerprint = fingerprint(path, code, &pointer, &value, *repeat);
        *repeat += 1;
        issues.push(json!({
            "type": "issue",
            "description": diagnostic.message,
            "check_name": diagnostic.code.as_str(),
            "categories": ["Bug Risk"],
            "fingerprint": fingerprint,
            "severity": match diagnostic.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
            },
            "location": {
                "path": path,
                "positions": {
                    "begin": {"line": start.line + 1, "column": start.col + 1},
                    "end": {"line": end.line + 1, "column": end.col + 1},
                },
            },
        }));
    }
    // `Value`s with string keys: serializing them cannot fail.
    let _ = super::array_elements(out, &issues, 0);
}
