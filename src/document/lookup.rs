//! Finding nodes: by JSON pointer, and what the cursor is in at a byte offset.
//!
//! Cursor rules (`$0` is the cursor):
//! - inside a string or key token means strictly between its quotes, or anywhere after the
//!   opening quote of an unterminated one; `"mono"$0` is after the value, not in it;
//! - a number, literal or bare word is touched on both ends: `1$0` is in the number;
//! - after a complete value in an object (`{"a": "mono"$0}`, `{"a": 1 $0}`) the cursor is where a
//!   new member would go: a `Key` context with no member; in an array it is the next slot;
//! - between a key and its colon, inside a comment, before or after the root: `None`.

use super::parser::{COMMENT_MESSAGE, UNTERMINATED_COMMENT_MESSAGE};
use std::borrow::Cow;

use super::tree::{item_of, member_of, Item, Member, Node, NodeKind, TextRange};
use super::Document;

/// One step of a path from the root to a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

/// What sits under the cursor, for completion and hover.
#[derive(Clone, Debug, PartialEq)]
pub enum CursorContext<'a> {
    /// On a key, or inside a half-typed key. `range` is the token to replace (quotes included).
    Key {
        object_path: Vec<PathSegment>,
        object: &'a Node,
        member: Option<&'a Member>,
        partial: String,
        range: TextRange,
    },
    /// In value position of `path` (after the colon, in a value, or in an array slot).
    /// `node` is the value under the cursor if any; `range` is the token to replace.
    Value {
        path: Vec<PathSegment>,
        node: Option<Item<'a>>,
        partial: String,
        range: TextRange,
    },
    /// Nowhere useful (whitespace outside the root, inside a comment...).
    None,
}

impl Document {
    /// The node at an RFC 6901 pointer (`""` is the root, `/params/geometry/coordinates/0`).
    /// `~1` stands for `/` and `~0` for `~`; on duplicate keys the last member wins. A malformed
    /// pointer (no leading `/`, a bad `~` escape, an index with leading zeros) finds nothing.
    pub fn node_at_pointer(&self, pointer: &str) -> Option<Item<'_>> {
        let mut node = Cow::Borrowed(self.root()?);
        if pointer.is_empty() {
            return Some(node);
        }
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_pointer_token(token)?;
            node = match &node.kind {
                NodeKind::Object(_) => member_of(&node, &token)?,
                NodeKind::Array(_) => {
                    let canonical = token == "0" || !token.starts_with('0');
                    if !canonical || !token.bytes().all(|b| b.is_ascii_digit()) {
                        return None;
                    }
                    item_of(node, token.parse::<usize>().ok()?)?
                }
                _ => return None,
            };
        }
        Some(node)
    }

    /// The node at a path of segments.
    pub fn node_at_path(&self, path: &[PathSegment]) -> Option<Item<'_>> {
        let mut node = Cow::Borrowed(self.root()?);
        for segment in path {
            node = match segment {
                PathSegment::Key(key) => member_of(&node, key)?,
                PathSegment::Index(i) => item_of(node, *i)?,
            };
        }
        Some(node)
    }

    /// The innermost node whose range touches `offset`, with the path to it. Where two siblings
    /// touch it (`1,2` has none, but `"a"1` would), the first wins.
    pub fn node_at_offset(&self, offset: usize) -> Option<(Vec<PathSegment>, Item<'_>)> {
        let mut node = self.root().filter(|root| root.range.touches(offset))?;
        let mut path = Vec::new();
        'descend: loop {
            match &node.kind {
                NodeKind::Object(members) => {
                    for member in members {
                        if let Some(value) =
                            member.value.as_ref().filter(|v| v.range.touches(offset))
                        {
                            path.push(PathSegment::Key(member.key.name.clone()));
                            node = value;
                            continue 'descend;
                        }
                    }
                }
                NodeKind::Array(_) => {
                    // Items are in order and apart (a comma between any two): the first that
                    // does not end before `offset` is the only one that can touch it. A binary
                    // search keeps this fast on a ring of 200,000 positions.
                    let found = node.items().and_then(|items| {
                        let i = items.partition_point(|item| (item.range.end as usize) < offset);
                        let item = items.get(i)?;
                        item.range.touches(offset).then_some((i, item))
                    });
                    if let Some((i, item)) = found {
                        path.push(PathSegment::Index(i));
                        match item {
                            Cow::Borrowed(item) => {
                                node = item;
                                continue 'descend;
                            }
                            // A packed number, or a packed position and the number in it.
                            Cow::Owned(packed) => {
                                let number = packed.items().and_then(|numbers| {
                                    let j = numbers.iter().position(|n| n.range.touches(offset))?;
                                    Some((j, numbers.get(j)?.into_owned()))
                                });
                                return Some(match number {
                                    Some((j, number)) => {
                                        path.push(PathSegment::Index(j));
                                        (path, Cow::Owned(number))
                                    }
                                    None => (path, Cow::Owned(packed)),
                                });
                            }
                        }
                    }
                }
                _ => {}
            }
            return Some((path, Cow::Borrowed(node)));
        }
    }

    /// The member whose key touches `offset`, with the path to its object.
    pub fn key_at_offset(&self, offset: usize) -> Option<(Vec<PathSegment>, &Member)> {
        let mut node = self.root().filter(|root| root.range.touches(offset))?;
        let mut path = Vec::new();
        'descend: loop {
            match &node.kind {
                NodeKind::Object(members) => {
                    if let Some(member) = members.iter().find(|m| m.key.range.touches(offset)) {
                        return Some((path, member));
                    }
                    for member in members {
                        if let Some(value) =
                            member.value.as_ref().filter(|v| v.range.touches(offset))
                        {
                            path.push(PathSegment::Key(member.key.name.clone()));
                            node = value;
                            continue 'descend;
                        }
                    }
                }
                NodeKind::Array(items) => {
                    // Only containers have keys below them; packed pairs and positions hold none.
                    let nodes = items.nodes().unwrap_or_default();
                    if let Some(i) = nodes.iter().position(|item| item.range.touches(offset)) {
                        path.push(PathSegment::Index(i));
                        node = &nodes[i];
                        continue 'descend;
                    }
                }
                _ => {}
            }
            return None;
        }
    }

    /// What the cursor at `offset` is in, for completion and hover (rules in the module docs).
    pub fn cursor_context(&self, offset: usize) -> CursorContext<'_> {
        if offset > self.text.len() {
            return CursorContext::None;
        }
        // An offset inside a multi-byte character means that character's start.
        let offset = (0..=offset)
            .rev()
            .find(|&o| self.text.is_char_boundary(o))
            .unwrap_or(0);
        if self.in_comment(offset) {
            return CursorContext::None;
        }
        let Some(root) = self.root() else {
            return CursorContext::Value {
                path: Vec::new(),
                node: None,
                partial: String::new(),
                range: TextRange::empty(offset),
            };
        };
        let mut path = Vec::new();
        match self.in_value(root, offset) {
            Place::Inside => {}
            Place::At(context) => return context.into_value(path, Cow::Borrowed(root)),
            Place::Outside => return CursorContext::None,
        }
        let mut node = root;
        // Invariant: the cursor is inside `node`, a container, between its brackets.
        'descend: loop {
            match &node.kind {
                NodeKind::Object(members) => {
                    for (i, member) in members.iter().enumerate() {
                        if offset <= member.range.start as usize {
                            break;
                        }
                        // A member's zone runs to the next member's key.
                        let next = members
                            .get(i + 1)
                            .map_or(usize::MAX, |m| m.range.start as usize);
                        if offset >= next {
                            continue;
                        }
                        let key = member.key.range;
                        if self.token_holds(key, offset) {
                            let partial = self.partial(key, offset);
                            return CursorContext::Key {
                                object_path: path,
                                object: node,
                                member: Some(member),
                                partial,
                                range: key,
                            };
                        }
                        let value_zone_start = match member.colon {
                            // Between a key and its colon nothing can be completed.
                            Some(colon) if offset <= colon as usize => return CursorContext::None,
                            Some(colon) => colon as usize + 1,
                            // Right after a key without a colon: where a new member would go.
                            None if offset <= key.end as usize => break,
                            None => key.end as usize,
                        };
                        let mut member_path = path.clone();
                        member_path.push(PathSegment::Key(member.key.name.clone()));
                        match &member.value {
                            Some(value) => match self.in_value(value, offset) {
                                Place::Inside => {
                                    path = member_path;
                                    node = value;
                                    continue 'descend;
                                }
                                Place::At(context) => {
                                    return context.into_value(member_path, Cow::Borrowed(value))
                                }
                                Place::Outside if offset < value.range.start as usize => {
                                    return CursorContext::Value {
                                        path: member_path,
                                        node: None,
                                        partial: String::new(),
                                        range: TextRange::empty(offset),
                                    };
                                }
                                Place::Outside => break,
                            },
                            None => {
                                // `"a": $0` is in the missing value; `"a": , $0` is past it.
                                let between = &self.text.as_bytes()[value_zone_start..offset];
                                if member.colon.is_some() && !between.contains(&b',') {
                                    return CursorContext::Value {
                                        path: member_path,
                                        node: None,
                                        partial: String::new(),
                                        range: TextRange::empty(offset),
                                    };
                                }
                                break;
                            }
                        }
                    }
                    return CursorContext::Key {
                        object_path: path,
                        object: node,
                        member: None,
                        partial: String::new(),
                        range: TextRange::empty(offset),
                    };
                }
                NodeKind::Array(_) => {
                    let items = node.items().into_iter().flat_map(|items| items.iter());
                    for (i, item) in items.clone().enumerate() {
                        match self.in_value(&item, offset) {
                            Place::Inside => {
                                path.push(PathSegment::Index(i));
                                match item {
                                    Cow::Borrowed(item) => {
                                        node = item;
                                        continue 'descend;
                                    }
                                    // A packed position: its items are numbers.
                                    Cow::Owned(position) => {
                                        return self.in_packed_position(path, &position, offset)
                                    }
                                }
                            }
                            Place::At(context) => {
                                path.push(PathSegment::Index(i));
                                return context.into_value(path, item);
                            }
                            Place::Outside => {}
                        }
                    }
                    let slot = items
                        .take_while(|item| item.range.end as usize <= offset)
                        .count();
                    path.push(PathSegment::Index(slot));
                    return CursorContext::Value {
                        path,
                        node: None,
                        partial: String::new(),
                        range: TextRange::empty(offset),
                    };
                }
                _ => unreachable!("only containers are descended into"),
            }
        }
    }

    /// What the cursor at `offset` strictly inside a packed position (built from the
    /// tree, so owned) is in, as the array arm of [`Document::cursor_context`] finds it:
    /// one of its numbers, or a slot between them.
    fn in_packed_position(
        &self,
        mut path: Vec<PathSegment>,
        position: &Node,
        offset: usize,
    ) -> CursorContext<'_> {
        let numbers: Vec<Node> = position
            .items()
            .into_iter()
            .flat_map(|items| items.iter())
            .map(Cow::into_owned)
            .collect();
        for (i, number) in numbers.iter().enumerate() {
            match self.in_value(number, offset) {
                Place::At(context) => {
                    path.push(PathSegment::Index(i));
                    return context.into_value(path, Cow::Owned(number.clone()));
                }
                // A number has no inside.
                Place::Inside => return CursorContext::None,
                Place::Outside => {}
            }
        }
        let slot = numbers
            .iter()
            .take_while(|number| number.range.end as usize <= offset)
            .count();
        path.push(PathSegment::Index(slot));
        CursorContext::Value {
            path,
            node: None,
            partial: String::new(),
            range: TextRange::empty(offset),
        }
    }

    /// Where `offset` lies relative to a value.
    fn in_value(&self, node: &Node, offset: usize) -> Place {
        let range = node.range;
        let (start, end) = (range.start as usize, range.end as usize);
        match &node.kind {
            NodeKind::Object(_) | NodeKind::Array(_) => {
                if offset == start {
                    // Before the opening bracket: the whole value would be replaced.
                    Place::At(At {
                        partial: String::new(),
                        range: TextRange::empty(offset),
                    })
                } else if start < offset
                    && (offset < end || (offset == end && !self.is_closed(node)))
                {
                    Place::Inside
                } else {
                    Place::Outside
                }
            }
            NodeKind::String(_) => {
                if offset == start {
                    Place::At(At {
                        partial: String::new(),
                        range: TextRange::empty(offset),
                    })
                } else if self.token_holds(range, offset) {
                    Place::At(At {
                        partial: self.partial(range, offset),
                        range,
                    })
                } else {
                    Place::Outside
                }
            }
            _ if range.touches(offset) => Place::At(At {
                partial: self.text[start..offset].to_string(),
                range,
            }),
            _ => Place::Outside,
        }
    }

    /// True when the cursor is inside a key or string token (see the module docs); a bare-word
    /// key holds the cursor from its second character to its end.
    fn token_holds(&self, range: TextRange, offset: usize) -> bool {
        let (start, end) = (range.start as usize, range.end as usize);
        if !self.text[start..end].starts_with('"') {
            return start < offset && offset <= end;
        }
        start < offset && (offset < end || (offset == end && !self.is_terminated_string(range)))
    }

    /// The typed text of a token up to the cursor, without its opening quote.
    fn partial(&self, range: TextRange, offset: usize) -> String {
        let start = range.start as usize;
        let from = if self.text[start..].starts_with('"') {
            start + 1
        } else {
            start
        };
        self.text
            .get(from..offset.max(from))
            .unwrap_or_default()
            .to_string()
    }

    fn is_terminated_string(&self, range: TextRange) -> bool {
        let raw = &self.text.as_bytes()[range.as_range()];
        if raw.len() < 2 || raw[raw.len() - 1] != b'"' {
            return false;
        }
        // The last quote closes the string unless an odd run of backslashes escapes it.
        let backslashes = raw[1..raw.len() - 1]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        backslashes % 2 == 0
    }

    /// A container is closed when its range ends with its own closing bracket, not with the last
    /// child's (an unclosed container runs to the end of the text or to an outer closing bracket).
    fn is_closed(&self, node: &Node) -> bool {
        let (close, last_child_end) = match &node.kind {
            NodeKind::Object(members) => (b'}', members.last().map(|m| m.range.end)),
            NodeKind::Array(_) => (
                b']',
                node.items()
                    .and_then(|items| items.last())
                    .map(|n| n.range.end),
            ),
            _ => return true,
        };
        let range = node.range;
        range.len() >= 2
            && self.text.as_bytes()[range.end as usize - 1] == close
            && last_child_end.is_none_or(|end| end < range.end)
    }

    fn in_comment(&self, offset: usize) -> bool {
        self.syntax_errors().iter().any(|e| {
            let (start, end) = (e.range.start as usize, e.range.end as usize);
            match e.message.as_str() {
                UNTERMINATED_COMMENT_MESSAGE => start < offset && offset <= end,
                // A line comment runs to the end of its line, so its end is still inside it.
                COMMENT_MESSAGE if self.text[start..].starts_with("//") => {
                    start < offset && offset <= end
                }
                COMMENT_MESSAGE => start < offset && offset < end,
                _ => false,
            }
        })
    }
}

/// Where the cursor is relative to a value.
enum Place {
    /// Between a container's brackets.
    Inside,
    /// On the value itself (a scalar token, or just before a value).
    At(At),
    Outside,
}

struct At {
    partial: String,
    range: TextRange,
}

impl At {
    fn into_value(self, path: Vec<PathSegment>, node: Item<'_>) -> CursorContext<'_> {
        CursorContext::Value {
            path,
            node: Some(node),
            partial: self.partial,
            range: self.range,
        }
    }
}

/// Decodes `~1` to `/` and `~0` to `~`; `None` for any other `~` sequence.
fn unescape_pointer_token(token: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !token.contains('~') {
        return Some(token.into());
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out.into())
}
