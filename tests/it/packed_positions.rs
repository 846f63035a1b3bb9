//! Rings stored packed (`Items::Positions`: values side by side, no node per position) are
//! invisible to every reader: on generated orders whose geometries mix good rings with
//! every kind of bad position (three numbers, one, strings, objects, nesting one level too
//! shallow or too deep, numbers past ±180/±90, `-0`, exponents, whitespace and line breaks
//! inside positions), the checks, fixes, code actions, lookups, folding, selection, symbols,
//! inlay hints, hover, completion, formatting and the AOI area are the same as on the same
//! document with each packed ring stored as nodes (the tree as it was before the packed
//! store; `Document::with_positions_unpacked`).

use std::fmt::Write as _;

use tasking_ls::check::{check_document, CheckOptions};
use tasking_ls::document::{ByteEdit, CursorContext, Document, Node, PathSegment, TextRange};
use tasking_ls::ide;
use tasking_ls::schema::SchemaStore;

use crate::check_geometry::{store, MULTI};

use crate::support::lsp_client::XorShift;

const PLEIADES: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
/// Pléiades with longitudes that must be east of 0 (so the schema validator reports errors
/// at instance paths inside positions) and a Polygon-or-MultiPolygon geometry.
const EAST: &str = MULTI;

fn pick<'a>(rng: &mut XorShift, choices: &[&'a str]) -> &'a str {
    choices[rng.next_u64() as usize % choices.len()]
}

fn chance(rng: &mut XorShift, percent: u64) -> bool {
    rng.next_u64() % 100 < percent
}

fn number(rng: &mut XorShift) -> String {
    match rng.next_u64() % 10 {
        0 => pick(
            rng,
            &[
                "-0", "0", "1e2", "-1.5E-3", "180", "-180.0", "90", "200", "-95.5",
            ],
        )
        .into(),
        1 => format!("{}", rng.next_u64() % 400),
        2 => "12345678901234567890".into(),
        _ => format!("{:.6}", (rng.next_u64() % 360_000) as f64 / 1000.0 - 180.0),
    }
}

fn space(rng: &mut XorShift) -> &'static str {
    pick(rng, &["", "", " ", " ", "\n      ", "\t", "\r\n  "])
}

fn position(rng: &mut XorShift, good: bool) -> String {
    let (a, b, s) = (number(rng), number(rng), space(rng));
    if good || chance(rng, 80) {
        return format!("[{s}{a},{}{b}{s}]", space(rng));
    }
    match rng.next_u64() % 7 {
        0 => format!("[{a}, {b}, {}]", number(rng)),
        1 => format!("[{a}]"),
        2 => format!("[{a}, \"{b}\"]"),
        3 => format!("[{a}, {{\"x\": {b}}}]"),
        4 => format!("[[{a}, {b}], [{b}, {a}]]"),
        5 => a,
        _ => "null".into(),
    }
}

fn ring(rng: &mut XorShift) -> String {
    let good = chance(rng, 75);
    let count = rng.next_u64() % 9;
    let mut positions: Vec<String> = (0..count).map(|_| position(rng, good)).collect();
    if chance(rng, 60) {
        if let Some(first) = positions.first().cloned() {
            positions.push(first);
        }
    }
    let s = space(rng);
    format!("[{s}{}{s}]", positions.join(&format!(",{}", space(rng))))
}

fn polygon(rng: &mut XorShift) -> String {
    let rings: Vec<String> = (0..1 + rng.next_u64() % 3).map(|_| ring(rng)).collect();
    format!("[{}]", rings.join(", "))
}

fn geometry(rng: &mut XorShift) -> String {
    let (kind, coordinates) = match rng.next_u64() % 8 {
        0 => ("MultiPolygon", {
            let polygons: Vec<String> = (0..1 + rng.next_u64() % 3).map(|_| polygon(rng)).collect();
            format!("[{}]", polygons.join(", "))
        }),
        // One level too shallow: a ring where the polygon's rings should be.
        1 => (pick(rng, &["Polygon", "MultiPolygon"]), ring(rng)),
        2 => ("MultiPolygon", polygon(rng)),
        3 => ("Point", position(rng, false)),
        4 => ("LineString", ring(rng)),
        _ => ("Polygon", polygon(rng)),
    };
    format!("{{\"type\": \"{kind}\", \"coordinates\": {coordinates}}}")
}

fn order(rng: &mut XorShift) -> String {
    let product = pick(rng, &[PLEIADES, EAST]);
    let geometry = geometry(rng);
    if chance(rng, 20) {
        return format!(
            "{{\"dataProduct\": \"{product}\", \"featureCollection\": {{\"type\": \"FeatureCollection\", \"features\": [{{\"type\": \"Feature\", \"properties\": {{}}, \"geometry\": {geometry}}}]}}, \"params\": {{\"displayName\": \"x\", \"acquisitionStart\": \"2027-01-01T00:00:00Z\", \"acquisitionEnd\": \"2027-02-01T00:00:00Z\"}}}}"
        );
    }
    format!(
        "{{\n  \"dataProduct\": \"{product}\",\n  \"params\": {{\n    \"displayName\": \"x\",\n    \"acquisitionStart\": \"2027-01-01T00:00:00Z\",\n    \"acquisitionEnd\": \"2027-02-01T00:00:00Z\",\n    \"geometry\": {geometry}\n  }}\n}}\n"
    )
}

/// A node as readers see it: its range, JSON type and value (not how the tree stores it).
fn show(node: &Node) -> String {
    format!(
        "{:?} {} {:?} items {:?}",
        node.range,
        node.type_name(),
        node.to_value(),
        node.items().map(|items| items.len())
    )
}

/// Everything the readers give on `doc`, as text.
fn readings(doc: &Document, store: &SchemaStore) -> String {
    let mut options = CheckOptions::new(store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    let diagnostics = check_document(doc, &options);
    let mut out = String::new();
    writeln!(out, "diagnostics {diagnostics:#?}").unwrap();
    let whole = TextRange::new(0, doc.text().len());
    writeln!(
        out,
        "actions {:?}",
        ide::code_actions(doc, store, &diagnostics, whole)
    )
    .unwrap();
    writeln!(out, "folds {:?}", ide::folding_ranges(doc)).unwrap();
    writeln!(out, "symbols {:?}", ide::symbols(doc)).unwrap();
    writeln!(
        out,
        "inlay {:?}",
        ide::inlay_hints(doc, store, whole, Default::default())
    )
    .unwrap();
    writeln!(out, "format {:?}", ide::format(doc)).unwrap();
    writeln!(out, "area {:?}", ide::aoi_area_km2(doc, store)).unwrap();
    for offset in 0..=doc.text().len() {
        if !doc.text().is_char_boundary(offset) {
            continue;
        }
        let at = doc.node_at_offset(offset);
        let found = at.as_ref().map(|(path, node)| (path, show(node)));
        writeln!(out, "{offset} node {found:?}").unwrap();
        let cursor = match doc.cursor_context(offset) {
            CursorContext::Key {
                object_path,
                object,
                member,
                partial,
                range,
            } => format!(
                "key {object_path:?} {} {:?} {partial:?} {range:?}",
                show(object),
                member.map(|m| (&m.key.name, m.range))
            ),
            CursorContext::Value {
                path,
                node,
                partial,
                range,
            } => format!(
                "value {path:?} {:?} {partial:?} {range:?}",
                node.map(|n| show(&n))
            ),
            CursorContext::None => "none".into(),
        };
        writeln!(out, "{offset} cursor {cursor}").unwrap();
        writeln!(
            out,
            "{offset} selection {:?}",
            ide::selection_ranges(doc, offset)
        )
        .unwrap();
        if let Some((path, _)) = at {
            let by_path = doc.node_at_path(&path).map(|n| show(&n));
            writeln!(out, "{offset} at path {by_path:?}").unwrap();
            let pointer: String = path
                .iter()
                .map(|segment| match segment {
                    PathSegment::Key(key) => format!("/{key}"),
                    PathSegment::Index(i) => format!("/{i}"),
                })
                .collect();
            let by_pointer = doc.node_at_pointer(&pointer).map(|n| show(&n));
            writeln!(out, "{offset} at pointer {by_pointer:?}").unwrap();
        }
        // Hover and completion cost a schema walk each: every eleventh offset.
        if offset % 11 == 0 {
            writeln!(out, "{offset} hover {:?}", ide::hover(doc, store, offset)).unwrap();
            writeln!(
                out,
                "{offset} complete {:?}",
                ide::completions(doc, store, offset)
            )
            .unwrap();
        }
    }
    out
}

#[test]
fn readers_see_packed_rings_as_stored_ones() {
    let store = store();
    let mut rng = XorShift::new(0x5EED_0F9A_C4ED);
    let mut packed = 0;
    for case in 0..300 {
        let text = order(&mut rng);
        let doc = Document::new(text.clone());
        let unpacked = doc.with_positions_unpacked();
        if doc.tree() != unpacked.tree() {
            packed += 1;
        }
        let (got, expected) = (readings(&doc, &store), readings(&unpacked, &store));
        if got != expected {
            let line = got
                .lines()
                .zip(expected.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("packed:   {a}\nunpacked: {b}"))
                .unwrap_or_else(|| "(one reading is longer)".into());
            panic!("case {case}: readers differ on\n{text}\n{line}");
        }
    }
    // The generator must exercise the packed store, not only arrays that are never packed.
    assert!(
        packed > 120,
        "only {packed} of 300 orders had a packed ring"
    );
}

/// Edits inside and around the positions of packed rings (digits typed and deleted, a comma
/// or bracket removed, a third number, a position replaced, line breaks), applied one after
/// the other to the previous document: each incremental tree equals a full parse of its
/// text (the packed store included: the same positions, spans and values).
#[test]
fn edits_of_packed_rings_give_the_tree_of_a_full_parse() {
    let mut rng = XorShift::new(0xED17_5EED);
    let pieces = [
        "7", "", "-", ".5", ", 3", "]", "[", ",", " ", "\n", "\r\n  ", "[1, 2]", "e2", "\"x\"",
    ];
    let mut edited = 0;
    for _ in 0..200 {
        let mut text = order(&mut rng);
        let mut doc = Document::new(text.clone());
        for _ in 0..8 {
            // Mostly inside a number of a position: after a digit.
            let digits: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            let start = if digits.is_empty() || chance(&mut rng, 15) {
                rng.next_u64() as usize % (text.len() + 1)
            } else {
                digits[rng.next_u64() as usize % digits.len()]
            };
            let start = (0..=start)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap();
            let end = (start + rng.next_u64() as usize % 3).min(text.len());
            let end = (end..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap();
            let insert = pick(&mut rng, &pieces).to_string();
            text.replace_range(start..end, &insert);
            doc = doc.edited(&[ByteEdit { start, end, insert }]);
            let full = Document::new(text.clone());
            assert_eq!(
                doc.tree(),
                full.tree(),
                "after an edit at {start}..{end}:\n{text}"
            );
            edited += 1;
        }
    }
    assert_eq!(edited, 1600);
}
