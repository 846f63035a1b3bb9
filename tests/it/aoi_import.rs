//! AOI import on files written by other tools (tests/aoi/make_fixtures.py: pyshp, pyproj,
//! Google Earth's KML layout, PostGIS-style WKT/WKB, geojson.io's GeoJSON): the imported
//! polygons equal the source within 1e-9 degrees, or within 1 cm on the ground after
//! reprojection (checked against PROJ's values in expected.json); and the CLI's `aoi set`,
//! `aoi info` and `init --aoi` as a user runs them.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tasking_ls::aoi::{self, Crs, Source};

use crate::support::cli::{run_in_home, text};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aoi/fixtures")
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join("expected.json")).unwrap())
        .unwrap()
}

/// Reads a fixture as the CLI does: companions from the same folder.
fn import(name: &str) -> aoi::Import {
    let path = fixtures().join(name);
    let bytes = std::fs::read(&path).unwrap();
    let sibling = |extension: &str| std::fs::read(path.with_extension(extension)).ok();
    aoi::read(
        &Source {
            name,
            bytes: &bytes,
            sibling: &sibling,
        },
        None,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Metres between two nearby positions (equirectangular; exact enough below a kilometre).
fn metres(a: [f64; 2], b: [f64; 2]) -> f64 {
    let r = 6_371_008.8;
    // -180 and 180 are one meridian.
    let dlon = (a[0] - b[0] + 540.0).rem_euclid(360.0) - 180.0;
    let dx = dlon.to_radians() * r * a[1].to_radians().cos();
    let dy = (a[1] - b[1]).to_radians() * r;
    dx.hypot(dy)
}

fn position(v: &Value) -> [f64; 2] {
    [v[0].as_f64().unwrap(), v[1].as_f64().unwrap()]
}

#[test]
fn every_fixture_imports_to_the_source_polygons() {
    let expected = expected();
    let mut checked = 0;
    let mut worst_metres: f64 = 0.0;
    for (name, want) in expected.as_object().unwrap() {
        if name.starts_with('_') {
            continue;
        }
        let got = import(name);
        let epsg = want["crs"].as_u64().unwrap() as u32;
        assert_eq!(got.crs.epsg(), epsg, "{name}");
        let features = want["features"].as_array().unwrap();
        assert_eq!(got.features.len(), features.len(), "{name}");
        for (feature, want) in got.features.iter().zip(features) {
            assert_eq!(feature.name.as_deref(), want["name"].as_str(), "{name}");
            let polygons = want["polygons"].as_array().unwrap();
            assert_eq!(feature.polygons.len(), polygons.len(), "{name}");
            for (polygon, rings) in feature.polygons.iter().zip(polygons) {
                let rings = rings.as_array().unwrap();
                let got_rings: Vec<&Vec<[f64; 2]>> = polygon.rings().collect();
                assert_eq!(got_rings.len(), rings.len(), "{name}: rings");
                for (ring, want_ring) in got_rings.iter().zip(rings) {
                    let want_ring = want_ring.as_array().unwrap();
                    assert_eq!(ring.len(), want_ring.len(), "{name}: positions");
                    for (p, w) in ring.iter().zip(want_ring) {
                        let w = position(w);
                        if epsg == 4326 {
                            assert!(
                                (p[0] - w[0]).abs() <= 1e-9 && (p[1] - w[1]).abs() <= 1e-9,
                                "{name}: {p:?} vs {w:?}"
                            );
                        } else {
                            let d = metres(*p, w);
                            worst_metres = worst_metres.max(d);
                            assert!(d < 0.01, "{name}: {p:?} vs PROJ's {w:?}: {d} m");
                        }
                        checked += 1;
                    }
                }
            }
        }
    }
    assert!(checked > 40, "{checked} positions");
    // The formulas agree with PROJ to nanometres and the import rounds to 1e-10 degrees
    // (0.01 mm); a regression shows here long before the 1 cm bound.
    assert!(worst_metres < 1e-4, "worst {worst_metres} m");
}

#[test]
fn projections_agree_with_proj_across_their_domains() {
    let expected = expected();
    let points = expected["_projection_points"].as_array().unwrap();
    assert!(points.len() > 100);
    for point in points {
        let p: Vec<f64> = point
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let crs = Crs::from_epsg(p[0] as u32).unwrap();
        let got = crs.to_wgs84([p[1], p[2]]);
        let d = metres(got, [p[3], p[4]]);
        assert!(
            d < 0.01,
            "EPSG:{} {:?}: {got:?} vs PROJ's {:?}: {d} m",
            p[0],
            &p[1..3],
            &p[3..]
        );
    }
}

/// The order the CLI tests edit: CRLF, tabs, a key after the geometry, a comment-like string.
const ORDER: &str = "{\r\n\t\"dataProduct\": \"bd102407-1814-4f92-8b5a-7697b7a73f5a\",\r\n\t\"params\": {\r\n\t\t\"displayName\": \"Keep  me\",\r\n\t\t\"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},\r\n\t\t\"acquisitionStart\": \"2030-01-01T00:00:00Z\",\r\n\t\t\"acquisitionEnd\": \"2030-02-01T00:00:00Z\"\r\n\t}\r\n}\r\n";

fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn aoi_set_keeps_every_byte_outside_the_geometry_and_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let home = scratch();
    let order = home.path().join("o_tasking_request.json");
    std::fs::write(&order, ORDER).unwrap();
    std::fs::set_permissions(&order, std::fs::Permissions::from_mode(0o640)).unwrap();
    let kml = fixtures().join("google_earth.kml");
    let out = run_in_home(
        home.path(),
        &[
            "--offline",
            "aoi",
            "set",
            order.to_str().unwrap(),
            kml.to_str().unwrap(),
        ],
        &[],
    );
    let after = std::fs::read_to_string(&order).unwrap();
    assert_ne!(after, ORDER, "{}", text(&out));
    // Byte diff: the common prefix and suffix cover everything but the geometry's value.
    let start = ORDER.find("{\"type\"").unwrap();
    let end = ORDER.find("]]]}").unwrap() + 4;
    assert_eq!(&after[..start], &ORDER[..start]);
    assert!(after.ends_with(&ORDER[end..]), "{after}");
    let inserted = &after[start..after.len() - (ORDER.len() - end)];
    assert!(
        !inserted.replace("\r\n", "").contains('\n'),
        "LF in a CRLF file: {inserted:?}"
    );
    assert!(
        inserted.contains("\r\n\t\t\t\"type\": \"Polygon\""),
        "{inserted:?}"
    );
    let value: Value = serde_json::from_str(&after).unwrap();
    let ring = value["params"]["geometry"]["coordinates"][0]
        .as_array()
        .unwrap();
    assert_eq!(position(&ring[0]), [2.3319213, 48.8485146]);
    assert_eq!(
        value["params"]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "the hole is kept"
    );
    let mode = std::fs::metadata(&order).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // The Point placemark was skipped, the polygon named in the summary.
    let said = text(&out);
    assert!(said.contains("Jardin du Luxembourg"), "{said}");
}

/// A STAPI order keeps its geometry at the top level: `aoi set` replaces it there (and adds
/// it when the order has none), keeping every other byte; the advice to add
/// `params.geometry` would have broken the file.
#[test]
fn aoi_set_edits_a_stapi_orders_top_level_geometry() {
    let home = scratch();
    std::fs::write(
        home.path().join("tasking-ls.toml"),
        "[stapi]\nurl = \"http://127.0.0.1:9\"\nproduct = \"optical-30cm\"\n",
    )
    .unwrap();
    let stapi = "{\n    \"datetime\": \"2030-01-01T00:00:00Z/2030-01-05T00:00:00Z\",\n    \"geometry\": {\"type\": \"Point\", \"coordinates\": [10, 45]},\n    \"order_parameters\": {\"resolution\": \"30cm\"}\n}\n";
    let order = home.path().join("ok_stapi_order.json");
    std::fs::write(&order, stapi).unwrap();
    let wkt = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/aoi/south_field.wkt");
    let set = |home: &Path| {
        run_in_home(
            home,
            &[
                "--offline",
                "aoi",
                "set",
                "ok_stapi_order.json",
                wkt.to_str().unwrap(),
            ],
            &[],
        )
    };
    let out = set(home.path());
    let said = text(&out);
    assert_ne!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("ok_stapi_order.json: geometry set from"),
        "{said}"
    );
    let after = std::fs::read_to_string(&order).unwrap();
    let start = stapi.find("{\"type\"").unwrap();
    let end = stapi.find("[10, 45]}").unwrap() + "[10, 45]}".len();
    assert_eq!(&after[..start], &stapi[..start]);
    assert!(after.ends_with(&stapi[end..]), "{after}");
    let value: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(value["geometry"]["type"], "Polygon", "{after}");
    assert_eq!(
        position(&value["geometry"]["coordinates"][0][0]),
        [13.3601, 52.5001]
    );
    assert!(value.get("params").is_none(), "{after}");
    assert!(
        after.contains("\n    \"geometry\": {\n        \"type\": \"Polygon\","),
        "the file's 4-space indent: {after}"
    );

    // No geometry yet: the member is added last, like its siblings.
    let bare = "{\n  \"datetime\": \"2030-01-01T00:00:00Z/..\",\n  \"order_parameters\": {}\n}\n";
    std::fs::write(&order, bare).unwrap();
    let out = set(home.path());
    let after = std::fs::read_to_string(&order).unwrap();
    assert!(
        after.starts_with("{\n  \"datetime\": \"2030-01-01T00:00:00Z/..\",\n  \"order_parameters\": {},\n  \"geometry\": {\n    \"type\": \"Polygon\","),
        "{after}\n{}",
        text(&out)
    );
    let value: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(value["geometry"]["type"], "Polygon");

    // The same file not named as a STAPI order: a clear refusal, no advice that breaks it.
    let other = home.path().join("other.json");
    std::fs::write(&other, stapi).unwrap();
    let out = run_in_home(
        home.path(),
        &[
            "--offline",
            "aoi",
            "set",
            "other.json",
            wkt.to_str().unwrap(),
        ],
        &[],
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("looks like a search-style order")
            && said.contains("*_stapi_order.json")
            && !said.contains("to params first"),
        "{said}"
    );
    assert_eq!(std::fs::read_to_string(&other).unwrap(), stapi);
}

#[test]
fn several_features_are_listed_with_names_and_areas_and_one_is_picked_by_name() {
    let home = scratch();
    let order = home.path().join("o_tasking_request.json");
    std::fs::write(&order, ORDER).unwrap();
    let geojson = fixtures().join("three_features.geojson");
    let args = [
        "--offline",
        "aoi",
        "set",
        order.to_str().unwrap(),
        geojson.to_str().unwrap(),
    ];
    let out = run_in_home(home.path(), &args, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    for name in [
        "\"North field\"",
        "\"South field\"",
        "\"Danube island\"",
        "km²",
        "--feature",
        "--union",
    ] {
        assert!(said.contains(name), "{name} missing: {said}");
    }
    assert_eq!(
        std::fs::read_to_string(&order).unwrap(),
        ORDER,
        "unchanged on error"
    );
    let mut args = args.to_vec();
    args.extend(["--feature", "danube ISLAND"]);
    let out = run_in_home(home.path(), &args, &[]);
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&order).unwrap()).unwrap();
    assert_eq!(
        position(&value["params"]["geometry"]["coordinates"][0][0]),
        [16.4012, 48.2301],
        "{}",
        text(&out)
    );
}

#[test]
fn union_of_touching_features_and_stdin() {
    let home = scratch();
    let order = home.path().join("o_tasking_request.json");
    std::fs::write(&order, ORDER).unwrap();
    // Two squares sharing an edge, as a FeatureCollection on standard input.
    let collection = r#"{"type": "FeatureCollection", "features": [
      {"type": "Feature", "properties": {"name": "a"}, "geometry": {"type": "Polygon", "coordinates": [[[10, 10], [10.1, 10], [10.1, 10.1], [10, 10.1], [10, 10]]]}},
      {"type": "Feature", "properties": {"name": "b"}, "geometry": {"type": "Polygon", "coordinates": [[[10.1, 10], [10.2, 10], [10.2, 10.1], [10.1, 10.1], [10.1, 10]]]}}]}"#;
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tasking-ls"));
    command
        .args([
            "--offline",
            "aoi",
            "set",
            order.to_str().unwrap(),
            "-",
            "--union",
        ])
        .current_dir(home.path())
        .env("HOME", home.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(collection.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&order).unwrap()).unwrap();
    let geometry = &value["params"]["geometry"];
    assert_eq!(geometry["type"], "Polygon", "{}", text(&out));
    let ring: Vec<[f64; 2]> = geometry["coordinates"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(position)
        .collect();
    let xs: Vec<f64> = ring.iter().map(|p| p[0]).collect();
    // The union's integer grid moves positions by about 1e-10 degrees (0.01 mm).
    assert!(
        xs.iter().any(|x| (x - 10.2).abs() < 1e-9) && xs.iter().any(|x| (x - 10.0).abs() < 1e-9),
        "{xs:?}"
    );
    assert!(
        xs.iter().all(|x| (x - 10.1).abs() > 1e-6),
        "the shared edge is gone: {xs:?}"
    );
    // The shared edge's middle vertices are gone or kept, but the union is one ring.
    assert_eq!(geometry["coordinates"].as_array().unwrap().len(), 1);
}

#[test]
fn aoi_info_describes_each_feature_and_a_bad_file_is_a_clear_error() {
    let home = scratch();
    let shp = fixtures().join("berlin_3857.shp");
    let out = run_in_home(home.path(), &["aoi", "info", shp.to_str().unwrap()], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    for part in [
        "EPSG:3857",
        "North field",
        "South field",
        "km²",
        "valid",
        "13.3",
    ] {
        assert!(said.contains(part), "{part} missing: {said}");
    }
    let bad = home.path().join("broken.kml");
    std::fs::write(&bad, "<kml><Placemark><Polygon><outerBoundaryIs>").unwrap();
    let out = run_in_home(home.path(), &["aoi", "info", bad.to_str().unwrap()], &[]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(said.contains("broken.kml: "), "{said}");
    assert!(!said.contains("panicked"), "{said}");
}

#[test]
fn init_with_an_aoi_writes_the_imported_polygon() {
    let home = scratch();
    let zip = fixtures().join("santiago_utm19s.zip");
    let out = run_in_home(
        home.path(),
        &[
            "--offline",
            "init",
            "--aoi",
            zip.to_str().unwrap(),
            "vineyard",
        ],
        &[],
    );
    let path = home.path().join("vineyard_tasking_request.json");
    let written = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{}", text(&out)));
    let value: Value = serde_json::from_str(&written).unwrap();
    let first = position(&value["params"]["geometry"]["coordinates"][0][0]);
    let want = &expected()["santiago_utm19s.zip"]["features"][0]["polygons"][0][0][0];
    assert!(metres(first, position(want)) < 0.01, "{first:?}");
}
