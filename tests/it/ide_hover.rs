//! Hover at a `$0` cursor: the markdown shown, and the range it is about.

use expect_test::{expect, Expect};
use tasking_ls::document::Document;
use tasking_ls::ide::{hover, HoverInfo};
use tasking_ls::schema::SchemaStore;

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const SAR: &str = include_str!("../../examples/sar_spot_tasking_request.json");
const NEO: &str = "97891b26-bacf-48fb-9d30-46697a11ce65";

/// `text` with `$0` inserted before the first occurrence of `at`.
fn cursor_before(text: &str, at: &str) -> String {
    assert!(text.contains(at), "{at:?} not in the fixture");
    text.replacen(at, &format!("$0{at}"), 1)
}

fn hover_at(text: &str) -> (Document, Option<HoverInfo>) {
    let offset = text.find("$0").expect("a $0 cursor marker");
    let doc = Document::new(text.replacen("$0", "", 1));
    let store = SchemaStore::bundled();
    let info = hover(&doc, &store, offset);
    (doc, info)
}

/// The hovered text in backticks, then the markdown.
fn check(text: &str, expect: Expect) {
    let (doc, info) = hover_at(text);
    let info = info.expect("a hover");
    let hovered = doc.slice(info.range);
    let hovered = if hovered.len() > 40 {
        format!("{}…", &hovered[..hovered.char_indices().nth(40).unwrap().0])
    } else {
        hovered.to_string()
    };
    expect.assert_eq(&format!(
        "`{}`\n{}\n",
        hovered.replace('\n', "⏎"),
        info.markdown
    ));
}

#[test]
fn key_of_an_enum_field_marks_the_current_value() {
    check(
        &cursor_before(SEED, "quisitionMode"),
        expect![[r#"
            `"acquisitionMode"`
            **Acquisition mode** `acquisitionMode`

            mono, stereo or tristereo: one image of the area, or two or three images from different angles in the same pass (for elevation models).

            Type: string  
            Default: `"mono"`  
            Required

            Allowed values:
            - `"mono"` — Mono (default) ← current
            - `"stereo"` — Stereo
            - `"tristereo"` — Tri-stereo
        "#]],
    );
}

#[test]
fn value_of_a_number_field() {
    check(
        &cursor_before(SEED, "10,\n    \"incidence"),
        expect![[r#"
        `10`
        **Maximum cloud coverage (%)** `cloudCoverage`

        0–100 %: the most cloud cover over the area of interest an acquisition may have to be accepted.

        Type: integer  
        Range: 0–100  
        Default: `20`  
        Required
    "#]],
    );
}

#[test]
fn data_product() {
    check(
        &cursor_before(SEED, "bd102407"),
        expect![[r#"
        `"bd102407-1814-4f92-8b5a-7697b7a73f5a"`
        **Pléiades Analytic** `phr-tasking-analytic`

        Pléiades tasking, analysis-ready: reflectance, 12-bit, bundle or pansharpened.

        Collection: Pléiades (`phr-tasking`)  
        Schema: bundled with tasking-ls
    "#]],
    );
    check(
        &cursor_before(SEED, "ataProduct"),
        expect![[r#"
        `"dataProduct"`
        **Pléiades Analytic** `phr-tasking-analytic`

        Pléiades tasking, analysis-ready: reflectance, 12-bit, bundle or pansharpened.

        Collection: Pléiades (`phr-tasking`)  
        Schema: bundled with tasking-ls
    "#]],
    );
    check(
        r#"{"dataProduct": "$012345678-1234-1234-1234-123456789012"}"#,
        expect![[r#"
            `"12345678-1234-1234-1234-123456789012"`
            **Unknown data product** `12345678-1234-1234-1234-123456789012`

            Schema: not available (offline, or unknown to the API); `tasking-ls schema fetch 12345678-1234-1234-1234-123456789012` downloads it
        "#]],
    );
}

#[test]
fn geometry_key_shows_rings_bbox_and_area() {
    check(
        &cursor_before(SEED, "eometry"),
        expect![[r#"
        `"geometry"`
        **Geometry** `geometry`

        The area of interest: a GeoJSON Polygon in WGS84 longitude/latitude.

        Polygon: 1 ring, 5 positions  
        Area: 499.8 km² (geodesic, WGS84)  
        Bounding box: -79.6418, 8.8703 → -79.4387, 9.0727 (lon, lat)  
        Ring closed
    "#]],
    );
}

#[test]
fn geometry_area_of_the_seed_aoi() {
    let (_, info) = hover_at(&cursor_before(SEED, "oordinates"));
    let markdown = info.unwrap().markdown;
    let area: f64 = markdown
        .split("Area: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("an area line");
    // 0.2031° of longitude × 0.2024° of latitude at 9° N: about 22.33 km × 22.39 km.
    assert_eq!(format!("{area:.1}"), "499.8", "{markdown}");
}

#[test]
fn geometry_of_a_feature_in_the_current_form() {
    check(
        &cursor_before(SAR, "4.06, 51.93]"),
        expect![[r#"
        `4.06`
        **Polygon** `featureCollection.features[0].geometry`

        Polygon: 1 ring, 5 positions  
        Area: 18.4 km² (geodesic, WGS84)  
        Bounding box: 4, 51.93 → 4.06, 51.97 (lon, lat)  
        Ring closed
    "#]],
    );
}

#[test]
fn unclosed_ring() {
    let text = cursor_before(
        &SEED.replacen(
            "[-79.4387, 9.0727],\n          [-79.6418, 9.0727]",
            "[-79.4387, 9.0727]",
            1,
        ),
        "coordinates",
    );
    let (_, info) = hover_at(&text);
    assert!(info.unwrap().markdown.contains("Ring not closed"));
}

#[test]
fn acquisition_dates_show_the_window() {
    check(
        &cursor_before(SEED, "2027-05-01"),
        expect![[r#"
        `"2027-05-01T00:00:00.000Z"`
        **End** `acquisitionEnd`

        End of the acquisition window, ISO 8601 date-time in UTC; after the start. A longer window gives more chances of a cloud-free acquisition.

        Type: string  
        Format: date-time  
        Required

        Acquisition window: 61 days (2027-03-01 → 2027-05-01)
    "#]],
    );
    check(
        &cursor_before(SAR, "acquisitionStart"),
        expect![[r#"
        `"acquisitionStart"`
        **Start** `acquisitionStart`

        Start of the acquisition window, ISO 8601 date-time in UTC, e.g. 2027-03-01T00:00:00.000Z.

        Type: string  
        Format: date-time  
        Required

        Acquisition window: 14 days (2027-03-01 → 2027-03-15)
    "#]],
    );
}

#[test]
fn older_style_schema() {
    let text = SEED
        .replacen("bd102407-1814-4f92-8b5a-7697b7a73f5a", NEO, 1)
        .replacen("\"cloudCoverage\": 10", "\"cloudCoverage\": $010", 1);
    check(
        &text,
        expect![[r#"
        `10`
        **Maximum cloud coverage (%)** `cloudCoverage`

        5–20 %: the most cloud cover an acquisition may have to be accepted.

        Type: integer  
        Range: 5–20  
        Default: `10`  
        Required
    "#]],
    );
    check(
        &cursor_before(
            &SEED.replacen("bd102407-1814-4f92-8b5a-7697b7a73f5a", NEO, 1),
            "\"mono\"",
        ),
        expect![[r#"
            `"mono"`
            **Acquisition mode** `acquisitionMode`

            mono, stereo or tristereo: one image, or two or three images from different angles.

            Type: string  
            Default: `"mono"`  
            Required

            Allowed values:
            - `"mono"` — MONO (default) ← current
            - `"stereo"` — STEREO
            - `"tristereo"` — TRISTEREO
        "#]],
    );
}

#[test]
fn envelope_keys_and_broken_documents() {
    check(
        &cursor_before(SAR, "tags"),
        expect![[r#"
        `"tags"`
        **Tags** `tags`

        Labels for finding the order later: up to 30 strings of letters, digits, spaces and `. - _ / :`.
    "#]],
    );
    check(
        r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"pixelCoding": "8b$0"#,
        expect![[r#"
            `"8b`
            **Pixel coding** `pixelCoding`

            Bits per pixel of the delivered images; 12 bits keeps the sensor's full dynamic range.

            Type: string  
            Default: `"12bits"`  
            Required

            Allowed values:
            - `"8bits"` — 8 bits
            - `"12bits"` — 12 bits (default)
            - `"16bits"` — 16 bits
        "#]],
    );
}

#[test]
fn nothing_on_unknown_keys_or_whitespace() {
    assert!(hover_at(&cursor_before(SEED, "\n  \"params\"")).1.is_none());
    assert!(hover_at(r#"{"x$0": 1}"#).1.is_none());
}
