//! Selection ranges ("expand selection"): from the token under the cursor out to the whole
//! document, one step per syntactic level, as VS Code's JSON support steps: a string's
//! content, the string with its quotes, the member (`"key": value`), the inside of the
//! enclosing object or array, the object or array with its brackets, and so on up.

use crate::document::{Document, Node, NodeKind, TextRange};

/// The ranges around `offset` (a byte offset), innermost first; each strictly contains the one
/// before it, as LSP's `SelectionRange.parent` requires. Empty when the text has no value.
pub fn selection_ranges(doc: &Document, offset: usize) -> Vec<TextRange> {
    let mut outer_first = vec![TextRange::new(0, doc.text().len())];
    if let Some(root) = doc.root().filter(|root| root.range.touches(offset)) {
        descend(doc, root, offset, &mut outer_first);
    }
    let mut ranges: Vec<TextRange> = Vec::with_capacity(outer_first.len());
    for range in outer_first.into_iter().rev() {
        let grows = ranges.last().is_none_or(|inner| {
            range != *inner && range.start <= inner.start && inner.end <= range.end
        });
        if grows {
            ranges.push(range);
        }
    }
    ranges
}

fn descend(doc: &Document, node: &Node, offset: usize, out: &mut Vec<TextRange>) {
    out.push(node.range);
    match &node.kind {
        NodeKind::Object(members) => {
            push_interior(doc, node.range, offset, out);
            let Some(member) = members.iter().find(|m| m.range.touches(offset)) else {
                return;
            };
            out.push(member.range);
            match &member.value {
                Some(value) if value.range.touches(offset) && !member.key.range.touches(offset) => {
                    descend(doc, value, offset, out)
                }
                _ => {
                    if member.key.range.touches(offset) {
                        out.push(member.key.range);
                        push_interior(doc, member.key.range, offset, out);
                    }
                }
            }
        }
        NodeKind::Array(_) => {
            push_interior(doc, node.range, offset, out);
            let Some(items) = node.items() else {
                return;
            };
            // Items are sorted by offset; a cursor between two items selects neither.
            let at = items.partition_point(|item| (item.range.end as usize) < offset);
            if let Some(item) = items.get(at).filter(|item| item.range.touches(offset)) {
                descend(doc, &item, offset, out);
            }
        }
        NodeKind::String(_) => push_interior(doc, node.range, offset, out),
        _ => {}
    }
}

/// The inside of `range` when the cursor is there (not on a delimiter).
fn push_interior(doc: &Document, range: TextRange, offset: usize, out: &mut Vec<TextRange>) {
    let inside = interior(doc, range);
    if inside.touches(offset) {
        out.push(inside);
    }
}

/// The range without its delimiters (brackets or quotes) where they are there: an
/// unterminated string or object has no closing one.
fn interior(doc: &Document, range: TextRange) -> TextRange {
    let bytes = doc.text().as_bytes();
    let (start, end) = (range.start as usize, range.end as usize);
    if end <= start {
        return range;
    }
    let open = matches!(bytes[start], b'{' | b'[' | b'"');
    let close = end > start + 1
        && match bytes[start] {
            b'{' => bytes[end - 1] == b'}',
            b'[' => bytes[end - 1] == b']',
            b'"' => bytes[end - 1] == b'"',
            _ => false,
        };
    TextRange::new(start + open as usize, end - close as usize)
}
