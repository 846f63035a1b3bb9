//! Formatting: stable 2-space JSON in source key order, short arrays of scalars (positions,
//! tags) on one line, numbers and strings exactly as written, the file's line ending (CRLF or
//! LF).

use crate::document::{ArrayItems, Document, Node, NodeKind};

/// An array of scalars stays on one line when that line is at most this wide.
const LINE_WIDTH: usize = 100;

/// The formatted text, ending with a newline; `None` when the document has syntax errors (a
/// formatter that guesses would move text the user is still typing).
pub fn format(doc: &Document) -> Option<String> {
    if !doc.syntax_errors().is_empty() {
        return None;
    }
    let root = doc.root()?;
    let mut out = String::with_capacity(doc.text().len() + doc.text().len() / 4);
    write_node(doc, root, 0, &mut out);
    out.push('\n');
    // The file's own line ending (CRLF stays CRLF): the formatter changes layout, not the
    // file's conventions. (A BOM is a syntax error, whose fix removes it; see above.)
    match crate::document::with_line_ending(&out, doc.line_ending()) {
        std::borrow::Cow::Owned(text) => Some(text),
        std::borrow::Cow::Borrowed(_) => Some(out),
    }
}

fn write_node(doc: &Document, node: &Node, indent: usize, out: &mut String) {
    match &node.kind {
        NodeKind::Object(members) if members.is_empty() => out.push_str("{}"),
        NodeKind::Object(members) => {
            out.push_str("{\n");
            for (i, member) in members.iter().enumerate() {
                push_indent(out, indent + 1);
                out.push_str(doc.slice(member.key.range));
                out.push_str(": ");
                if let Some(value) = &member.value {
                    write_node(doc, value, indent + 1, out);
                }
                if i + 1 < members.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            push_indent(out, indent);
            out.push('}');
        }
        NodeKind::Array(items) if items.is_empty() => out.push_str("[]"),
        NodeKind::Array(items) => {
            if let Some(line) = node.items().and_then(|all| one_line(doc, all, indent)) {
                out.push_str(&line);
                return;
            }
            out.push_str("[\n");
            for (i, item) in node.items().into_iter().flatten().enumerate() {
                push_indent(out, indent + 1);
                write_node(doc, &item, indent + 1, out);
                if i + 1 < items.len() {
                    out.push(',');
                }
                out.push('\n');
            }
            push_indent(out, indent);
            out.push(']');
        }
        // Scalars keep their source text: `1.50` stays `1.50`, `\u00e9` stays escaped.
        _ => out.push_str(doc.slice(node.range)),
    }
}

/// `[a, b]` when every item is a scalar and the line fits.
fn one_line(doc: &Document, items: ArrayItems<'_>, indent: usize) -> Option<String> {
    let budget = LINE_WIDTH.saturating_sub(indent * 2);
    let mut line = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if matches!(item.kind, NodeKind::Object(_) | NodeKind::Array(_)) {
            return None;
        }
        if i > 0 {
            line.push_str(", ");
        }
        line.push_str(doc.slice(item.range));
        if line.len() > budget {
            return None;
        }
    }
    line.push(']');
    Some(line)
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}
