//! The chosen polygons as the GeoJSON geometry an order takes, and that geometry put in
//! place of the order's own with every other byte of the file kept: the indentation of the
//! line it sits on, the file's indent unit and line ending. Where the geometry lives depends
//! on the order's form, which the caller knows from the file's provider ([`OrderForm`]):
//! `params.geometry` or the first feature's geometry of `featureCollection` in an envelope
//! order, the top-level `geometry` of a search-style order.

use super::{Polygon, Position};
use crate::check::search_order::GEOMETRY_KEY;
use crate::check::{find_geometries, product_id, request_form};
use crate::document::{line_ending_of, Document, Node};
use crate::schema::geometry::GeometryType;
use crate::schema::{SchemaStore, SearchProduct};

/// The form of the order being edited, which says where its geometry lives.
#[derive(Clone, Copy, Debug)]
pub enum OrderForm<'a> {
    /// `{"dataProduct", "params"}` (and the current form's `featureCollection`): the geometry
    /// fields the product schema names, or a feature's geometry.
    Envelope,
    /// A search-style order (`{"datetime", "geometry", "filter", ...}`) for this product: the
    /// top-level `geometry`, of the types the product accepts. A missing `geometry` member
    /// is added.
    Search(&'a SearchProduct),
}

/// `{"type": "Polygon" | "MultiPolygon", "coordinates": ...}` laid out as the formatter lays
/// out an order (one position per line), its lines after the first starting with `base`,
/// nested by `unit`, broken by `eol`. One polygon is a Polygon, several a MultiPolygon.
/// Numbers are written as Rust's shortest round-trip form of the f64, so reading the text
/// back gives the same bits.
pub fn geometry_text(polygons: &[Polygon], base: &str, unit: &str, eol: &str) -> String {
    let kind = if polygons.len() == 1 {
        "Polygon"
    } else {
        "MultiPolygon"
    };
    let pad = |depth: usize| format!("{base}{}", unit.repeat(depth));
    let mut out = format!(
        "{{{eol}{}\"type\": \"{kind}\",{eol}{}\"coordinates\": [",
        pad(1),
        pad(1)
    );
    let rings = |out: &mut String, polygon: &Polygon, depth: usize| {
        let all: Vec<&Vec<Position>> = polygon.rings().collect();
        for (r, ring) in all.iter().enumerate() {
            out.push_str(&format!("{eol}{}[", pad(depth)));
            for (i, [x, y]) in ring.iter().enumerate() {
                let comma = if i + 1 < ring.len() { "," } else { "" };
                out.push_str(&format!(
                    "{eol}{}[{}, {}]{comma}",
                    pad(depth + 1),
                    number(*x),
                    number(*y)
                ));
            }
            let comma = if r + 1 < all.len() { "," } else { "" };
            out.push_str(&format!("{eol}{}]{comma}", pad(depth)));
        }
    };
    if polygons.len() == 1 {
        rings(&mut out, &polygons[0], 2);
    } else {
        for (p, polygon) in polygons.iter().enumerate() {
            out.push_str(&format!("{eol}{}[", pad(2)));
            rings(&mut out, polygon, 3);
            let comma = if p + 1 < polygons.len() { "," } else { "" };
            out.push_str(&format!("{eol}{}]{comma}", pad(2)));
        }
    }
    out.push_str(&format!("{eol}{}]{eol}{base}}}", pad(1)));
    out
}

/// A finite f64 as JSON: the shortest text that reads back to the same number (`-0` as `0`).
fn number(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x}")
    }
}

/// The order's text with its geometry replaced by `polygons`; every byte before and after
/// the old geometry's value is kept. `form` says where the geometry lives; the product (its
/// schema in `store`, or the search product) says whether a MultiPolygon is accepted.
///
/// # Errors
/// The order is not JSON with a geometry to replace, or the product takes one Polygon and
/// `polygons` are several (or takes no polygon at all).
pub fn replace_geometry(
    order: &str,
    polygons: &[Polygon],
    store: &SchemaStore,
    form: OrderForm<'_>,
) -> Result<String, String> {
    let document = Document::new(order);
    if let Some(error) = document.syntax_errors().first() {
        return Err(format!(
            "is not valid JSON ({} at byte {}); fix it first (`tasking-ls validate`)",
            error.message, error.range.start
        ));
    }
    let root = document
        .root()
        .ok_or_else(|| "is empty; `tasking-ls init` writes an order".to_string())?;
    if let OrderForm::Search(product) = form {
        return replace_search_geometry(&document, root, polygons, product);
    }
    let schema = product_id(root).and_then(|id| store.get(id));
    let sites = find_geometries(root, request_form(root), schema.as_deref());
    let site = sites.first().ok_or_else(|| {
        if looks_like_search_order(root) {
            // Advice to add `params.geometry` would break such a file.
            format!(
                "has a top-level `{GEOMETRY_KEY}` and no `params`: it looks like a \
                 search-style order, but the configuration does not name it as one; name it \
                 `*_stapi_order.json` or add a `[[stapi.files]]` pattern for it in \
                 tasking-ls.toml"
            )
        } else {
            "has no geometry to replace (`params.geometry`, or a feature's geometry in \
             `featureCollection`); add `\"geometry\": {}` to params first"
                .to_string()
        }
    })?;
    if polygons.len() > 1
        && !site.model.variants.is_empty()
        && !site.model.allows(GeometryType::MultiPolygon)
    {
        return Err(format!(
            "{} takes {} and the area has {} polygons: pick one with --feature (--union makes \
             one polygon only of polygons that touch or overlap)",
            site.label,
            site.model.describe(),
            polygons.len()
        ));
    }
    let range = site.node.range;
    let text = document.text();
    let line_start = text[..range.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let base: String = text[line_start..range.start as usize]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let geometry = geometry_text(polygons, &base, indent_unit(text), line_ending_of(text));
    let mut out = String::with_capacity(text.len() + geometry.len());
    out.push_str(&text[..range.start as usize]);
    out.push_str(&geometry);
    out.push_str(&text[range.end as usize..]);
    Ok(out)
}

/// True for an order that has the search form's top-level geometry and none of the envelope's
/// members.
fn looks_like_search_order(root: &Node) -> bool {
    root.get(GEOMETRY_KEY).is_some()
        && ["dataProduct", "params", "featureCollection"]
            .iter()
            .all(|key| root.get(key).is_none())
}

/// [`replace_geometry`] for a search-style order: the value of the top-level `geometry`
/// (whatever it holds, `null` included) is replaced, or the member is added last.
fn replace_search_geometry(
    document: &Document,
    root: &Node,
    polygons: &[Polygon],
    product: &SearchProduct,
) -> Result<String, String> {
    let accepted = product.accepted_geometry_kinds();
    let wanted = if polygons.len() == 1 {
        GeometryType::Polygon
    } else {
        GeometryType::MultiPolygon
    };
    if !accepted.contains(&wanted) {
        let names: Vec<String> = product
            .accepted_geometry_types()
            .iter()
            .map(|t| format!("'{t}'"))
            .collect();
        let accepts = format!("product '{}' accepts {}", product.id, names.join(" or "));
        return Err(if accepted.contains(&GeometryType::Polygon) {
            format!(
                "{GEOMETRY_KEY}: {accepts} and the area has {} polygons: pick one with \
                 --feature (--union makes one polygon only of polygons that touch or overlap)",
                polygons.len()
            )
        } else {
            format!("{GEOMETRY_KEY}: {accepts}, not an area (Polygon)")
        });
    }
    let text = document.text();
    let eol = line_ending_of(text);
    let unit = indent_unit(text);
    let base_at = |offset: usize| -> String {
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        text[line_start..offset]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect()
    };
    if let Some(node) = root.get(GEOMETRY_KEY) {
        let (start, end) = (node.range.start as usize, node.range.end as usize);
        let geometry = geometry_text(polygons, &base_at(start), unit, eol);
        return Ok(format!("{}{geometry}{}", &text[..start], &text[end..]));
    }
    // No `geometry` member: added after the last member, on its own line like its siblings.
    let members = root
        .members()
        .ok_or_else(|| "is not a JSON object".to_string())?;
    let (at, base, lead) = match members.last() {
        Some(last) => {
            let start = last.range.start as usize;
            (last.range.end as usize, base_at(start), ",".to_string())
        }
        None => {
            let open = root.range.start as usize;
            (open + 1, format!("{}{unit}", base_at(open)), String::new())
        }
    };
    let geometry = geometry_text(polygons, &base, unit, eol);
    let mut inserted = format!("{lead}{eol}{base}\"{GEOMETRY_KEY}\": {geometry}");
    if members.is_empty() {
        inserted.push_str(eol);
        inserted.push_str(&base_at(root.range.start as usize));
    }
    Ok(format!("{}{inserted}{}", &text[..at], &text[at..]))
}

/// The file's indent unit: the leading whitespace of its first indented line (a tab, or the
/// smallest run of spaces), two spaces when nothing is indented.
pub fn indent_unit(text: &str) -> &str {
    let mut smallest: Option<&str> = None;
    for line in text.lines() {
        let lead = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        if lead.is_empty() || line.trim().is_empty() {
            continue;
        }
        if lead.starts_with('\t') {
            return "\t";
        }
        if smallest.is_none_or(|s| lead.len() < s.len()) {
            smallest = Some(lead);
        }
    }
    smallest.unwrap_or("  ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64) -> Polygon {
        Polygon {
            exterior: vec![[x, 0.0], [x + 1.0, 0.0], [x + 1.0, 1.0], [x, 0.0]],
            holes: vec![],
        }
    }

    const ORDER: &str = "{\r\n    \"dataProduct\": \"x\",\r\n    \"params\": {\r\n        \"displayName\": \"a\",\r\n        \"geometry\": {\"type\": \"Point\", \"coordinates\": [1, 2]},\r\n        \"z\": 1\r\n    }\r\n}\r\n";

    #[test]
    fn every_byte_outside_the_geometry_is_kept() {
        let out = replace_geometry(
            ORDER,
            &[square(0.5)],
            &SchemaStore::bundled(),
            OrderForm::Envelope,
        )
        .unwrap();
        let start = ORDER.find("{\"type\": \"Point\"").unwrap();
        let end = ORDER.find("},\r\n        \"z\"").unwrap() + 1;
        assert_eq!(&out[..start], &ORDER[..start]);
        let tail = &ORDER[end..];
        assert!(out.ends_with(tail), "{out}");
        let inserted = &out[start..out.len() - tail.len()];
        // CRLF throughout, the file's 4-space unit, nested from the geometry's line.
        assert!(!inserted.replace("\r\n", "").contains('\n'), "{inserted:?}");
        assert!(
            inserted.contains("\r\n            \"type\": \"Polygon\""),
            "{inserted:?}"
        );
        assert!(
            inserted.contains("\r\n                    [1.5, 1],"),
            "{inserted:?}"
        );
        assert!(inserted.ends_with("\r\n        }"), "{inserted:?}");
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        let second = &value["params"]["geometry"]["coordinates"][0][1];
        assert_eq!(
            (second[0].as_f64(), second[1].as_f64()),
            (Some(1.5), Some(0.0))
        );
    }

    #[test]
    fn several_polygons_are_a_multipolygon_and_numbers_round_trip() {
        let a = Polygon {
            exterior: vec![[0.1 + 0.2, -1e-7], [13.404_954_123_456_78, 52.520_008]],
            holes: vec![],
        };
        let text = geometry_text(&[a.clone(), square(3.0)], "", "  ", "\n");
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["type"], "MultiPolygon");
        let x = value["coordinates"][0][0][0][0].as_f64().unwrap();
        let y = value["coordinates"][0][0][0][1].as_f64().unwrap();
        assert_eq!(
            (x.to_bits(), y.to_bits()),
            (a.exterior[0][0].to_bits(), a.exterior[0][1].to_bits())
        );
    }

    #[test]
    fn an_order_without_a_geometry_or_json_is_an_error() {
        let store = SchemaStore::bundled();
        assert!(replace_geometry(
            "{\"params\": {}}",
            &[square(0.0)],
            &store,
            OrderForm::Envelope
        )
        .unwrap_err()
        .contains("no geometry"));
        assert!(
            replace_geometry("{\"params\": ", &[square(0.0)], &store, OrderForm::Envelope)
                .unwrap_err()
                .contains("not valid JSON")
        );
    }

    /// A search-style order: the top-level `geometry` is replaced whatever it holds (`null`
    /// too); a product that takes no polygon refuses, naming what it takes.
    #[test]
    fn a_search_order_keeps_its_geometry_at_the_top_level() {
        let store = SchemaStore::bundled();
        let mut product = SearchProduct::unknown("p", "test");
        product.geometry_types = Some(vec!["Polygon".into()]);
        let order = "{\"datetime\": \"2030-01-01T00:00:00Z/..\", \"geometry\": null}";
        let out =
            replace_geometry(order, &[square(0.0)], &store, OrderForm::Search(&product)).unwrap();
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value["geometry"]["type"], "Polygon");
        assert!(out.starts_with("{\"datetime\": \"2030-01-01T00:00:00Z/..\", \"geometry\": {"));
        let two = replace_geometry(
            order,
            &[square(0.0), square(5.0)],
            &store,
            OrderForm::Search(&product),
        );
        assert!(two
            .unwrap_err()
            .contains("accepts 'Polygon' and the area has 2 polygons"));
        product.geometry_types = Some(vec!["Point".into()]);
        assert_eq!(
            replace_geometry(order, &[square(0.0)], &store, OrderForm::Search(&product))
                .unwrap_err(),
            "geometry: product 'p' accepts 'Point', not an area (Polygon)"
        );
        // An empty order gets the member.
        product.geometry_types = None;
        let out =
            replace_geometry("{}", &[square(0.0)], &store, OrderForm::Search(&product)).unwrap();
        assert!(
            out.starts_with("{\n  \"geometry\": {\n    \"type\": \"Polygon\""),
            "{out}"
        );
        assert!(out.ends_with("\n  }\n}"), "{out}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
    }
}
