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

use std::sync::{Arc, OnceLock};

use super::parser::{parse, MAX_DEPTH};
use super::tree::{moved, Items, Member, Node, NodeKind, ParsedJson, Positions, TextRange};
use super::Document;

/// One replacement, in byte offsets of the text before it: `start..end` becomes `insert`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ByteEdit {
    pub start: usize,
    pub end: usize,
    pub insert: String,
}

/// Where two texts differ: `start..old_end` of the old text became `start..new_end` of the new
/// one (byte offsets); everything before `start` and after the ends is the same text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangedSpan {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl ChangedSpan {
    /// One replacement of `start..end` by `inserted` bytes.
    pub fn new(start: usize, end: usize, inserted: usize) -> Self {
        ChangedSpan {
            start,
            old_end: end,
            new_end: start + inserted,
        }
    }

    /// This change followed by a replacement of `start..end` (offsets in the text this change
    /// produced) by `inserted` bytes: the one span that covers both.
    pub fn then(self, start: usize, end: usize, inserted: usize) -> Self {
        // Past `new_end` the intermediate text is the old text moved by this change's delta.
        let beyond = end.saturating_sub(self.new_end);
        let covered_end = self.new_end.max(end);
        ChangedSpan {
            start: self.start.min(start),
            old_end: self.old_end + beyond,
            new_end: covered_end + inserted - (end - start),
        }
    }
}

impl Document {
    /// The document after `edits`, applied one after the other (each in offsets of the text
    /// the previous one left). Offsets are clamped to the text and moved back to a character
    /// boundary. Re-parses only what the edits enclose when that gives the same tree as a full
    /// parse; else parses the whole new text.
    pub fn edited(self, edits: &[ByteEdit]) -> Document {
        let Document { text, parsed, .. } = self;
        let mut text = Arc::try_unwrap(text).unwrap_or_else(|shared| (*shared).clone());
        let mut changed: Option<ChangedSpan> = None;
        for edit in edits {
            let end = floor_boundary(&text, edit.end.min(text.len()));
            let start = floor_boundary(&text, edit.start.min(end));
            text.replace_range(start..end, &edit.insert);
            let inserted = edit.insert.len();
            changed = Some(match changed {
                None => ChangedSpan::new(start, end, inserted),
                Some(span) => span.then(start, end, inserted),
            });
        }
        let text = Arc::new(text);
        match changed {
            Some(changed) => Document::reparsed(parsed, text, changed),
            None => Document {
                text,
                line_index: OnceLock::new(),
                parsed,
            },
        }
    }

    /// The document of `text`, given the tree of an earlier text that differs from it only in
    /// `changed`. Re-parses only what the change encloses when that gives the same tree as a
    /// full parse; else parses the whole text.
    pub fn reparsed(tree: ParsedJson, text: Arc<String>, changed: ChangedSpan) -> Document {
        let ChangedSpan {
            start,
            old_end,
            new_end,
        } = changed;
        let parsed = if new_end < start || new_end > text.len() || !text.is_char_boundary(start) {
            parse(&text)
        } else {
            reparse(tree, &text, start, old_end, new_end - start).unwrap_or_else(|| parse(&text))
        };
        Document {
            text,
            line_index: OnceLock::new(),
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
    if let NodeKind::Array(Items::Positions(positions)) = &mut container.kind {
        if let Some((start, end)) = reparse_position(positions, text, old_start, old_end, delta) {
            shift_after(root, start, end, delta);
            return Some(parsed);
        }
    }
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
    shift_node(&mut new, start as i64);
    let container_end = container.range.end;
    let is_root = depth == 0;
    *container = new;
    // Everything after the old container moves by `delta`; the containers around it grow.
    if !is_root {
        shift_after(root, start as u32, container_end, delta);
        refresh_parent(root, start as u32);
    }
    Some(parsed)
}

/// An edit of `old_start..old_end` (old text) strictly inside one position of a ring stored
/// packed, which still reads as a packed pair: that position replaced in place. Returns its
/// start and old end, for [`shift_after`]; `None` (nothing changed) when the position is not
/// a packed pair any more, and the whole ring is re-parsed then.
fn reparse_position(
    positions: &mut Positions,
    text: &str,
    old_start: usize,
    old_end: usize,
    delta: i64,
) -> Option<(u32, u32)> {
    let i = positions.enclosing(old_start, old_end)?;
    let old = positions.range(i)?;
    let start = old.start as usize;
    let new_end = usize::try_from(old.end as i64 + delta).ok()?;
    let sub = parse(text.get(start..new_end)?);
    let mut new = sub.root?;
    if !sub.errors.is_empty() || new.range != TextRange::new(0, new_end - start) {
        return None;
    }
    shift_node(&mut new, start as i64);
    positions.set(i, &new).then_some((old.start, old.end))
}

/// After the node that starts at `start` (below `node`) was replaced: every array on the way
/// to it stored as a full parse stores it. A new item can change its array's storage (two
/// numbers packed into a pair, or no longer; every item a packed pair, so positions; a
/// scalar, so flat), and a pair packed or unpacked can change the array around that in
/// turn; so the arrays on the path are stored again from their items, innermost first (an
/// edit inside a ring stored as positions never comes here: see [`reparse_position`]).
fn refresh_parent(node: &mut Node, start: u32) {
    match &mut node.kind {
        NodeKind::Object(members) => {
            let holder = members
                .iter_mut()
                .filter_map(|m| m.value.as_mut())
                .find(|v| v.range.start < start && start < v.range.end);
            if let Some(value) = holder {
                refresh_parent(value, start);
            }
            return;
        }
        NodeKind::Array(Items::Nodes(items) | Items::Flat(items)) => {
            let i = items.partition_point(|item| item.range.end <= start);
            match items.get_mut(i) {
                Some(child) if child.range.start < start => refresh_parent(child, start),
                Some(child) if child.range.start == start => {}
                _ => return,
            }
        }
        _ => return,
    }
    if let NodeKind::Array(Items::Nodes(items) | Items::Flat(items)) = &mut node.kind {
        let nodes = std::mem::take(items);
        node.kind = NodeKind::Array(Items::from_nodes(node.range.start, nodes));
    }
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
        // A packed pair's numbers are re-parsed with their array (the smallest unit it has).
        NodeKind::Array(Items::Pair(_)) => None,
        NodeKind::Array(Items::Nodes(items) | Items::Flat(items)) => {
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
                NodeKind::Array(Items::Nodes(items) | Items::Flat(items)) => &mut items[i],
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
        // Each position is an array of two numbers.
        NodeKind::Array(Items::Positions(_)) => 1,
        NodeKind::Array(items) => items
            .nodes()
            .unwrap_or_default()
            .iter()
            .filter(|v| is_container(Some(v)))
            .map(|v| 1 + max_depth(v))
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}

/// Moves `node` and everything in it by `by` bytes (a re-parsed container into place, or a
/// node after the edit).
fn shift_node(node: &mut Node, by: i64) {
    node.range.start = moved(node.range.start, by);
    node.range.end = moved(node.range.end, by);
    match &mut node.kind {
        NodeKind::Object(members) => {
            for member in members {
                shift_member(member, by);
            }
        }
        // A packed pair's spans are relative to its start: moving the array moves them.
        NodeKind::Array(Items::Pair(_)) => {}
        NodeKind::Array(Items::Positions(positions)) => positions.move_from(by, 0),
        NodeKind::Array(Items::Nodes(items) | Items::Flat(items)) => {
            for item in items {
                shift_node(item, by);
            }
        }
        _ => {}
    }
}

fn shift_member(member: &mut Member, by: i64) {
    member.range.start = moved(member.range.start, by);
    member.range.end = moved(member.range.end, by);
    member.key.range.start = moved(member.key.range.start, by);
    member.key.range.end = moved(member.key.range.end, by);
    if let Some(colon) = &mut member.colon {
        *colon = moved(*colon, by);
    }
    if let Some(value) = &mut member.value {
        shift_node(value, by);
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
    node.range.end = moved(node.range.end, delta);
    match &mut node.kind {
        NodeKind::Object(members) => {
            for member in members {
                if member.range.start >= old_end {
                    shift_member(member, delta);
                } else if member.range.start < container_start && member.range.end >= old_end {
                    member.range.end = moved(member.range.end, delta);
                    if let Some(value) = &mut member.value {
                        if value.range.start < container_start {
                            shift_after(value, container_start, old_end, delta);
                        }
                    }
                }
            }
        }
        // A packed pair encloses no container.
        NodeKind::Array(Items::Pair(_)) => {}
        // The container was one of the positions (replaced in place): the ones after it move.
        NodeKind::Array(Items::Positions(positions)) => positions.move_from(delta, old_end),
        NodeKind::Array(Items::Nodes(items) | Items::Flat(items)) => {
            let first = items.partition_point(|item| item.range.end <= container_start);
            for item in &mut items[first..] {
                if item.range.start >= old_end {
                    shift_node(item, delta);
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

    /// A ring of packed pairs is stored as positions; an edit that makes one position
    /// anything but two numbers (an object in it, a third number, a string) makes it a plain
    /// array of nodes, and the edit that takes that out makes it positions again, as a full
    /// parse would (the trees are compared whole).
    #[test]
    fn arrays_become_positions_and_plain_again_as_a_full_parse_has_them() {
        let ring = r#"{"g": [[[1, 2], [3, 4], [5, 6]]]}"#;
        let at = ring.find('4').unwrap();
        let flat = |d: &Document| {
            let rings = d.root().unwrap().get("g").unwrap();
            matches!(
                rings.item(0).unwrap().kind,
                NodeKind::Array(Items::Positions(_))
            )
        };
        assert!(flat(&Document::new(ring)));
        for insert in [r#"{"a": 1}"#, "4, 5", "[4]", r#""x""#, "null", "40"] {
            same(ring, &[edit(at, at + 1, insert)]);
            let edited = Document::new(ring).edited(&[edit(at, at + 1, insert)]);
            assert_eq!(flat(&edited), insert == "40", "{insert}");
        }
        let plain = r#"{"g": [[[1, 2], [3, {"a": 1}], [5, 6]]]}"#;
        let object = plain
            .find('{')
            .map(|_| plain.find(r#"{"a""#).unwrap())
            .unwrap();
        let back = edit(object, object + r#"{"a": 1}"#.len(), "4");
        same(plain, std::slice::from_ref(&back));
        assert!(flat(&Document::new(plain).edited(&[back])));
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

    /// Runs of 1 to 5 random edits (inside numbers, strings, between items, structural),
    /// applied as one batch: the composed change must give the tree of a full parse.
    #[test]
    fn batches_of_random_edits_give_the_tree_of_a_full_parse() {
        let mut text = String::from("{\"a\": [[1.5, -2], [3, 4e2], [5, 6]], \"b\": {\"c\": \"xy\", \"d\": [true, null]}, \"e\": 7}");
        let original = text.clone();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let pieces = [
            "1", "-", ".", "e", ",", " ", "\"", "[", "]", "{", "}", ":", "x", "", "0, 1",
        ];
        for round in 0..3000 {
            if round % 100 == 99 {
                text = original.clone();
            }
            let count = 1 + next(5);
            let mut edits = Vec::new();
            let mut expected = text.clone();
            for _ in 0..count {
                let start = next(expected.len() + 1);
                let end = (start + next(3)).min(expected.len());
                let insert = pieces[next(pieces.len())].to_string();
                expected.replace_range(start..end, &insert);
                edits.push(edit(start, end, &insert));
            }
            same(&text, &edits);
            text = expected;
        }
    }
}
