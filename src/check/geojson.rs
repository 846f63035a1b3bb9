//! GeoJSON members besides the geometry's coordinates (RFC 7946): `bbox` on any GeoJSON
//! object (§5) and the `properties` member every Feature must have (§3.2). Pure: byte ranges
//! over the document, no schema needed.

use super::edits::insert_member;
use super::{Code, Diagnostic, Edit, Fix};
use crate::document::{Document, Item, Node, NodeKind, TextRange};

/// The GeoJSON object types (RFC 7946 §1.4); an object with one of them as `type` may carry
/// a `bbox`.
const GEOJSON_TYPES: [&str; 9] = [
    "Feature",
    "FeatureCollection",
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
];

/// Checks every GeoJSON object in the document: `bbox` members (shape, order, containing the
/// positions below) and Features without `properties`.
pub(super) fn check(doc: &Document, root: &Node, out: &mut Vec<Diagnostic>) {
    walk(doc, root, out);
}

fn walk(doc: &Document, node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.kind {
        NodeKind::Object(members) => {
            let kind = node.get("type").and_then(Node::as_str);
            if let Some(kind) = kind.filter(|k| GEOJSON_TYPES.contains(k)) {
                if kind == "Feature" && node.member("properties").is_none() {
                    out.push(missing_properties(doc, node));
                }
                if let Some(bbox) = node.get("bbox") {
                    check_bbox(doc, node, bbox, out);
                }
            }
            for member in members {
                if let Some(value) = &member.value {
                    walk(doc, value, out);
                }
            }
        }
        // Rings of positions hold no objects: passed by unread (200,000 positions).
        NodeKind::Array(_) if node.may_hold_objects() => {
            for item in node.items().into_iter().flatten() {
                walk(doc, &item, out);
            }
        }
        _ => {}
    }
}

/// RFC 7946 §3.2: "A Feature object has a member with the name "properties"", its value an
/// object or null. A warning (the provider reads the geometry only), fixed by `{}`.
fn missing_properties(doc: &Document, feature: &Node) -> Diagnostic {
    let open = TextRange::new(
        feature.range.start as usize,
        feature.range.start as usize + 1,
    );
    Diagnostic::new(
        Code::GeojsonProperties,
        open,
        "this Feature has no \"properties\" member; RFC 7946 §3.2 requires one (an object, or null)",
    )
    .with_fix(Fix::new("Add \"properties\": {}", vec![add_properties(doc, feature)]).preferred())
}

/// `"properties": {}` after the Feature's last member: on its own line in a multi-line
/// Feature, inline (`, "properties": {}`) in a one-line one.
fn add_properties(doc: &Document, feature: &Node) -> Edit {
    match feature.members().and_then(<[_]>::last) {
        Some(last)
            if !doc.text()[feature.range.start as usize..last.range.end as usize]
                .contains('\n') =>
        {
            Edit {
                range: TextRange::empty(last.range.end as usize),
                new_text: ", \"properties\": {}".to_string(),
            }
        }
        _ => insert_member(doc, feature, "properties", "{}"),
    }
}

/// A position's numbers and where it is written.
type Position = (Vec<f64>, TextRange);

/// The positions (as `[lon, lat, ...]` numbers) of the geometry in `object`: its
/// `coordinates`, a Feature's `geometry`, a collection's `features` or `geometries`.
fn positions(object: &Node, out: &mut Vec<Position>) {
    for key in ["coordinates", "geometry", "features", "geometries"] {
        if let Some(value) = object.get(key) {
            collect(value, out);
        }
    }
}

fn collect(node: &Node, out: &mut Vec<Position>) {
    match &node.kind {
        NodeKind::Object(_) => positions(node, out),
        NodeKind::Array(_) => {
            let Some(items) = node.items() else { return };
            let numbers: Option<Vec<f64>> = items.iter().map(|i| i.as_f64()).collect();
            match numbers {
                Some(numbers) if numbers.len() >= 2 => out.push((numbers, node.range)),
                Some(_) => {}
                None => {
                    for item in items.iter() {
                        collect(&item, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// RFC 7946 §5: "The value of the bbox member MUST be an array of length 2*n where n is the
/// number of dimensions represented in the contained geometries, with all axes of the most
/// southwesterly point followed by all axes of the more northeasterly point"; §5.2: across
/// the antimeridian the west edge is greater than the east edge; §5.3: latitudes within
/// [-90, 90]. The box must contain every position of the object.
fn check_bbox(doc: &Document, object: &Node, bbox: &Node, out: &mut Vec<Diagnostic>) {
    let error = |message: String| Diagnostic::new(Code::GeojsonBbox, bbox.range, message);
    let Some(items) = bbox.items() else {
        out.push(error(format!(
            "bbox must be an array of numbers [west, south, east, north], found {}",
            bbox.type_name()
        )));
        return;
    };
    let numbers: Option<Vec<(f64, Item<'_>)>> =
        items.iter().map(|i| i.as_f64().map(|v| (v, i))).collect();
    let Some(numbers) = numbers else {
        out.push(error(
            "bbox must hold numbers only ([west, south, east, north])".to_string(),
        ));
        return;
    };
    let mut found = Vec::new();
    positions(object, &mut found);
    let dimensions = found.iter().map(|(p, _)| p.len()).max();
    let n = numbers.len();
    let allowed = match dimensions {
        Some(d) => n == 2 * d,
        None => n == 4 || n == 6,
    };
    if !allowed || n < 4 {
        let want = dimensions.map_or_else(
            || {
                "4 ([west, south, east, north]) or 6 (with the lowest and highest altitude)"
                    .to_string()
            },
            |d| format!("{} (2 × {d} dimensions of its positions)", 2 * d),
        );
        out.push(error(format!(
            "bbox has {n} number{}; RFC 7946 §5 wants {want}",
            if n == 1 { "" } else { "s" }
        )));
        return;
    }
    let d = n / 2;
    let text = |i: usize| doc.slice(numbers[i].1.range).to_string();
    let (west, south, east, north) = (numbers[0].0, numbers[1].0, numbers[d].0, numbers[d + 1].0);
    for (i, value) in [(0, west), (d, east)] {
        if !(-180.0..=180.0).contains(&value) {
            out.push(error(format!(
                "bbox longitude {} is outside [-180, 180] (RFC 7946 §5)",
                text(i)
            )));
            return;
        }
    }
    for (i, value) in [(1, south), (d + 1, north)] {
        if !(-90.0..=90.0).contains(&value) {
            out.push(error(format!(
                "bbox latitude {} is outside [-90, 90] (RFC 7946 §5.3)",
                text(i)
            )));
            return;
        }
    }
    if south > north {
        out.push(error(format!(
            "bbox south {} is above north {}: RFC 7946 §5 puts the south-west corner first",
            text(1),
            text(d + 1)
        )));
        return;
    }
    // West > east is a box across the antimeridian (§5.2): longitudes from west to 180 and
    // from -180 to east.
    let across = west > east;
    let lon_inside = |lon: f64| {
        if across {
            lon >= west || lon <= east
        } else {
            (west..=east).contains(&lon)
        }
    };
    if let Some(outside) = found
        .iter()
        .find(|(p, _)| !lon_inside(p[0]) || !(south..=north).contains(&p[1]))
    {
        // The position as written (`1e2` stays `1e2`), on one line.
        let shown: String = doc
            .slice(outside.1)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.push(error(format!(
            "bbox [{}] does not contain the position {}{}: RFC 7946 §5 wants the box to hold every position",
            (0..n).map(text).collect::<Vec<_>>().join(", "),
            shown,
            if across {
                " (west > east: a box across the antimeridian)"
            } else {
                ""
            }
        )));
    }
}
