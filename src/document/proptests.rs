//! Property tests: the parser never panics and agrees with serde_json on valid JSON; the line
//! index agrees with a naive character walk and round-trips every offset.

use super::*;
use proptest::prelude::*;
use serde_json::Value;

/// Cases for the properties over valid JSON and the line index.
const CASES: u32 = 2000;
/// The no-panic properties are cheap and search a larger space: more cases.
const FUZZ_CASES: u32 = 5000;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        (-1e6f64..1e6).prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any::<String>().prop_map(Value::String),
        "[a-zA-Z\\\\\"/\u{0}-\u{1f}é😀 ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(("[a-z\"\\\\é😀]{0,6}", inner), 0..8)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// What must hold for any text: sorted, distinct error ranges and tree ranges on character
/// boundaries (so slicing never panics), and lookups that never panic anywhere.
fn check_invariants(text: &str) {
    let doc = Document::new(text);
    let errors = doc.syntax_errors();
    for pair in errors.windows(2) {
        assert!(
            (pair[0].range.start, pair[0].range.end) < (pair[1].range.start, pair[1].range.end),
            "{errors:?}"
        );
    }
    for e in errors {
        assert!(e.range.end as usize <= text.len());
        let _ = doc.slice(e.range);
    }
    if let Some(root) = doc.root() {
        check_ranges(&doc, root);
    } else {
        assert!(!errors.is_empty());
    }
    for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
        let _ = doc.cursor_context(offset);
        let _ = doc.node_at_offset(offset);
        let _ = doc.key_at_offset(offset);
    }
}

fn check_ranges(doc: &Document, node: &Node) {
    let _ = doc.slice(node.range);
    match &node.kind {
        NodeKind::Object(members) => {
            for m in members {
                assert!(node.range.start <= m.range.start && m.range.end <= node.range.end);
                let _ = doc.slice(m.range);
                let _ = doc.slice(m.key.range);
                if let Some(v) = &m.value {
                    check_ranges(doc, v);
                }
            }
        }
        NodeKind::Array(_) => {
            for item in node.items().into_iter().flatten() {
                assert!(node.range.start <= item.range.start && item.range.end <= node.range.end);
                check_ranges(doc, &item);
            }
        }
        _ => {}
    }
}

/// One edit of a text: insert, delete or replace one character at a character boundary.
#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    Delete(usize),
    Replace(usize, char),
}

fn edit_char() -> impl Strategy<Value = char> {
    prop_oneof![
        prop::sample::select(vec![
            '{', '}', '[', ']', ',', ':', '"', '\\', '/', '*', ' ', '\n', '\r', 'e', '-', '.', '0',
            't', 'u'
        ]),
        any::<char>(),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), edit_char()).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), edit_char()).prop_map(|(i, c)| Edit::Replace(i, c)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for e in edits {
        match *e {
            Edit::Insert(i, c) => chars.insert(i % (chars.len() + 1), c),
            Edit::Delete(i) if !chars.is_empty() => {
                chars.remove(i % chars.len());
            }
            Edit::Replace(i, c) if !chars.is_empty() => {
                let n = chars.len();
                chars[i % n] = c;
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// Line and column of every character boundary, by walking the characters one by one.
fn naive_positions(text: &str, encoding: PositionEncoding) -> Vec<(usize, LineCol)> {
    let mut out = Vec::new();
    let (mut line, mut col) = (0u32, 0u32);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        out.push((i, LineCol { line, col }));
        match c {
            '\n' => (line, col) = (line + 1, 0),
            '\r' if chars.peek().map(|&(_, c)| c) == Some('\n') => {
                // Inside the CRLF: the index clamps it to the end of the line's content.
                let (j, _) = chars.next().unwrap();
                out.push((j, LineCol { line, col }));
                (line, col) = (line + 1, 0);
            }
            '\r' => (line, col) = (line + 1, 0),
            _ => {
                col += match encoding {
                    PositionEncoding::Utf8 => c.len_utf8() as u32,
                    PositionEncoding::Utf16 => c.len_utf16() as u32,
                    PositionEncoding::Utf32 => 1,
                }
            }
        }
    }
    out.push((text.len(), LineCol { line, col }));
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn valid_json_reads_as_serde_json_does(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
        let parsed = parse(&text);
        prop_assert_eq!(&parsed.errors, &Vec::new());
        let expected: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(parsed.root.unwrap().to_value(), Some(expected));
    }

    #[test]
    fn line_index_matches_a_naive_walk(text in prop_oneof!["(a|é|😀|\n|\r\n|\r| |€){0,60}", any::<String>()]) {
        let index = LineIndex::new(&text);
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16, PositionEncoding::Utf32] {
            for (offset, expected) in naive_positions(&text, encoding) {
                let pos = index.line_col(offset, encoding);
                prop_assert_eq!(pos, expected, "offset {} in {:?}", offset, encoding);
                let inside_crlf = offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n');
                if !inside_crlf {
                    prop_assert_eq!(index.offset(pos, encoding), offset);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(FUZZ_CASES))]

    /// Editing the index (what the server does on every keystroke) gives exactly the index
    /// of the edited text, through chains of edits that split and join `\r\n`, insert and
    /// delete breaks and multi-byte characters.
    #[test]
    fn edited_line_index_equals_a_fresh_one(
        text in "(a|é|😀|\n|\r\n|\r| ){0,40}",
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), "(b|ü|😀|\n|\r|\r\n){0,4}"), 1..5),
    ) {
        let mut text = text;
        let mut index = LineIndex::new(&text);
        for (a, b, inserted) in edits {
            let boundaries: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let (mut start, mut end) = (*a.get(&boundaries), *b.get(&boundaries));
            if start > end {
                std::mem::swap(&mut start, &mut end);
            }
            text.replace_range(start..end, &inserted);
            index = index.edited(&text, start, end, inserted.len());
            prop_assert_eq!(&index, &LineIndex::new(&text), "{:?}", text);
        }
    }

    #[test]
    fn never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_invariants(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn never_panics_on_json_like_text(text in "[\\[\\]{}:,\"\\\\ a-z0-9.+\\-eE/*\n\r\té😀]{0,120}") {
        check_invariants(&text);
    }

    #[test]
    fn never_panics_on_mutated_json(value in json_value(), pretty in any::<bool>(), edits in prop::collection::vec(edit(), 1..6)) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
        check_invariants(&apply(&text, &edits));
    }
}

/// A number token as written in files: integers, decimals, exponents, `-0`, integers beyond
/// 2^53 and beyond u64, values beyond f64 (`1e400`), and invalid forms (`01`, `+1`, `.5`).
fn number_token() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        (-180.0f64..180.0).prop_map(|f| format!("{f:.10}")),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| f.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        Just("-0".to_string()),
        Just("-0.0".to_string()),
        Just("0".to_string()),
        Just("1e400".to_string()),
        Just("-1e400".to_string()),
        Just("9007199254740993".to_string()),
        Just("-9223372036854775808".to_string()),
        Just("18446744073709551616".to_string()),
        "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
        "[+.0-9][0-9.eE+-]{0,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    /// An array of two numbers (packed) reads exactly as the same two numbers followed by a
    /// third item (never packed): same nodes, ranges, values, JSON type names and errors.
    #[test]
    fn packed_pairs_read_as_unpacked_items(
        a in number_token(),
        b in number_token(),
        gap in "[ \n\t]{0,3}",
    ) {
        let pair = format!("[{gap}{a},{gap}{b}{gap}]");
        let three = format!("[{gap}{a},{gap}{b}{gap}, 0]");
        let (pair_doc, three_doc) = (Document::new(pair.as_str()), Document::new(three.as_str()));
        let (p, t) = (pair_doc.root().unwrap(), three_doc.root().unwrap());
        let (p_items, t_items) = (p.items().unwrap(), t.items().unwrap());
        prop_assert_eq!(p_items.len(), 2);
        for i in 0..2 {
            let (x, y) = (p_items.get(i).unwrap(), t_items.get(i).unwrap());
            prop_assert_eq!(&*x, &*y);
            prop_assert_eq!(x.type_name(), y.type_name());
            prop_assert_eq!(x.to_value(), y.to_value());
            prop_assert_eq!(pair_doc.slice(x.range), three_doc.slice(y.range));
            // The cursor finds the same number, at the same path.
            let at = x.range.start as usize;
            let found = pair_doc.node_at_offset(at).map(|(path, n)| (path, n.into_owned()));
            let expected = three_doc.node_at_offset(at).map(|(path, n)| (path, n.into_owned()));
            prop_assert_eq!(found, expected);
        }
        prop_assert_eq!(pair_doc.syntax_errors(), three_doc.syntax_errors());
        if let Ok(value) = serde_json::from_str::<Value>(&pair) {
            prop_assert_eq!(p.to_value(), Some(value));
        }
    }
}

/// What the fast path must give for `text`: the tolerant parser's tree when the tolerant
/// parser finds no error, and `None` (fall back) whenever it finds one.
fn assert_fast_path_agrees(text: &str) -> Result<(), TestCaseError> {
    let tolerant = parser::parse_tolerant(text);
    let fast = parser::parse_clean(text);
    let expected = tolerant.errors.is_empty().then_some(&tolerant);
    prop_assert_eq!(fast.as_ref(), expected, "text: {:?}", text);
    // What `parse` (and so every check) sees is the tolerant parser's result in either case.
    prop_assert_eq!(&parse(text), &tolerant);
    Ok(())
}

/// An order like the bundled example, as `validate` meets them: pretty-printed, one
/// position per line, numbers with many digits, escapes in the name.
fn order_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((-180.0f64..180.0, -90.0f64..90.0), 3..12),
        "[a-zA-Z é😀\\\\\"\t]{0,16}",
        any::<u8>(),
        any::<bool>(),
    )
        .prop_map(|(ring, name, cloud, crlf)| {
            let mut positions: Vec<String> =
                ring.iter().map(|(x, y)| format!("[{x}, {y:.10}]")).collect();
            positions.push(positions[0].clone());
            let text = format!(
                "{{\n  \"dataProduct\": \"bd102407-1814-4f92-8b5a-7697b7a73f5a\",\n  \"params\": {{\n    \"displayName\": {},\n    \"cloudCoverage\": {cloud},\n    \"acquisitionMode\": \"mono\",\n    \"extra\": [true, false, null, -0, 1e400, 0.5e-3, {{}}, []],\n    \"geometry\": {{\n      \"type\": \"Polygon\",\n      \"coordinates\": [\n        [\n          {}\n        ]\n      ]\n    }}\n  }}\n}}\n",
                serde_json::to_string(&name).unwrap(),
                positions.join(",\n          ")
            );
            if crlf { text.replace('\n', "\r\n") } else { text }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(FUZZ_CASES))]

    /// The fast path on clean JSON: taken (not a silent fallback) and equal to the tolerant
    /// tree.
    #[test]
    fn fast_path_takes_valid_json(value in json_value(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
        prop_assert!(parser::parse_clean(&text).is_some(), "{:?}", text);
        assert_fast_path_agrees(&text)?;
    }

    /// Mutated JSON and mutated orders (a comma, bracket, quote, backslash, comment, BOM...
    /// inserted, deleted or replaced): the fast path gives the tolerant parser's tree or
    /// falls back, never a different tree; so the diagnostics are byte for byte the same.
    #[test]
    fn fast_path_equals_tolerant_on_mutated_json(
        value in json_value(),
        pretty in any::<bool>(),
        edits in prop::collection::vec(edit(), 0..4),
    ) {
        let text = if pretty { serde_json::to_string_pretty(&value) } else { serde_json::to_string(&value) }.unwrap();
        assert_fast_path_agrees(&apply(&text, &edits))?;
    }

    #[test]
    fn fast_path_equals_tolerant_on_mutated_orders(
        order in order_text(),
        edits in prop::collection::vec(edit(), 0..3),
        bom in any::<bool>(),
    ) {
        let mut text = apply(&order, &edits);
        if bom {
            text.insert(0, '\u{feff}');
        }
        assert_fast_path_agrees(&text)?;
    }

    /// The position fast path (`[x, y]` read without tokens): two number-like words of every
    /// shape near its bounds (integers around 2^53 and 19 digits, `-0`, leading zeros,
    /// fractions of 0–24 digits, exponents, a stray letter) with any spacing, alone or in a
    /// ring: the same tree as the tolerant parser, or a fallback.
    #[test]
    fn fast_path_equals_tolerant_on_positions(
        numbers in prop::collection::vec(
            "-?(0|[1-9][0-9]{0,19}|0[0-9]{1,2}|9007199254740993|9007199254740992)(\\.[0-9]{0,24})?([eE][+-]?[0-9]{1,3})?[a-z]?",
            2..12,
        ),
        spaces in prop::collection::vec("[ \t\r\n]{0,2}", 6),
        nested in any::<bool>(),
    ) {
        let [a, b, c, d, e, f] = [0, 1, 2, 3, 4, 5].map(|i| spaces[i].as_str());
        let positions: Vec<String> = numbers
            .chunks(2)
            .map(|pair| match pair {
                [x, y] => format!("[{a}{x}{b},{c}{y}{d}]"),
                [x] => format!("[{e}{x}{f}]"),
                _ => unreachable!(),
            })
            .collect();
        let text = if nested {
            format!("{{\"coordinates\": [[{}]]}}", positions.join(&format!("{e},{f}")))
        } else {
            positions[0].clone()
        };
        assert_fast_path_agrees(&text)?;
    }

    #[test]
    fn fast_path_equals_tolerant_on_json_like_text(text in "[\\[\\]{}:,\"\\\\ a-z0-9.+\\-eE/*\n\r\té😀\u{feff}]{0,80}") {
        assert_fast_path_agrees(&text)?;
    }
}

#[test]
fn fast_path_falls_back_at_the_nesting_limit() {
    let depth_ok = "[".repeat(parser::MAX_DEPTH) + &"]".repeat(parser::MAX_DEPTH);
    let too_deep = "[".repeat(parser::MAX_DEPTH + 1) + &"]".repeat(parser::MAX_DEPTH + 1);
    assert!(parser::parse_clean(&depth_ok).is_some());
    assert_eq!(parser::parse_clean(&too_deep), None);
    assert!(!parse(&too_deep).errors.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(FUZZ_CASES))]

    /// The short-decimal path reads every decimal as Rust's (correctly rounded) parser does,
    /// including 16 to 19 digits, long fractions and `-0.0`.
    #[test]
    fn short_decimals_read_as_std_parses_them(
        word in "-?(0|[1-9][0-9]{0,18})\\.[0-9]{1,23}",
        coordinate in -180.0f64..180.0,
        places in 0usize..17,
    ) {
        for word in [word, format!("{coordinate:.places$}")] {
            let expected: f64 = word.parse().unwrap();
            if let Some(value) = parser::short_decimal(&word) {
                prop_assert_eq!(value.to_bits(), expected.to_bits(), "{}", word);
            }
        }
    }
}

#[test]
fn short_decimals_take_the_fast_path_only_within_its_bounds() {
    assert_eq!(
        parser::short_decimal("-79.5412345678"),
        Some(-79.5412345678)
    );
    assert_eq!(
        parser::short_decimal("-0.0").map(f64::to_bits),
        Some((-0.0f64).to_bits())
    );
    // 2^53 + 1 is not exact in an f64; 23 fraction digits exceed the exact powers of ten.
    assert_eq!(parser::short_decimal("9007199254740993.0"), None);
    assert_eq!(parser::short_decimal("0.00000000000000000000001"), None);
    assert_eq!(parser::short_decimal("1e5"), None);
}
