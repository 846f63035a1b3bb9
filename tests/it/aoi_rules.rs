//! Acceptance rules (`aoi.*`, src/check/aoi): the bundled data carries a source for every
//! figure; each rule fires on the AOI it is about, with the limit, the measured value and
//! the source in its message; the fixes remove their diagnostic without a new error; none
//! fires on the seed's example orders; `tasking-ls.toml` overrides reach `validate`.

use std::path::Path;

use serde_json::{json, Value};
use tasking_ls::check::aoi::limits::{parse_overrides, LimitsFile, BUNDLED_TEXT};
use tasking_ls::check::{check_document, CheckOptions, Code, Diagnostic, Severity};
use tasking_ls::document::Document;
use tasking_ls::schema::SchemaStore;

use crate::support::cli::{run_in_home, text};

const PLEIADES: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";

pub(crate) fn order(product: &str, geometry: Value) -> String {
    let order = json!({
        "dataProduct": product,
        "params": {
            "displayName": "Acceptance",
            "acquisitionStart": "2027-03-01T00:00:00Z",
            "acquisitionEnd": "2027-05-01T00:00:00Z",
            "acquisitionMode": "mono",
            "radiometricProcessing": "reflectance",
            "geometricProcessing": "ortho",
            "spectralProcessing": "bundle",
            "deliveredAs": "geotiff",
            "cloudCoverage": 10,
            "incidenceAngle": 10,
            "pixelCoding": "12bits",
            "geometry": geometry,
        }
    });
    serde_json::to_string_pretty(&order).unwrap()
}

fn polygon(rings: Vec<Vec<[f64; 2]>>) -> Value {
    json!({"type": "Polygon", "coordinates": rings})
}

pub(crate) fn check(text: &str) -> Vec<Diagnostic> {
    check_with(text, None)
}

fn check_with(text: &str, config: Option<&str>) -> Vec<Diagnostic> {
    let store = SchemaStore::bundled();
    let overrides = config.map(|c| parse_overrides(c).unwrap());
    let mut options = CheckOptions::new(&store);
    options.now = "2026-11-28T12:00:00Z".parse().unwrap();
    options.rule_overrides = overrides.as_ref();
    check_document(&Document::new(text), &options)
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn find(diagnostics: &[Diagnostic], code: Code) -> &Diagnostic {
    diagnostics
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {:#?}", codes(diagnostics)))
}

/// The text with the edits of `code`'s first fix applied.
pub(crate) fn apply_first_fix(text: &str, diagnostics: &[Diagnostic], code: Code) -> String {
    let fix = &find(diagnostics, code).fixes[0];
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_string();
    for edit in edits {
        out.replace_range(
            edit.range.start as usize..edit.range.end as usize,
            &edit.new_text,
        );
    }
    out
}

/// A ring of `n` positions (closing one included) around (lon, lat): a circle of
/// `radius` degrees with a little radial noise, counter-clockwise; valid and simple.
pub(crate) fn noisy_circle(lon: f64, lat: f64, radius: f64, n: usize, seed: u64) -> Vec<[f64; 2]> {
    let mut state = seed;
    let mut ring: Vec<[f64; 2]> = (0..n - 1)
        .map(|i| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = ((state >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 0.02;
            let a = i as f64 / (n - 1) as f64 * std::f64::consts::TAU;
            let r = radius * (1.0 + noise);
            let round = |x: f64| (x * 1e7).round() / 1e7;
            [round(lon + r * a.cos()), round(lat + r * a.sin())]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

fn rectangle(west: f64, south: f64, east: f64, north: f64) -> Vec<[f64; 2]> {
    vec![
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
    ]
}

fn errors_of_family(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter(|d| d.code.as_str().starts_with("aoi.") || d.code.as_str().starts_with("geometry."))
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

fn positions(text: &str) -> usize {
    let value: Value = serde_json::from_str(text).unwrap();
    value["params"]["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ring| ring.as_array().unwrap().len())
        .sum()
}

fn geodesic_km2(text: &str) -> f64 {
    use geo::{Coord, GeodesicArea, LineString, Polygon};
    let value: Value = serde_json::from_str(text).unwrap();
    let rings: Vec<LineString<f64>> = value["params"]["geometry"]["coordinates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ring| {
            LineString::new(
                ring.as_array()
                    .unwrap()
                    .iter()
                    .map(|p| Coord {
                        x: p[0].as_f64().unwrap(),
                        y: p[1].as_f64().unwrap(),
                    })
                    .collect(),
            )
        })
        .collect();
    let mut rings = rings.into_iter();
    let polygon = Polygon::new(rings.next().unwrap(), rings.collect());
    polygon.geodesic_area_unsigned() / 1e6
}

#[test]
fn every_bundled_figure_and_rule_has_a_source_a_read_date_and_a_citation() {
    let file = LimitsFile::parse(BUNDLED_TEXT).expect("the bundled acceptance data parses");
    let sources = file.sources();
    assert!(sources.len() >= 10, "{sources:?}");
    for (at, source, read, cite) in sources {
        assert!(source.starts_with("https://"), "{at}: source {source:?}");
        let date = chrono::NaiveDate::parse_from_str(&read, "%Y-%m-%d");
        assert!(date.is_ok(), "{at}: read {read:?} is no YYYY-MM-DD date");
        assert!(!cite.trim().is_empty(), "{at}: no citation");
    }
}

#[test]
fn an_entry_without_a_source_is_refused() {
    let without = BUNDLED_TEXT.replacen(
        "source = \"https://docs.up42.com/data/geometry/rules\"\n",
        "",
        1,
    );
    assert_ne!(without, BUNDLED_TEXT);
    let error = LimitsFile::parse(&without).unwrap_err();
    assert!(error.contains("source"), "{error}");
}

#[test]
fn a_1500_vertex_polygon_gets_an_error_naming_999_and_its_fix_keeps_it_valid_within_1_percent() {
    let ring = noisy_circle(-79.54, 8.97, 0.1, 1500, 7);
    let text = order(PLEIADES, polygon(vec![ring]));
    let diagnostics = check(&text);
    let d = find(&diagnostics, Code::AoiVertices);
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("1,500 vertices"), "{}", d.message);
    assert!(d.message.contains("at most 999"), "{}", d.message);
    assert!(d.message.contains("docs.up42.com"), "{}", d.message);
    let fix = &d.fixes[0];
    assert!(fix.preferred, "{}", fix.title);
    let fixed = apply_first_fix(&text, &diagnostics, Code::AoiVertices);
    assert!(positions(&fixed) <= 999, "{}", positions(&fixed));
    let after = check(&fixed);
    assert_eq!(errors_of_family(&after), Vec::<String>::new());
    let (before_km2, after_km2) = (geodesic_km2(&text), geodesic_km2(&fixed));
    let change = (after_km2 - before_km2) / before_km2;
    assert!(change.abs() <= 0.01, "{change}");
}

#[test]
fn a_polygon_with_one_hole_gets_an_error_and_its_fix_removes_the_hole() {
    let shell = rectangle(-79.64, 8.87, -79.44, 9.07);
    let hole = vec![
        [-79.6, 9.0],
        [-79.5, 9.0],
        [-79.5, 8.9],
        [-79.6, 8.9],
        [-79.6, 9.0],
    ];
    let text = order(PLEIADES, polygon(vec![shell, hole]));
    let diagnostics = check(&text);
    let d = find(&diagnostics, Code::AoiHole);
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("holes"), "{}", d.message);
    assert!(
        d.fixes[0].title.contains("grows by"),
        "{}",
        d.fixes[0].title
    );
    let fixed = apply_first_fix(&text, &diagnostics, Code::AoiHole);
    assert_eq!(errors_of_family(&check(&fixed)), Vec::<String>::new());
}

#[test]
fn a_repeated_consecutive_position_gets_a_diagnostic_and_its_fix_removes_it() {
    let mut ring = rectangle(-79.64, 8.87, -79.44, 9.07);
    ring.insert(2, ring[1]);
    let text = order(PLEIADES, polygon(vec![ring]));
    let diagnostics = check(&text);
    let d = find(&diagnostics, Code::AoiDuplicateVertex);
    assert!(d.message.contains("position 2"), "{}", d.message);
    assert!(d.fixes[0].preferred);
    let fixed = apply_first_fix(&text, &diagnostics, Code::AoiDuplicateVertex);
    assert_eq!(positions(&fixed), 5);
    assert!(check(&fixed).is_empty(), "{:#?}", check(&fixed));
}

#[test]
fn a_100_m_square_is_below_the_minimum_charge() {
    // 0.0009° of latitude is 100 m; of longitude at 9° N, 0.000911°.
    let ring = rectangle(-79.64, 8.87, -79.639089, 8.8709);
    let diagnostics = check(&order(PLEIADES, polygon(vec![ring])));
    let d = find(&diagnostics, Code::AoiMinimumCharge);
    assert!(d.message.contains("0.01 km²"), "{}", d.message);
    assert!(d.message.contains("100 km²"), "{}", d.message);
}

#[test]
fn a_20_by_20_degree_aoi_is_above_the_maximum_area() {
    let ring = rectangle(-90.0, 0.0, -70.0, 20.0);
    let diagnostics = check(&order(PLEIADES, polygon(vec![ring])));
    let d = find(&diagnostics, Code::AoiAreaMax);
    assert_eq!(d.severity, Severity::Error);
    assert!(d.message.contains("1,000,000 km²"), "{}", d.message);
}

#[test]
fn a_50_km_by_2_m_strip_is_a_sliver() {
    let ring = rectangle(-79.64, 8.87, -79.185, 8.870018);
    let diagnostics = check(&order(PLEIADES, polygon(vec![ring])));
    let d = find(&diagnostics, Code::AoiSliver);
    assert!(d.message.contains("2 m wide"), "{}", d.message);
}

#[test]
fn the_example_orders_get_no_acceptance_diagnostic() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(examples).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            let aoi: Vec<&str> = check(&text)
                .iter()
                .map(|d| d.code.as_str())
                .filter(|c| c.starts_with("aoi."))
                .collect::<Vec<_>>()
                .into_iter()
                .collect();
            assert!(aoi.is_empty(), "{}: {aoi:?}", path.display());
        }
    }
}

#[test]
fn user_limits_override_the_bundled_ones_and_are_cited() {
    let text = order(
        PLEIADES,
        polygon(vec![rectangle(-79.64, 8.87, -79.44, 9.07)]),
    );
    assert!(check(&text).is_empty());
    let config = format!(
        "[rules.\"{PLEIADES}\"]\nmax-vertices = 4\nmin-area-km2 = 1000\nmax-width-km = 10\n"
    );
    let diagnostics = check_with(&text, Some(&config));
    let found = codes(&diagnostics);
    for code in ["aoi.vertices", "aoi.area-min", "aoi.extent"] {
        assert!(found.contains(&code), "{found:?}");
    }
    let d = find(&diagnostics, Code::AoiAreaMin);
    assert!(d.message.contains("tasking-ls.toml"), "{}", d.message);
}

#[test]
fn validate_reads_rules_from_tasking_ls_toml_and_fix_removes_repeats() {
    let home = tempfile::tempdir().unwrap();
    let mut ring = rectangle(-79.64, 8.87, -79.44, 9.07);
    ring.insert(1, ring[0]);
    let path = home.path().join("a_tasking_request.json");
    std::fs::write(&path, order(PLEIADES, polygon(vec![ring]))).unwrap();
    let out = run_in_home(
        home.path(),
        &["validate", path.to_str().unwrap(), "--format", "json"],
        &[],
    );
    let report = text(&out);
    assert!(report.contains("aoi.duplicate-vertex"), "{report}");
    std::fs::write(
        home.path().join("tasking-ls.toml"),
        format!("[rules.\"{PLEIADES}\"]\nmax-area-km2 = 10\n"),
    )
    .unwrap();
    let out = run_in_home(
        home.path(),
        &[
            "validate",
            path.to_str().unwrap(),
            "--fix",
            "--format",
            "json",
        ],
        &[],
    );
    let report = text(&out);
    assert!(report.contains("aoi.area-max"), "{report}");
    assert!(report.contains("tasking-ls.toml"), "{report}");
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(positions(&fixed), 5, "{fixed}");
}

#[test]
fn validate_names_the_simplify_fix_without_computing_it_and_fix_applies_it() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("big_tasking_request.json");
    let ring = noisy_circle(-79.54, 8.97, 0.1, 1500, 11);
    std::fs::write(&path, order(PLEIADES, polygon(vec![ring]))).unwrap();
    let out = run_in_home(
        home.path(),
        &["validate", path.to_str().unwrap(), "--format", "json"],
        &[],
    );
    let report: Value = serde_json::from_str(&text(&out)).unwrap();
    let findings = report.as_array().cloned().unwrap_or_default();
    let vertices = findings
        .iter()
        .find(|d| d["code"] == "aoi.vertices")
        .unwrap_or_else(|| panic!("no aoi.vertices in {report}"));
    let fix = &vertices["fixes"][0];
    assert_eq!(fix["deferred"], true, "{fix}");
    assert_eq!(fix["edits"], json!([]), "{fix}");
    assert!(
        fix["title"].as_str().unwrap().contains("at most 999"),
        "{fix}"
    );
    let out = run_in_home(
        home.path(),
        &["validate", path.to_str().unwrap(), "--fix"],
        &[],
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(
        positions(&fixed) <= 999,
        "{}\n{}",
        positions(&fixed),
        text(&out)
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

mod found_whatever_the_ring {
    //! The duplicate-vertex and altitude rules skip a ring when the geometry check already
    //! knows it has nothing for them (its cycle borrowed the positions: no consecutive repeat;
    //! every position a packed pair: no altitude). On generated rings, with repeats, altitudes,
    //! -0.0 and the antimeridian in any mix, each rule still reports exactly what the ring
    //! holds.
    use super::*;
    use proptest::prelude::*;

    /// A schema for the Pléiades id that lets positions of three numbers through, so that
    /// `aoi.z` (not `schema.length`) reports altitudes.
    const ANY_POLYGON: &str = r#"{"type": "object", "properties": {"geometry": {"type": "object",
      "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]}, "coordinates": {"type": "array"}}}}}"#;

    /// One vertex: its radius factor, whether it is written twice, whether it has an
    /// altitude, whether a zero coordinate is written -0.0.
    type Vertex = (f64, bool, bool, bool);

    fn vertex() -> impl Strategy<Value = Vertex> {
        (
            0.8f64..1.2,
            prop::bool::weighted(0.1),
            prop::bool::weighted(0.1),
            any::<bool>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn repeats_and_altitudes_are_reported_as_written(
            vertices in prop::collection::vec(vertex(), 4..40),
            centre in prop::sample::select(vec![[0.0, 0.0], [13.4, 52.5], [179.99, -16.5]]),
        ) {
            // A star-shaped ring around `centre`, counter-clockwise: always simple.
            let n = vertices.len();
            let snap = |x: f64| (x * 1e6).round() / 1e6;
            let mut ring: Vec<Value> = Vec::new();
            let (mut repeats, mut altitudes) = (0usize, 0usize);
            for (i, &(radius, twice, z, negative_zero)) in vertices.iter().enumerate() {
                let angle = std::f64::consts::TAU * i as f64 / n as f64;
                let mut lon = snap(centre[0] + 0.05 * radius * angle.cos());
                let lat = snap(centre[1] + 0.05 * radius * angle.sin());
                if lon > 180.0 {
                    lon -= 360.0;
                }
                let lon = if lon == 0.0 && negative_zero { -0.0 } else { lon };
                let lat = if lat == 0.0 && negative_zero { -0.0 } else { lat };
                let position = if z { json!([lon, lat, 12.5]) } else { json!([lon, lat]) };
                let copies = if twice { 2 } else { 1 };
                for _ in 0..copies {
                    ring.push(position.clone());
                }
                repeats += copies - 1;
                altitudes += if z { copies } else { 0 };
            }
            ring.push(ring[0].clone());
            if vertices[0].2 {
                altitudes += 1;
            }
            let text = order(PLEIADES, json!({"type": "Polygon", "coordinates": [ring]}));
            let mut store = SchemaStore::bundled();
            store.insert(tasking_ls::schema::ProductSchema::new(
                PLEIADES,
                serde_json::from_str(ANY_POLYGON).unwrap(),
                tasking_ls::schema::SchemaOrigin::Bundled,
            ));
            let mut options = CheckOptions::new(&store);
            options.now = "2026-11-28T12:00:00Z".parse().unwrap();
            let found = check_document(&Document::new(text.as_str()), &options);
            prop_assert!(
                !found.iter().any(|d| d.code.as_str().starts_with("geometry.") && d.severity == Severity::Error),
                "a generated ring is valid: {:?}", codes(&found)
            );
            let of = |code: Code| found.iter().filter(|d| d.code == code).collect::<Vec<_>>();
            let duplicate = of(Code::AoiDuplicateVertex);
            prop_assert_eq!(duplicate.len(), usize::from(repeats > 0), "{:?}", codes(&found));
            if repeats > 1 {
                let more = format!(", and {} more repeat", repeats - 1);
                prop_assert!(duplicate[0].message.contains(&more), "{}", duplicate[0].message);
            }
            let altitude = of(Code::AoiZ);
            prop_assert_eq!(altitude.len(), usize::from(altitudes > 0), "{:?}", codes(&found));
            if altitudes > 0 {
                let count = format!("{altitudes} position");
                prop_assert!(altitude[0].message.starts_with(&count), "{}", altitude[0].message);
            }
        }
    }
}
