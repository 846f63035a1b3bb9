//! Completion at a `$0` cursor: the labels offered, and the document after accepting one.

use chrono::{DateTime, Utc};
use expect_test::{expect, Expect};
use tasking_ls::document::Document;
use tasking_ls::ide::{completions_at, strip_snippet, CompletionItem};
use tasking_ls::schema::SchemaStore;

const ANALYTIC: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
const NEO: &str = "97891b26-bacf-48fb-9d30-46697a11ce65";

/// A Saturday, so "next Monday" is two days later.
fn now() -> DateTime<Utc> {
    "2026-11-28T12:34:56Z".parse().unwrap()
}

fn items(text: &str) -> (Document, Vec<CompletionItem>) {
    let offset = text.find("$0").expect("a $0 cursor marker");
    let text = text.replacen("$0", "", 1);
    let doc = Document::new(text);
    let store = SchemaStore::bundled();
    let mut items = completions_at(&doc, &store, offset, now());
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    (doc, items)
}

/// One line per item, in sort order: label, then detail.
fn check_labels(text: &str, expect: Expect) {
    let (_, items) = items(text);
    let rendered: String = items
        .iter()
        .map(|i| match &i.detail {
            Some(detail) => format!("{} — {detail}\n", i.label),
            None => format!("{}\n", i.label),
        })
        .collect();
    expect.assert_eq(&rendered);
}

/// The document after accepting the item labelled `label` (snippet tab stops left as they are).
fn check_accept(text: &str, label: &str, expect: Expect) {
    let (doc, items) = items(text);
    let item = items
        .iter()
        .find(|i| i.label == label)
        .unwrap_or_else(|| panic!("no item {label:?} among {:?}", labels(&items)));
    let mut edits = vec![item.edit.clone()];
    edits.extend(item.additional_edits.iter().cloned());
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = doc.text().to_string();
    for edit in edits {
        let new_text = if item.is_snippet && edit == item.edit {
            strip_snippet(&edit.new_text)
        } else {
            edit.new_text.clone()
        };
        out.replace_range(edit.range.as_range(), &new_text);
    }
    expect.assert_eq(&out);
}

fn labels(items: &[CompletionItem]) -> Vec<&str> {
    items.iter().map(|i| i.label.as_str()).collect()
}

/// The seed's request with the params' text replaced.
fn seed_params(product: &str, params: &str) -> String {
    format!("{{\"dataProduct\": \"{product}\", \"params\": {{{params}}}}}")
}

#[test]
fn params_keys_in_an_unterminated_key() {
    let text = format!(r#"{{"dataProduct": "{ANALYTIC}", "params": {{"acq$0"#);
    check_labels(
        &text,
        expect![[r#"
            displayName — Order name
            acquisitionStart — Start
            acquisitionEnd — End
            geometry — Geometry
            acquisitionMode — Acquisition mode
            radiometricProcessing — Radiometric processing
            geometricProcessing — Geometric processing
            spectralProcessing — Spectral processing
            deliveredAs — Delivery format
            cloudCoverage — Maximum cloud coverage (%)
            incidenceAngle — Maximum incidence angle (°)
            pixelCoding — Pixel coding
            extraDescription — Description
            projection — Projection
        "#]],
    );
    check_accept(
        &text,
        "acquisitionMode",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionMode": "mono""#
        ]],
    );
    check_accept(
        &text,
        "cloudCoverage",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"cloudCoverage": 20"#
        ]],
    );
    check_accept(
        &text,
        "geometry",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"geometry": {"type": "Polygon", "coordinates": [[[13.3, 52.46], [13.46, 52.46], [13.46, 52.56], [13.3, 52.56], [13.3, 52.46]]]}"#
        ]],
    );
    check_accept(
        &text,
        "acquisitionStart",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionStart": "2026-11-30T00:00:00Z""#
        ]],
    );
}

#[test]
fn params_keys_skip_present_ones_and_put_required_first() {
    let text = seed_params(
        ANALYTIC,
        r#""displayName": "x", "acquisitionMode": "mono", "cloudCoverage": 10, $0"#,
    );
    let (_, items) = items(&text);
    let labels = labels(&items);
    assert!(!labels.contains(&"displayName") && !labels.contains(&"cloudCoverage"));
    assert_eq!(labels.first(), Some(&"acquisitionStart"));
    assert_eq!(labels.last(), Some(&"projection"));
}

#[test]
fn a_key_in_a_valid_document_replaces_the_quoted_key() {
    check_accept(
        &seed_params(ANALYTIC, r#""displayName": "x", "pix$0""#),
        "pixelCoding",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"displayName": "x", "pixelCoding": "12bits"}}"#
        ]],
    );
    check_accept(
        &seed_params(ANALYTIC, r#""displayName": "x", "$0""#),
        "incidenceAngle",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"displayName": "x", "incidenceAngle": 15}}"#
        ]],
    );
}

#[test]
fn on_a_key_that_has_a_value_only_the_key_changes() {
    check_accept(
        &seed_params(ANALYTIC, r#""acq$0uisitionMod": "mono""#),
        "acquisitionMode",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionMode": "mono"}}"#
        ]],
    );
}

#[test]
fn a_new_member_after_one_without_a_comma_gets_one() {
    check_accept(
        &format!("{{\"dataProduct\": \"{ANALYTIC}\", \"params\": {{\n  \"displayName\": \"x\"\n  \"pi$0\n}}}}"),
        "pixelCoding",
        expect![[r#"
            {"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {
              "displayName": "x",
              "pixelCoding": "12bits"
            }}"#]],
    );
    check_accept(
        &seed_params(ANALYTIC, r#"$0 "displayName": "x""#),
        "cloudCoverage",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"cloudCoverage": 20, "displayName": "x"}}"#
        ]],
    );
}

#[test]
fn envelope_keys() {
    check_labels(
        r#"{$0}"#,
        expect![[r#"
        dataProduct — Data product
        params — Order parameters
    "#]],
    );
    check_labels(
        &format!(r#"{{"dataProduct": "{ANALYTIC}", "displayName": "x", $0}}"#),
        expect![[r#"
            params — Order parameters
            featureCollection — Area of interest
            tags — Tags
            budgetId — Budget
        "#]],
    );
    check_accept(
        &format!(r#"{{"dataProduct": "{ANALYTIC}", "$0"#),
        "params",
        expect![[r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {}"#]],
    );
}

#[test]
fn unknown_product_still_completes_the_envelope() {
    check_labels(
        r#"{"dataProduct": "00000000-0000-0000-0000-000000000000", "pa$0"}"#,
        expect![[r#"
            params — Order parameters
        "#]],
    );
    check_labels(
        r#"{"params": {}, "$0"}"#,
        expect![[r#"
        dataProduct — Data product
    "#]],
    );
    // No schema: nothing is known about params' keys, but the ids are.
    check_labels(
        r#"{"dataProduct": "00000000-0000-0000-0000-000000000000", "params": {"$0"}}"#,
        expect![[""]],
    );
    let (_, items) = items(r#"{"dataProduct": "0000$0", "params": {}}"#);
    assert_eq!(items.len(), 4);
}

#[test]
fn allowed_values_in_an_empty_string() {
    let text = seed_params(ANALYTIC, r#""acquisitionMode": "$0""#);
    check_labels(
        &text,
        expect![[r#"
        mono — Mono
        stereo — Stereo
        tristereo — Tri-stereo
    "#]],
    );
    check_accept(
        &text,
        "stereo",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionMode": "stereo"}}"#
        ]],
    );
}

#[test]
fn allowed_values_in_a_half_typed_string() {
    let text = format!(r#"{{"dataProduct": "{ANALYTIC}", "params": {{"acquisitionMode": "st$0"#);
    check_accept(
        &text,
        "stereo",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionMode": "stereo""#
        ]],
    );
    let (doc, items) = items(&text);
    let stereo = items.iter().find(|i| i.label == "stereo").unwrap();
    assert_eq!(doc.slice(stereo.edit.range), "\"st");
    assert_eq!(stereo.filter_text.as_deref(), Some("\"stereo"));
}

#[test]
fn allowed_values_after_the_colon() {
    check_accept(
        &seed_params(ANALYTIC, r#""acquisitionMode": $0"#),
        "tristereo",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"acquisitionMode": "tristereo"}}"#
        ]],
    );
    check_accept(
        &seed_params(ANALYTIC, r#""pixelCoding": 12b$0"#),
        "12bits",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"pixelCoding": "12bits"}}"#
        ]],
    );
}

#[test]
fn numbers_offer_their_default() {
    check_labels(
        &seed_params(ANALYTIC, r#""cloudCoverage": $0"#),
        expect![[r#"
            20 — default
            0 — minimum
            100 — maximum
            50 — within the range
        "#]],
    );
}

#[test]
fn data_product_ids() {
    let text = r#"{"dataProduct": "$0"}"#;
    check_labels(
        text,
        expect![[r#"
        Pléiades Analytic — phr-tasking
        Pléiades Display — phr-tasking
        Pléiades Neo Analytic — pneo-tasking
        Capella SAR — capella-tasking
    "#]],
    );
    check_accept(
        text,
        "Pléiades Analytic",
        expect![[r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a"}"#]],
    );
    let (_, items) = items(text);
    let filter = items[0].filter_text.as_deref().unwrap();
    assert!(
        filter.contains("Pléiades") && filter.contains(ANALYTIC),
        "{filter}"
    );
    check_accept(
        r#"{"dataProduct": "bd10$0"#,
        "Pléiades Analytic",
        expect![[r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a""#]],
    );
}

#[test]
fn polygon_skeleton_for_geometry() {
    let text = seed_params(ANALYTIC, r#""geometry": $0"#);
    check_labels(
        &text,
        expect![[r#"
        Polygon — Closed counter-clockwise square; edit its positions
    "#]],
    );
    check_accept(
        &text,
        "Polygon",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"geometry": {"type": "Polygon", "coordinates": [[[13.3, 52.46], [13.46, 52.46], [13.46, 52.56], [13.3, 52.56], [13.3, 52.46]]]}}}"#
        ]],
    );
}

#[test]
fn geometry_keys_and_type() {
    check_labels(
        &seed_params(ANALYTIC, r#""geometry": {"$0"}"#),
        expect![[r#"
        coordinates — Coordinates
        type — Type
    "#]],
    );
    check_accept(
        &seed_params(ANALYTIC, r#""geometry": {"type": "$0"}"#),
        "Polygon",
        expect![[
            r#"{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {"geometry": {"type": "Polygon"}}}"#
        ]],
    );
}

#[test]
fn feature_collection_geometry() {
    let text = r#"{"dataProduct": "e45afbfa-a06c-4d61-9579-b11ed08641e5", "displayName": "x",
  "featureCollection": {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "$0"}}]}}"#;
    check_labels(
        text,
        expect![[r#"
        Polygon
    "#]],
    );
}

#[test]
fn date_times() {
    check_labels(
        &seed_params(ANALYTIC, r#""acquisitionStart": "$0""#),
        expect![[r#"
            2026-11-30T00:00:00Z — Next Monday, 00:00 UTC
            2026-12-30T00:00:00Z — One month after next Monday
        "#]],
    );
    check_labels(
        &seed_params(
            ANALYTIC,
            r#""acquisitionStart": "2027-03-01T00:00:00Z", "acquisitionEnd": "$0""#,
        ),
        expect![[r#"
            2027-04-01T00:00:00Z — One month after acquisitionStart
        "#]],
    );
}

#[test]
fn older_style_schema() {
    let text = seed_params(NEO, r#""$0""#);
    let (_, items) = items(&text);
    assert_eq!(labels(&items).len(), 16);
    check_accept(
        &seed_params(NEO, r#""acquisitionMo$0"#),
        "acquisitionMode",
        expect![[
            r#"{"dataProduct": "97891b26-bacf-48fb-9d30-46697a11ce65", "params": {"acquisitionMode": "mono"}}"#
        ]],
    );
    check_accept(
        &seed_params(NEO, r#""cloud$0"#),
        "cloudCoverage",
        expect![[
            r#"{"dataProduct": "97891b26-bacf-48fb-9d30-46697a11ce65", "params": {"cloudCoverage": 10}}"#
        ]],
    );
    check_labels(
        &seed_params(NEO, r#""acquisitionMode": "$0""#),
        expect![[r#"
        mono — MONO
        stereo — STEREO
        tristereo — TRISTEREO
    "#]],
    );
    check_labels(
        &seed_params(NEO, r#""minBH": $0"#),
        expect![[r#"
            0.1 — minimum
            0.8 — maximum
            0.45 — within the range
        "#]],
    );
}

#[test]
fn nothing_inside_comments_or_between_key_and_colon() {
    let (_, items) = items(&seed_params(ANALYTIC, r#""acquisitionMode" $0: "mono""#));
    assert!(items.is_empty());
    let (_, items) = self::items(&seed_params(
        ANALYTIC,
        r#""acquisitionMode": "mono" // a$0 comment"#,
    ));
    assert!(items.is_empty());
}

#[test]
fn half_typed_key_in_the_middle_of_the_seed() {
    const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
    let text = SEED.replacen("\"cloudCoverage\": 10,", "\"clo$0", 1);
    let (_, items) = items(&text);
    assert_eq!(labels(&items), ["cloudCoverage"]);
    let expected = SEED.replacen("\"cloudCoverage\": 10,", "\"cloudCoverage\": 20,", 1);
    let (doc, items) = self::items(&text);
    let mut out = doc.text().to_string();
    out.replace_range(
        items[0].edit.range.as_range(),
        &strip_snippet(&items[0].edit.new_text),
    );
    assert_eq!(out, expected);
}

#[test]
fn an_empty_file_gets_a_request_skeleton() {
    check_accept(
        "$0",
        "{\"dataProduct\": …, \"params\": {…}}",
        expect![[r#"
        {
        	"dataProduct": "",
        	"params": {}
        }"#]],
    );
}
