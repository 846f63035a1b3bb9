//! `syntax` and `document.duplicate-key`: what the parser found (with a fix for a leading byte
//! order mark), and keys given twice.

use std::collections::HashMap;

use super::{Code, Diagnostic, Fix};
use crate::document::{Document, Node, NodeKind, TextRange, BOM_MESSAGE};

/// Pushes at most `limit` syntax errors (the first by position); returns how many more
/// there are, so a file of a million commas costs no million diagnostics.
pub(super) fn check(doc: &Document, out: &mut Vec<Diagnostic>, limit: usize) -> usize {
    let errors = doc.syntax_errors();
    let omitted = errors.len().saturating_sub(limit);
    for error in errors.iter().take(limit) {
        let mut diagnostic = Diagnostic::new(Code::Syntax, error.range, error.message.clone());
        if error.message == BOM_MESSAGE {
            diagnostic = diagnostic
                .with_fix(Fix::replace("Remove the byte order mark", error.range, "").preferred());
        }
        out.push(diagnostic);
    }
    if let Some(root) = doc.root() {
        duplicate_keys(doc, root, out);
    }
    omitted
}

fn duplicate_keys(doc: &Document, node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.kind {
        NodeKind::Object(members) => {
            let mut first_seen: HashMap<&str, usize> = HashMap::new();
            for (index, member) in members.iter().enumerate() {
                if let Some(&first) = first_seen.get(member.key.name.as_str()) {
                    let first_pos = doc.line_index().line_col(
                        members[first].key.range.start as usize,
                        crate::document::PositionEncoding::Utf8,
                    );
                    out.push(
                        Diagnostic::new(
                            Code::DuplicateKey,
                            member.key.range,
                            format!(
                                "duplicate key '{}': it is already set on line {}; JSON readers keep only the last one",
                                member.key.name,
                                first_pos.line + 1
                            ),
                        )
                        .with_fix(Fix::replace(
                            format!("Remove this '{}'", member.key.name),
                            member_with_separator(members, index),
                            "",
                        )),
                    );
                } else {
                    first_seen.insert(&member.key.name, index);
                }
                if let Some(value) = &member.value {
                    duplicate_keys(doc, value, out);
                }
            }
        }
        // Packed items are numbers: no keys inside.
        NodeKind::Array(items) => items
            .nodes()
            .unwrap_or_default()
            .iter()
            .for_each(|item| duplicate_keys(doc, item, out)),
        _ => {}
    }
}

/// The span of a member plus the comma that joins it to a neighbour, so removing it leaves
/// valid JSON.
pub(super) fn member_with_separator(
    members: &[crate::document::Member],
    index: usize,
) -> TextRange {
    let member = &members[index];
    if index + 1 < members.len() {
        // Remove up to the next member's key: the member, its comma and the whitespace after it.
        TextRange {
            start: member.range.start,
            end: members[index + 1].range.start,
        }
    } else if index > 0 {
        // Last member: remove from the end of the previous member (its comma included).
        TextRange {
            start: members[index - 1].range.end,
            end: member.range.end,
        }
    } else {
        member.range
    }
}
