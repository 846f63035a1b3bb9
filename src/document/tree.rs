//! The syntax tree of a JSON text: every object, member, key and value with its byte span.

/// A half-open byte range `start..end` into the document text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        TextRange {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn empty(at: usize) -> Self {
        TextRange::new(at, at)
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when `offset` lies inside the range or on its end (a cursor right after a token touches it).
    pub fn touches(self, offset: usize) -> bool {
        self.start as usize <= offset && offset <= self.end as usize
    }

    /// True when `offset` lies strictly inside `start..end`.
    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) < offset && offset < self.end as usize
    }

    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn as_range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A JSON value with the byte span it covers (quotes and brackets included).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub range: TextRange,
    pub kind: NodeKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    /// Members in source order; duplicates are kept (the checks report them).
    Object(Vec<Member>),
    Array(Vec<Node>),
    /// The decoded string (escapes resolved); the raw text is `range` minus the quotes.
    String(String),
    Number(serde_json::Number),
    Bool(bool),
    Null,
    /// Text where a value was expected but none could be read (a bare word, a stray token).
    Error,
}

/// `"key": value` inside an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// From the key's opening quote to the value's end (or to whatever of the member exists).
    pub range: TextRange,
    pub key: Key,
    /// Byte offset of the `:`; `None` when the colon is missing.
    pub colon: Option<u32>,
    /// `None` when the value is missing (`"a": }` or `"a"` alone).
    pub value: Option<Node>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    /// The decoded key.
    pub name: String,
    /// The key's span, quotes included. An unterminated key ends at the end of its line.
    pub range: TextRange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
}

/// What the parser returns: it never fails.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedJson {
    pub root: Option<Node>,
    pub errors: Vec<SyntaxError>,
}

impl Node {
    pub fn members(&self) -> Option<&[Member]> {
        match &self.kind {
            NodeKind::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            NodeKind::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The last member named `key` (JSON's "last one wins", as serde_json reads it).
    pub fn member(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().rev().find(|m| m.key.name == key)
    }

    /// The value of the last member named `key`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.member(key)?.value.as_ref()
    }

    /// The JSON type name used in messages: object, array, string, number, boolean, null.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Object(_) => "object",
            NodeKind::Array(_) => "array",
            NodeKind::String(_) => "string",
            NodeKind::Number(n) if n.is_i64() || n.is_u64() => "integer",
            NodeKind::Number(_) => "number",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Null => "null",
            NodeKind::Error => "invalid value",
        }
    }

    /// The value as serde_json reads it. Members without a value and unreadable values are left
    /// out, so a half-typed document can still be checked against its schema.
    pub fn to_value(&self) -> Option<serde_json::Value> {
        use serde_json::Value;
        Some(match &self.kind {
            NodeKind::Object(members) => {
                let mut map = serde_json::Map::with_capacity(members.len());
                for member in members {
                    if let Some(value) = member.value.as_ref().and_then(Node::to_value) {
                        // serde_json keeps the first position and the last value of a duplicate key.
                        map.insert(member.key.name.clone(), value);
                    }
                }
                Value::Object(map)
            }
            NodeKind::Array(items) => {
                Value::Array(items.iter().filter_map(Node::to_value).collect())
            }
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Null => Value::Null,
            NodeKind::Error => return None,
        })
    }
}
