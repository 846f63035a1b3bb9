//! Incremental re-parsing: after an edit, only the value token that holds it (a string or
//! number being typed), else the smallest container (object or array) that encloses it, is
//! parsed again and spliced into the tree; every range after it is shifted by
//! the edit's length change. Falls back to a full parse whenever the result could differ from
//! one (the text had syntax errors, the container's new text does not parse cleanly as one
//! container of the same kind, or nesting would reach [`MAX_DEPTH`]).
//!
//! Why: on a 7 MB order, a keystroke in `cloudCoverage` re-parsed 200,000 positions (about
//! 50 ms); re-parsing the `params` object alone would still cover the polygon, so the search
//! goes as deep as the edit allows (a digit typed in a coordinate re-parses that number).
//! Equality with a full parse is checked by a differential test over thousands of edits.

use super::parser::{parse, MAX_DEPTH};
use super::tree::{Member, Node, NodeKind, ParsedJson, TextRange};
use super::Document;

/// One replacement, in byte offsets of the text before it: `start..end` becomes `insert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByteEdit {
    pub start: usize,
    pub end: usize,
    pub insert: String,
}

impl Document {
    /// The document after `edits`, applied one after the other (each in offsets of the text
    /// the previous one left). Offsets are clamped to the text and moved back to a character
    /// boundary. Re-parses only what the edits enclose when that gives the same tree as a full
    /// parse; else parses the whole new text.
    pub fn edited(mut self, edits: &[ByteEdit]) -> Document {
        for edit in edits {
            self = self.edited_once(edit);
        }
        self
    }

    fn edited_once(self, edit: &ByteEdit) -> Document {
        let Document {
            mut text,
            line_index: _,
            parsed,
        } = self;
        let end = floor_boundary(&text, edit.end.min(text.len()));
        let start = floor_boundary(&text, edit.start.min(end));
        text.replace_range(start..end, &edit.insert);
        let parsed =
            reparse(parsed, &text, start, end, edit.insert.len()).unwrap_or_else(|| parse(&text));
        Document {
            text,
            line_index: std::sync::OnceLock::new(),
            parsed,
        }
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The tree after `old_start..old_end` of the old text became `inserted` bytes (now in `text`),
/// or `None` when only a full parse gives the right answer.
fn reparse(
    mut parsed: ParsedJson,
    text: &str,
    old_start: usize,
    old_end: usize,
    inserted: usize,
) -> Option<ParsedJson> {
    if !parsed.errors.is_empty() {
        return None;
    }
    let root = parsed.root.as_mut()?;
    let delta = inserted as i64 - (old_end - old_start) as i64;
    let (container, depth) = enclosing_container(root, old_start, old_end, 0)?;
    let new_end = usize::try_from(container.range.end as i64 + delta).ok()?;
    let start = container.range.start as usize;
    let sub = parse(text.get(start..new_end)?);
    let mut new = sub.root?;
    let scalar = |n: &Node| !is_container(Some(n)) && !matches!(n.kind, NodeKind::Error);
    let same_kind = match (&new.kind, &container.kind) {
        (NodeKind::Object(_), NodeKind::Object(_)) | (NodeKind::Array(_), NodeKind::Array(_)) => {
            true
        }
        _ => scalar(&new) && scalar(container),
    };
    if !sub.errors.is_empty()
        || !same_kind
        || new.range != TextRange::new(0, new_end - start)
        || depth + max_depth(&new) >= MAX_DEPTH
    {
        return None;
    }
    shift_node(&mut new, start as i64, 0);
    let container_end = container.range.end;
    let is_root = depth == 0;
    *container = new;
    // Everything after the old container moves by `delta`; the containers around it grow.
    if !is_root {
        shift_after(root, start as u32, container_end, delta);
    }
    Some(parsed)
}

/// The deepest node to re-parse for an edit of `start..end`: an object or array whose brackets
/// strictly enclose it, or a scalar (string, number, literal) whose token holds it (its ends
/// included: the re-parse must then give one clean scalar spanning the new token, and since
/// an error-free text has a delimiter on each side of a value token, a full parse would cut
/// the same token). Returns the node and the number of containers around it.
fn enclosing_container(
    node: &mut Node,
    start: usize,
    end: usize,
    depth: usize,
) -> Option<(&mut Node, usize)> {
    if !fits(node, start, end) {
        return None;
    }
    // Decide on the child first (with a shared borrow), then take the mutable path once.
    let child = match &node.kind {
        NodeKind::Object(members) => members
            .iter()
            .position(|m| m.value.as_ref().is_some_and(|v| fits(v, start, end))),
        NodeKind::Array(items) => {
            // Items are in order: a binary search keeps this fast on 200,000 positions.
            let i = items.partition_point(|item| (item.range.end as usize) < start);
            items
                .get(i)
                .and_then(|item| fits(item, start, end).then_some(i))
        }
        _ => None,
    };
    match child {
        None => Some((node, depth)),
        Some(i) => {
            let child = match &mut node.kind {
                NodeKind::Object(members) => members[i].value.as_mut()?,
                NodeKind::Array(items) => &mut items[i],
                _ => return None,
            };
            enclosing_container(child, start, end, depth + 1)
        }
    }
}

/// Whether re-parsing `node` alone can cover an edit of `start..end`.
fn fits(node: &Node, start: usize, end: usize) -> bool {
    let (node_start, node_end) = (node.range.start as usize, node.range.end as usize);
    match node.kind {
        NodeKind::Object(_) | NodeKind::Array(_) => node_start < start && end < node_end,
        NodeKind::Error => false,
        _ => node_start <= start && end <= node_end,
    }
}

fn is_container(node: Option<&Node>) -> bool {
    matches!(
        node.map(|n| &n.kind),
        Some(NodeKind::Object(_) | NodeKind::Array(_))
    )
}

/// Containers nested in `node`, counting `node` itself as 0.
fn max_depth(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Object(members) => members
            .iter()
            .filter_map(|m| m.value.as_ref())
            .filter(|v| is_container(Some(v)))
            .map(|v| 1 + max_depth(v))
            .max()
            .unwrap_or(0),
        NodeKind::Array(items) => items
            .iter()
            .filter(|v| is_container(Some(v)))
            .map(|v| 1 + max_depth(v))
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}

fn shift(offset: u32, by: i64) -> u32 {
    (offset as i64 + by) as u32
}

/// Adds `by` to every offset in `node` that is at or after `from`.
fn shift_node(node: &mut Node, by: i64, from: u32) {
    if node.range.end < from {
        return;
    }
    if node.range.start >= from {
        node.range.start = shift(node.range.start, by);
    }
    node.range.end = shift(node.range.end, by);
    match &mut node.kind {
        NodeKind::Object(members) => {
            for member in members {
                shift_member(member, by, from);
            }
        }
        NodeKind::Array(items) => {
            let first = items.partition_point(|item| item.range.end < from);
            for item in &mut items[first..] {
                shift_node(item, by, from);
            }
        }
        _ => {}
    }
}

fn shift_member(member: &mut Member, by: i64, from: u32) {
    if member.range.end < from {
        return;
    }
    if member.range.start >= from {
        member.range.start = shift(member.range.start, by);
    }
    member.range.end = shift(member.range.end, by);
    if member.key.range.start >= from {
        member.key.range.start = shift(member.key.range.start, by);
        member.key.range.end = shift(member.key.range.end, by);
    }
    if let Some(colon) = &mut member.colon {
        if *colon >= from {
            *colon = shift(*colon, by);
        }
    }
    if let Some(value) = &mut member.value {
        shift_node(value, by, from);
    }
}

/// After the re-parsed container (which started at `container_start`, ended at `old_end`, and
/// is already in place with its new offsets): the nodes around it get their end moved, the
/// nodes after it move, the ones before it stay.
fn shift_after(node: &mut Node, container_start: u32, old_end: u32, delta: i64) {
    if delta == 0 {
        return;
    }
    // `node` strictly encloses the container.
    node.range.end = shift(node.range.end, delta);
    match &mut node.kind {
        NodeKind::Object(members) => {
            for member in members {
                if member.range.start >= old_end {
                    shift_member(member, delta, 0);
                } else if member.range.start < container_start && member.range.end >= old_end {
                    member.range.end = shift(member.range.end, delta);
                    if let Some(value) = &mut member.value {
                        if value.range.start < container_start {
                            shift_after(value, container_start, old_end, delta);
                        }
                    }
                }
            }
        }
        NodeKind::Array(items) => {
            let first = items.partition_point(|item| item.range.end <= container_start);
            for item in &mut items[first..] {
                if item.range.start >= old_end {
                    shift_node(item, delta, 0);
                } else if item.range.start < container_start {
                    shift_after(item, container_start, old_end, delta);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies `edits` incrementally and from scratch; both trees must be equal.
    fn same(text: &str, edits: &[ByteEdit]) {
        let incremental = Document::new(text).edited(edits);
        let mut expected = text.to_string();
        for e in edits {
            expected.replace_range(e.start..e.end, &e.insert);
        }
        let full = Document::new(expected.clone());
        assert_eq!(incremental.text(), expected);
        assert_eq!(
            incremental.parsed, full.parsed,
            "after {edits:?} on {text:?}"
        );
    }

    fn edit(start: usize, end: usize, insert: &str) -> ByteEdit {
        ByteEdit {
            start,
            end,
            insert: insert.to_string(),
        }
    }

    #[test]
    fn edits_inside_values_keep_the_tree_equal_to_a_full_parse() {
        let text = r#"{"a": {"b": [1, 2, [3, 4]], "c": "x"}, "d": [5]}"#;
        same(text, &[edit(13, 14, "10")]);
        same(text, &[edit(22, 22, ", 9")]);
        same(text, &[edit(33, 34, "yz")]);
        same(text, &[edit(45, 46, "")]);
        same(text, &[edit(6, 6, " ")]);
        // Structural: a bracket removed or added falls back to a full parse.
        same(text, &[edit(18, 19, "")]);
        same(text, &[edit(0, 1, "")]);
        same(text, &[edit(13, 13, "{")]);
    }

    #[test]
    fn edits_of_one_value_token_re_parse_that_token() {
        let text = r#"{"a": [150, "xy", true], "b": null}"#;
        same(text, &[edit(10, 10, "0")]); // 1500
        same(text, &[edit(7, 7, "-")]); // -150
        same(text, &[edit(14, 14, "z")]); // "xzy"
        same(text, &[edit(14, 14, "\"")]); // "x"y": a full parse
        same(text, &[edit(19, 23, "false")]);
        same(text, &[edit(31, 35, "1e5")]);
        same(text, &[edit(10, 10, ",")]); // a new item
        same(text, &[edit(10, 10, "x")]); // an error
    }

    #[test]
    fn an_edit_that_repairs_an_error_parses_in_full() {
        same(r#"{"a": [1 2]}"#, &[edit(8, 8, ",")]);
    }
}
