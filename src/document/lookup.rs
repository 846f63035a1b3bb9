//! Finding nodes: by JSON pointer, and what the cursor is in at a byte offset.

use super::tree::{Member, Node, TextRange};
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
        node: Option<&'a Node>,
        partial: String,
        range: TextRange,
    },
    /// Nowhere useful (whitespace outside the root, inside a comment...).
    None,
}

impl Document {
    /// The node at an RFC 6901 pointer (`""` is the root, `/params/geometry/coordinates/0`).
    pub fn node_at_pointer(&self, _pointer: &str) -> Option<&Node> {
        unimplemented!("lookup")
    }

    /// The node at a path of segments.
    pub fn node_at_path(&self, _path: &[PathSegment]) -> Option<&Node> {
        unimplemented!("lookup")
    }

    /// The innermost node whose range touches `offset`, with the path to it.
    pub fn node_at_offset(&self, _offset: usize) -> Option<(Vec<PathSegment>, &Node)> {
        unimplemented!("lookup")
    }

    /// The member whose key touches `offset`, with the path to its object.
    pub fn key_at_offset(&self, _offset: usize) -> Option<(Vec<PathSegment>, &Member)> {
        unimplemented!("lookup")
    }

    pub fn cursor_context(&self, _offset: usize) -> CursorContext<'_> {
        unimplemented!("lookup")
    }
}
