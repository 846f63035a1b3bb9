//! Document symbols (the outline) and formatting.

use expect_test::{expect, Expect};
use tasking_ls::document::Document;
use tasking_ls::ide::{format, symbols, Symbol};

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const SAR: &str = include_str!("../../examples/sar_spot_tasking_request.json");

fn render(doc: &Document, symbols: &[Symbol], depth: usize, out: &mut String) {
    for s in symbols {
        out.push_str(&format!(
            "{}{} {:?}{} `{}`\n",
            "  ".repeat(depth),
            s.name,
            s.kind,
            s.detail
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            doc.slice(s.selection_range)
                .lines()
                .next()
                .unwrap_or_default(),
        ));
        render(doc, &s.children, depth + 1, out);
    }
}

fn check_symbols(text: &str, expect: Expect) {
    let doc = Document::new(text);
    let mut out = String::new();
    render(&doc, &symbols(&doc), 0, &mut out);
    expect.assert_eq(&out);
}

#[test]
fn outline_of_the_seed() {
    check_symbols(
        SEED,
        expect![[r#"
        dataProduct String (bd102407-1814-4f92-8b5a-7697b7a73f5a) `"dataProduct"`
        params Object (14 members) `"params"`
          displayName String (My satellite tasking order) `"displayName"`
          acquisitionStart String (2027-03-01T00:00:00.000Z) `"acquisitionStart"`
          acquisitionEnd String (2027-05-01T00:00:00.000Z) `"acquisitionEnd"`
          acquisitionMode String (mono) `"acquisitionMode"`
          radiometricProcessing String (reflectance) `"radiometricProcessing"`
          geometricProcessing String (ortho) `"geometricProcessing"`
          spectralProcessing String (bundle) `"spectralProcessing"`
          deliveredAs String (geotiff) `"deliveredAs"`
          geometry Object (Polygon) `"geometry"`
            type String (Polygon) `"type"`
            coordinates Array (1 ring) `"coordinates"`
              [0] Array (5 positions) `[`
                [0] Array ([-79.6418, 9.0727]) `[-79.6418, 9.0727]`
                [1] Array ([-79.6418, 8.8703]) `[-79.6418, 8.8703]`
                [2] Array ([-79.4388, 8.8703]) `[-79.4388, 8.8703]`
                [3] Array ([-79.4387, 9.0727]) `[-79.4387, 9.0727]`
                [4] Array ([-79.6418, 9.0727]) `[-79.6418, 9.0727]`
          extraDescription String (Capture high resolution images over my AOI) `"extraDescription"`
          cloudCoverage Number (10) `"cloudCoverage"`
          incidenceAngle Number (10) `"incidenceAngle"`
          pixelCoding String (12bits) `"pixelCoding"`
          projection String (4326) `"projection"`
    "#]],
    );
}

#[test]
fn outline_of_a_broken_document() {
    check_symbols(
        r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionMode": , "geometry": {"type": "Pol"#,
        expect![[r#"
            dataProduct String (bd102407-1814-4f92-8b5a-7697b7a73f5a) `"dataProduct"`
            params Object (2 members) `"params"`
              acquisitionMode Key `"acquisitionMode"`
              geometry Object (Pol) `"geometry"`
                type String (Pol) `"type"`
        "#]],
    );
}

/// A polygon of `n` positions on a circle, as one JSON request.
fn big_request(n: usize) -> String {
    let mut positions = Vec::with_capacity(n + 1);
    for i in 0..n {
        let a = i as f64 / n as f64 * std::f64::consts::TAU;
        positions.push(format!("[{:.6}, {:.6}]", 10.0 + a.cos(), 50.0 + a.sin()));
    }
    positions.push(positions[0].clone());
    format!(
        "{{\"dataProduct\": \"bd102407-1814-4f92-8b5a-7697b7a73f5a\", \"params\": {{\"geometry\": {{\"type\": \"Polygon\", \"coordinates\": [[\n{}\n]]}}}}}}",
        positions.join(",\n")
    )
}

#[test]
fn long_arrays_are_cut_short() {
    let doc = Document::new(big_request(5_000));
    let outline = symbols(&doc);
    let coordinates = &outline[1].children[0].children[1];
    assert_eq!(coordinates.detail.as_deref(), Some("1 ring"));
    let ring = &coordinates.children[0];
    assert_eq!(ring.detail.as_deref(), Some("5001 positions"));
    assert_eq!(ring.children.len(), 100);
    assert!(ring.children[0].children.is_empty());
}

fn check_format(text: &str, expect: Expect) {
    let formatted = format(&Document::new(text)).expect("no syntax errors");
    expect.assert_eq(&formatted);
    assert_eq!(
        format(&Document::new(formatted.as_str())).as_deref(),
        Some(formatted.as_str()),
        "not idempotent"
    );
}

#[test]
fn the_examples_are_formatted_already() {
    assert_eq!(format(&Document::new(SEED)).as_deref(), Some(SEED));
    assert_eq!(format(&Document::new(SAR)).as_deref(), Some(SAR));
}

#[test]
fn format_a_compact_request() {
    check_format(
        r#"{"dataProduct":"bd102407-1814-4f92-8b5a-7697b7a73f5a","params":{"displayName":"Caf\u00e9 \"x\"","cloudCoverage":1.50,"bigNumber":1.0E+2,"empty":{},"none":[],"flag":true,"nothing":null,
        "geometry":{"type":"Polygon","coordinates":[[[-79.6418,9.0727],[-79.6418,8.8703],[-79.4388,8.8703],[-79.6418,9.0727]]]},"tags":["a","b"]}}"#,
        expect![[r#"
            {
              "dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a",
              "params": {
                "displayName": "Caf\u00e9 \"x\"",
                "cloudCoverage": 1.50,
                "bigNumber": 1.0E+2,
                "empty": {},
                "none": [],
                "flag": true,
                "nothing": null,
                "geometry": {
                  "type": "Polygon",
                  "coordinates": [
                    [
                      [-79.6418, 9.0727],
                      [-79.6418, 8.8703],
                      [-79.4388, 8.8703],
                      [-79.6418, 9.0727]
                    ]
                  ]
                },
                "tags": ["a", "b"]
              }
            }
        "#]],
    );
}

#[test]
fn long_scalar_arrays_break_over_lines() {
    let tags: Vec<String> = (0..30).map(|i| format!("\"tag-number-{i}\"")).collect();
    check_format(
        &format!("{{\"tags\": [{}]}}", tags[..8].join(",")),
        expect![[r#"
        {
          "tags": [
            "tag-number-0",
            "tag-number-1",
            "tag-number-2",
            "tag-number-3",
            "tag-number-4",
            "tag-number-5",
            "tag-number-6",
            "tag-number-7"
          ]
        }
    "#]],
    );
}

#[test]
fn format_refuses_documents_with_syntax_errors() {
    assert_eq!(format(&Document::new(r#"{"a": 1,}"#)), None);
    assert_eq!(format(&Document::new(r#"{"a": "#)), None);
    assert_eq!(format(&Document::new("{\"a\": 1} // comment")), None);
    assert_eq!(format(&Document::new("")), None);
}

#[test]
fn format_keeps_crlf_content_and_is_idempotent_on_a_big_request() {
    let text = big_request(2_000).replace('\n', "\r\n");
    let once = format(&Document::new(text.as_str())).unwrap();
    let twice = format(&Document::new(once.as_str())).unwrap();
    assert_eq!(once, twice);
    // The file's CRLF stays CRLF (issue 23): no bare LF anywhere.
    assert_eq!(once.matches("],\r\n").count(), 2_000);
    assert_eq!(once.matches('\n').count(), once.matches("\r\n").count());
}
