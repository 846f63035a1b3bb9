//! Issue 23's core items: `bbox` members (RFC 7946 §5), Features without `properties`
//! (§3.2), and the "also seen" list: "found null null", numbers shown as written, one error
//! per ring in projected metres, a line break in a string not cascading. Generated cases for
//! the bbox rule (random rings, both sides of the antimeridian).

use proptest::prelude::*;
use tasking_ls::check::{check_document, CheckOptions, Code, Diagnostic};
use tasking_ls::document::Document;
use tasking_ls::schema::SchemaStore;

const PARAMS: &str = r#"{"acquisitionStart": "2027-03-01T00:00:00.000Z", "acquisitionEnd": "2027-05-01T00:00:00.000Z", "acquisitionMode": "mono", "radiometricProcessing": "reflectance", "geometricProcessing": "ortho", "spectralProcessing": "bundle", "deliveredAs": "geotiff", "cloudCoverage": 10, "incidenceAngle": 10, "pixelCoding": "12bits", "projection": "4326"}"#;

/// An order in the current form whose featureCollection is `collection`.
fn order(collection: &str) -> String {
    format!(
        "{{\n  \"dataProduct\": \"bd102407-1814-4f92-8b5a-7697b7a73f5a\",\n  \"displayName\": \"x\",\n  \"params\": {PARAMS},\n  \"featureCollection\": {collection}\n}}\n"
    )
}

fn check(text: &str) -> (Document, Vec<Diagnostic>) {
    let store = SchemaStore::bundled();
    let mut options = CheckOptions::new(&store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    let doc = Document::new(text);
    let diagnostics = check_document(&doc, &options);
    (doc, diagnostics)
}

fn with_code(diagnostics: &[Diagnostic], code: Code) -> Vec<&Diagnostic> {
    diagnostics.iter().filter(|d| d.code == code).collect()
}

fn collection(feature_extra: &str, ring: &str) -> String {
    format!(
        r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "properties": {{}}{feature_extra}, "geometry": {{"type": "Polygon", "coordinates": [{ring}]}}}}]}}"#
    )
}

const RING: &str = "[[1, 0], [2, 0], [2, 1], [1, 0]]";

#[test]
fn a_feature_without_properties_gets_a_warning_and_its_fix() {
    for (text, inline) in [
        (
            order(&format!(
                r#"{{"type": "FeatureCollection", "features": [{{"type": "Feature", "geometry": {{"type": "Polygon", "coordinates": [{RING}]}}}}]}}"#
            )),
            true,
        ),
        (
            order(&format!(
                "{{\n    \"type\": \"FeatureCollection\",\n    \"features\": [\n      {{\n        \"type\": \"Feature\",\n        \"geometry\": {{\"type\": \"Polygon\", \"coordinates\": [{RING}]}}\n      }}\n    ]\n  }}"
            )),
            false,
        ),
    ] {
        let (doc, diagnostics) = check(&text);
        let found = with_code(&diagnostics, Code::GeojsonProperties);
        assert_eq!(found.len(), 1, "{diagnostics:#?}");
        let d = found[0];
        assert_eq!(d.severity, tasking_ls::check::Severity::Warning);
        assert_eq!(doc.slice(d.range), "{");
        assert!(d.message.contains("RFC 7946 §3.2"), "{}", d.message);
        let fix = &d.fixes[0];
        assert!(fix.preferred);
        let edit = &fix.edits[0];
        let mut fixed = text.clone();
        fixed.replace_range(edit.range.start as usize..edit.range.end as usize, &edit.new_text);
        if inline {
            assert!(fixed.contains("]]}, \"properties\": {}}]}"), "{fixed}");
        } else {
            assert!(fixed.contains("]]},\n        \"properties\": {}\n      }"), "{fixed}");
        }
        let (_, after) = check(&fixed);
        assert!(with_code(&after, Code::GeojsonProperties).is_empty(), "{after:#?}");
        assert!(with_code(&after, Code::Syntax).is_empty(), "{after:#?}");
    }
    // null is allowed (RFC 7946 §3.2).
    let text = order(&collection("", RING).replace("\"properties\": {}", "\"properties\": null"));
    let (_, diagnostics) = check(&text);
    assert!(with_code(&diagnostics, Code::GeojsonProperties).is_empty());
}

#[test]
fn bbox_members_are_checked_per_rfc_7946_section_5() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        // (bbox on the Feature, ring, expected message start or None)
        ("[1, 0, 2, 1]", RING, None),
        (
            "[1, 0, 2]",
            RING,
            Some("bbox has 3 numbers; RFC 7946 §5 wants 4"),
        ),
        (
            "[1, 0, 1.5, 1]",
            RING,
            Some("bbox [1, 0, 1.5, 1] does not contain the position [2, 0]"),
        ),
        ("[1, 1, 2, 0]", RING, Some("bbox south 1 is above north 0")),
        (
            "[1, 0, 2, 95]",
            RING,
            Some("bbox latitude 95 is outside [-90, 90]"),
        ),
        (
            "[1, 0, \"2\", 1]",
            RING,
            Some("bbox must hold numbers only"),
        ),
        ("{}", RING, Some("bbox must be an array of numbers")),
        // 3-D positions want 6 numbers.
        (
            "[1, 0, 2, 1]",
            "[[1, 0, 5], [2, 0, 5], [2, 1, 5], [1, 0, 5]]",
            Some("bbox has 4 numbers; RFC 7946 §5 wants 6"),
        ),
        (
            "[1, 0, 5, 2, 1, 5]",
            "[[1, 0, 5], [2, 0, 5], [2, 1, 5], [1, 0, 5]]",
            None,
        ),
        // Across the antimeridian: west > east.
        (
            "[179, 0, -179, 1]",
            "[[179.5, 0], [-179.5, 0], [-179.5, 1], [179.5, 0]]",
            None,
        ),
        (
            "[179.8, 0, -179, 1]",
            "[[179.5, 0], [-179.5, 0], [-179.5, 1], [179.5, 0]]",
            Some("bbox [179.8, 0, -179, 1] does not contain the position [179.5, 0] (west > east"),
        ),
        // Numbers as written in the file.
        (
            "[1e0, 0, 1.50, 1]",
            RING,
            Some("bbox [1e0, 0, 1.50, 1] does not contain"),
        ),
    ];
    for (bbox, ring, expected) in cases {
        let text = order(&collection(&format!(", \"bbox\": {bbox}"), ring));
        let (doc, diagnostics) = check(&text);
        let found = with_code(&diagnostics, Code::GeojsonBbox);
        match expected {
            None => assert!(found.is_empty(), "{bbox}: {found:#?}"),
            Some(start) => {
                assert_eq!(found.len(), 1, "{bbox}: {diagnostics:#?}");
                assert!(
                    found[0].message.starts_with(start),
                    "{bbox}: {}",
                    found[0].message
                );
                assert_eq!(doc.slice(found[0].range), *bbox);
            }
        }
    }
}

/// A ring of random positions within one side, or across the antimeridian.
fn rings() -> impl Strategy<Value = (Vec<(f64, f64)>, bool)> {
    (
        prop::collection::vec((-1000i32..=1000, -800i32..=800), 3..8),
        any::<bool>(),
        -170i32..170,
    )
        .prop_map(|(points, across, centre)| {
            let ring = points
                .into_iter()
                .map(|(x, y)| {
                    // Hundredths of a degree around the centre, or around 180.
                    let lon = if across {
                        let lon = 180.0 + f64::from(x) / 100.0;
                        if lon > 180.0 {
                            lon - 360.0
                        } else {
                            lon
                        }
                    } else {
                        f64::from(centre) + f64::from(x) / 100.0
                    };
                    (lon, f64::from(y) / 100.0)
                })
                .collect();
            (ring, across)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// The tightest box (west > east when the ring crosses 180) passes on every GeoJSON
    /// object that may carry one; moving any edge inwards past a position fails on that
    /// object alone.
    #[test]
    fn the_tight_bbox_passes_and_a_shrunk_one_fails((ring, across) in rings(), edge in 0usize..4) {
        let lons: Vec<f64> = ring.iter().map(|p| p.0).collect();
        let lats: Vec<f64> = ring.iter().map(|p| p.1).collect();
        let (south, north) = (lats.iter().cloned().fold(f64::MAX, f64::min), lats.iter().cloned().fold(f64::MIN, f64::max));
        let (west, east) = if across && lons.iter().any(|l| *l > 0.0) && lons.iter().any(|l| *l < 0.0) {
            (
                lons.iter().cloned().filter(|l| *l > 0.0).fold(f64::MAX, f64::min),
                lons.iter().cloned().filter(|l| *l < 0.0).fold(f64::MIN, f64::max),
            )
        } else {
            (lons.iter().cloned().fold(f64::MAX, f64::min), lons.iter().cloned().fold(f64::MIN, f64::max))
        };
        let mut closed = ring.clone();
        closed.push(ring[0]);
        let ring_text = format!(
            "[{}]",
            closed.iter().map(|(x, y)| format!("[{x}, {y}]")).collect::<Vec<_>>().join(", ")
        );
        let bbox = |b: [f64; 4]| format!("[{}, {}, {}, {}]", b[0], b[1], b[2], b[3]);
        let tight = [west, south, east, north];
        let text = order(&format!(
            r#"{{"type": "FeatureCollection", "bbox": {b}, "features": [{{"type": "Feature", "properties": {{}}, "bbox": {b}, "geometry": {{"type": "Polygon", "bbox": {b}, "coordinates": [{ring_text}]}}}}]}}"#,
            b = bbox(tight)
        ));
        let (_, diagnostics) = check(&text);
        prop_assert!(with_code(&diagnostics, Code::GeojsonBbox).is_empty(), "{}: {:#?}", text, diagnostics);
        // Shrink one edge by 0.005° (half the grid step): some position now lies outside.
        let mut shrunk = tight;
        let step = 0.005;
        match edge {
            0 => shrunk[0] += step,
            1 => shrunk[1] += step,
            2 => shrunk[2] -= step,
            _ => shrunk[3] -= step,
        }
        if shrunk[0] > 180.0 { shrunk[0] -= 360.0; }
        if shrunk[2] < -180.0 { shrunk[2] += 360.0; }
        // A degenerate ring (every position on one line) may leave no room: skip those.
        prop_assume!(shrunk[1] <= shrunk[3]);
        prop_assume!(across || shrunk[0] <= shrunk[2]);
        let text = order(&collection(&format!(", \"bbox\": {}", bbox(shrunk)), &ring_text));
        let (_, diagnostics) = check(&text);
        let found = with_code(&diagnostics, Code::GeojsonBbox);
        prop_assert_eq!(found.len(), 1, "{}: {:#?}", text, diagnostics);
        prop_assert!(found[0].message.contains("does not contain the position"), "{}", found[0].message);
    }
}

#[test]
fn a_null_is_named_once() {
    let text = order(r#"{"type": "FeatureCollection", "features": [null]}"#);
    let (_, diagnostics) = check(&text);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages.contains(
            &"featureCollection.features[0] must be a GeoJSON Feature object, found null"
        ),
        "{messages:#?}"
    );
    assert!(
        messages.iter().all(|m| !m.contains("null null")),
        "{messages:#?}"
    );
    let text = r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": null}"#;
    let (_, diagnostics) = check(text);
    assert!(
        diagnostics
            .iter()
            .any(|d| d.message == "params must be an object, found null"),
        "{diagnostics:#?}"
    );
}

#[test]
fn numbers_are_shown_as_written_and_a_projected_ring_is_one_error() {
    let ring = "[[1e308, 0], [1, 0], [1, 1], [1e308, 0]]";
    let (doc, diagnostics) = check(&order(&collection("", ring)));
    let range = with_code(&diagnostics, Code::GeometryCoordinateRange);
    assert_eq!(range.len(), 1, "{range:#?}");
    assert!(
        range[0]
            .message
            .starts_with("longitude 1e308 is outside [-180, 180]"),
        "{}",
        range[0].message
    );
    assert!(diagnostics
        .iter()
        .all(|d| d.message.len() < 600 && !d.message.contains("0000000000")));
    // A ring in metres (EPSG:3857): one error for the ring, saying why.
    let metres = "[[1113194.9, 5621521.5], [1224514.4, 5621521.5], [1224514.4, 5780349.2], [1113194.9, 5780349.2], [1113194.9, 5621521.5]]";
    let (doc2, diagnostics) = check(&order(&collection("", metres)));
    let range = with_code(&diagnostics, Code::GeometryCoordinateRange);
    assert_eq!(range.len(), 1, "{range:#?}");
    assert!(
        range[0]
            .message
            .starts_with("longitude 1113194.9 is outside [-180, 180]; 5 of the 5 positions"),
        "{}",
        range[0].message
    );
    assert!(
        range[0].message.contains("projected coordinates (metres)"),
        "{}",
        range[0].message
    );
    assert!(doc2
        .slice(range[0].range)
        .starts_with("[1113194.9, 5621521.5]"));
    assert!(doc2
        .slice(range[0].range)
        .ends_with("[1113194.9, 5621521.5]"));
    // One stray position is still its own error.
    let one = "[[1, 0], [200.5, 0], [1, 1], [1, 0]]";
    let (_, diagnostics) = check(&order(&collection("", one)));
    let range = with_code(&diagnostics, Code::GeometryCoordinateRange);
    assert_eq!(range.len(), 1);
    assert!(
        range[0]
            .message
            .starts_with("longitude 200.5 is outside [-180, 180] (in "),
        "{}",
        range[0].message
    );
    let _ = doc;
}

#[test]
fn a_line_break_in_a_string_is_one_error_with_a_fix() {
    for ending in ["\n", "\r\n"] {
        let seed = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
        let text = seed
            .replace(
                "\"My satellite tasking order\"",
                "\"My satellite\n tasking order\"",
            )
            .replace('\n', ending);
        let (doc, diagnostics) = check(&text);
        assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
        let d = &diagnostics[0];
        assert_eq!(d.code, Code::Syntax);
        assert_eq!(doc.slice(d.range), ending);
        assert!(
            d.message.starts_with("line break inside a string"),
            "{}",
            d.message
        );
        let edit = &d.fixes[0].edits[0];
        let mut fixed = text.clone();
        fixed.replace_range(
            edit.range.start as usize..edit.range.end as usize,
            &edit.new_text,
        );
        let (_, after) = check(&fixed);
        assert!(after.is_empty(), "{after:#?}");
        assert!(fixed.contains(r#""My satellite\n tasking order""#));
    }
    // A string still being typed ends at its line, as before: the next line is not eaten.
    let (_, diagnostics) = check("{\"a\": \"mon\n, \"b\": 1}");
    assert!(
        diagnostics
            .iter()
            .any(|d| d.message == "unterminated string"),
        "{diagnostics:#?}"
    );
}
