//! `validate --fix` and `--diff`: apply the preferred fix of every reported diagnostic,
//! check again, and repeat until nothing changes (fixes whose edits touch each other wait for
//! the next round); render the change as a unified diff (the `similar` crate).

use crate::check::{check_document, CheckOptions, Edit};
use crate::config::LintSettings;
use crate::document::Document;

use super::report::FixOutcome;

/// Rounds of fix-then-check before giving up on reaching a fixed point.
const MAX_ROUNDS: usize = 8;

/// The text after every applicable preferred fix, or `None` when no fix changes it.
/// Only diagnostics the lint settings report are fixed.
pub fn fix_text(text: &str, options: &CheckOptions<'_>, lint: &LintSettings) -> Option<FixOutcome> {
    // The fixes applied here are the costly ones too (the simplify fix).
    let options = &CheckOptions {
        costly_fixes: true,
        ..options.clone()
    };
    let mut current = text.to_string();
    let mut fixed_count = 0;
    for _ in 0..MAX_ROUNDS {
        let document = Document::new(current.clone());
        let mut diagnostics = check_document(&document, options);
        lint.apply(&mut diagnostics);
        let mut accepted: Vec<&Edit> = Vec::new();
        let mut applied = 0;
        for diagnostic in &diagnostics {
            let Some(fix) = diagnostic.fixes.iter().find(|f| f.preferred) else {
                continue;
            };
            let clashes = fix
                .edits
                .iter()
                .any(|e| accepted.iter().any(|a| touches(a, e)));
            if clashes || fix.edits.is_empty() {
                continue;
            }
            accepted.extend(fix.edits.iter());
            applied += 1;
        }
        if applied == 0 {
            break;
        }
        let next = apply_edits(&current, &accepted);
        if next == current {
            break;
        }
        current = next;
        fixed_count += applied;
    }
    (current != text).then(|| FixOutcome {
        original: text.to_string(),
        fixed: current,
        fixed_count,
    })
}

/// True when two edits overlap or meet at one point (their order would be ambiguous).
fn touches(a: &Edit, b: &Edit) -> bool {
    a.range.start <= b.range.end && b.range.start <= a.range.end
}

/// Applies non-touching edits (byte ranges into `text`).
fn apply_edits(text: &str, edits: &[&Edit]) -> String {
    let mut sorted: Vec<&&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.range.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0usize;
    for edit in sorted {
        let (start, end) = (edit.range.start as usize, edit.range.end as usize);
        if start < at
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(&edit.new_text);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

/// Replaces the file at `path` with `bytes` atomically (a temporary file in the same folder,
/// renamed over it), keeping the file's permissions; a link is followed and its target
/// rewritten, so that the link stays a link.
///
/// # Errors
/// The I/O error of creating, writing or renaming the temporary file (which is then removed).
pub fn write_in_place(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let target = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let dir = target.parent().unwrap_or(std::path::Path::new("."));
    let name = target
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy());
    let tmp = dir.join(format!(".{name}.{}.tasking-ls.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.set_permissions(permissions)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A unified diff (`--- a/PATH`, `+++ b/PATH`, three lines of context), as git prints it.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let path = super::format::escape::control(path.strip_prefix("./").unwrap_or(path));
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::TextRange;

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            range: TextRange::new(start, end),
            new_text: text.to_string(),
        }
    }

    #[test]
    fn edits_apply_in_order_and_touching_ones_clash() {
        let a = edit(0, 1, "X");
        let b = edit(2, 3, "Y");
        assert_eq!(apply_edits("abcd", &[&b, &a]), "XbYd");
        assert!(touches(&edit(1, 1, "p"), &edit(1, 1, "q")));
        assert!(touches(&edit(0, 2, ""), &edit(2, 3, "")));
        assert!(!touches(&edit(0, 1, ""), &edit(2, 3, "")));
    }

    #[test]
    fn the_diff_names_both_sides() {
        let diff = unified_diff("o/x.json", "a\nb\n", "a\nc\n");
        assert!(
            diff.starts_with("--- a/o/x.json\n+++ b/o/x.json\n@@ -1,2 +1,2 @@\n"),
            "{diff}"
        );
        assert!(diff.contains("-b\n+c\n"), "{diff}");
    }
}
