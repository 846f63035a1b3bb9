//! Folding ranges: one per object or array that spans lines, and one per GeoJSON coordinate
//! list, which long lists ask to start folded (a 200,000-position ring is the whole file).
//!
//! Lines follow VS Code's JSON support (`vscode-json-languageservice`, `jsonFolding.ts`): a
//! fold starts on the line of its opening bracket and ends on the line before its closing
//! one, so the closing bracket stays visible; at most one fold starts on a line (the outer
//! one: `[[` opens two arrays on one line and the editor can only show one fold marker there).

use crate::document::{Document, Node, NodeKind, PositionEncoding};

/// A coordinate list with more positions than this asks to start folded.
pub const LONG_COORDINATE_LIST: usize = 10;

/// What a fold holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FoldKind {
    Object,
    Array,
    /// A GeoJSON coordinate list: an array of positions, or of such arrays (rings, polygons).
    Coordinates,
}

/// One folding range, in lines (0-based, the unit LSP folding ranges speak).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fold {
    /// The line of the opening bracket; it stays visible when folded.
    pub start_line: u32,
    /// The last line hidden: the line before the closing bracket (or the last line of the
    /// text when the bracket is missing).
    pub end_line: u32,
    pub kind: FoldKind,
    /// What to show instead of the hidden lines: "3 members", "1 ring, 5 positions".
    pub collapsed_text: String,
    /// A long coordinate list ([`LONG_COORDINATE_LIST`]): the editor should fold it on open.
    pub collapse_by_default: bool,
}

/// The folds of the document in the order their start lines appear.
pub fn folding_ranges(doc: &Document) -> Vec<Fold> {
    let mut folds = Vec::new();
    if let Some(root) = doc.root() {
        visit(doc, root, None, &mut folds);
    }
    folds
}

fn visit(doc: &Document, node: &Node, geometry_type: Option<&str>, folds: &mut Vec<Fold>) {
    let (kind, collapsed_text, positions) = match &node.kind {
        NodeKind::Object(members) => {
            let text = match node.get("type").and_then(Node::as_str) {
                Some(kind) if !kind.is_empty() => {
                    format!("{kind}, {}", members_text(members.len()))
                }
                _ => members_text(members.len()),
            };
            (FoldKind::Object, text, None)
        }
        NodeKind::Array(items) => match coordinate_list(node) {
            Some(list) => (
                FoldKind::Coordinates,
                list.describe(geometry_type),
                Some(list.positions),
            ),
            None if is_position(node) => (FoldKind::Array, "position".to_string(), None),
            None => (FoldKind::Array, count(items.len(), "item", "items"), None),
        },
        _ => return,
    };
    push_fold(doc, node, kind, collapsed_text, positions, folds);
    // Inside a long coordinate list every position would be a fold of its own: no use.
    if positions.is_some_and(|n| n > LONG_COORDINATE_LIST) {
        return;
    }
    match &node.kind {
        NodeKind::Object(members) => {
            let kind = node.get("type").and_then(Node::as_str);
            for member in members {
                if let Some(value) = &member.value {
                    let geometry_type =
                        (member.key.name == "coordinates").then_some(kind).flatten();
                    visit(doc, value, geometry_type, folds);
                }
            }
        }
        NodeKind::Array(items) => match items.positions() {
            // A short ring stored packed: a position written over several lines folds, as
            // a stored one would.
            Some(positions) => {
                for i in 0..positions.len() {
                    if let Some(position) = positions.node(i) {
                        visit(doc, &position, None, folds);
                    }
                }
            }
            // The items of a packed pair are numbers: no folds inside.
            None => {
                for item in items.nodes().unwrap_or_default() {
                    visit(doc, item, None, folds);
                }
            }
        },
        _ => {}
    }
}

fn push_fold(
    doc: &Document,
    node: &Node,
    kind: FoldKind,
    collapsed_text: String,
    positions: Option<usize>,
    folds: &mut Vec<Fold>,
) {
    let index = doc.line_index();
    let line = |offset: usize| index.line_col(offset, PositionEncoding::Utf8).line;
    let (start, end) = (node.range.start as usize, node.range.end as usize);
    let start_line = line(start);
    let closed = end > start + 1 && matches!(doc.text().as_bytes()[end - 1], b'}' | b']');
    let end_line = if closed {
        line(end - 1).saturating_sub(1)
    } else {
        line(end)
    };
    if end_line <= start_line || folds.last().is_some_and(|f| f.start_line == start_line) {
        return;
    }
    folds.push(Fold {
        start_line,
        end_line,
        kind,
        collapsed_text,
        collapse_by_default: positions.is_some_and(|n| n > LONG_COORDINATE_LIST),
    });
}

/// The shape of a coordinate list: how deep its arrays nest above the positions, how many
/// arrays the top holds and how many positions there are in all.
struct CoordinateList {
    depth: usize,
    len: usize,
    positions: usize,
}

impl CoordinateList {
    /// "5 positions", "1 ring, 5 positions", "2 polygons, 10 positions".
    fn describe(&self, geometry_type: Option<&str>) -> String {
        let positions = count(self.positions, "position", "positions");
        match self.depth {
            1 => positions,
            2 if geometry_type == Some("MultiLineString")
                || geometry_type == Some("LineString") =>
            {
                format!("{}, {positions}", count(self.len, "line", "lines"))
            }
            2 => format!("{}, {positions}", count(self.len, "ring", "rings")),
            3 => format!("{}, {positions}", count(self.len, "polygon", "polygons")),
            _ => format!("{}, {positions}", count(self.len, "list", "lists")),
        }
    }
}

/// An array of positions (numbers only, 2 or more of them: RFC 7946 §3.1.1), or an array of
/// such arrays, all of the same depth; `None` for anything else, a position itself included.
fn coordinate_list(node: &Node) -> Option<CoordinateList> {
    let items = node.items().filter(|items| !items.is_empty())?;
    if items.iter().all(|item| is_position(&item)) {
        return Some(CoordinateList {
            depth: 1,
            len: items.len(),
            positions: items.len(),
        });
    }
    let mut depth = None;
    let mut positions = 0;
    for item in items {
        let inner = coordinate_list(&item)?;
        if *depth.get_or_insert(inner.depth) != inner.depth {
            return None;
        }
        positions += inner.positions;
    }
    Some(CoordinateList {
        depth: depth? + 1,
        len: items.len(),
        positions,
    })
}

fn is_position(node: &Node) -> bool {
    matches!(node.items(), Some(items) if items.len() >= 2 && items.iter().all(|i| i.is_number()))
}

fn members_text(n: usize) -> String {
    count(n, "member", "members")
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
