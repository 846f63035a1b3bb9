//! Code actions for what users paste into `params.geometry` instead of a GeoJSON geometry:
//! a WKT (or WKB hex) string, a Feature or FeatureCollection, or positions in Web Mercator
//! metres. Each becomes the geometry through the same readers as `aoi set`
//! ([`crate::aoi`]), written with the document's indentation and line ending. None is
//! preferred: the editor shows them, the user picks (a FeatureCollection's features are one
//! action each, with name and area).

use serde_json::Value;

use crate::aoi::{self, write, Crs, Format, Source};
use crate::check::{Diagnostic, Edit};
use crate::document::{Document, Node, NodeKind, TextRange};

/// One conversion of the pasted value: its title, the edit replacing the value, and the
/// indexes of the diagnostics inside the value it removes. `actions.rs` makes it a
/// (never preferred) quick fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Conversion {
    pub title: String,
    pub edit: Edit,
    pub diagnostics: Vec<usize>,
}

/// The conversions of the `params.geometry` value when `range` touches it; `diagnostics`
/// are the document's, the ones inside the value are named as fixed.
pub(super) fn actions(
    doc: &Document,
    diagnostics: &[Diagnostic],
    range: TextRange,
) -> Vec<Conversion> {
    let Some(node) = doc
        .root()
        .and_then(|root| root.get("params"))
        .and_then(|params| params.get("geometry"))
    else {
        return Vec::new();
    };
    if !(node.range.start <= range.end && range.start <= node.range.end) {
        return Vec::new();
    }
    let fixed: Vec<usize> = diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.range.start >= node.range.start && d.range.end <= node.range.end)
        .map(|(i, _)| i)
        .collect();
    let replace = |title: String, polygons: &[aoi::Polygon]| {
        let text = doc.text();
        let start = node.range.start as usize;
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let base: String = text[line_start..start]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        Conversion {
            title,
            edit: Edit {
                range: node.range,
                new_text: write::geometry_text(
                    polygons,
                    &base,
                    write::indent_unit(text),
                    doc.line_ending(),
                ),
            },
            diagnostics: fixed.clone(),
        }
    };
    let mut out = Vec::new();
    match &node.kind {
        NodeKind::String(_) => {
            let Some(text) = node.as_str() else {
                return out;
            };
            let Ok(import) = aoi::read_bytes("pasted text", text.as_bytes()) else {
                return out;
            };
            let what = match import.format {
                Format::WkbHex => "WKB",
                _ => "WKT",
            };
            if let Ok((polygons, _)) = aoi::choose(&import, "the text", &aoi::Selection::Only) {
                out.push(replace(format!("Convert {what} to GeoJSON"), &polygons));
            }
        }
        NodeKind::Object(_) => {
            let Some(value) = node.to_value() else {
                return out;
            };
            match value.get("type").and_then(Value::as_str) {
                Some("Feature" | "FeatureCollection") => {
                    let Some(import) = read_geojson(&value, None) else {
                        return out;
                    };
                    let with_polygons: Vec<&aoi::Feature> = import
                        .features
                        .iter()
                        .filter(|f| !f.polygons.is_empty())
                        .collect();
                    if let [one] = with_polygons.as_slice() {
                        let kind = if one.polygons.len() == 1 {
                            "Polygon"
                        } else {
                            "MultiPolygon"
                        };
                        out.push(replace(format!("Use the feature's {kind}"), &one.polygons));
                    } else {
                        for (i, feature) in import.features.iter().enumerate() {
                            if feature.polygons.is_empty() {
                                continue;
                            }
                            let name = feature
                                .name
                                .as_deref()
                                .map_or_else(String::new, |n| format!(" \"{n}\""));
                            out.push(replace(
                                format!(
                                    "Pick feature {}{name} ({})",
                                    i + 1,
                                    aoi::select::format_area(feature.area_m2())
                                ),
                                &feature.polygons,
                            ));
                        }
                    }
                }
                Some("Polygon" | "MultiPolygon") if in_web_mercator_metres(node) => {
                    if let Some(import) = read_geojson(&value, Some(Crs::WebMercator)) {
                        if let Some(f) = import.features.first().filter(|f| !f.polygons.is_empty())
                        {
                            out.push(replace(
                                "Reproject from Web Mercator (EPSG:3857)".to_string(),
                                &f.polygons,
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    out
}

fn read_geojson(value: &Value, crs: Option<Crs>) -> Option<aoi::Import> {
    let bytes = serde_json::to_vec(value).ok()?;
    aoi::read(
        &Source {
            name: "params.geometry",
            bytes: &bytes,
            sibling: &|_| None,
        },
        Some(Format::GeoJson),
        crs,
    )
    .ok()
}

/// Every position out of degree range (|x| > 180 or |y| > 90) and inside Web Mercator's
/// square (±20,037,508.34 m): numbers that cannot be degrees and fit EPSG:3857.
fn in_web_mercator_metres(geometry: &Node) -> bool {
    const EDGE: f64 = 20_037_508.342_789_244;
    let Some(coordinates) = geometry.get("coordinates") else {
        return false;
    };
    let mut positions = Vec::new();
    collect_positions(coordinates, &mut positions);
    !positions.is_empty()
        && positions
            .iter()
            .all(|[x, y]| (x.abs() > 180.0 || y.abs() > 90.0) && x.abs() <= EDGE && y.abs() <= EDGE)
}

fn collect_positions(node: &Node, out: &mut Vec<[f64; 2]>) {
    if let Some(pair) = node.pair_values() {
        out.push(pair);
        return;
    }
    let Some(items) = node.items() else {
        return;
    };
    let first_is_number = items.first().is_some_and(|n| n.as_f64().is_some());
    if first_is_number {
        let numbers: Vec<f64> = items.iter().filter_map(|n| n.as_f64()).collect();
        if numbers.len() >= 2 {
            out.push([numbers[0], numbers[1]]);
        }
        return;
    }
    for item in items.iter() {
        collect_positions(&item, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles_and_results(text: &str) -> Vec<(String, Value)> {
        let doc = Document::new(text);
        let at = text.find("\"geometry\"").unwrap();
        actions(&doc, &[], TextRange::new(at, at + 12))
            .into_iter()
            .map(|a| {
                let edit = &a.edit;
                let mut new = text.to_string();
                new.replace_range(edit.range.as_range(), &edit.new_text);
                let value: Value = serde_json::from_str(&new).unwrap();
                (a.title, value["params"]["geometry"].clone())
            })
            .collect()
    }

    #[test]
    fn a_wkt_string_becomes_its_polygon() {
        let got = titles_and_results(
            r#"{"params": {"geometry": "POLYGON ((13 52, 14 52, 14 53, 13 52), (13.5 52.2, 13.6 52.2, 13.6 52.3, 13.5 52.2))"}}"#,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "Convert WKT to GeoJSON");
        assert_eq!(got[0].1["type"], "Polygon");
        assert_eq!(got[0].1["coordinates"][1][0][0], 13.5);
    }

    #[test]
    fn a_feature_collection_offers_each_feature_with_name_and_area() {
        let square = |x: f64, name: &str| {
            format!(
                r#"{{"type": "Feature", "properties": {{"name": "{name}"}}, "geometry": {{"type": "Polygon", "coordinates": [[[{x}, 0], [{x1}, 0], [{x1}, 0.01], [{x}, 0.01], [{x}, 0]]]}}}}"#,
                x1 = x + 0.01
            )
        };
        let text = format!(
            r#"{{"params": {{"geometry": {{"type": "FeatureCollection", "features": [{}, {}]}}}}}}"#,
            square(0.0, "west"),
            square(1.0, "east")
        );
        let got = titles_and_results(&text);
        let titles: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Pick feature 1 \"west\" (1.231 km²)",
                "Pick feature 2 \"east\" (1.231 km²)"
            ]
        );
        assert_eq!(got[1].1["coordinates"][0][0][0], 1.0);
        let one = format!(r#"{{"params": {{"geometry": {}}}}}"#, square(5.0, "only"));
        let got = titles_and_results(&one);
        assert_eq!(got[0].0, "Use the feature's Polygon");
        assert_eq!(got[0].1["coordinates"][0][0][0], 5.0);
    }

    #[test]
    fn web_mercator_metres_are_reprojected_and_degrees_are_left_alone() {
        let got = titles_and_results(
            r#"{"params": {"geometry": {"type": "Polygon", "coordinates": [[[1491699.3, 6894050.2], [1493925.6, 6894050.2], [1493925.6, 6895888.4], [1491699.3, 6894050.2]]]}}}"#,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Reproject from Web Mercator (EPSG:3857)");
        let lon = got[0].1["coordinates"][0][0][0].as_f64().unwrap();
        let lat = got[0].1["coordinates"][0][0][1].as_f64().unwrap();
        assert!(
            (lon - 13.400_162_805).abs() < 1e-8 && (lat - 52.516_449_065).abs() < 1e-8,
            "{lon} {lat}"
        );
        assert!(titles_and_results(
            r#"{"params": {"geometry": {"type": "Polygon", "coordinates": [[[13, 52], [14, 52], [14, 53], [13, 52]]]}}}"#
        )
        .is_empty());
    }
}
