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
    /// Items in source order; see [`Items`] for how they are stored.
    Array(Items),
    /// The decoded string (escapes resolved); the raw text is `range` minus the quotes.
    String(String),
    Number(serde_json::Number),
    Bool(bool),
    Null,
    /// Text where a value was expected but none could be read (a bare word, a stray token).
    Error,
}

/// The items of an array. Most arrays hold their items as nodes; an array of exactly two
/// numbers (a GeoJSON position `[lon, lat]`, 200,000 of them in a big polygon) holds them
/// packed in a [`NumberPair`] instead, and an array of such pairs (a ring) holds them in
/// [`Positions`]: 32 bytes a position, where stored nodes took three nodes and a heap block
/// (about 120 bytes). Readers never see the difference: [`ArrayItems::get`] and
/// [`ArrayItems::iter`] give a node for a packed item, built on the fly with the same range
/// and value a stored node would hold (`tests/it/packed_positions.rs` compares every reader
/// on both stores).
#[derive(Clone, Debug, PartialEq)]
pub enum Items {
    /// Items of which at least one is an object or an array of stored nodes.
    Nodes(Vec<Node>),
    /// Items that are all scalars or packed pairs, at least one a scalar (`[1, [2, 3]]`; an
    /// array of packed pairs alone is [`Items::Positions`]): nothing with a key inside, so
    /// the walks that look for objects pass it by. A full parse and an incremental one agree
    /// on the variant.
    Flat(Vec<Node>),
    Pair(NumberPair),
    /// Items that are all packed pairs (a ring or line of `[lon, lat]` positions), stored
    /// without a node each: their values side by side as `[f64; 2]` (so the geometry check
    /// reads a ring as one slice), their spans apart. Any non-empty array of packed pairs is
    /// stored so, by a full parse and an incremental one alike.
    Positions(Box<Positions>),
}

/// The items of an array that are all packed pairs (see [`Items::Positions`]): 32 bytes a
/// position (its values, its span and its numbers' spans) where a node took 40, and the
/// values in one slice. Item `i` comes back as the node a packed pair has, built on the fly.
#[derive(Clone, Debug, PartialEq)]
pub struct Positions {
    /// Each position's `[x, y]` (longitude and latitude in degrees, for GeoJSON).
    values: Vec<[f64; 2]>,
    /// Each position's byte span (its `[` to its `]`) and its numbers' spans, as
    /// [`NumberPair`] keeps them.
    spans: Vec<PositionSpan>,
}

/// Where one position of [`Positions`] is: its byte span in the text (`[` to `]`), and its
/// numbers' spans encoded as [`NumberPair`] keeps them (start and end offsets from the
/// position's `[`; bit 15 of a start set for an integer).
#[derive(Clone, Copy, Debug, PartialEq)]
struct PositionSpan {
    range: TextRange,
    numbers: [[u16; 2]; 2],
}

impl Positions {
    /// The positions of `nodes`, when every one is a packed pair and there is at least one.
    fn of_pair_nodes(nodes: &[Node]) -> Option<Positions> {
        if nodes.is_empty()
            || !nodes
                .iter()
                .all(|n| matches!(n.kind, NodeKind::Array(Items::Pair(_))))
        {
            return None;
        }
        let mut values = Vec::with_capacity(nodes.len());
        let mut spans = Vec::with_capacity(nodes.len());
        for node in nodes {
            if let NodeKind::Array(Items::Pair(pair)) = &node.kind {
                values.push(pair.values);
                spans.push(PositionSpan {
                    range: node.range,
                    numbers: pair.spans,
                });
            }
        }
        Some(Positions { values, spans })
    }

    /// Each position's `[x, y]`, in order.
    pub fn values(&self) -> &[[f64; 2]] {
        &self.values
    }

    /// How many positions.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Never true for a stored array (an empty array is [`Items::Flat`]).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The byte span of position `i`, brackets included.
    pub fn range(&self, i: usize) -> Option<TextRange> {
        self.spans.get(i).map(|s| s.range)
    }

    /// Position `i` as the node of a packed pair.
    pub fn node(&self, i: usize) -> Option<Node> {
        let span = self.spans.get(i)?;
        Some(Node {
            range: span.range,
            kind: NodeKind::Array(Items::Pair(NumberPair {
                values: self.values[i],
                spans: span.numbers,
            })),
        })
    }

    /// Puts `node` (a packed pair) at `i`; false, changing nothing, for any other node.
    pub(crate) fn set(&mut self, i: usize, node: &Node) -> bool {
        match (&node.kind, self.spans.get_mut(i)) {
            (NodeKind::Array(Items::Pair(pair)), Some(span)) => {
                *span = PositionSpan {
                    range: node.range,
                    numbers: pair.spans,
                };
                self.values[i] = pair.values;
                true
            }
            _ => false,
        }
    }

    /// The index of the position whose brackets strictly enclose `start..end` (byte offsets),
    /// if one does.
    pub(crate) fn enclosing(&self, start: usize, end: usize) -> Option<usize> {
        let i = self
            .spans
            .partition_point(|s| (s.range.end as usize) < start);
        let range = self.spans.get(i)?.range;
        ((range.start as usize) < start && end < range.end as usize).then_some(i)
    }

    /// Moves every position that starts at or after `at` by `by` bytes (the spans of its
    /// numbers are relative to its start and move with it).
    pub(crate) fn move_from(&mut self, by: i64, at: u32) {
        let first = self.spans.partition_point(|s| s.range.start < at);
        for span in &mut self.spans[first..] {
            span.range.start = moved(span.range.start, by);
            span.range.end = moved(span.range.end, by);
        }
    }
}

/// `offset` moved by `by` bytes (an edit's length change).
pub(super) fn moved(offset: u32, by: i64) -> u32 {
    (offset as i64 + by) as u32
}

/// Two JSON numbers packed: their `f64` values, whether each is an integer in the text, and
/// each one's byte span relative to the array's start (so shifting the array moves them).
/// Only built when the values give back exactly the `serde_json::Number` the parser read
/// (so `to_value` and every comparison are unchanged) and the spans fit in 15 bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NumberPair {
    values: [f64; 2],
    /// Per number: start and end offset from the array's `[`; bit 15 of the start is set when
    /// the number is an integer (no fraction or exponent, as serde_json reads it).
    spans: [[u16; 2]; 2],
}

const INTEGER_BIT: u16 = 1 << 15;

impl NumberPair {
    /// Packs two number nodes of an array starting at byte `array_start`; `None` when they are
    /// not both numbers, or their values or spans cannot be packed without loss.
    pub(crate) fn pack(array_start: u32, items: &[Node]) -> Option<NumberPair> {
        let [a, b] = items else {
            return None;
        };
        let mut values = [0.0; 2];
        let mut spans = [[0u16; 2]; 2];
        for (i, node) in [a, b].into_iter().enumerate() {
            let NodeKind::Number(number) = &node.kind else {
                return None;
            };
            let integer = number.is_i64() || number.is_u64();
            let value = number.as_f64()?;
            if number_of(value, integer).as_ref() != Some(number) {
                return None;
            }
            let start = u16::try_from(node.range.start.checked_sub(array_start)?).ok()?;
            let end = u16::try_from(node.range.end.checked_sub(array_start)?).ok()?;
            if end >= INTEGER_BIT {
                return None;
            }
            values[i] = value;
            spans[i] = [start | if integer { INTEGER_BIT } else { 0 }, end];
        }
        Some(NumberPair { values, spans })
    }

    /// A pair read straight from the text by the parser's position fast path: each number's
    /// value, its start and end offsets from the array's `[`, and whether it is an integer.
    /// `None` when a span does not fit (as [`NumberPair::pack`]). The caller vouches that
    /// each value is the one `pack` would have read (an integer within 2^53, or a decimal).
    pub(crate) fn from_parsed(numbers: [(f64, usize, usize, bool); 2]) -> Option<NumberPair> {
        let mut values = [0.0; 2];
        let mut spans = [[0u16; 2]; 2];
        for (i, (value, start, end, integer)) in numbers.into_iter().enumerate() {
            let start = u16::try_from(start).ok()?;
            let end = u16::try_from(end).ok()?;
            if end >= INTEGER_BIT {
                return None;
            }
            values[i] = value;
            spans[i] = [start | if integer { INTEGER_BIT } else { 0 }, end];
        }
        Some(NumberPair { values, spans })
    }

    /// The two values, as `f64`.
    pub fn values(&self) -> [f64; 2] {
        self.values
    }

    /// Item `i` (0 or 1) as a node, for an array starting at byte `array_start`.
    fn node(&self, array_start: u32, i: usize) -> Node {
        let [start, end] = self.spans[i];
        let integer = start & INTEGER_BIT != 0;
        let start = u32::from(start & !INTEGER_BIT);
        Node {
            range: TextRange {
                start: array_start + start,
                end: array_start + u32::from(end),
            },
            kind: number_of(self.values[i], integer).map_or(NodeKind::Error, NodeKind::Number),
        }
    }
}

/// The `serde_json::Number` of a value read as an integer or not; `None` for a non-finite
/// float or an integer beyond what an `f64` holds exactly.
fn number_of(value: f64, integer: bool) -> Option<serde_json::Number> {
    if integer {
        if value.fract() != 0.0 || value.abs() > (1u64 << 53) as f64 {
            return None;
        }
        if value >= 0.0 {
            Some((value as u64).into())
        } else {
            Some((value as i64).into())
        }
    } else {
        serde_json::Number::from_f64(value)
    }
}

/// One item of an array: a stored node, or a number node built from a packed pair.
pub type Item<'a> = std::borrow::Cow<'a, Node>;

/// Item `i` of the array `parent`, however `parent` was reached: borrowed from the tree
/// under a stored node, built (owned) under a packed one (a packed position's numbers);
/// `None` when `parent` is no array or has no item `i`.
pub fn item_of(parent: Item<'_>, i: usize) -> Option<Item<'_>> {
    match parent {
        Item::Borrowed(parent) => parent.item(i),
        Item::Owned(parent) => parent.item(i).map(|item| Item::Owned(item.into_owned())),
    }
}

/// The value of the last member named `key` of the object `parent` ([`Node::get`]), however
/// `parent` was reached; `None` under a packed node (a pair or a position holds no member).
pub fn member_of<'a>(parent: &Item<'a>, key: &str) -> Option<Item<'a>> {
    match parent {
        Item::Borrowed(parent) => parent.get(key).map(Item::Borrowed),
        Item::Owned(_) => None,
    }
}

impl Items {
    /// Items as parsed: two numbers packed into a pair and an array of such pairs into
    /// positions when that is lossless, else stored nodes ([`Items::Flat`] or
    /// [`Items::Nodes`]).
    pub(crate) fn from_nodes(array_start: u32, mut nodes: Vec<Node>) -> Items {
        if let Some(packed) = Items::packed(array_start, &nodes) {
            return packed;
        }
        // A 200,000-item array would otherwise keep up to twice its size in spare capacity.
        nodes.shrink_to_fit();
        Items::stored(nodes)
    }

    /// As [`Items::from_nodes`], of the item nodes `stack[base..]`, taken off the stack (the
    /// strict parser's containers share one): no list of nodes is allocated for a pair or
    /// positions.
    pub(crate) fn from_stack(array_start: u32, stack: &mut Vec<Node>, base: usize) -> Items {
        match Items::packed(array_start, &stack[base..]) {
            Some(packed) => {
                stack.truncate(base);
                packed
            }
            None => Items::stored(stack.drain(base..).collect()),
        }
    }

    /// The items packed ([`Items::Pair`], [`Items::Positions`]), when they can be.
    fn packed(array_start: u32, nodes: &[Node]) -> Option<Items> {
        match NumberPair::pack(array_start, nodes) {
            Some(pair) => Some(Items::Pair(pair)),
            None => Positions::of_pair_nodes(nodes).map(|p| Items::Positions(Box::new(p))),
        }
    }

    /// Stored nodes, as [`Items::Flat`] when every one is a scalar or a packed pair.
    fn stored(nodes: Vec<Node>) -> Items {
        if nodes.iter().all(Node::is_flat_item) {
            Items::Flat(nodes)
        } else {
            Items::Nodes(nodes)
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Items::Nodes(nodes) | Items::Flat(nodes) => nodes.len(),
            Items::Pair(_) => 2,
            Items::Positions(positions) => positions.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Item `i`; `array_start` is the byte offset of the array's `[` (its node's
    /// `range.start`), which packed items are relative to. Prefer [`Node::item`].
    fn get_at(&self, array_start: u32, i: usize) -> Option<Item<'_>> {
        match self {
            Items::Nodes(nodes) | Items::Flat(nodes) => nodes.get(i).map(Item::Borrowed),
            Items::Pair(pair) => (i < 2).then(|| Item::Owned(pair.node(array_start, i))),
            Items::Positions(positions) => positions.node(i).map(Item::Owned),
        }
    }

    /// The stored nodes, when the items are not packed (two numbers are, and positions).
    pub fn nodes(&self) -> Option<&[Node]> {
        match self {
            Items::Nodes(nodes) | Items::Flat(nodes) => Some(nodes),
            Items::Pair(_) | Items::Positions(_) => None,
        }
    }

    /// The positions, when every item is a packed pair (see [`Items::Positions`]).
    pub fn positions(&self) -> Option<&Positions> {
        match self {
            Items::Positions(positions) => Some(positions),
            _ => None,
        }
    }
}

/// A view of an array's items, like a slice of nodes (see [`Node::items`]); cheap to copy.
#[derive(Clone, Copy, Debug)]
pub struct ArrayItems<'a> {
    items: &'a Items,
    array_start: u32,
}

impl<'a> ArrayItems<'a> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Item `i`, as a stored node or a number node built from a packed pair.
    pub fn get(&self, i: usize) -> Option<Item<'a>> {
        self.items.get_at(self.array_start, i)
    }

    pub fn first(&self) -> Option<Item<'a>> {
        self.get(0)
    }

    pub fn last(&self) -> Option<Item<'a>> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    pub fn iter(&self) -> ItemsIter<'a> {
        ItemsIter {
            items: *self,
            front: 0,
            back: self.len(),
        }
    }

    /// The stored nodes, when the items are not packed (two numbers are, and positions).
    pub fn nodes(&self) -> Option<&'a [Node]> {
        self.items.nodes()
    }

    /// The positions, when every item is a packed pair: their values as one slice.
    pub fn positions(&self) -> Option<&'a Positions> {
        self.items.positions()
    }

    /// The index of the first item for which `pred` is false, given that it is true for a
    /// prefix and false after (a binary search, as `slice::partition_point`).
    pub fn partition_point(&self, mut pred: impl FnMut(&Node) -> bool) -> usize {
        match self.items {
            Items::Nodes(nodes) | Items::Flat(nodes) => nodes.partition_point(pred),
            Items::Pair(_) => (0..2)
                .find(|&i| self.get(i).is_some_and(|item| !pred(&item)))
                .unwrap_or(2),
            Items::Positions(positions) => {
                let (mut low, mut high) = (0, positions.len());
                while low < high {
                    let middle = low + (high - low) / 2;
                    match positions.node(middle) {
                        Some(node) if pred(&node) => low = middle + 1,
                        _ => high = middle,
                    }
                }
                low
            }
        }
    }
}

impl<'a> IntoIterator for ArrayItems<'a> {
    type Item = Item<'a>;
    type IntoIter = ItemsIter<'a>;

    fn into_iter(self) -> ItemsIter<'a> {
        self.iter()
    }
}

/// An array's items in order.
#[derive(Clone, Debug)]
pub struct ItemsIter<'a> {
    items: ArrayItems<'a>,
    front: usize,
    back: usize,
}

impl<'a> Iterator for ItemsIter<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        if self.front == self.back {
            return None;
        }
        self.front += 1;
        self.items.get(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }

    fn nth(&mut self, n: usize) -> Option<Item<'a>> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl DoubleEndedIterator for ItemsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        self.items.get(self.back)
    }
}

impl ExactSizeIterator for ItemsIter<'_> {}

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

    /// The items of an array, in order (packed numbers come as nodes built on the fly).
    pub fn items(&self) -> Option<ArrayItems<'_>> {
        match &self.kind {
            NodeKind::Array(items) => Some(ArrayItems {
                items,
                array_start: self.range.start,
            }),
            _ => None,
        }
    }

    /// Item `i` of an array.
    pub fn item(&self, i: usize) -> Option<Item<'_>> {
        self.items()?.get(i)
    }

    /// The two values of an array of exactly two numbers stored packed (see [`Items`]), as
    /// [`Node::as_f64`] would read its items; `None` for any other node (an array of two
    /// numbers that could not be packed included: read its items then).
    pub fn pair_values(&self) -> Option<[f64; 2]> {
        match &self.kind {
            NodeKind::Array(Items::Pair(pair)) => Some(pair.values()),
            _ => None,
        }
    }

    /// Whether an array may hold this node and still be [`Items::Flat`]: a scalar or a packed
    /// pair.
    pub(crate) fn is_flat_item(&self) -> bool {
        !matches!(
            self.kind,
            NodeKind::Object(_)
                | NodeKind::Array(Items::Nodes(_) | Items::Flat(_) | Items::Positions(_))
        )
    }

    /// Whether an object could be somewhere inside this node (or is it): false for scalars,
    /// packed pairs and [`Items::Flat`] arrays.
    pub fn may_hold_objects(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Object(_) | NodeKind::Array(Items::Nodes(_))
        )
    }

    /// True for a number (integer or not).
    pub fn is_number(&self) -> bool {
        matches!(self.kind, NodeKind::Number(_))
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
            NodeKind::Array(_) => Value::Array(
                self.items()
                    .into_iter()
                    .flatten()
                    .filter_map(|item| item.to_value())
                    .collect(),
            ),
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Null => Value::Null,
            NodeKind::Error => return None,
        })
    }
}
