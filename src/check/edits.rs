//! Edits that keep JSON valid: inserting a member into an object, removing one.

use super::Edit;
use crate::document::{Document, Node, TextRange};

/// Inserts `"key": value_json` as the object's last member, on its own line indented like
/// its siblings.
pub(crate) fn insert_member(doc: &Document, object: &Node, key: &str, value_json: &str) -> Edit {
    let key_json = serde_json::to_string(key).unwrap_or_else(|_| format!("\"{key}\""));
    let members = object.members().unwrap_or(&[]);
    match members.last() {
        Some(last) => {
            let indent = indentation_at(doc, last.range.start as usize);
            Edit {
                range: TextRange::empty(last.range.end as usize),
                new_text: format!(",\n{indent}{key_json}: {value_json}"),
            }
        }
        None => {
            let open = object.range.start as usize;
            let indent = indentation_at(doc, open);
            Edit {
                range: TextRange::empty(open + 1),
                new_text: format!("\n{indent}  {key_json}: {value_json}\n{indent}"),
            }
        }
    }
}

/// The whitespace that starts the line holding `offset`.
pub(crate) fn indentation_at(doc: &Document, offset: usize) -> String {
    let text = doc.text();
    let line_start = text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect()
}
