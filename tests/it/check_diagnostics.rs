//! One fixture per diagnostic code: the document, and every diagnostic it gets shown as
//! `code `offending text`: message`, so the exact range is visible next to the message.

use expect_test::{expect, Expect};
use tasking_ls::check::{check_document, CheckOptions, Diagnostic};
use tasking_ls::document::Document;
use tasking_ls::schema::SchemaStore;

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");
const SAR: &str = include_str!("../../examples/sar_spot_tasking_request.json");

fn diagnostics(text: &str) -> (Document, Vec<Diagnostic>) {
    let store = SchemaStore::bundled();
    let mut options = CheckOptions::new(&store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    let doc = Document::new(text);
    let diagnostics = check_document(&doc, &options);
    (doc, diagnostics)
}

fn render(text: &str) -> String {
    let (doc, diagnostics) = diagnostics(text);
    diagnostics
        .iter()
        .map(|d| {
            let slice = doc.slice(d.range);
            let slice = if slice.len() > 40 {
                format!(
                    "{}…",
                    &slice[..slice.char_indices().nth(40).map_or(slice.len(), |(i, _)| i)]
                )
            } else {
                slice.to_string()
            };
            format!(
                "{} {} `{}`: {}\n",
                d.severity.as_str(),
                d.code,
                slice.replace('\n', "⏎"),
                d.message
            )
        })
        .collect()
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&render(text));
}

/// The seed with one substring replaced; panics if the substring is absent, so a fixture
/// cannot silently stop testing anything.
fn seed_with(from: &str, to: &str) -> String {
    assert!(SEED.contains(from), "fixture text {from:?} not in the seed");
    SEED.replacen(from, to, 1)
}

#[test]
fn the_seed_example_is_clean() {
    check(SEED, expect![[""]]);
}

#[test]
fn the_current_form_example_is_clean() {
    check(SAR, expect![[""]]);
}

#[test]
fn syntax() {
    check(
        &seed_with(r#""mono","#, r#""mono""#),
        expect![[r#"
        error syntax ``: expected ',' between members
    "#]],
    );
}

#[test]
fn duplicate_key() {
    check(
        &seed_with(
            r#""cloudCoverage": 10,"#,
            r#""cloudCoverage": 10, "cloudCoverage": 20,"#,
        ),
        expect![[r#"
        error document.duplicate-key `"cloudCoverage"`: duplicate key 'cloudCoverage': it is already set on line 25; JSON readers keep only the last one
    "#]],
    );
}

#[test]
fn product_missing() {
    check(
        r#"{"params": {}}"#,
        expect![[r#"
        error product.missing `{`: the request has no dataProduct: add the id of the data product to order (see `tasking-ls products`)
    "#]],
    );
}

#[test]
fn product_invalid_id() {
    check(
        &seed_with("bd102407-1814-4f92-8b5a-7697b7a73f5a", "pleiades"),
        expect![[r#"
        error product.invalid-id `"pleiades"`: dataProduct 'pleiades' is not a UUID (like bd102407-1814-4f92-8b5a-7697b7a73f5a)
    "#]],
    );
}

#[test]
fn product_unknown() {
    check(
        &seed_with(
            "bd102407-1814-4f92-8b5a-7697b7a73f5a",
            "00000000-0000-4000-8000-000000000000",
        ),
        expect![[r#"
            warning product.unknown `"00000000-0000-4000-8000-000000000000"`: no schema for data product 00000000-0000-4000-8000-000000000000 (it is not bundled and not in the schema cache): the envelope, geometry and dates are checked, params are not checked against a product schema. Supply the schema with `tasking-ls schema fetch 00000000-0000-4000-8000-000000000000` or --schema-dir DIR (a folder of <product-id>.json files)
        "#]],
    );
}

#[test]
fn schema_required() {
    check(
        &seed_with(r#""acquisitionMode": "mono","#, ""),
        expect![[r#"
        error schema.required `"params"`: missing required property 'acquisitionMode' (Acquisition mode) in params
    "#]],
    );
}

#[test]
fn schema_additional_property() {
    check(
        &seed_with(
            r#""cloudCoverage": 10,"#,
            r#""cloudCoverage": 10, "cloudCover": 5,"#,
        ),
        expect![[r#"
        error schema.additional-property `"cloudCover"`: unknown property 'cloudCover' in params; did you mean 'cloudCoverage'?
    "#]],
    );
}

#[test]
fn schema_type() {
    check(
        &seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverage": "10""#),
        expect![[r#"
        error schema.type `"10"`: cloudCoverage must be an integer, found string '10'
    "#]],
    );
}

#[test]
fn schema_enum() {
    check(
        &seed_with(
            r#""geometricProcessing": "ortho""#,
            r#""geometricProcessing": "ortho-rectified""#,
        ),
        expect![[r#"
        error schema.enum `"ortho-rectified"`: 'ortho-rectified' is not allowed for geometricProcessing; did you mean 'ortho'? Allowed: 'primary', 'projected', 'ortho'
    "#]],
    );
}

#[test]
fn schema_range() {
    check(
        &seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverage": 150"#),
        expect![[r#"
        error schema.range `150`: cloudCoverage is 150, above the maximum 100 (allowed: 0 to 100)
    "#]],
    );
}

#[test]
fn schema_length() {
    check(
        &seed_with(r#""My satellite tasking order""#, r#""""#),
        expect![[r#"
        error schema.length `""`: displayName must not be empty (at least 1 character)
    "#]],
    );
}

#[test]
fn schema_format() {
    check(
        &seed_with("2027-03-01T00:00:00.000Z", "2027-03-01"),
        expect![[r#"
        error schema.format `"2027-03-01"`: acquisitionStart must be an RFC 3339 date-time, found '2027-03-01' (like 2027-03-01T00:00:00Z)
    "#]],
    );
}

#[test]
fn schema_format_pattern() {
    check(
        &seed_with(r#""projection": "4326""#, r#""projection": "EPSG:4326""#),
        expect![[r#"
        error schema.format `"EPSG:4326"`: projection 'EPSG:4326' does not match the pattern ^[0-9]{4,5}$
    "#]],
    );
}

#[test]
fn geometry_unclosed_ring() {
    check(
        &seed_with("[-79.6418, 9.0727]\n", "[-79.6, 9.07]\n"),
        expect![[r#"
        error geometry.unclosed-ring `[-79.6, 9.07]`: the exterior ring of params.geometry is not closed: its last position [-79.6, 9.07] differs from its first [-79.6418, 9.0727]; repeat the first position at the end
    "#]],
    );
}

#[test]
fn dates_order() {
    check(
        &seed_with("2027-05-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z"),
        expect![[r#"
        error dates.order `"2027-02-01T00:00:00.000Z"`: acquisitionEnd 2027-02-01T00:00:00.000Z is not after acquisitionStart 2027-03-01T00:00:00.000Z; the acquisition window must end after it starts
    "#]],
    );
}

#[test]
fn dates_past() {
    check(
        &seed_with("2027-03-01T00:00:00.000Z", "2022-08-01T00:00:00.000Z"),
        expect![[r#"
        warning dates.past `"2022-08-01T00:00:00.000Z"`: acquisitionStart 2022-08-01T00:00:00.000Z is in the past; a satellite can only be tasked for a window that has not started
    "#]],
    );
}

/// The seed with other polygon coordinates, pretty-printed one position per line.
fn seed_with_coordinates(coordinates: serde_json::Value) -> String {
    let mut request: serde_json::Value = serde_json::from_str(SEED).unwrap();
    request["params"]["geometry"]["coordinates"] = coordinates;
    serde_json::to_string_pretty(&request).unwrap()
}

#[test]
fn geometry_too_few_positions() {
    let text = seed_with_coordinates(serde_json::json!([[[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]]));
    check(
        &text,
        expect![[r#"
        error geometry.too-few-positions `[⏎          [⏎            0.0,⏎         …`: the exterior ring of params.geometry has 3 positions; a linear ring needs at least 4, the last repeating the first
    "#]],
    );
}

#[test]
fn geometry_coordinate_range_says_when_lat_lon_are_swapped() {
    let text = seed_with_coordinates(serde_json::json!([[
        [9.07, -179.64],
        [8.87, -179.64],
        [8.87, -179.43],
        [9.07, -179.64]
    ]]));
    check(
        &text,
        expect![[r#"
            error geometry.coordinate-range `[⏎            9.07,⏎            -179.64⏎…`: latitude -179.64 is outside [-90, 90] (4 positions of the exterior ring of params.geometry): the positions look like [lat, lon], but GeoJSON wants [lon, lat]
        "#]],
    );
}

#[test]
fn geometry_coordinate_range() {
    let text = seed_with_coordinates(serde_json::json!([[
        [0.0, 0.0],
        [181.0, 0.0],
        [1.0, 1.0],
        [0.0, 0.0]
    ]]));
    check(
        &text,
        expect![[r#"
            error geometry.coordinate-range `[⏎            181.0,⏎            0.0⏎   …`: longitude 181.0 is outside [-180, 180] (in the exterior ring of params.geometry)
        "#]],
    );
}

#[test]
fn geometry_winding() {
    let text = seed_with_coordinates(serde_json::json!([[
        [0.0, 0.0],
        [0.0, 1.0],
        [1.0, 1.0],
        [1.0, 0.0],
        [0.0, 0.0]
    ]]));
    check(
        &text,
        expect![[r#"
        warning geometry.winding `[⏎          [⏎            0.0,⏎         …`: the exterior ring of params.geometry is clockwise; RFC 7946 wants the exterior ring counter-clockwise
    "#]],
    );
}

#[test]
fn geometry_self_intersection() {
    // A bow tie: the edge 1-2 crosses the edge 3-4.
    let text = seed_with_coordinates(serde_json::json!([[
        [0.0, 0.0],
        [1.0, 0.0],
        [0.0, 1.0],
        [1.0, 1.0],
        [0.0, 0.0]
    ]]));
    check(
        &text,
        expect![[r#"
        error geometry.self-intersection `[⏎            1.0,⏎            1.0⏎     …`: the exterior ring of params.geometry crosses itself near [0.5, 0.5]: the edge from position 1 to 2 meets the edge from position 3 to 4
    "#]],
    );
}

#[test]
fn geometry_invalid_hole_outside_the_shell() {
    let text = seed_with_coordinates(serde_json::json!([
        [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]],
        [[5.0, 5.0], [5.0, 6.0], [6.0, 6.0], [6.0, 5.0], [5.0, 5.0]]
    ]));
    check(
        &text,
        expect![[r#"
            error geometry.invalid `[⏎          [⏎            5.0,⏎         …`: hole 1 of params.geometry lies outside the exterior ring near [5, 5]; a hole must be inside it
        "#]],
    );
}

#[test]
fn geometry_invalid_position() {
    let text = seed_with_coordinates(serde_json::json!([[
        [0.0, 0.0],
        [1.0],
        [1.0, 1.0],
        [0.0, 0.0]
    ]]));
    check(
        &text,
        expect![[r#"
            error geometry.invalid `[⏎            1.0⏎          ]`: a position of the exterior ring of params.geometry must be [longitude, latitude] (two numbers), found 1 number
        "#]],
    );
}

#[test]
fn schema_other() {
    // No bundled schema uses `multipleOf`; a --schema-dir one may.
    let mut store = SchemaStore::bundled();
    let id = "11111111-2222-4333-8444-555555555555";
    store.insert(tasking_ls::schema::ProductSchema::new(
        id,
        serde_json::json!({"type": "object", "properties": {"looks": {"type": "integer", "multipleOf": 2}}}),
        tasking_ls::schema::SchemaOrigin::Bundled,
    ));
    let doc = Document::new(format!(
        r#"{{"dataProduct": "{id}", "params": {{"looks": 3}}}}"#
    ));
    let found: Vec<_> = check_document(&doc, &CheckOptions::new(&store))
        .into_iter()
        .map(|d| (d.code.as_str(), doc.slice(d.range).to_string(), d.message))
        .collect();
    assert_eq!(
        found,
        [(
            "schema.other",
            "3".to_string(),
            "looks is 3, not a multiple of 2".to_string()
        )]
    );
}

/// A nullable field (`anyOf`/`oneOf` of a typed branch and `{"type": "null"}`) says what its
/// one branch of the value's type rejects, not "matches none of the forms" (a tester's note of
/// 41 characters against `maxLength` 40).
#[test]
fn a_nullable_fields_error_names_the_branch_of_its_type() {
    let mut store = SchemaStore::bundled();
    let id = "11111111-2222-4333-8444-555555555556";
    store.insert(tasking_ls::schema::ProductSchema::new(
        id,
        serde_json::json!({"type": "object", "properties": {
            "note": {"anyOf": [{"type": "string", "maxLength": 40}, {"type": "null"}]},
            "level": {"oneOf": [{"type": "integer", "minimum": 1, "maximum": 5}, {"type": "null"}]},
            "mode": {"anyOf": [{"type": "string", "pattern": "^[a-z]+$"}, {"type": "integer"}]},
            "either": {"anyOf": [{"type": "string", "maxLength": 2}, {"type": "string", "pattern": "^x"}]}
        }}),
        tasking_ls::schema::SchemaOrigin::Bundled,
    ));
    let doc = Document::new(format!(
        r#"{{"dataProduct": "{id}", "params": {{"note": "{}", "level": 9, "mode": "ABC", "either": "abc"}}}}"#,
        "n".repeat(41)
    ));
    let found: Vec<_> = check_document(&doc, &CheckOptions::new(&store))
        .into_iter()
        .map(|d| format!("{} {}: {}", d.code.as_str(), doc.slice(d.range), d.message))
        .collect();
    expect![[r#"
        [
            "schema.length \"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\": note has 41 characters; at most 40 allowed",
            "schema.range 9: level is 9, above the maximum 5",
            "schema.format \"ABC\": mode 'ABC' does not match the pattern ^[a-z]+$",
            "schema.other \"abc\": either 'abc' matches none of the forms it may take",
        ]
    "#]]
    .assert_debug_eq(&found);
}

#[test]
fn a_file_with_several_errors_reports_all_of_them() {
    check(
        include_str!("../../examples/invalid/pleiades_analytic_broken_tasking_request.json"),
        expect![[r#"
        error dates.order `"2027-03-01T00:00:00.000Z"`: acquisitionEnd 2027-03-01T00:00:00.000Z is not after acquisitionStart 2027-05-01T00:00:00.000Z; the acquisition window must end after it starts
        error schema.enum `"ortho-rectified"`: 'ortho-rectified' is not allowed for geometricProcessing; did you mean 'ortho'? Allowed: 'primary', 'projected', 'ortho'
        error geometry.unclosed-ring `[-79.4387, 9.0727]`: the exterior ring of params.geometry is not closed: its last position [-79.4387, 9.0727] differs from its first [-79.6418, 9.0727]; repeat the first position at the end
        error schema.range `150`: cloudCoverage is 150, above the maximum 100 (allowed: 0 to 100)
        error schema.additional-property `"cloudCover"`: unknown property 'cloudCover' in params; did you mean 'cloudCoverage'?
    "#]],
    );
}

#[test]
fn the_older_schema_style_is_checked_the_same_way() {
    let text = seed_with(
        "bd102407-1814-4f92-8b5a-7697b7a73f5a",
        "97891b26-bacf-48fb-9d30-46697a11ce65",
    )
    .replace(
        r#""acquisitionMode": "mono""#,
        r#""acquisitionMode": "stero""#,
    )
    .replace(r#""cloudCoverage": 10"#, r#""cloudCoverage": 30"#);
    check(
        &text,
        expect![[r#"
        error schema.enum `"stero"`: 'stero' is not allowed for acquisitionMode; did you mean 'stereo'? Allowed: 'mono', 'stereo', 'tristereo'
        error schema.range `30`: cloudCoverage is 30, above the maximum 20 (allowed: 5 to 20)
    "#]],
    );
}

#[test]
fn the_current_form_checks_its_envelope() {
    let text = SAR
        .replacen(r#""type": "FeatureCollection""#, r#""type": "Feature""#, 1)
        .replacen(r#""tags": ["#, r#""tags": ["bad#tag", "#, 1);
    assert_ne!(text, SAR);
    check(
        &text,
        expect![[r#"
            warning geojson.properties `{`: this Feature has no "properties" member; RFC 7946 §3.2 requires one (an object, or null)
            error schema.enum `"Feature"`: featureCollection.type must be 'FeatureCollection', found 'Feature'
            error schema.format `"bad#tag"`: tags[0] contains '#'; tags may use letters, digits, spaces and . - _ / :
        "#]],
    );
}

/// Applying a diagnostic's fix makes that diagnostic go away, in every fixture that has one.
#[test]
fn every_fix_removes_its_diagnostic() {
    let fixtures = [
        seed_with(
            r#""cloudCoverage": 10,"#,
            r#""cloudCoverage": 10, "cloudCoverage": 20,"#,
        ),
        seed_with(r#""acquisitionMode": "mono","#, ""),
        seed_with(
            r#""cloudCoverage": 10,"#,
            r#""cloudCoverage": 10, "cloudCover": 5,"#,
        ),
        seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverage": "10""#),
        seed_with(
            r#""geometricProcessing": "ortho""#,
            r#""geometricProcessing": "ortho-rectified""#,
        ),
        seed_with(r#""cloudCoverage": 10"#, r#""cloudCoverage": 150"#),
        seed_with("2027-03-01T00:00:00.000Z", "2027-03-01"),
        seed_with("[-79.6418, 9.0727]\n", "[-79.6, 9.07]\n"),
        seed_with("2027-05-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z"),
        seed_with_coordinates(serde_json::json!([[
            [0.0, 0.0],
            [0.0, 1.0],
            [1.0, 1.0],
            [1.0, 0.0],
            [0.0, 0.0]
        ]])),
        seed_with_coordinates(serde_json::json!([[
            [9.07, -179.64],
            [8.87, -179.64],
            [8.87, -179.43],
            [9.07, -179.64]
        ]])),
        seed_with(r#""projection": "4326""#, r#""projection": 4326"#),
        // Altitudes the product schema forbids (maxItems 2): one fix per ring drops them all.
        seed_with_coordinates(serde_json::json!([[
            [0.0, 0.0, 5.0],
            [1.0, 0.0, 5.0],
            [1.0, 1.0, 5.0],
            [0.0, 1.0, 5.0],
            [0.0, 0.0, 5.0]
        ]])),
    ];
    let mut applied = 0;
    for text in &fixtures {
        let (_, found) = diagnostics(text);
        assert!(!found.is_empty(), "fixture has no diagnostic:\n{text}");
        for diagnostic in found.iter().filter(|d| !d.fixes.is_empty()) {
            for fix in &diagnostic.fixes {
                let mut edits = fix.edits.clone();
                edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
                let mut fixed = text.clone();
                for edit in edits {
                    fixed.replace_range(edit.range.as_range(), &edit.new_text);
                }
                let (_, after) = diagnostics(&fixed);
                let still = after.iter().filter(|d| d.code == diagnostic.code).count();
                let before = found.iter().filter(|d| d.code == diagnostic.code).count();
                assert!(
                    still < before,
                    "fix '{}' did not remove {}:\n{fixed}\nstill: {:?}",
                    fix.title,
                    diagnostic.code,
                    after.iter().map(|d| &d.message).collect::<Vec<_>>()
                );
                assert!(
                    after
                        .iter()
                        .all(|d| d.code != tasking_ls::check::Code::Syntax),
                    "fix '{}' broke the JSON:\n{fixed}",
                    fix.title
                );
                applied += 1;
            }
        }
    }
    assert!(applied >= 15, "only {applied} fixes applied");
}
