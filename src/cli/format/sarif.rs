//! `--format sarif`: one SARIF 2.1.0 log whose rules are the diagnostic codes (with
//! `fullDescription` and `help`), results located by absolute `file://` URIs, related
//! locations, and `fixes` as artifact changes. Shape: the OASIS SARIF 2.1.0 standard; checked
//! in CI by Microsoft's SARIF Multitool (`validate`).

use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Value};

use super::span;
use crate::check::{Code, Severity};
use crate::document::{PositionEncoding, TextRange};

use super::super::report::FileResult;

/// The SARIF log: the rules, then the parts' results (see [`super::FilePart`]) in the run's
/// `results` array.
pub(super) fn finish<'a>(
    out: &mut dyn Write,
    parts: impl Iterator<Item = &'a super::FilePart>,
) -> io::Result<()> {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            let mut rule = json!({
                "id": code.as_str(),
                "shortDescription": {"text": code.description()},
                "fullDescription": {"text": code.description()},
                "help": {"text": format!(
                    "{} Run `tasking-ls rule {code}` for what it checks, why and an example; `tasking-ls validate --diff` to see the fixes available, `--fix` to apply them.",
                    code.description()
                )},
                "helpUri": crate::check::rules::url(*code),
                "defaultConfiguration": {"level": level(code.severity())},
            });
            // SARIF1001: a `name` equal to the `id` (ignoring case) must be left out.
            let name = rule_name(*code);
            if !name.eq_ignore_ascii_case(code.as_str()) {
                rule["name"] = Value::String(name);
            }
            rule
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tasking-ls",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/tasking-ls/tasking-ls",
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": RESULTS,
        }],
    });
    let whole = serde_json::to_vec_pretty(&log)?;
    // The results go where the placeholder string is, as the pretty printer would have
    // written them: elements four levels deep, the closing bracket three.
    let marker = serde_json::to_vec(RESULTS)?;
    let at = whole
        .windows(marker.len())
        .position(|w| w == marker.as_slice())
        .ok_or_else(|| io::Error::other("the SARIF log lost its results placeholder"))?;
    out.write_all(&whole[..at])?;
    super::write_array(out, parts, "      ")?;
    out.write_all(&whole[at + marker.len()..])?;
    writeln!(out)
}

/// Stands for the run's results in the log's skeleton: a string no rule or tool field holds.
const RESULTS: &str = "\u{1}results";

/// Appends `file`'s results to `out` as elements of the run's `results` array (see
/// [`super::FilePart`]).
pub(super) fn file(out: &mut Vec<u8>, file: &FileResult) {
    let mut results = Vec::new();
    let uri = artifact_uri(&file.path);
    for diagnostic in &file.diagnostics {
        let rule_index = Code::ALL
            .iter()
            .position(|c| *c == diagnostic.code)
            .unwrap_or(0);
        let mut result = json!({
            "ruleId": diagnostic.code.as_str(),
            "ruleIndex": rule_index,
            "level": level(diagnostic.severity),
            "message": {"text": diagnostic.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": uri},
                    "region": region(file, diagnostic.range),
                },
            }],
        });
        if !diagnostic.related.is_empty() {
            result["relatedLocations"] = diagnostic
                .related
                .iter()
                .enumerate()
                .map(|(id, related)| {
                    json!({
                        "id": id,
                        "message": {"text": related.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri},
                            "region": region(file, related.range),
                        },
                    })
                })
                .collect();
        }
        // A deferred fix has no edits yet, and a SARIF fix needs at least one.
        if diagnostic.fixes.iter().any(|f| !f.deferred) {
            result["fixes"] = diagnostic
                .fixes
                .iter()
                .filter(|f| !f.deferred)
                .map(|fix| {
                    let replacements: Vec<Value> = fix
                        .edits
                        .iter()
                        .map(|edit| {
                            json!({
                                "deletedRegion": region(file, edit.range),
                                "insertedContent": {"text": edit.new_text},
                            })
                        })
                        .collect();
                    json!({
                        "description": {"text": fix.title},
                        "artifactChanges": [{
                            "artifactLocation": {"uri": uri},
                            "replacements": replacements,
                        }],
                    })
                })
                .collect();
        }
        results.push(result);
    }
    // `Value`s with string keys: serializing them cannot fail.
    let _ = super::array_elements(out, &results, 3);
}

/// A region in 1-based lines and UTF-16 columns (the run's `columnKind`); the end column is
/// exclusive, as SARIF defines it.
fn region(file: &FileResult, range: TextRange) -> Value {
    let (start, end) = span(file, range, PositionEncoding::Utf16);
    json!({
        "startLine": start.line + 1,
        "startColumn": start.col + 1,
        "endLine": end.line + 1,
        "endColumn": end.col + 1,
    })
}

/// A rule's `name`: the code in PascalCase (`geometry.unclosed-ring` -> `GeometryUnclosedRing`),
/// as SARIF suggests for names shown to people.
fn rule_name(code: Code) -> String {
    code.as_str()
        .split(['.', '-'])
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The file's absolute `file://` URI (`Url::from_file_path`, which percent-encodes), so that
/// consumers need no base; a path that cannot be made absolute stays a relative reference.
fn artifact_uri(path: &str) -> String {
    std::path::absolute(Path::new(path))
        .ok()
        .map(|absolute| normalize(&absolute))
        .and_then(|absolute| url::Url::from_file_path(absolute).ok())
        .map_or_else(|| path.to_string(), |url| url.to_string())
}

/// Removes `.` segments (and `..` against a parent) without touching the file system.
fn normalize(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_absolute_and_encoded() {
        let uri = artifact_uri("/srv/my orders/a#1_tasking_request.json");
        assert_eq!(uri, "file:///srv/my%20orders/a%231_tasking_request.json");
        let uri = artifact_uri("./x_tasking_request.json");
        assert!(
            uri.starts_with("file:///") && uri.ends_with("/x_tasking_request.json"),
            "{uri}"
        );
        assert!(!uri.contains("/./"), "{uri}");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(
            rule_name(Code::GeometryUnclosedRing),
            "GeometryUnclosedRing"
        );
        assert_eq!(rule_name(Code::Syntax), "Syntax");
    }
}
