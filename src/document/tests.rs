//! Tests of the document model as data: a text (with a `$0` cursor where it matters) and the
//! expected tree, errors, positions or cursor context as an inline snapshot.

use super::*;
use expect_test::{expect, Expect};
use std::fmt::Write;

/// Errors as `start..end "text": message`, one a line.
fn render_errors(text: &str, errors: &[SyntaxError]) -> String {
    let mut out = String::new();
    for e in errors {
        writeln!(
            out,
            "{}..{} {:?}: {}",
            e.range.start,
            e.range.end,
            &text[e.range.as_range()],
            e.message
        )
        .unwrap();
    }
    out
}

/// The tree as an outline: each node with its range, members with key and colon.
fn render_tree(text: &str, node: &Node, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    let r = node.range;
    match &node.kind {
        NodeKind::Object(members) => {
            writeln!(out, "{pad}object {}..{}", r.start, r.end).unwrap();
            for m in members {
                let colon = m
                    .colon
                    .map_or("no colon".to_string(), |c| format!("colon {c}"));
                writeln!(
                    out,
                    "{pad}  member {}..{} key {:?} {}..{} {colon}",
                    m.range.start, m.range.end, m.key.name, m.key.range.start, m.key.range.end
                )
                .unwrap();
                match &m.value {
                    Some(v) => render_tree(text, v, indent + 2, out),
                    None => writeln!(out, "{pad}    no value").unwrap(),
                }
            }
        }
        NodeKind::Array(_) => {
            writeln!(out, "{pad}array {}..{}", r.start, r.end).unwrap();
            for item in node.items().into_iter().flatten() {
                render_tree(text, &item, indent + 1, out);
            }
        }
        NodeKind::String(s) => writeln!(out, "{pad}string {:?} {}..{}", s, r.start, r.end).unwrap(),
        NodeKind::Number(n) => writeln!(out, "{pad}number {n} {}..{}", r.start, r.end).unwrap(),
        NodeKind::Bool(b) => writeln!(out, "{pad}bool {b} {}..{}", r.start, r.end).unwrap(),
        NodeKind::Null => writeln!(out, "{pad}null {}..{}", r.start, r.end).unwrap(),
        NodeKind::Error => writeln!(
            out,
            "{pad}error {:?} {}..{}",
            &text[r.as_range()],
            r.start,
            r.end
        )
        .unwrap(),
    }
}

fn check_parse(text: &str, expect: Expect) {
    let parsed = parse(text);
    let mut out = String::new();
    match &parsed.root {
        Some(root) => render_tree(text, root, 0, &mut out),
        None => out.push_str("no root\n"),
    }
    if !parsed.errors.is_empty() {
        out.push_str("errors:\n");
        out.push_str(&render_errors(text, &parsed.errors));
    }
    expect.assert_eq(&out);
}

fn check_errors(text: &str, expect: Expect) {
    let parsed = parse(text);
    expect.assert_eq(&render_errors(text, &parsed.errors));
}

// ---- parser: valid input ----

#[test]
fn parses_an_order_request() {
    check_parse(
        r#"{"dataProduct": "47dadb27", "params": {"cloudCoverage": 20.5, "tags": ["a", true, null, -3]}}"#,
        expect![[r#"
            object 0..93
              member 1..26 key "dataProduct" 1..14 colon 14
                string "47dadb27" 16..26
              member 28..92 key "params" 28..36 colon 36
                object 38..92
                  member 39..60 key "cloudCoverage" 39..54 colon 54
                    number 20.5 56..60
                  member 62..91 key "tags" 62..68 colon 68
                    array 70..91
                      string "a" 71..74
                      bool true 76..80
                      null 82..86
                      number -3 88..90
        "#]],
    );
}

#[test]
fn decodes_escapes() {
    check_parse(
        r#"["a\"b\\c\/d\b\f\n\r\t", "\u00e9\ud83d\ude00", "é😀"]"#,
        expect![[r#"
            array 0..56
              string "a\"b\\c/d\u{8}\u{c}\n\r\t" 1..23
              string "é😀" 25..45
              string "é😀" 47..55
        "#]],
    );
}

#[test]
fn duplicate_keys_are_kept_and_the_last_wins() {
    let doc = Document::new(r#"{"a": 1, "a": 2}"#);
    let root = doc.root().unwrap();
    assert_eq!(root.members().unwrap().len(), 2);
    assert_eq!(root.get("a").unwrap().as_f64(), Some(2.0));
    assert_eq!(
        doc.node_at_pointer("/a").unwrap().range,
        TextRange::new(14, 15)
    );
}

// ---- parser: recovery ----

#[test]
fn empty_document() {
    check_parse(
        "",
        expect![[r#"
        no root
        errors:
        0..0 "": empty document: expected a JSON value
    "#]],
    );
    check_parse(
        "  \n ",
        expect![[r#"
        no root
        errors:
        4..4 "": empty document: expected a JSON value
    "#]],
    );
}

#[test]
fn missing_comma_between_members() {
    check_parse(
        r#"{"a": 1 "b": 2}"#,
        expect![[r#"
            object 0..15
              member 1..7 key "a" 1..4 colon 4
                number 1 6..7
              member 8..14 key "b" 8..11 colon 11
                number 2 13..14
            errors:
            7..7 "": expected ',' between members
        "#]],
    );
}

#[test]
fn missing_comma_between_items() {
    check_errors(
        "[1 2\n 3]",
        expect![[r#"
        2..2 "": expected ',' between items
        4..4 "": expected ',' between items
    "#]],
    );
}

#[test]
fn extra_and_trailing_commas() {
    check_errors(
        r#"{"a": 1,, "b": 2,}"#,
        expect![[r#"
        8..9 ",": extra comma
        16..17 ",": trailing comma
    "#]],
    );
    check_errors(
        "[1,,2,]",
        expect![[r#"
        3..4 ",": extra comma
        5..6 ",": trailing comma
    "#]],
    );
    check_errors(
        "[,1]",
        expect![[r#"
        1..2 ",": expected a value or ']', found ','
    "#]],
    );
}

#[test]
fn missing_value() {
    check_parse(
        r#"{"a": }"#,
        expect![[r#"
            object 0..7
              member 1..5 key "a" 1..4 colon 4
                no value
            errors:
            5..5 "": expected a value after ':'
        "#]],
    );
    // The next line's key is not taken for the value.
    check_parse(
        "{\"a\": \n \"b\": 1}",
        expect![[r#"
            object 0..15
              member 1..5 key "a" 1..4 colon 4
                no value
              member 8..14 key "b" 8..11 colon 11
                number 1 13..14
            errors:
            5..5 "": expected a value after ':'
        "#]],
    );
}

#[test]
fn missing_colon() {
    check_parse(
        r#"{"a" 1, "b"}"#,
        expect![[r#"
            object 0..12
              member 1..6 key "a" 1..4 no colon
                number 1 5..6
              member 8..11 key "b" 8..11 no colon
                no value
            errors:
            4..4 "": expected ':' after key
            11..11 "": expected ':' after key
        "#]],
    );
}

#[test]
fn unterminated_string_ends_at_end_of_line() {
    check_parse(
        "{\"a\": \"mon\n, \"b\": 1}",
        expect![[r#"
            object 0..20
              member 1..10 key "a" 1..4 colon 4
                string "mon" 6..10
              member 13..19 key "b" 13..16 colon 16
                number 1 18..19
            errors:
            6..10 "\"mon": unterminated string
        "#]],
    );
    check_parse(
        r#"{"params": {"acq"#,
        expect![[r#"
            object 0..16
              member 1..16 key "params" 1..9 colon 9
                object 11..16
                  member 12..16 key "acq" 12..16 no colon
                    no value
            errors:
            0..1 "{": unclosed '{'
            11..12 "{": unclosed '{'
            12..16 "\"acq": unterminated string
            16..16 "": expected ':' after key
        "#]],
    );
}

#[test]
fn unbalanced_brackets() {
    check_errors(
        r#"{"a": [1, 2"#,
        expect![[r#"
        0..1 "{": unclosed '{'
        6..7 "[": unclosed '['
        11..11 "": expected ',' or ']' after item, found end of file
    "#]],
    );
    check_errors(
        r#"{"a": 1}}"#,
        expect![[r#"
        8..9 "}": unexpected '}'
    "#]],
    );
    check_errors(
        r#"{"a": [1, 2}"#,
        expect![[r#"
        6..7 "[": unclosed '['
        11..12 "}": expected ',' or ']' after item, found '}'
    "#]],
    );
    check_errors(
        r#"{"a": 1]}"#,
        expect![[r#"
        7..8 "]": unexpected ']'
    "#]],
    );
    check_errors(
        "}",
        expect![[r#"
        0..1 "}": unexpected '}'
        1..1 "": expected a JSON value, found end of file
    "#]],
    );
}

#[test]
fn stray_tokens() {
    check_parse(
        r#"{"a": tru, "mode": mono, "x": : 1}"#,
        expect![[r#"
            object 0..34
              member 1..9 key "a" 1..4 colon 4
                error "tru" 6..9
              member 11..23 key "mode" 11..17 colon 17
                error "mono" 19..23
              member 25..33 key "x" 25..28 colon 28
                number 1 32..33
            errors:
            6..9 "tru": invalid literal 'tru': expected true, false or null
            19..23 "mono": invalid value 'mono': strings must be in double quotes
            30..31 ":": unexpected ':'
        "#]],
    );
    check_errors(
        r#"{"a": 1 x}"#,
        expect![[r#"
        8..9 "x": expected ',' or '}' after member, found 'x'
        9..9 "": expected ':' after key
    "#]],
    );
}

#[test]
fn bare_word_keys_still_make_members() {
    check_parse(
        "{mode: 1}",
        expect![[r#"
            object 0..9
              member 1..8 key "mode" 1..5 colon 5
                number 1 7..8
            errors:
            1..5 "mode": keys must be strings in double quotes, found 'mode'
        "#]],
    );
}

#[test]
fn comments_are_reported_and_skipped() {
    check_parse(
        "// head\n{\"a\": /* one */ 1 /* open",
        expect![[r#"
            object 8..33
              member 9..25 key "a" 9..12 colon 12
                number 1 24..25
            errors:
            0..7 "// head": comments are not allowed in JSON
            8..9 "{": unclosed '{'
            14..23 "/* one */": comments are not allowed in JSON
            26..33 "/* open": unterminated comment
            33..33 "": expected ',' or '}' after member, found end of file
        "#]],
    );
}

#[test]
fn text_after_the_root() {
    check_errors(
        "{} {\"b\": 1}  \n",
        expect![[r#"
        3..11 "{\"b\": 1}": unexpected text after the JSON value
    "#]],
    );
    check_errors(
        "1 2",
        expect![[r#"
        2..3 "2": unexpected text after the JSON value
    "#]],
    );
}

#[test]
fn string_errors() {
    check_parse(
        "[\"a\\xb\", \"\\u12G4\", \"\\ud800x\", \"tab\there\"]",
        expect![[r#"
            array 0..41
              string "axb" 1..7
              string "�G4" 9..17
              string "�x" 19..28
              string "tab\there" 30..40
            errors:
            3..5 "\\x": invalid escape '\x'
            10..14 "\\u12": invalid unicode escape '\u12'
            20..26 "\\ud800": unpaired surrogate '\ud800'
            34..35 "\t": unescaped control character U+0009 in string
        "#]],
    );
}

#[test]
fn invalid_numbers() {
    check_parse(
        "[01, +1, .5, 1., -, 1e400, 1abc, 1e, -0, 18446744073709551616, -9223372036854775808]",
        expect![[r#"
            array 0..84
              number 1 1..3
              number 1 5..7
              number 0.5 9..11
              number 1.0 13..15
              error "-" 17..18
              number 1.7976931348623157e+308 20..25
              error "1abc" 27..31
              error "1e" 33..35
              number -0.0 37..39
              number 1.8446744073709552e+19 41..61
              number -9223372036854775808 63..83
            errors:
            1..3 "01": invalid number '01': leading zeros are not allowed
            5..7 "+1": invalid number '+1': a leading '+' is not allowed
            9..11 ".5": invalid number '.5': a digit is required before '.'
            13..15 "1.": invalid number '1.': a digit is required after '.'
            17..18 "-": invalid number '-'
            27..31 "1abc": invalid number '1abc'
            33..35 "1e": invalid number '1e'
        "#]],
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let text = "[".repeat(100_000) + &"]".repeat(100_000);
    let parsed = parse(&text);
    assert_eq!(parsed.errors.len(), 1, "{:?}", &parsed.errors);
    assert_eq!(parsed.errors[0].message, "nesting deeper than 128 levels");
    let unclosed = parse(&"{\"a\":[".repeat(100_000));
    assert!(unclosed.errors.len() > 128);
    // Sorted and never twice at one range.
    assert!(unclosed
        .errors
        .windows(2)
        .all(|w| (w[0].range.start, w[0].range.end) < (w[1].range.start, w[1].range.end)));
    // Lookups walk the (capped) tree without recursion trouble.
    let doc = Document::new(text);
    assert!(doc.node_at_offset(50_000).is_some());
    let _ = doc.cursor_context(50_000);
}

// ---- line index ----

/// Every (line, col) of `needle`'s first occurrence in UTF-8, UTF-16 and UTF-32.
fn positions(text: &str, needle: &str) -> String {
    let index = LineIndex::new(text);
    let offset = text.find(needle).unwrap();
    let mut out = format!("offset {offset}:");
    for encoding in [
        PositionEncoding::Utf8,
        PositionEncoding::Utf16,
        PositionEncoding::Utf32,
    ] {
        let pos = index.line_col(offset, encoding);
        assert_eq!(
            index.offset(pos, encoding),
            offset,
            "round trip in {encoding:?}"
        );
        write!(out, " {encoding:?} {}:{}", pos.line, pos.col).unwrap();
    }
    out
}

#[test]
fn columns_after_emoji_and_accents() {
    let text = "{\r\n  \"name\": \"café 😀\", \"x\": 1\r\n}";
    expect!["offset 24: Utf8 1:21 Utf16 1:18 Utf32 1:17"].assert_eq(&positions(text, "\", \"x\""));
    expect![[r#"offset 35: Utf8 2:0 Utf16 2:0 Utf32 2:0"#]].assert_eq(&positions(text, "}"));
    expect!["offset 14: Utf8 1:11 Utf16 1:11 Utf32 1:11"].assert_eq(&positions(text, "café"));
    let index = LineIndex::new(text);
    assert_eq!(index.line_count(), 3);
    assert_eq!(index.line_range(1), 3..33);
    assert_eq!(index.line_range(2), 35..36);
    assert_eq!(index.line_range(9), 36..36);
}

#[test]
fn clamping() {
    let text = "a😀b\r\nx";
    let index = LineIndex::new(text);
    let utf16 = PositionEncoding::Utf16;
    // Past the line's end: before the CRLF. Past the last line: the text's end.
    assert_eq!(index.offset(LineCol { line: 0, col: 99 }, utf16), 6);
    assert_eq!(index.offset(LineCol { line: 7, col: 0 }, utf16), text.len());
    // Between the surrogates of the emoji: its start.
    assert_eq!(index.offset(LineCol { line: 0, col: 2 }, utf16), 1);
    assert_eq!(index.offset(LineCol { line: 0, col: 3 }, utf16), 5);
    assert_eq!(
        index.offset(LineCol { line: 0, col: 2 }, PositionEncoding::Utf8),
        1
    );
    // Inside the emoji's bytes, inside the CRLF, past the end.
    assert_eq!(index.line_col(3, utf16), LineCol { line: 0, col: 1 });
    assert_eq!(index.line_col(7, utf16), LineCol { line: 0, col: 4 });
    assert_eq!(index.line_col(99, utf16), LineCol { line: 1, col: 1 });
}

#[test]
fn lone_carriage_return_breaks_lines() {
    let index = LineIndex::new("a\rb\n\nc");
    assert_eq!(index.line_count(), 4);
    assert_eq!(
        index.line_col(2, PositionEncoding::Utf16),
        LineCol { line: 1, col: 0 }
    );
    assert_eq!(index.line_range(2), 4..4);
    let empty = LineIndex::new("");
    assert_eq!(empty.line_count(), 1);
    assert_eq!(
        empty.line_col(0, PositionEncoding::Utf8),
        LineCol { line: 0, col: 0 }
    );
    assert_eq!(
        empty.offset(LineCol { line: 0, col: 5 }, PositionEncoding::Utf8),
        0
    );
}

// ---- lookups ----

#[test]
fn pointers_with_escapes() {
    let doc = Document::new(r#"{"a/b": {"m~n": [10, 20]}, "": 3, "01": 4}"#);
    let at = |p: &str| {
        doc.node_at_pointer(p)
            .map(|n| doc.slice(n.range).to_string())
    };
    assert_eq!(at("").as_deref(), Some(doc.text()));
    assert_eq!(at("/a~1b/m~0n/1").as_deref(), Some("20"));
    assert_eq!(at("/").as_deref(), Some("3"));
    assert_eq!(at("/01").as_deref(), Some("4"));
    assert_eq!(at("/a~1b/m~0n/01"), None);
    assert_eq!(at("/a~1b/m~0n/2"), None);
    assert_eq!(at("/a~1b/m~0n/-"), None);
    assert_eq!(at("/a~2b"), None);
    assert_eq!(at("a"), None);
    let path = [
        PathSegment::Key("a/b".into()),
        PathSegment::Key("m~n".into()),
        PathSegment::Index(0),
    ];
    assert_eq!(
        doc.node_at_path(&path).map(|n| doc.slice(n.range)),
        Some("10")
    );
}

/// A document with a `$0` cursor marker, and the cursor's offset.
fn with_cursor(text: &str) -> (Document, usize) {
    let offset = text.find("$0").expect("a $0 marker");
    (Document::new(text.replacen("$0", "", 1)), offset)
}

fn render_path(path: &[PathSegment]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|s| match s {
            PathSegment::Key(k) => k.clone(),
            PathSegment::Index(i) => i.to_string(),
        })
        .collect();
    format!("/{}", parts.join("/"))
}

fn check_offset(text: &str, expect: Expect) {
    let (doc, offset) = with_cursor(text);
    let node = doc
        .node_at_offset(offset)
        .map(|(path, n)| format!("{} {}", render_path(&path), doc.slice(n.range)));
    let key = doc
        .key_at_offset(offset)
        .map(|(path, m)| format!("{} {}", render_path(&path), m.key.name));
    expect.assert_eq(&format!("node: {node:?}\nkey: {key:?}"));
}

#[test]
fn node_and_key_at_offset() {
    check_offset(
        r#"{"a": {"b": [1, 2$0]}}"#,
        expect![[r#"
        node: Some("/a/b/1 2")
        key: None"#]],
    );
    check_offset(
        r#"{"a": {"b$0": [1, 2]}}"#,
        expect![[r#"
        node: Some("/a {\"b\": [1, 2]}")
        key: Some("/a b")"#]],
    );
    check_offset(
        r#"{"a": $0 1}"#,
        expect![[r#"
        node: Some("/ {\"a\":  1}")
        key: None"#]],
    );
}

fn check_cursor(text: &str, expect: Expect) {
    let (doc, offset) = with_cursor(text);
    let out = match doc.cursor_context(offset) {
        CursorContext::Key {
            object_path,
            object,
            member,
            partial,
            range,
        } => format!(
            "Key {} object {}..{} member {:?} partial {partial:?} range {}..{} {:?}",
            render_path(&object_path),
            object.range.start,
            object.range.end,
            member.map(|m| &m.key.name),
            range.start,
            range.end,
            doc.slice(range)
        ),
        CursorContext::Value {
            path,
            node,
            partial,
            range,
        } => format!(
            "Value {} node {:?} partial {partial:?} range {}..{} {:?}",
            render_path(&path),
            node.map(|n| doc.slice(n.range)),
            range.start,
            range.end,
            doc.slice(range)
        ),
        CursorContext::None => "None".to_string(),
    };
    expect.assert_eq(&out);
}

#[test]
fn cursor_in_keys() {
    check_cursor(
        r#"{"params": {"acq$0"#,
        expect![[
            r#"Key /params object 11..16 member Some("acq") partial "acq" range 12..16 "\"acq""#
        ]],
    );
    check_cursor(
        r#"{"params": {"acquisi$0tionMode": "mono"}}"#,
        expect![[
            r#"Key /params object 11..38 member Some("acquisitionMode") partial "acquisi" range 12..29 "\"acquisitionMode\"""#
        ]],
    );
    check_cursor(
        r#"{"params": {$0}}"#,
        expect![[r#"Key /params object 11..13 member None partial "" range 12..12 """#]],
    );
    check_cursor(
        r#"{"params": {"a": 1, $0}}"#,
        expect![[r#"Key /params object 11..21 member None partial "" range 20..20 """#]],
    );
    check_cursor(
        r#"{"params": {"a": 1 $0}}"#,
        expect![[r#"Key /params object 11..20 member None partial "" range 19..19 """#]],
    );
    check_cursor(
        "{\"params\": {\n  $0\n}}",
        expect![[r#"Key /params object 11..17 member None partial "" range 15..15 """#]],
    );
    check_cursor(
        "{\"params\": {\n  $0",
        expect![[r#"Key /params object 11..15 member None partial "" range 15..15 """#]],
    );
    check_cursor(
        r#"{"params": {mo$0}}"#,
        expect![[r#"Key /params object 11..15 member Some("mo") partial "mo" range 12..14 "mo""#]],
    );
    // After a complete value: where the next member goes.
    check_cursor(
        r#"{"a": "mono"$0}"#,
        expect![[r#"Key / object 0..13 member None partial "" range 12..12 """#]],
    );
    // Between a key and its colon.
    check_cursor(r#"{"a"$0: 1}"#, expect![[r#"None"#]]);
}

#[test]
fn cursor_in_values() {
    check_cursor(
        r#"{"params": {"acquisitionMode": "$0"}}"#,
        expect![[
            r#"Value /params/acquisitionMode node Some("\"\"") partial "" range 31..33 "\"\"""#
        ]],
    );
    check_cursor(
        r#"{"params": {"acquisitionMode": "st$0"#,
        expect![[
            r#"Value /params/acquisitionMode node Some("\"st") partial "st" range 31..34 "\"st""#
        ]],
    );
    check_cursor(
        r#"{"params": {"acquisitionMode": $0}}"#,
        expect![[r#"Value /params/acquisitionMode node None partial "" range 31..31 """#]],
    );
    check_cursor(
        r#"{"params": {"acquisitionMode":$0"#,
        expect![[r#"Value /params/acquisitionMode node None partial "" range 30..30 """#]],
    );
    check_cursor(
        r#"{"params": {"cloudCoverage": 1$0}}"#,
        expect![[r#"Value /params/cloudCoverage node Some("1") partial "1" range 29..30 "1""#]],
    );
    check_cursor(
        r#"{"a": tr$0}"#,
        expect![[r#"Value /a node Some("tr") partial "tr" range 6..8 "tr""#]],
    );
    check_cursor(
        r#"{"a": [1, $0]}"#,
        expect![[r#"Value /a/1 node None partial "" range 10..10 """#]],
    );
    check_cursor(
        r#"{"a": [$0]}"#,
        expect![[r#"Value /a/0 node None partial "" range 7..7 """#]],
    );
    check_cursor(
        r#"{"dataProduct": "$0"}"#,
        expect![[r#"Value /dataProduct node Some("\"\"") partial "" range 16..18 "\"\"""#]],
    );
    check_cursor(
        r#"{"a": , $0}"#,
        expect![[r#"Key / object 0..9 member None partial "" range 8..8 """#]],
    );
}

#[test]
fn cursor_outside_anything() {
    check_cursor(
        "$0",
        expect![[r#"Value / node None partial "" range 0..0 """#]],
    );
    check_cursor(
        "  $0 ",
        expect![[r#"Value / node None partial "" range 2..2 """#]],
    );
    check_cursor("{} $0", expect![[r#"None"#]]);
    check_cursor(r#""mono"$0"#, expect![[r#"None"#]]);
    check_cursor(
        r#"{"a": 1, // no$0te
}"#,
        expect![[r#"None"#]],
    );
    check_cursor(r#"{"a": /* x$0 */ 1}"#, expect![[r#"None"#]]);
}

/// A sanity timing, not a benchmark: `cargo test --release --lib parse_timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn parse_timing_of_a_large_polygon() {
    let mut text = String::from(
        r#"{"dataProduct": "47dadb27-0000-4000-8000-000000000000", "params": {"geometry": {"type": "Polygon", "coordinates": [["#,
    );
    for i in 0..200_000u32 {
        let angle = i as f64 / 200_000.0 * std::f64::consts::TAU;
        if i > 0 {
            text.push_str(", ");
        }
        write!(
            text,
            "[{}, {}]",
            13.404954 + angle.cos() * 0.123456789,
            52.520008 + angle.sin() * 0.0987654321
        )
        .unwrap();
    }
    text.push_str("]]}}}");
    // The fastest of a few runs, without dropping the tree: the machine may be busy.
    let mut best = std::time::Duration::MAX;
    for _ in 0..10 {
        let started = std::time::Instant::now();
        let parsed = parse(&text);
        best = best.min(started.elapsed());
        assert!(parsed.errors.is_empty());
    }
    let per_parse = best;
    let index_started = std::time::Instant::now();
    let _ = LineIndex::new(&text);
    eprintln!(
        "{:.1} MB: parse {per_parse:?}, line index {:?}",
        text.len() as f64 / 1e6,
        index_started.elapsed()
    );
}

#[test]
fn positions_are_packed_and_read_like_nodes() {
    let text = "[[-79.5, 8.9], [1, -0], [1e400, 2], [1, 2, 3], [9007199254740993, 0]]";
    let doc = Document::new(text);
    let root = doc.root().unwrap();
    let packed: Vec<bool> = root
        .items()
        .unwrap()
        .iter()
        .map(|p| matches!(p.kind, NodeKind::Array(Items::Pair(_))))
        .collect();
    // Three numbers, and an integer an f64 cannot hold, stay nodes.
    assert_eq!(packed, [true, true, true, false, false]);
    let second = root.item(1).unwrap();
    let numbers: Vec<(String, &str)> = second
        .items()
        .unwrap()
        .iter()
        .map(|n| (doc.slice(n.range).to_string(), n.type_name()))
        .collect();
    assert_eq!(
        numbers,
        [("1".to_string(), "integer"), ("-0".to_string(), "number")]
    );
    let pointer = doc.node_at_pointer("/2/0").unwrap();
    assert_eq!(doc.slice(pointer.range), "1e400");
    assert_eq!(pointer.as_f64(), Some(f64::MAX));
    assert!(doc.node_at_pointer("/2/0/0").is_none());
    assert_eq!(
        root.to_value(),
        Some(serde_json::json!([
            [-79.5, 8.9],
            [1, -0.0],
            [f64::MAX, 2],
            [1, 2, 3],
            [9007199254740993u64, 0]
        ]))
    );
}
