//! `syntax` and `document.duplicate-key`: what the parser found (with a fix for a leading byte
//! order mark), and keys given twice.

use std::collections::HashMap;

use super::{Code, Diagnostic, Fix};
use crate::document::{
    Document, Node, NodeKind, TextRange, BOM_MESSAGE, LINE_BREAK_IN_STRING_MESSAGE,
};

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
        } else if error.message == LINE_BREAK_IN_STRING_MESSAGE {
            // The string's value as written, made valid: the break becomes the `\n` escape.
            diagnostic = diagnostic.with_fix(
                Fix::replace("Write the line break as \\n", error.range, "\\n").preferred(),
            );
        }
        out.push(diagnostic);
    }
    if let Some(root) = doc.root() {
        duplicate_keys(doc, root, out);
    }
    omitted
}

/// Objects with at most this many members are searched for repeated keys by comparison.
const SMALL_OBJECT: usize = 16;

fn duplicate_keys(doc: &Document, node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.kind {
        NodeKind::Object(members) => {
            // An order's objects have a handful of keys: comparing with the keys before is
            // cheaper than hashing them (10,000 files in a `validate` run).
            let mut first_seen: HashMap<&str, usize> = HashMap::new();
            let small = members.len() <= SMALL_OBJECT;
            for (index, member) in members.iter().enumerate() {
                let name = member.key.name.as_str();
                let first = if small {
                    members[..index].iter().position(|m| m.key.name == name)
                } else {
                    first_seen.get(name).copied()
                };
                if let Some(first) = first {
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
                } else if !small {
                    first_seen.insert(name, index);
                }
                if let Some(value) = &member.value {
                    duplicate_keys(doc, value, out);
                }
            }
        }
        // Packed pairs and positions hold numbers, flat arrays only numbers and packed pairs:
        // no keys inside. A ring's 200,000 positions are passed by unread.
        NodeKind::Array(items) => items
            .nodes()
            .unwrap_or_default()
            .iter()
            .filter(|item| item.may_hold_objects())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Lcg;

    /// Small objects (compared key by key) and big ones (hashed) report the same thing: every
    /// key that an earlier member of its object already has, pointing at the first one's line,
    /// in objects nested in objects and arrays. Checked against the rule written plainly on
    /// generated objects of 1 to 40 members drawn from few names.
    #[test]
    fn every_repeated_key_is_reported_once_whatever_the_object_size() {
        let mut rng = Lcg(9);
        let mut next = move || rng.draw() as usize;
        for _ in 0..400 {
            let size = 1 + next() % 40;
            let names = 1 + next() % 30;
            let keys: Vec<String> = (0..size).map(|_| format!("k{}", next() % names)).collect();
            let members: Vec<String> = keys.iter().map(|k| format!("\"{k}\": 1")).collect();
            // The object alone, and again inside an array inside an object.
            let object = format!("{{\n{}\n}}", members.join(",\n"));
            let text = format!("{{\"a\": [{object}], \"b\": {object}}}");
            let doc = Document::new(text.as_str());
            let mut out = Vec::new();
            check(&doc, &mut out, 10);
            let got: Vec<(String, String)> = out
                .iter()
                .map(|d| (doc.slice(d.range).to_string(), d.message.clone()))
                .collect();
            // The first copy's members are on lines 2..=size+1, the second's from size+3.
            let mut expected = Vec::new();
            for first_line in [2, size + 3] {
                for (i, key) in keys.iter().enumerate() {
                    if let Some(first) = keys[..i].iter().position(|k| k == key) {
                        expected.push((
                            format!("\"{key}\""),
                            format!(
                                "duplicate key '{key}': it is already set on line {}; JSON readers keep only the last one",
                                first + first_line
                            ),
                        ));
                    }
                }
            }
            assert_eq!(got, expected, "{keys:?}");
        }
    }
}
