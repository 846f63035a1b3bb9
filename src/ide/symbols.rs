//! Document symbols: the outline of a request, members with their values, long arrays cut
//! short so a 200,000-position polygon stays a few hundred symbols.

use crate::document::{ArrayItems, Document, Node, NodeKind, TextRange};

/// At most this many children per array; the array's detail still gives the full count.
pub const MAX_ARRAY_CHILDREN: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Object,
    Array,
    String,
    Number,
    Boolean,
    Null,
    /// A member without a value yet.
    Key,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole member (key and value) or array item.
    pub range: TextRange,
    /// The key, or the item itself.
    pub selection_range: TextRange,
    pub children: Vec<Symbol>,
}

/// The outline: one symbol per member of the root object (or one for a non-object root).
pub fn symbols(doc: &Document) -> Vec<Symbol> {
    let Some(root) = doc.root() else {
        return Vec::new();
    };
    match &root.kind {
        NodeKind::Object(_) => children(doc, root),
        _ => vec![symbol(
            doc,
            "(root)".to_string(),
            root,
            root.range,
            root.range,
        )],
    }
}

fn children(doc: &Document, node: &Node) -> Vec<Symbol> {
    match &node.kind {
        NodeKind::Object(members) => members
            .iter()
            .map(|member| match &member.value {
                Some(value) => symbol(
                    doc,
                    display_name(&member.key.name),
                    value,
                    member.range,
                    member.key.range,
                ),
                None => Symbol {
                    name: display_name(&member.key.name),
                    detail: None,
                    kind: SymbolKind::Key,
                    range: member.range,
                    selection_range: member.key.range,
                    children: Vec::new(),
                },
            })
            .collect(),
        NodeKind::Array(_) => node
            .items()
            .into_iter()
            .flatten()
            .take(MAX_ARRAY_CHILDREN)
            .enumerate()
            .map(|(i, item)| symbol(doc, format!("[{i}]"), &item, item.range, item.range))
            .collect(),
        _ => Vec::new(),
    }
}

/// The name shown for a key. LSP requires a document symbol's name to be non-empty and
/// VS Code drops the whole outline when one is empty or blank (microsoft/vscode#
/// 'name must not be falsy'), so an empty or all-whitespace key is shown quoted as written:
/// `""`, `" "`.
pub fn display_name(key: &str) -> String {
    if key.trim().is_empty() {
        format!("{key:?}")
    } else {
        key.to_string()
    }
}

fn symbol(
    doc: &Document,
    name: String,
    value: &Node,
    range: TextRange,
    selection_range: TextRange,
) -> Symbol {
    let (kind, detail) = match &value.kind {
        NodeKind::Object(members) => (
            SymbolKind::Object,
            value
                .get("type")
                .and_then(Node::as_str)
                .map(str::to_string)
                .or_else(|| Some(count(members.len(), "member", "members"))),
        ),
        NodeKind::Array(_) => (SymbolKind::Array, value.items().map(array_detail)),
        NodeKind::String(s) => (SymbolKind::String, Some(short(s))),
        NodeKind::Number(_) => (SymbolKind::Number, Some(doc.slice(value.range).to_string())),
        NodeKind::Bool(b) => (SymbolKind::Boolean, Some(b.to_string())),
        NodeKind::Null => (SymbolKind::Null, Some("null".to_string())),
        NodeKind::Error => (SymbolKind::Key, None),
    };
    // A position is a leaf: its numbers are in the detail already.
    let children = if is_position(value) {
        Vec::new()
    } else {
        children(doc, value)
    };
    Symbol {
        name,
        detail,
        kind,
        range,
        selection_range,
        children,
    }
}

fn is_position(node: &Node) -> bool {
    matches!(node.items(), Some(items) if !items.is_empty() && items.len() <= 3 && items.iter().all(|i| i.is_number()))
}

/// "5 positions", "1 ring", "2 items"; a position itself shows its numbers.
fn array_detail(items: ArrayItems<'_>) -> String {
    match items.first() {
        Some(first) if is_position(&first) => count(items.len(), "position", "positions"),
        Some(first)
            if first
                .items()
                .and_then(|inner| inner.first())
                .is_some_and(|inner| is_position(&inner)) =>
        {
            count(items.len(), "ring", "rings")
        }
        _ if !items.is_empty() && items.iter().all(|i| i.is_number()) => {
            let numbers: Vec<String> = items
                .iter()
                .take(4)
                .map(|i| i.as_f64().map_or(String::new(), |n| n.to_string()))
                .collect();
            let mut text = format!("[{}", numbers.join(", "));
            text.push_str(if items.len() > 4 { ", …]" } else { "]" });
            text
        }
        _ => count(items.len(), "item", "items"),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A string cut at 60 characters.
fn short(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod name_tests {
    use super::*;

    #[test]
    fn empty_and_blank_keys_are_shown_quoted_never_empty() {
        for (text, expected) in [
            (r#"{"": 1}"#, r#""""#),
            (r#"{" ": 1}"#, r#"" ""#),
            ("{\"\\t\": 1}", r#""\t""#),
            (r#"{"": }"#, r#""""#),
            (r#"{"a": {"": [1, 2]}}"#, "a"),
        ] {
            let doc = Document::new(text.to_string());
            let outline = symbols(&doc);
            assert_eq!(outline[0].name, expected, "{text}");
            fn all_named(s: &[Symbol]) -> bool {
                s.iter()
                    .all(|s| !s.name.trim().is_empty() && all_named(&s.children))
            }
            assert!(all_named(&outline), "{text}: {outline:?}");
        }
    }
}
