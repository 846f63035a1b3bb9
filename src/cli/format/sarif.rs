//! `--format sarif`: one SARIF 2.1.0 log whose rules are the diagnostic codes.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{span, Report};
use crate::check::{Code, Severity};
use crate::document::PositionEncoding;

pub(super) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            json!({
                "id": code.as_str(),
                "shortDescription": {"text": code.description()},
                "defaultConfiguration": {"level": level(code.severity())},
            })
        })
        .collect();
    let mut results = Vec::new();
    for file in report.files {
        for diagnostic in &file.diagnostics {
            let (start, end) = span(file, diagnostic.range, PositionEncoding::Utf16);
            let rule_index = Code::ALL
                .iter()
                .position(|c| *c == diagnostic.code)
                .unwrap_or(0);
            results.push(json!({
                "ruleId": diagnostic.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(diagnostic.severity),
                "message": {"text": diagnostic.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(&file.path)},
                        "region": {
                            "startLine": start.line + 1,
                            "startColumn": start.col + 1,
                            "endLine": end.line + 1,
                            "endColumn": end.col + 1,
                        },
                    },
                }],
            }));
        }
    }
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
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative path with forward slashes, as SARIF consumers resolve it against the repository.
fn artifact_uri(path: &str) -> String {
    let path = path.strip_prefix("./").unwrap_or(path).replace('\\', "/");
    path.split('/')
        .map(|segment| {
            segment
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b':' => {
                        (b as char).to_string()
                    }
                    other => format!("%{other:02X}"),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("/")
}
