//! `--format gitlab`: a GitLab Code Quality report (a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and `location`), for
//! `artifacts:reports:codequality`. Format: GitLab's "Code Quality" documentation,
//! "Implement a custom tool".

use std::io::{self, Write};

use serde_json::json;
use sha2::{Digest, Sha256};

use super::{span, Report};
use crate::check::Severity;
use crate::document::PositionEncoding;

pub(super) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let mut issues = Vec::new();
    for file in report.files {
        let path = file.path.strip_prefix("./").unwrap_or(&file.path);
        for diagnostic in &file.diagnostics {
            let (start, end) = span(file, diagnostic.range, PositionEncoding::Utf32);
            // Stable across runs and unique per finding: GitLab compares reports by it.
            let mut hasher = Sha256::new();
            for part in [
                path,
                diagnostic.code.as_str(),
                &diagnostic.message,
                &format!("{}:{}", diagnostic.range.start, diagnostic.range.end),
            ] {
                hasher.update(part.as_bytes());
                hasher.update([0]);
            }
            let fingerprint: String = hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
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
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
